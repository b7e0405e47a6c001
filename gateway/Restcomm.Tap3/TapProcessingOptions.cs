namespace Restcomm.Tap3;

/// <summary>Options of <see cref="TapProcessor"/>.</summary>
public sealed class TapProcessingOptions
{
    /// <summary>Workers decoding call events in parallel (default: one per core).</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>Deepest BER nesting accepted (TAP needs about 12); deeper input is refused.</summary>
    public int MaxDepth { get; set; } = 32;

    /// <summary>Largest single element (a header group or one call event) held in memory.</summary>
    public int MaxElementBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Call events per chunk handed to a worker.</summary>
    public int ChunkSize { get; set; } = 4096;

    /// <summary>Run TD.57 validation (default true).</summary>
    public bool Validate { get; set; } = true;

    /// <summary>Compute the canonical record hash of every call event (default true).</summary>
    public bool ComputeHashes { get; set; } = true;

    /// <summary>Hand the decoded <see cref="CallEvent"/> objects to the chunk callback (default false).</summary>
    public bool KeepRecords { get; set; }

    /// <summary>Reports the number of bytes consumed so far (for progress bars).</summary>
    public IProgress<long>? Progress { get; set; }
}

/// <summary>
/// A run of consecutive call events, delivered in file order. Valid only during the callback: its buffers are reused
/// afterwards, so copy what must outlive it.
/// </summary>
public sealed class TapRecordChunk
{
    internal TapRecordChunk(int capacity)
    {
        Events = new CallEvent?[capacity];
        HashBuffer = new byte[capacity * TapRecordHash.Size];
        Offsets = new long[capacity];
        Rejected = new bool[capacity];
    }

    /// <summary>The file-level groups read before the call events (AuditControlInfo is not known yet).</summary>
    public TapHeader Header { get; internal set; } = new();

    /// <summary>Index (in the file) of the first call event in this chunk.</summary>
    public long FirstIndex { get; internal set; }

    /// <summary>Number of call events in this chunk.</summary>
    public int Count { get; internal set; }

    internal CallEvent?[] Events { get; }

    internal byte[] HashBuffer { get; }

    internal long[] Offsets { get; }

    internal bool[] Rejected { get; }

    /// <summary>The chunk's raw call events, back to back (set by the processor before each callback).</summary>
    internal byte[] RawBuffer { get; set; } = [];

    internal int[]? RawStart { get; set; }

    internal int[]? RawLength { get; set; }

    /// <summary>
    /// The decoded call event at <paramref name="i"/> (0..Count-1) when <see cref="TapProcessingOptions.KeepRecords"/>
    /// is set; null when records are not kept, or when the call event could not be decoded whole (a value that cannot
    /// be decoded, or charges under a tag TD.57 does not define): such a record is returned from its raw bytes.
    /// </summary>
    public CallEvent? GetEvent(int i) => Events[i];

    /// <summary>Canonical hash of the call event at <paramref name="i"/> (all zero when it could not be decoded whole).</summary>
    public ReadOnlySpan<byte> GetHash(int i) => HashBuffer.AsSpan(i * TapRecordHash.Size, TapRecordHash.Size);

    /// <summary>Byte offset of the call event at <paramref name="i"/> in the file.</summary>
    public long GetOffset(int i) => Offsets[i];

    /// <summary>True when the call event at <paramref name="i"/> has a severe error (or could not be decoded).</summary>
    public bool IsRejected(int i) => Rejected[i];

    /// <summary>
    /// The call event at <paramref name="i"/> exactly as it is in the file (its BER element: tag, length and
    /// contents). Valid only during the callback, like the rest of the chunk.
    /// </summary>
    public ReadOnlySpan<byte> GetEncoding(int i)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, Count);
        return RawBuffer.AsSpan(RawStart![i], RawLength![i]);
    }
}

/// <summary>What a processing run found.</summary>
public sealed class TapProcessingResult
{
    internal TapProcessingResult(TapHeader header, TapValidationReport report, TapRunningTotals totals, long bytesRead)
    {
        Header = header;
        Validation = report;
        Totals = totals;
        BytesRead = bytesRead;
    }

    /// <summary>The file-level parts, including AuditControlInfo.</summary>
    public TapHeader Header { get; }

    /// <summary>The TD.57 report (empty when validation was off).</summary>
    public TapValidationReport Validation { get; }

    /// <summary>Totals computed from the call events.</summary>
    public TapRunningTotals Totals { get; }

    /// <summary>Number of call events in the file.</summary>
    public long RecordCount => Totals.RecordCount;

    /// <summary>Bytes consumed.</summary>
    public long BytesRead { get; }
}
