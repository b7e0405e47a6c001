using System.Data.Common;
using Dapper;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>
/// Where a projection stands on a channel: the next block to apply and the last transaction of the block applied before
/// it (empty for a block without transactions), and whether a rebuild from block 0 was requested.
/// </summary>
/// <param name="Projection">Projection name.</param>
/// <param name="Channel">Channel name.</param>
/// <param name="NextBlock">The next block to apply; the read model reflects every block below it.</param>
/// <param name="LastTransactionId">The last transaction of block <c>NextBlock - 1</c>, or empty.</param>
/// <param name="RebuildRequested">Whether a rebuild from block 0 waits to be done.</param>
/// <param name="UpdatedAt">When the position last moved.</param>
public sealed record ProjectionPosition(string Projection, string Channel, long NextBlock, string LastTransactionId, bool RebuildRequested, DateTimeOffset UpdatedAt);

/// <summary>The stored positions of projections (table <c>projection_positions</c>).</summary>
public sealed class ProjectionPositions
{
    private readonly GatewayStore _store;

    internal ProjectionPositions(GatewayStore store) => _store = store;

    /// <summary>Every stored position, by projection and channel.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The positions.</returns>
    public async Task<IReadOnlyList<ProjectionPosition>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            Select + " ORDER BY projection, channel", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToPosition()).ToList();
    }

    /// <summary>A projection's position on a channel, or null before its first block.</summary>
    /// <param name="projection">Projection name.</param>
    /// <param name="channel">Channel name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The position or null.</returns>
    public async Task<ProjectionPosition?> GetAsync(string projection, string channel, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await GetAsync(connection, null, projection, channel, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks for a projection to be rebuilt from block 0 on every channel it has followed: the engine following it empties its
    /// rows and replays the ledger (at once when it runs, else when it next starts).
    /// </summary>
    /// <param name="projection">Projection name.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>How many (projection, channel) positions were marked; 0 when the projection never ran here.</returns>
    public async Task<int> RequestRebuildAsync(string projection, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE projection_positions SET rebuild_requested = 1, updated_at = @Now WHERE projection = @Projection",
            new { Projection = projection, Now = _store.NowMs() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    internal async Task<ProjectionPosition?> GetAsync(DbConnection connection, DbTransaction? transaction, string projection, string channel, CancellationToken cancellationToken)
    {
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Select + " WHERE projection = @Projection AND channel = @Channel",
            new { Projection = projection, Channel = channel }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToPosition();
    }

    /// <summary>
    /// Moves a position from <paramref name="expectedNext"/> to <paramref name="next"/>; false when the stored position is
    /// not the expected one (a rebuild was requested, or another process moved it), so nothing may be committed.
    /// </summary>
    internal async Task<bool> AdvanceAsync(
        DbConnection connection, DbTransaction transaction, string projection, string channel, long expectedNext, long next, string lastTransactionId, CancellationToken cancellationToken)
    {
        var now = _store.NowMs();
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE projection_positions SET next_block = @Next, last_transaction_id = @LastTx, updated_at = @Now
            WHERE projection = @Projection AND channel = @Channel AND next_block = @Expected AND rebuild_requested = 0
            """,
            new { Projection = projection, Channel = channel, Next = next, LastTx = lastTransactionId, Now = now, Expected = expectedNext },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (moved == 1)
        {
            return true;
        }

        if (expectedNext != 0 || await GetAsync(connection, transaction, projection, channel, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        // The projection's first block on this channel: its row is created with it. A concurrent creator makes this
        // insert fail on the primary key, and the caller's transaction rolls back.
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO projection_positions (projection, channel, next_block, last_transaction_id, rebuild_requested, updated_at)
            VALUES (@Projection, @Channel, @Next, @LastTx, 0, @Now)
            """,
            new { Projection = projection, Channel = channel, Next = next, LastTx = lastTransactionId, Now = now },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return true;
    }

    /// <summary>Rewinds a position to block 0 and clears its rebuild request.</summary>
    internal async Task RewindAsync(DbConnection connection, DbTransaction transaction, string projection, string channel, CancellationToken cancellationToken)
        => await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE projection_positions SET next_block = 0, last_transaction_id = '', rebuild_requested = 0, updated_at = @Now WHERE projection = @Projection AND channel = @Channel",
            new { Projection = projection, Channel = channel, Now = _store.NowMs() }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);

    private const string Select =
        "SELECT projection AS Projection, channel AS Channel, next_block AS NextBlock, last_transaction_id AS LastTransactionId, rebuild_requested AS RebuildRequested, updated_at AS UpdatedAt FROM projection_positions";

    private sealed class Row
    {
        public string Projection { get; set; } = "";
        public string Channel { get; set; } = "";
        public long NextBlock { get; set; }
        public string LastTransactionId { get; set; } = "";
        public long RebuildRequested { get; set; }
        public long UpdatedAt { get; set; }

        public ProjectionPosition ToPosition()
            => new(Projection, Channel, NextBlock, LastTransactionId, RebuildRequested != 0, DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
    }
}
