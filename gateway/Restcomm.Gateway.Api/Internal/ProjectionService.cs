using System.Diagnostics;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Runs the projection engine on every channel of this organisation that a projection follows: one block stream per
/// channel through the organisation's one Gateway connection. A channel whose stream fails (peer restart, network,
/// database) is retried with back-off, resuming from the stored positions; the others go on.
/// </summary>
internal sealed partial class ProjectionService(
    ProjectionEngine engine,
    FabricConnectionHolder connection,
    ILogger<ProjectionService> logger) : BackgroundService
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var channels = (connection.Connection?.Channels ?? []).Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        return Task.WhenAll(channels.Where(c => engine.ProjectionsOf(c).Count > 0).Select(c => FollowAsync(c, stoppingToken)));
    }

    private async Task FollowAsync(string channel, CancellationToken stoppingToken)
    {
        // Yield first: start-up must not wait for the first block to arrive.
        await Task.Yield();
        var backoff = TimeSpan.FromMilliseconds(500);
        var failuresInARow = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                LogFollowing(logger, channel, string.Join(", ", engine.ProjectionsOf(channel).Select(p => p.Name)));
                await engine.RunChannelAsync(channel, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failing channel must not stop the others; it is logged and retried.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                // A stream that ran for a while before failing starts again quickly; one that keeps failing backs off.
                if (Stopwatch.GetElapsedTime(started) > MaxBackoff)
                {
                    backoff = TimeSpan.FromMilliseconds(500);
                    failuresInARow = 0;
                }

                // One interruption (a peer restarting, or going away as everything stops) is news; a peer that stays
                // away is a warning.
                if (++failuresInARow == 1)
                {
                    LogStreamInterrupted(logger, channel, ex.GetType().Name, ex.Message, backoff.TotalSeconds);
                }
                else
                {
                    LogStreamFailed(logger, channel, ex.GetType().Name, ex.Message, failuresInARow, backoff.TotalSeconds);
                }
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

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Projections following {Channel}: {Projections}")]
    private static partial void LogFollowing(ILogger logger, string channel, string projections);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Projections on {Channel} stopped ({ErrorType}: {Error}), {Failures} times in a row; retrying in {BackoffSeconds} s")]
    private static partial void LogStreamFailed(ILogger logger, string channel, string errorType, string error, int failures, double backoffSeconds);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Information, Message = "Projections on {Channel} interrupted ({ErrorType}: {Error}); reconnecting in {BackoffSeconds} s")]
    private static partial void LogStreamInterrupted(ILogger logger, string channel, string errorType, string error, double backoffSeconds);
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

/// <summary>Feeds no blocks; used when no Fabric connection is configured.</summary>
internal sealed class NoBlockFeed : IBlockFeed
{
    public async IAsyncEnumerable<Restcomm.Fabric.Ledger.LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        yield break;
    }
}
