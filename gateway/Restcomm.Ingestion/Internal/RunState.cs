using System.Diagnostics;
using Restcomm.Roaming;

namespace Restcomm.Ingestion.Internal;

/// <summary>Counters of one run, shared by the pipeline's tasks, and the progress snapshots made from them.</summary>
internal sealed class RunState(IProgress<IngestionProgress>? progress, long fileBytes)
{
    private const long ReportEveryTicks = TimeSpan.TicksPerMillisecond * 100;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private readonly UsageTotals _file = new();
    private long _lastReport = -ReportEveryTicks;
    private long _bytesRead;
    private long _validated;
    private long _decoded;
    private long _batched;
    private long _endorsed;
    private long _committed;
    private int _batchesCommitted;
    private int _inFlight;

    public IngestionPhase Phase { get; set; } = IngestionPhase.Validating;

    public long RecordsInFile { get; set; }

    public long Rejected { get; set; }

    public long Unsettled { get; set; }

    public List<LeftOutRecord> LeftOut { get; } = [];

    public TimeSpan Elapsed => _clock.Elapsed;

    public void BytesRead(long bytes) => Interlocked.Exchange(ref _bytesRead, bytes);

    public void Validated(long records) => Interlocked.Add(ref _validated, records);

    public void Decoded(long records) => Interlocked.Add(ref _decoded, records);

    public void Batched(long records) => Interlocked.Add(ref _batched, records);

    public void Endorsed(long records) => Interlocked.Add(ref _endorsed, records);

    public void Committed(long records)
    {
        Interlocked.Add(ref _committed, records);
        Interlocked.Increment(ref _batchesCommitted);
    }

    public void InFlight(int delta) => Interlocked.Add(ref _inFlight, delta);

    /// <summary>Counts a settled record in the file's totals (the batcher's thread only).</summary>
    public void Settled(in UsageRecordFields record) => _file.Add(record);

    public IReadOnlyList<ServiceSum> FileTotals() => [.. _file.Services.Select(t => new ServiceSum(t.Service, t.Records, t.Quantity, t.ChargeMinor))];

    public void LeaveOut(long index, long offset, string reason)
    {
        if (LeftOut.Count < 1000)
        {
            LeftOut.Add(new LeftOutRecord(index, offset, reason));
        }
    }

    /// <summary>Reports a snapshot, at most every 100 ms unless <paramref name="force"/>.</summary>
    public void Report(bool force = false)
    {
        if (progress is null)
        {
            return;
        }

        var now = _clock.Elapsed.Ticks;
        lock (_gate)
        {
            if (!force && now - _lastReport < ReportEveryTicks)
            {
                return;
            }

            _lastReport = now;
        }

        progress.Report(new IngestionProgress(Phase, fileBytes, Interlocked.Read(ref _bytesRead), Interlocked.Read(ref _validated), Interlocked.Read(ref _decoded),
            Interlocked.Read(ref _batched), Interlocked.Read(ref _endorsed), Interlocked.Read(ref _committed), RecordsInFile,
            Volatile.Read(ref _batchesCommitted), Volatile.Read(ref _inFlight), _clock.Elapsed));
    }
}
