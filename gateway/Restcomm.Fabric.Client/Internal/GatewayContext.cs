using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Fabric.Protos.Peer;
using GatewayService = Restcomm.Fabric.Protos.Gateway.Gateway;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>What every object created from one <see cref="Client.Gateway"/> shares.</summary>
internal sealed class GatewayContext
{
    public GatewayContext(CallInvoker invoker, GatewayOptions options)
    {
        Options = options;
        Signing = new SigningIdentity(options.Identity, options.Signer, options.Hash);
        Gateway = new GatewayService.GatewayClient(invoker);
        Deliver = new Deliver.DeliverClient(invoker);
        Logger = options.LoggerFactory?.CreateLogger("Restcomm.Fabric.Client") ?? NullLogger.Instance;
    }

    public GatewayOptions Options { get; }

    public SigningIdentity Signing { get; }

    public GatewayService.GatewayClient Gateway { get; }

    public Deliver.DeliverClient Deliver { get; }

    public ILogger Logger { get; }

    /// <summary>gRPC call options: the call's own deadline or timeout when given, else <paramref name="defaultTimeout"/>.</summary>
    public static CallOptions CallOptions(TimeSpan defaultTimeout, RequestOptions? request, CancellationToken cancellationToken)
    {
        DateTime? deadline;
        if (request?.Deadline is { } at)
        {
            deadline = at.UtcDateTime;
        }
        else
        {
            var timeout = request?.Timeout ?? defaultTimeout;
            deadline = timeout == Timeout.InfiniteTimeSpan || timeout <= TimeSpan.Zero ? null : DateTime.UtcNow + timeout;
        }

        return new CallOptions(deadline: deadline, cancellationToken: cancellationToken);
    }

    /// <summary>
    /// One unary Gateway call of <paramref name="phase"/>: with its deadline, traced, measured, logged, and a failure
    /// mapped to the phase's exception.
    /// </summary>
    public async Task<TResponse> CallAsync<TResponse>(
        Phase phase, string channel, string transactionId, TimeSpan defaultTimeout, RequestOptions? request,
        Func<CallOptions, AsyncUnaryCall<TResponse>> call, CancellationToken cancellationToken)
    {
        using var activity = Telemetry.Start(phase, channel, transactionId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await call(CallOptions(defaultTimeout, request, cancellationToken)).ConfigureAwait(false);
            Telemetry.Record(phase, channel, started, null, activity);
            if (Logger.IsEnabled(LogLevel.Debug))
            {
                Telemetry.CallCompleted(Logger, Telemetry.Name(phase), transactionId, channel, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }

            return response;
        }
        catch (RpcException e)
        {
            var mapped = ErrorMapping.Map(e, phase, transactionId, cancellationToken);
            var code = mapped is GatewayException g ? g.StatusCode : StatusCode.Cancelled;
            Telemetry.Record(phase, channel, started, code, activity);
            Telemetry.CallFailed(Logger, Telemetry.Name(phase), transactionId, channel, code, Stopwatch.GetElapsedTime(started).TotalMilliseconds, e.Status.Detail);
            throw mapped;
        }
    }
}
