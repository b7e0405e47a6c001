using System.Data.Common;
using Dapper;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>Durable checkpoints of projections, one per (projection, channel, chaincode).</summary>
public sealed class CheckpointStore
{
    private readonly GatewayStore _store;

    internal CheckpointStore(GatewayStore store) => _store = store;

    /// <summary>The last event a projection applied from a stream, or null when it has applied none.</summary>
    /// <param name="projection">Projection name.</param>
    /// <param name="channel">Channel name.</param>
    /// <param name="chaincode">Chaincode name.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The checkpoint or null.</returns>
    public async Task<EventCheckpoint?> GetAsync(string projection, string channel, string chaincode, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT block_number AS BlockNumber, transaction_id AS TransactionId FROM projection_checkpoints WHERE projection = @Projection AND channel = @Channel AND chaincode = @Chaincode",
            new { Projection = projection, Channel = channel, Chaincode = chaincode }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : new EventCheckpoint(row.BlockNumber, row.TransactionId);
    }

    internal async Task SaveAsync(DbConnection connection, DbTransaction transaction, string projection, ChaincodeEvent applied, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO projection_checkpoints (projection, channel, chaincode, block_number, transaction_id, updated_at)
            VALUES (@Projection, @Channel, @Chaincode, @Block, @TxId, @Now)
            ON CONFLICT (projection, channel, chaincode)
            DO UPDATE SET block_number = excluded.block_number, transaction_id = excluded.transaction_id, updated_at = excluded.updated_at
            """,
            new { Projection = projection, applied.Channel, applied.Chaincode, Block = applied.BlockNumber, TxId = applied.TransactionId, Now = _store.NowMs() },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class Row
    {
        public long BlockNumber { get; set; }
        public string TransactionId { get; set; } = "";
    }
}
