using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>The client's activity source, instruments and log messages (see <see cref="FabricClientDiagnostics"/>).</summary>
internal static partial class Telemetry
{
    public static readonly ActivitySource Source = new(FabricClientDiagnostics.ActivitySourceName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    private static readonly Meter Meter = new(FabricClientDiagnostics.MeterName, typeof(Telemetry).Assembly.GetName().Version?.ToString());

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        FabricClientDiagnostics.CallDuration, unit: "s", description: "Duration of Gateway calls by phase");

    private static readonly Counter<long> Failures = Meter.CreateCounter<long>(
        FabricClientDiagnostics.CallFailures, unit: "{call}", description: "Gateway calls that failed, by phase and gRPC status");

    public static string Name(Phase phase) => phase switch
    {
        Phase.Evaluate => "evaluate",
        Phase.Endorse => "endorse",
        Phase.Submit => "submit",
        Phase.CommitStatus => "commit_status",
        _ => "events",
    };

    /// <summary>Starts the activity of one call (null when nobody listens).</summary>
    public static Activity? Start(Phase phase, string channel, string transactionId)
    {
        var activity = Source.StartActivity("fabric." + Name(phase), ActivityKind.Client);
        if (activity is not null)
        {
            activity.SetTag("fabric.channel", channel);
            if (transactionId.Length > 0)
            {
                activity.SetTag("fabric.transaction_id", transactionId);
            }
        }

        return activity;
    }

    /// <summary>Records a call that ended, successfully (<paramref name="failure"/> null) or not.</summary>
    public static void Record(Phase phase, string channel, long startedTimestamp, StatusCode? failure, Activity? activity)
    {
        var phaseTag = new KeyValuePair<string, object?>("fabric.phase", Name(phase));
        var channelTag = new KeyValuePair<string, object?>("fabric.channel", channel);
        var seconds = Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds;
        if (failure is { } code)
        {
            var statusTag = new KeyValuePair<string, object?>("rpc.grpc.status_code", (int)code);
            Duration.Record(seconds, phaseTag, channelTag, statusTag);
            Failures.Add(1, phaseTag, channelTag, statusTag);
            activity?.SetTag("rpc.grpc.status_code", (int)code);
            activity?.SetStatus(ActivityStatusCode.Error, code.ToString());
        }
        else
        {
            Duration.Record(seconds, phaseTag, channelTag);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "{Phase} of {TransactionId} on {Channel} answered in {Milliseconds} ms")]
    public static partial void CallCompleted(ILogger logger, string phase, string transactionId, string channel, double milliseconds);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "{Phase} of {TransactionId} on {Channel} failed with {StatusCode} after {Milliseconds} ms: {Detail}")]
    public static partial void CallFailed(ILogger logger, string phase, string transactionId, string channel, StatusCode statusCode, double milliseconds, string detail);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Event stream on {Channel} ended with {StatusCode}: {Detail}")]
    public static partial void StreamFailed(ILogger logger, string channel, StatusCode statusCode, string detail);
}
