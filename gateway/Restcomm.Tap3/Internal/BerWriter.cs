using System.Buffers;

namespace Restcomm.Tap3.Internal;

/// <summary>
/// Writes BER with definite, minimal lengths. Constructed elements reserve one length byte and move their content
/// when the final length needs more, so callers write top-down without knowing sizes in advance.
/// </summary>
internal sealed class BerWriter : IDisposable
{
    private readonly Stack<int> _open = new();
    private byte[] _buffer;

    public BerWriter(int initialSize = 64 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialSize);
    }

    public int Length { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Length);

    public void Clear()
    {
        Length = 0;
        _open.Clear();
    }

    public void Begin(int tag)
    {
        WriteTag(tag, constructed: true);
        Ensure(1);
        _buffer[Length++] = 0;
        _open.Push(Length);
    }

    /// <summary>Writes a constructed header with the indefinite length form (for streaming output).</summary>
    public void BeginIndefinite(int tag)
    {
        WriteTag(tag, constructed: true);
        Ensure(1);
        _buffer[Length++] = 0x80;
    }

    public void EndOfContents()
    {
        Ensure(2);
        _buffer[Length++] = 0;
        _buffer[Length++] = 0;
    }

    public void End()
    {
        var start = _open.Pop();
        var length = Length - start;
        if (length < 0x80)
        {
            _buffer[start - 1] = (byte)length;
            return;
        }

        var n = length <= 0xFF ? 1 : length <= 0xFFFF ? 2 : length <= 0xFFFFFF ? 3 : 4;
        Ensure(n);
        Buffer.BlockCopy(_buffer, start, _buffer, start + n, length);
        _buffer[start - 1] = (byte)(0x80 | n);
        for (var i = 0; i < n; i++)
        {
            _buffer[start + i] = (byte)(length >> (8 * (n - 1 - i)));
        }

        Length += n;
    }

    public void Integer(int tag, long value)
    {
        var n = 8;
        while (n > 1)
        {
            var top = (byte)(value >> (8 * (n - 1)));
            var next = (byte)(value >> (8 * (n - 2)));
            if ((top == 0 && (next & 0x80) == 0) || (top == 0xFF && (next & 0x80) != 0))
            {
                n--;
            }
            else
            {
                break;
            }
        }

        WriteTag(tag, constructed: false);
        Ensure(1 + n);
        _buffer[Length++] = (byte)n;
        for (var i = n - 1; i >= 0; i--)
        {
            _buffer[Length++] = (byte)(value >> (8 * i));
        }
    }

    public void Integer(int tag, long? value)
    {
        if (value is long v)
        {
            Integer(tag, v);
        }
    }

    public void Text(int tag, string? value)
    {
        if (value is null)
        {
            return;
        }

        WriteTag(tag, constructed: false);
        WriteLength(value.Length);
        Ensure(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            _buffer[Length++] = (byte)value[i];
        }
    }

    /// <summary>BCDString: two digits per byte, high nibble first, 0xF filler.</summary>
    public void Bcd(int tag, string? digits)
    {
        if (digits is null)
        {
            return;
        }

        var bytes = (digits.Length + 1) / 2;
        WriteTag(tag, constructed: false);
        WriteLength(bytes);
        Ensure(bytes);
        for (var i = 0; i < bytes; i++)
        {
            var high = Nibble(digits[2 * i]);
            var low = (2 * i) + 1 < digits.Length ? Nibble(digits[(2 * i) + 1]) : 0x0F;
            _buffer[Length++] = (byte)((high << 4) | low);
        }
    }

    /// <summary>A primitive element with the given content bytes.</summary>
    public void Primitive(int tag, ReadOnlySpan<byte> content)
    {
        WriteTag(tag, constructed: false);
        WriteLength(content.Length);
        Raw(content);
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(Length));
        Length += bytes.Length;
    }

    private static int Nibble(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        '*' => 10,
        '#' => 11,
        'a' => 12,
        'b' => 13,
        'c' => 14,
        _ => throw new ArgumentException($"'{c}' cannot be written as a BCD digit"),
    };

    private void WriteTag(int tag, bool constructed)
    {
        var number = tag & 0xFFFFFF;
        var cls = (tag >> 24) switch
        {
            0 => 0x40, // application
            1 => 0x00,
            2 => 0x80,
            _ => 0xC0,
        };
        var first = (byte)(cls | (constructed ? 0x20 : 0));
        Ensure(5);
        if (number < 31)
        {
            _buffer[Length++] = (byte)(first | number);
            return;
        }

        _buffer[Length++] = (byte)(first | 0x1F);
        var groups = number < (1 << 7) ? 1 : number < (1 << 14) ? 2 : number < (1 << 21) ? 3 : 4;
        for (var i = groups - 1; i >= 0; i--)
        {
            var b = (byte)((number >> (7 * i)) & 0x7F);
            _buffer[Length++] = i == 0 ? b : (byte)(b | 0x80);
        }
    }

    private void WriteLength(int length)
    {
        Ensure(5);
        if (length < 0x80)
        {
            _buffer[Length++] = (byte)length;
            return;
        }

        var n = length <= 0xFF ? 1 : length <= 0xFFFF ? 2 : length <= 0xFFFFFF ? 3 : 4;
        _buffer[Length++] = (byte)(0x80 | n);
        for (var i = n - 1; i >= 0; i--)
        {
            _buffer[Length++] = (byte)(length >> (8 * i));
        }
    }

    private void Ensure(int extra)
    {
        if (Length + extra <= _buffer.Length)
        {
            return;
        }

        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, Length + extra));
        Buffer.BlockCopy(_buffer, 0, bigger, 0, Length);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
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
