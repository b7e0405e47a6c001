using System.Diagnostics.Metrics;

namespace Restcomm.Ingestion.Internal;

/// <summary>
/// OpenTelemetry metrics of the ingestion (meter <c>Restcomm.Ingestion</c>): records per stage, batches per outcome,
/// retries per reason, batches in flight, and per-phase latencies.
/// </summary>
internal static class IngestionMetrics
{
    public const string MeterName = "Restcomm.Ingestion";

    private static readonly Meter Meter = new(MeterName, "1.0");

    /// <summary>Records per stage (<c>stage</c>: validated, decoded, rejected, unsettled, batched, committed).</summary>
    public static readonly Counter<long> Records = Meter.CreateCounter<long>("restcomm.ingestion.records", "{record}", "Records through each stage of the ingestion");

    /// <summary>Batches per outcome (<c>outcome</c>: sealed, committed, already_submitted, failed).</summary>
    public static readonly Counter<long> Batches = Meter.CreateCounter<long>("restcomm.ingestion.batches", "{batch}", "Batches by outcome");

    /// <summary>Retries per reason (<c>reason</c>: a gRPC status or a validation code).</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("restcomm.ingestion.retries", "{retry}", "Batch submissions retried");

    /// <summary>Batches being endorsed, ordered or awaiting their commit.</summary>
    public static readonly UpDownCounter<long> InFlight = Meter.CreateUpDownCounter<long>("restcomm.ingestion.batches_in_flight", "{batch}", "Batches in flight");

    /// <summary>Latency of a phase (<c>phase</c>: validate_pass, ingest_pass, seal, outbox, endorse, submit, commit).</summary>
    public static readonly Histogram<double> PhaseDuration = Meter.CreateHistogram<double>("restcomm.ingestion.phase.duration", "s", "Duration of each ingestion phase");

    public static void Record(string stage, long count)
    {
        if (count != 0)
        {
            Records.Add(count, new KeyValuePair<string, object?>("stage", stage));
        }
    }

    public static void Batch(string outcome) => Batches.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public static void Retry(string reason) => Retries.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public static void Phase(string phase, TimeSpan duration) => PhaseDuration.Record(duration.TotalSeconds, new KeyValuePair<string, object?>("phase", phase));
}
