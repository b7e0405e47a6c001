using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Keeps every registered projection following every (channel, chaincode) stream of this organisation;
/// a stream that fails (peer restart, network) is retried with back-off, resuming from its checkpoint.
/// </summary>
internal sealed partial class ProjectionService(
    GatewayStore store,
    IChaincodeEventFeed feed,
    IEnumerable<IProjection> projections,
    FabricConnectionHolder connection,
    ILogger<ProjectionService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var streams = (connection.Connection?.Channels ?? [])
            .SelectMany(c => c.Chaincodes.Select(cc => (Channel: c.Name, Chaincode: cc)))
            .ToList();
        var runs = new List<Task>();
        foreach (var projection in projections)
        {
            foreach (var (channel, chaincode) in streams)
            {
                runs.Add(FollowAsync(projection, channel, chaincode, stoppingToken));
            }
        }

        return Task.WhenAll(runs);
    }

    private async Task FollowAsync(IProjection projection, string channel, string chaincode, CancellationToken stoppingToken)
    {
        var runner = new ProjectionRunner(store, feed);
        var backoff = TimeSpan.FromMilliseconds(500);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                LogFollowing(logger, projection.Name, channel, chaincode);
                var applied = await runner.RunAsync(projection, channel, chaincode, stoppingToken).ConfigureAwait(false);
                if (applied > 0)
                {
                    backoff = TimeSpan.FromMilliseconds(500);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failing stream must not stop the others; it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogStreamFailed(logger, projection.Name, channel, chaincode, ex.GetType().Name, ex.Message, backoff.TotalSeconds);
            }

            try
            {
                await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Projection {Projection} following {Channel}/{Chaincode}")]
    private static partial void LogFollowing(ILogger logger, string projection, string channel, string chaincode);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Projection {Projection} on {Channel}/{Chaincode} stopped ({ErrorType}: {Error}); retrying in {BackoffSeconds} s")]
    private static partial void LogStreamFailed(ILogger logger, string projection, string channel, string chaincode, string errorType, string error, double backoffSeconds);
}

/// <summary>Forgets stored idempotent responses after their retention time, hourly.</summary>
internal sealed partial class IdempotencyPurgeService(GatewayStore store, Microsoft.Extensions.Options.IOptions<GatewayOptions> options, TimeProvider clock, ILogger<IdempotencyPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            try
            {
                var removed = await store.Idempotency.PurgeAsync(clock.GetUtcNow() - options.Value.IdempotencyRetention, stoppingToken).ConfigureAwait(false);
                LogPurged(logger, removed);
            }
            catch (System.Data.Common.DbException ex)
            {
                LogPurgeFailed(logger, ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Purged {Count} idempotency records")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Purging idempotency records failed: {Error}")]
    private static partial void LogPurgeFailed(ILogger logger, string error);
}

/// <summary>Feeds no events; used when no Fabric connection is configured.</summary>
internal sealed class NoEventFeed : IChaincodeEventFeed
{
    public async IAsyncEnumerable<ChaincodeEvent> ReadAsync(string channel, string chaincode, EventCheckpoint? after, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}
