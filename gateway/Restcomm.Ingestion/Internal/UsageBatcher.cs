namespace Restcomm.Ingestion.Internal;

/// <summary>A batch the batcher closed: one period's records, consecutive in that period's order in the file.</summary>
/// <param name="Period">The period, <c>yyyy-MM</c>.</param>
/// <param name="FirstIndex">File index of the first record.</param>
/// <param name="LastIndex">File index of the last record.</param>
/// <param name="Records">The records' canonical encodings, in file order.</param>
/// <param name="PayloadBytes">The payload's size.</param>
internal sealed record ClosedBatch(string Period, long FirstIndex, long LastIndex, IReadOnlyList<byte[]> Records, int PayloadBytes);

/// <summary>
/// Cuts records into batches: at most <c>maxRecords</c> records and <c>maxBytes</c> payload bytes, never two periods in
/// one batch. One batch is open per period (a file near a month's end interleaves two); opening one more period than
/// <c>maxOpenPeriods</c> closes the batch that was opened first. A batch open longer than <c>linger</c> is closed when
/// <see cref="CloseLingering"/> runs (at each chunk of the file). Without the linger the cut depends only on the
/// records, and the outbox records every cut, so a resumed run rebuilds exactly the same batches.
/// </summary>
internal sealed class UsageBatcher(int maxRecords, int maxBytes, TimeSpan linger, int maxOpenPeriods, TimeProvider clock)
{
    /// <summary>A payload's record count prefix.</summary>
    public const int PayloadHeaderBytes = 4;

    private readonly Dictionary<string, Open> _open = new(StringComparer.Ordinal);

    /// <summary>Batches open now.</summary>
    public int OpenCount => _open.Count;

    /// <summary>Adds a record's canonical encoding; closed batches (if any) are appended to <paramref name="closed"/>.</summary>
    public void Add(byte[] record, string period, long index, List<ClosedBatch> closed)
    {
        var payloadBytes = 2 + record.Length;
        if (!_open.TryGetValue(period, out var batch))
        {
            if (_open.Count >= maxOpenPeriods)
            {
                Close(_open.Values.MinBy(b => b.FirstIndex)!, closed);
            }

            batch = Start(period, index);
        }
        else if (batch.Bytes + payloadBytes > maxBytes)
        {
            Close(batch, closed);
            batch = Start(period, index);
        }

        batch.Records.Add(record);
        batch.Bytes += payloadBytes;
        batch.LastIndex = index;
        if (batch.Records.Count >= maxRecords)
        {
            Close(batch, closed);
        }
    }

    /// <summary>Closes the batches open longer than the linger.</summary>
    public void CloseLingering(List<ClosedBatch> closed)
    {
        var now = clock.GetTimestamp();
        foreach (var batch in _open.Values.Where(b => clock.GetElapsedTime(b.Started, now) >= linger).OrderBy(b => b.FirstIndex).ToList())
        {
            Close(batch, closed);
        }
    }

    /// <summary>Closes every open batch, in the order they were opened.</summary>
    public void CloseAll(List<ClosedBatch> closed)
    {
        foreach (var batch in _open.Values.OrderBy(b => b.FirstIndex).ToList())
        {
            Close(batch, closed);
        }
    }

    private Open Start(string period, long index)
    {
        var batch = new Open(period, index, clock.GetTimestamp());
        _open[period] = batch;
        return batch;
    }

    private void Close(Open batch, List<ClosedBatch> closed)
    {
        _open.Remove(batch.Period);
        closed.Add(new ClosedBatch(batch.Period, batch.FirstIndex, batch.LastIndex, batch.Records, batch.Bytes));
    }

    private sealed class Open(string period, long firstIndex, long started)
    {
        public string Period { get; } = period;

        public long FirstIndex { get; } = firstIndex;

        public long LastIndex { get; set; } = firstIndex;

        public long Started { get; } = started;

        public List<byte[]> Records { get; } = [];

        public int Bytes { get; set; } = PayloadHeaderBytes;
    }
}
