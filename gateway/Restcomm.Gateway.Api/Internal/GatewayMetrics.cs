using System.Diagnostics.Metrics;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>The API's own instruments (ASP.NET Core's request metrics come from its instrumentation).</summary>
internal static class GatewayMetrics
{
    public const string MeterName = "Restcomm.Gateway.Api";

    private static readonly Meter Meter = new(MeterName);

    public static Counter<long> IdempotentReplays { get; } = Meter.CreateCounter<long>("restcomm.api.idempotent_replays", "{request}", "POSTs answered from a stored response.");

    public static Counter<long> LedgerCalls { get; } = Meter.CreateCounter<long>("restcomm.api.ledger_calls", "{call}", "Evaluate and submit calls made to the Fabric gateway.");

    public static Histogram<double> LedgerDuration { get; } = Meter.CreateHistogram<double>("restcomm.api.ledger_call_duration", "s", "Duration of calls to the Fabric gateway.");
}
