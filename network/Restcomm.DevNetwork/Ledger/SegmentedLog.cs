using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO.Hashing;
using Microsoft.Win32.SafeHandles;

namespace Restcomm.DevNetwork.Ledger;

/// <summary>Where a record of a <see cref="SegmentedLog"/> is: its segment, the offset of its frame, its length.</summary>
internal readonly record struct LogPosition(int Segment, long Offset, int Length);

/// <summary>
/// Records appended to files beside the ledger (<c>{base}.000000</c>, <c>{base}.000001</c>, …), as Fabric keeps its
/// block files: each record framed by its length and a CRC-32 of its bytes, a batch written with one system call and
/// no sync (a killed process loses nothing a call returned for, as the ledger's WAL with <c>synchronous=NORMAL</c>);
/// <see cref="Sync"/> makes what was written durable. A log opened again appends to a new segment, so a record torn
/// by a kill while it was written is never followed by another: reading a segment stops at the first incomplete or
/// damaged frame. A segment is closed once it passes <see cref="SegmentBytes"/>.
/// </summary>
internal sealed class SegmentedLog : IDisposable
{
    private const int FrameHeader = 8; // u32 length, u32 CRC-32 of the record's bytes

    private readonly string _basePath;
    private readonly long _segmentBytes;
    private readonly Lock _appendLock = new();
    private readonly ConcurrentDictionary<int, SafeFileHandle> _readers = new();
    private readonly List<int> _unsynced = [];
    private SafeFileHandle _current;
    private long _currentLength;
    private bool _disposed;

    public const long DefaultSegmentBytes = 64L * 1024 * 1024;

    public SegmentedLog(string basePath, long segmentBytes = DefaultSegmentBytes)
    {
        _basePath = basePath;
        _segmentBytes = segmentBytes;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(basePath))!);
        Segments = [.. ExistingSegments(basePath)];
        CurrentSegment = Segments.Count == 0 ? 0 : Segments[^1] + 1;
        foreach (var empty in Segments.Where(s => new FileInfo(SegmentPath(s)).Length == 0).ToList())
        {
            File.Delete(SegmentPath(empty)); // a log opened and closed without appending
            Segments.Remove(empty);
        }

        _current = OpenForAppend(CurrentSegment);
        Segments.Add(CurrentSegment);
    }

    /// <summary>The segments on disk, oldest first; the last is the one being appended to.</summary>
    public List<int> Segments { get; }

    public int CurrentSegment { get; private set; }

    public long SegmentBytes => _segmentBytes;

    private string SegmentPath(int segment) => $"{_basePath}.{segment:D6}";

    private static IEnumerable<int> ExistingSegments(string basePath)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(basePath))!;
        var prefix = Path.GetFileName(basePath) + ".";
        return Directory.EnumerateFiles(directory, prefix + "*")
            .Select(f => Path.GetFileName(f)[prefix.Length..])
            .Where(s => s.Length == 6 && s.All(char.IsAsciiDigit))
            .Select(int.Parse)
            .Order();
    }

    private SafeFileHandle OpenForAppend(int segment)
    {
        _currentLength = 0;
        return File.OpenHandle(SegmentPath(segment), FileMode.CreateNew, FileAccess.Write, FileShare.Read | FileShare.Delete);
    }

    /// <summary>
    /// Appends the records in one write (after closing the current segment when it is full) and returns where each
    /// one is. Empty records are allowed.
    /// </summary>
    public LogPosition[] Append(IReadOnlyList<ReadOnlyMemory<byte>> records)
    {
        var total = 0L;
        foreach (var r in records)
        {
            total += FrameHeader + r.Length;
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)total);
        try
        {
            lock (_appendLock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_currentLength > 0 && _currentLength + total > _segmentBytes)
                {
                    _unsynced.Add(CurrentSegment);
                    _current.Dispose();
                    CurrentSegment++;
                    _current = OpenForAppend(CurrentSegment);
                    lock (Segments)
                    {
                        Segments.Add(CurrentSegment);
                    }
                }

                var positions = new LogPosition[records.Count];
                var at = 0;
                for (var i = 0; i < records.Count; i++)
                {
                    var span = records[i].Span;
                    BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(at), (uint)span.Length);
                    BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(at + 4), Crc32.HashToUInt32(span));
                    span.CopyTo(buffer.AsSpan(at + FrameHeader));
                    positions[i] = new LogPosition(CurrentSegment, _currentLength + at, span.Length);
                    at += FrameHeader + span.Length;
                }

                RandomAccess.Write(_current, buffer.AsSpan(0, at), _currentLength);
                _currentLength += at;
                return positions;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The record at <paramref name="position"/>; throws <see cref="InvalidDataException"/> when its frame is damaged.</summary>
    public byte[] Read(LogPosition position)
    {
        var handle = _readers.GetOrAdd(position.Segment, s => File.OpenHandle(SegmentPath(s), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        Span<byte> header = stackalloc byte[FrameHeader];
        var body = new byte[position.Length]; // read in place: a block is about 1.3 MB, not worth a second copy
        ReadExactly(handle, header, position.Offset, position);
        ReadExactly(handle, body, position.Offset + FrameHeader, position);
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != (uint)position.Length || BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != Crc32.HashToUInt32(body))
        {
            throw new InvalidDataException($"the record at {position.Offset} of {SegmentPath(position.Segment)} is damaged");
        }

        return body;
    }

    private void ReadExactly(SafeFileHandle handle, Span<byte> into, long offset, LogPosition record)
    {
        for (var read = 0; read < into.Length;)
        {
            var n = RandomAccess.Read(handle, into[read..], offset + read);
            if (n == 0)
            {
                throw new InvalidDataException($"{SegmentPath(record.Segment)} ends before the end of the record at {record.Offset}");
            }

            read += n;
        }
    }

    /// <summary>Every whole record of a segment, in order, up to the first incomplete or damaged frame.</summary>
    public IEnumerable<(LogPosition Position, byte[] Record)> ReadSegment(int segment)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(SegmentPath(segment));
        }
        catch (FileNotFoundException)
        {
            yield break;
        }

        var at = 0L;
        while (bytes.Length - at >= FrameHeader)
        {
            var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at));
            if (length > bytes.Length - at - FrameHeader)
            {
                yield break;
            }

            var body = bytes.AsSpan((int)(at + FrameHeader), (int)length);
            if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)at + 4)) != Crc32.HashToUInt32(body))
            {
                yield break;
            }

            yield return (new LogPosition(segment, at, (int)length), body.ToArray());
            at += FrameHeader + length;
        }
    }

    /// <summary>Removes a closed segment (never the one being appended to).</summary>
    public void Delete(int segment)
    {
        lock (_appendLock)
        {
            if (segment == CurrentSegment || _disposed)
            {
                return;
            }

            _unsynced.Remove(segment);
            lock (Segments)
            {
                Segments.Remove(segment);
            }
        }

        if (_readers.TryRemove(segment, out var reader))
        {
            reader.Dispose();
        }

        File.Delete(SegmentPath(segment));
    }

    /// <summary>Syncs what was appended to disk (closed segments not synced yet, and the current one).</summary>
    public void Sync()
    {
        lock (_appendLock)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var segment in _unsynced)
            {
                using var closed = File.OpenHandle(SegmentPath(segment), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
                RandomAccess.FlushToDisk(closed);
            }

            _unsynced.Clear();
            RandomAccess.FlushToDisk(_current);
        }
    }

    public void Dispose()
    {
        lock (_appendLock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _current.Dispose();
        }

        foreach (var reader in _readers.Values)
        {
            reader.Dispose();
        }

        _readers.Clear();
    }
}
