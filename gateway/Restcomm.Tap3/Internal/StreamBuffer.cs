using System.Buffers;

namespace Restcomm.Tap3.Internal;

/// <summary>
/// A read-ahead window over a stream: holds the unread bytes in one pooled buffer that grows only as far as the
/// largest single element requires (bounded), so memory does not depend on the file's size.
/// </summary>
internal sealed class StreamBuffer : IDisposable
{
    private readonly Stream _stream;
    private readonly int _maxWindow;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private long _bufferOffset;

    public StreamBuffer(Stream stream, int initialSize, int maxWindow)
    {
        _stream = stream;
        _maxWindow = maxWindow;
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    /// <summary>Absolute offset of the first unread byte.</summary>
    public long Position => _bufferOffset + _start;

    public bool EndOfInput { get; private set; }

    public int Available => _end - _start;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(_start, _end - _start);

    /// <summary>Total bytes read from the stream so far.</summary>
    public long BytesRead => _bufferOffset + _end;

    /// <summary>Makes at least <paramref name="minimum"/> bytes available; false when the stream ends first.</summary>
    public async ValueTask<bool> FillAsync(int minimum, CancellationToken cancellationToken)
    {
        while (Available < minimum && !EndOfInput)
        {
            if (minimum > _maxWindow)
            {
                throw new TapFormatException($"an element needs {minimum} bytes in memory, more than the limit of {_maxWindow}", Position);
            }

            if (_buffer.Length - _start < minimum || _end == _buffer.Length)
            {
                MakeRoom(minimum);
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                EndOfInput = true;
            }
            else
            {
                _end += read;
            }
        }

        return Available >= minimum;
    }

    /// <summary>Reads more bytes than are currently available (growing the window if needed); false at end of input.</summary>
    public async ValueTask<bool> FillMoreAsync(CancellationToken cancellationToken)
    {
        if (EndOfInput)
        {
            return false;
        }

        var wanted = (int)Math.Min((long)Math.Max(Available, 4096) * 2, _maxWindow + 1L);
        await FillAsync(Math.Max(wanted, Available + 1), cancellationToken).ConfigureAwait(false);
        return true;
    }

    public void Advance(int count) => _start += count;

    private void MakeRoom(int minimum)
    {
        var live = _end - _start;
        if (_buffer.Length >= minimum && _buffer.Length - live >= Math.Min(_buffer.Length / 2, 64 * 1024))
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, live);
        }
        else
        {
            var size = Math.Max(minimum, _buffer.Length * 2);
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(size, Math.Max(_maxWindow, minimum)));
            Buffer.BlockCopy(_buffer, _start, bigger, 0, live);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        _bufferOffset += _start;
        _start = 0;
        _end = live;
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
