using System.Data.Common;
using Dapper;
using Restcomm.Fabric.Ledger;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>A chaincode event kept in the change-feed read model.</summary>
/// <param name="Sequence">Position in the store (ascending in commit order per stream).</param>
/// <param name="Event">The event.</param>
/// <param name="RecordedAt">When the gateway recorded it.</param>
public sealed record RecordedLedgerEvent(long Sequence, ChaincodeEvent Event, DateTimeOffset RecordedAt);

/// <summary>One page of a keyset-paginated query.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">The items.</param>
/// <param name="HasMore">Whether items follow the last one.</param>
public sealed record StorePage<T>(IReadOnlyList<T> Items, bool HasMore);

/// <summary>The change-feed read model: every chaincode event the gateway follows, in order.</summary>
public sealed class LedgerEventStore
{
    private readonly GatewayStore _store;

    internal LedgerEventStore(GatewayStore store) => _store = store;

    /// <summary>Events after <paramref name="afterSequence"/>, oldest first.</summary>
    /// <param name="channel">Only this channel, or every channel when null.</param>
    /// <param name="afterSequence">Sequence of the last event already seen, or 0.</param>
    /// <param name="limit">Page size (1..1000).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page.</returns>
    public async Task<StorePage<RecordedLedgerEvent>> ListAsync(string? channel, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            """
            SELECT seq AS Seq, channel AS Channel, chaincode AS Chaincode, block_number AS BlockNumber, transaction_id AS TransactionId,
                   event_name AS EventName, payload AS Payload, recorded_at AS RecordedAt
            FROM ledger_events
            WHERE seq > @After AND (@Channel IS NULL OR channel = @Channel)
            ORDER BY seq
            LIMIT @Take
            """,
            new { After = afterSequence, Channel = channel, Take = limit + 1 }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var hasMore = rows.Count > limit;
        return new StorePage<RecordedLedgerEvent>(rows.Take(limit).Select(r => r.ToEvent()).ToList(), hasMore);
    }

    /// <summary>How many events are recorded for a stream (for tests and diagnostics).</summary>
    /// <param name="channel">Channel name.</param>
    /// <param name="chaincode">Chaincode name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The count.</returns>
    public async Task<long> CountAsync(string channel, string chaincode, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM ledger_events WHERE channel = @Channel AND chaincode = @Chaincode",
            new { Channel = channel, Chaincode = chaincode }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    internal async Task InsertAsync(DbConnection connection, DbTransaction transaction, ChaincodeEvent e, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ledger_events (channel, chaincode, block_number, transaction_id, event_name, payload, recorded_at)
            VALUES (@Channel, @Chaincode, @BlockNumber, @TransactionId, @EventName, @Payload, @Now)
            """,
            new { e.Channel, e.Chaincode, e.BlockNumber, e.TransactionId, e.EventName, Payload = e.Payload.ToArray(), Now = _store.NowMs() },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class Row
    {
        public long Seq { get; set; }
        public string Channel { get; set; } = "";
        public string Chaincode { get; set; } = "";
        public long BlockNumber { get; set; }
        public string TransactionId { get; set; } = "";
        public string EventName { get; set; } = "";
        public byte[] Payload { get; set; } = [];
        public long RecordedAt { get; set; }

        public RecordedLedgerEvent ToEvent() => new(
            Seq,
            new ChaincodeEvent(Channel, Chaincode, BlockNumber, TransactionId, EventName, Payload),
            DateTimeOffset.FromUnixTimeMilliseconds(RecordedAt));
    }
}

/// <summary>The projection that fills <see cref="LedgerEventStore"/>: the chaincode events of every valid transaction, on every channel.</summary>
public sealed class LedgerEventsProjection : IProjection
{
    private readonly GatewayStore _store;

    /// <summary>Creates the projection over a store.</summary>
    /// <param name="store">The store holding the read model.</param>
    public LedgerEventsProjection(GatewayStore store) => _store = store;

    /// <inheritdoc />
    public string Name => "ledger-events";

    /// <inheritdoc />
    public bool Follows(string channel) => true;

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(block);
        foreach (var transaction in block.Transactions)
        {
            if (transaction.IsValid && transaction.ChaincodeEvent is { } e)
            {
                var recorded = new ChaincodeEvent(context.Channel, e.ChaincodeId, (long)block.Number, transaction.TransactionId, e.EventName, e.Payload.Memory);
                await _store.LedgerEvents.InsertAsync(context.Connection, context.Transaction, recorded, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM ledger_events WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken));
    }
}
