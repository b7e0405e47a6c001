using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Restcomm.Fabric.Ledger;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>Settings of the <see cref="ProjectionEngine"/>.</summary>
public sealed class ProjectionEngineOptions
{
    /// <summary>How often a running engine looks for rebuild requests (<c>restcomm projections rebuild</c>). Default 2 s.</summary>
    public TimeSpan RebuildPollInterval { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Follows each channel's blocks through one <see cref="IBlockFeed"/> and keeps every <see cref="IProjection"/> of that
/// channel current: one block stream per channel whatever the number of projections; each block applied to the projections
/// due for it in one database transaction that also moves their positions, so a crash at any moment loses and repeats
/// nothing; empty blocks and blocks of only invalid transactions move the positions too. A rebuild request rewinds a
/// projection to block 0 after emptying its rows.
/// </summary>
public sealed class ProjectionEngine
{
    /// <summary>Name of the meter that counts applied blocks (<c>restcomm.projection.blocks</c>).</summary>
    public const string MeterName = "Restcomm.Gateway.Projections";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> AppliedBlocks = Meter.CreateCounter<long>("restcomm.projection.blocks", "{block}", "Blocks applied to read models.");

    private readonly GatewayStore _store;
    private readonly IBlockFeed _feed;
    private readonly IReadOnlyList<IProjection> _projections;
    private readonly ProjectionEngineOptions _options;
    private readonly ConcurrentDictionary<(string Projection, string Channel), long> _heights = new();
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates an engine.</summary>
    /// <param name="store">The store holding the read models and positions.</param>
    /// <param name="feed">Where blocks come from.</param>
    /// <param name="projections">The projections; names must be unique.</param>
    /// <param name="options">Settings, or the defaults.</param>
    public ProjectionEngine(GatewayStore store, IBlockFeed feed, IEnumerable<IProjection> projections, ProjectionEngineOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(projections);
        _store = store;
        _feed = feed;
        _projections = projections.ToList();
        _options = options ?? new ProjectionEngineOptions();
        var duplicate = _projections.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two projections are named '{duplicate.Key}'.", nameof(projections));
        }
    }

    /// <summary>Called after each block a projection committed (never inside the transaction).</summary>
    public Action<string, IProjection, LedgerBlock>? OnApplied { get; set; }

    /// <summary>The projections that follow <paramref name="channel"/>.</summary>
    /// <param name="channel">A channel.</param>
    /// <returns>The projections.</returns>
    public IReadOnlyList<IProjection> ProjectionsOf(string channel) => _projections.Where(p => p.Follows(channel)).ToList();

    /// <summary>The next block a projection will apply on a channel, as far as this engine has seen; 0 before it started.</summary>
    /// <param name="projection">Projection name.</param>
    /// <param name="channel">Channel name.</param>
    /// <returns>The height: every block below it is in the read model.</returns>
    public long HeightOf(string projection, string channel) => _heights.GetValueOrDefault((projection, channel));

    /// <summary>Waits until a projection reflects every block below <paramref name="height"/> on a channel.</summary>
    /// <param name="projection">Projection name.</param>
    /// <param name="channel">Channel name.</param>
    /// <param name="height">The height wanted.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes when the height is reached.</returns>
    public async Task WaitForHeightAsync(string projection, string channel, long height, CancellationToken cancellationToken)
    {
        while (true)
        {
            var advanced = Volatile.Read(ref _advanced).Task;
            if (HeightOf(projection, channel) >= height)
            {
                return;
            }

            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Follows one channel for every projection of it until cancelled or until the feed ends. A failure (feed, database,
    /// projection) is thrown after rolling back the block it hit: run again to resume from the stored positions.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="cancellationToken">Stops following; the block being applied is rolled back.</param>
    /// <returns>A task that completes when the feed ends.</returns>
    public async Task RunChannelAsync(string channel, CancellationToken cancellationToken)
    {
        var projections = ProjectionsOf(channel);
        if (projections.Count == 0)
        {
            return;
        }

        while (true)
        {
            using var restart = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var next = await PrepareAsync(channel, projections, cancellationToken).ConfigureAwait(false);
            var watcher = WatchForRebuildAsync(channel, projections, restart);
            try
            {
                await FollowAsync(channel, projections, next, restart.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && restart.IsCancellationRequested)
            {
                // A rebuild was requested: prepare again.
            }
            catch (PositionMovedException) when (!cancellationToken.IsCancellationRequested)
            {
                // A rebuild was requested, or another process moved a position: prepare again from what is stored.
            }
            finally
            {
                await restart.CancelAsync().ConfigureAwait(false);
                await watcher.ConfigureAwait(false);
            }
        }
    }

    /// <summary>Does pending rebuilds, reads the positions and lets each projection load what it keeps in memory.</summary>
    private async Task<Dictionary<string, long>> PrepareAsync(string channel, IReadOnlyList<IProjection> projections, CancellationToken cancellationToken)
    {
        var next = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var projection in projections)
        {
            var context = new ProjectionContext(channel, connection, transaction, _store.Provider);
            var position = await _store.Positions.GetAsync(connection, transaction, projection.Name, channel, cancellationToken).ConfigureAwait(false);
            if (position is { RebuildRequested: true })
            {
                await projection.ResetAsync(context, cancellationToken).ConfigureAwait(false);
                await _store.Positions.RewindAsync(connection, transaction, projection.Name, channel, cancellationToken).ConfigureAwait(false);
                position = position with { NextBlock = 0, RebuildRequested = false };
            }

            var from = position?.NextBlock ?? 0;
            await projection.StartAsync(context, from, cancellationToken).ConfigureAwait(false);
            next[projection.Name] = from;
            Publish(projection.Name, channel, from);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return next;
    }

    private async Task FollowAsync(string channel, IReadOnlyList<IProjection> projections, Dictionary<string, long> next, CancellationToken cancellationToken)
    {
        var due = new List<IProjection>(projections.Count);
        await foreach (var block in _feed.ReadBlocksAsync(channel, next.Values.Min(), cancellationToken).ConfigureAwait(false))
        {
            var number = (long)block.Number;
            due.Clear();
            foreach (var projection in projections)
            {
                var wanted = next[projection.Name];
                if (wanted < number)
                {
                    throw new InvalidDataException($"The block feed of channel {channel} skipped from block {wanted} to {number}.");
                }

                if (wanted == number)
                {
                    due.Add(projection);
                }
            }

            if (due.Count == 0)
            {
                continue;
            }

            var lastTransaction = block.Transactions.Count > 0 ? block.Transactions[^1].TransactionId : string.Empty;
            var fed = 0;
            await using (var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                var context = new ProjectionContext(channel, connection, transaction, _store.Provider);
                foreach (var projection in due)
                {
                    await projection.ApplyAsync(context, block, cancellationToken).ConfigureAwait(false);
                    if (projection is IChangeFeedSource source)
                    {
                        fed += await _store.ChangeFeed.AppendAsync(connection, transaction, source, channel, block, cancellationToken).ConfigureAwait(false);
                    }

                    if (!await _store.Positions.AdvanceAsync(connection, transaction, projection.Name, channel, number, number + 1, lastTransaction, cancellationToken).ConfigureAwait(false))
                    {
                        throw new PositionMovedException();
                    }
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            if (fed > 0)
            {
                _store.ChangeFeed.Pulse();
            }

            foreach (var projection in due)
            {
                next[projection.Name] = number + 1;
                projection.Committed(channel, block);
                Publish(projection.Name, channel, number + 1);
                AppliedBlocks.Add(1, new KeyValuePair<string, object?>("projection", projection.Name), new KeyValuePair<string, object?>("channel", channel));
                OnApplied?.Invoke(channel, projection, block);
            }
        }
    }

    /// <summary>Polls for rebuild requests of the channel's projections and cancels the stream when one appears.</summary>
    private async Task WatchForRebuildAsync(string channel, IReadOnlyList<IProjection> projections, CancellationTokenSource restart)
    {
        using var timer = new PeriodicTimer(_options.RebuildPollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(restart.Token).ConfigureAwait(false))
            {
                if (await RebuildRequestedAsync(channel, projections, restart.Token).ConfigureAwait(false))
                {
                    await restart.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Following stopped.
        }
    }

    private async Task<bool> RebuildRequestedAsync(string channel, IReadOnlyList<IProjection> projections, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var projection in projections)
            {
                if (await _store.Positions.GetAsync(projection.Name, channel, cancellationToken).ConfigureAwait(false) is { RebuildRequested: true })
                {
                    return true;
                }
            }
        }
        catch (System.Data.Common.DbException)
        {
            // The database is briefly away: the follow loop meets it too and reports it; the next tick looks again.
        }

        return false;
    }

    private void Publish(string projection, string channel, long height)
    {
        _heights[(projection, channel)] = height;
        Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    private sealed class PositionMovedException : Exception
    {
        public PositionMovedException()
            : base("A projection's stored position moved under it.")
        {
        }
    }
}
