namespace Restcomm.Fabric.Client;

/// <summary>
/// Names to subscribe to the client's traces and metrics (e.g. OpenTelemetry's <c>AddSource</c> and <c>AddMeter</c>).
/// Every Gateway call (evaluate, endorse, submit, commit status, chaincode and block event streams) is an
/// <see cref="System.Diagnostics.Activity"/> of kind Client named <c>fabric.{phase}</c> with the tags
/// <c>fabric.channel</c>, <c>fabric.transaction_id</c> and, on failure, <c>rpc.grpc.status_code</c>; its duration is
/// recorded in the histogram <see cref="CallDuration"/> (seconds) and failures are counted in
/// <see cref="CallFailures"/>, both tagged <c>fabric.phase</c>, <c>fabric.channel</c> and, for failures,
/// <c>rpc.grpc.status_code</c>.
/// </summary>
public static class FabricClientDiagnostics
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> name.</summary>
    public const string ActivitySourceName = "Restcomm.Fabric.Client";

    /// <summary>The <see cref="System.Diagnostics.Metrics.Meter"/> name.</summary>
    public const string MeterName = "Restcomm.Fabric.Client";

    /// <summary>Histogram of call durations in seconds.</summary>
    public const string CallDuration = "fabric.client.call.duration";

    /// <summary>Counter of failed calls.</summary>
    public const string CallFailures = "fabric.client.call.failures";
}
