using System.Text.Json;
using Dapper;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Api.Roaming;

/// <summary>
/// The roaming read model (migration V0004): the public state of agreements, usage batches and statements of every
/// consortium channel (<c>roaming-*</c>) this organisation is on, kept from the <c>roaming</c> chaincode's
/// <c>roaming.changed</c> events. Each event carries the full public state after the change, so a row is replaced, never
/// patched.
/// </summary>
public sealed class RoamingProjection : IProjection, IChangeFeedSource
{
    /// <summary>The chaincode whose events it follows.</summary>
    public const string Chaincode = "roaming";

    /// <summary>The prefix of consortium channels.</summary>
    public const string ChannelPrefix = "roaming-";

    /// <inheritdoc />
    public string Name => "roaming";

    /// <inheritdoc />
    public bool Follows(string channel) => channel?.StartsWith(ChannelPrefix, StringComparison.Ordinal) == true;

    /// <summary>The roaming changes of a block's valid transactions, in order.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The changes.</returns>
    /// <exception cref="InvalidDataException">A valid transaction carries a <c>roaming.changed</c> event that is not a change.</exception>
    public static IEnumerable<RoamingChange> Changes(LedgerBlock block) => ChangesByTransaction(block).Select(c => c.Change);

    private static IEnumerable<(string TransactionId, RoamingChange Change)> ChangesByTransaction(LedgerBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        foreach (var transaction in block.Transactions)
        {
            if (!transaction.IsValid || transaction.ChaincodeEvent is not { ChaincodeId: Chaincode, EventName: RoamingEvents.Name } e)
            {
                continue;
            }

            RoamingChange? change;
            try
            {
                change = JsonSerializer.Deserialize<RoamingChange>(e.Payload.Span, RoamingJson.Options);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Transaction {transaction.TransactionId} carries an unreadable {RoamingEvents.Name} event: {ex.Message}", ex);
            }

            if (change is not null)
            {
                yield return (transaction.TransactionId, change);
            }
        }
    }

    /// <inheritdoc />
    public string Application => "roaming";

    /// <summary>
    /// Each change of the block as the <c>roaming</c> change feed carries it: the change name, what it is about
    /// (<c>agreementId/period</c> for a statement, <c>fileId/batchNumber</c> for a batch, else the agreement ID) and the
    /// change's public state as JSON.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="block">The block.</param>
    /// <returns>The changes.</returns>
    public IEnumerable<FeedChange> FeedChanges(string channel, LedgerBlock block)
    {
        foreach (var (transactionId, change) in ChangesByTransaction(block))
        {
            var key = change switch
            {
                { Statement: { } s } => $"{s.AgreementId}/{s.Period}",
                { Batch: { } b } => $"{b.FileId}/{b.Header.BatchNumber}",
                { Agreement: { } a } => a.AgreementId,
                _ => "",
            };
            yield return new FeedChange(transactionId, change.Change, key, JsonSerializer.Serialize(change, RoamingJson.Options));
        }
    }

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(block);
        var number = (long)block.Number;
        foreach (var change in Changes(block))
        {
            foreach (var agreement in new[] { change.Agreement, change.Superseded })
            {
                if (agreement is not null)
                {
                    await UpsertAgreementAsync(context, agreement, number, cancellationToken).ConfigureAwait(false);
                }
            }

            if (change.Batch is { } batch)
            {
                await UpsertBatchAsync(context, batch, number, cancellationToken).ConfigureAwait(false);
            }

            if (change.Statement is { } statement)
            {
                await UpsertStatementAsync(context, statement, number, cancellationToken).ConfigureAwait(false);
            }

            // A netting round settles several statements in one transaction.
            foreach (var settled in change.Settlement?.Statements ?? [])
            {
                await UpsertStatementAsync(context, settled, number, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var table in new[] { "roaming_agreements", "roaming_batches", "roaming_statements" })
        {
            await context.Connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM {table} WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static Task UpsertAgreementAsync(ProjectionContext context, AgreementState agreement, long block, CancellationToken cancellationToken)
        => context.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO roaming_agreements (channel, agreement_id, party_a, party_b, status, state_json, block_number)
            VALUES (@Channel, @Id, @PartyA, @PartyB, @Status, @Json, @Block)
            ON CONFLICT (channel, agreement_id) DO UPDATE SET
                party_a = excluded.party_a, party_b = excluded.party_b, status = excluded.status,
                state_json = excluded.state_json, block_number = excluded.block_number
            """,
            new
            {
                context.Channel,
                Id = agreement.AgreementId,
                PartyA = agreement.PartyA.MspId,
                PartyB = agreement.PartyB.MspId,
                Status = NameOf(agreement.Status),
                Json = JsonSerializer.Serialize(agreement, RoamingJson.Options),
                Block = block,
            },
            context.Transaction,
            cancellationToken: cancellationToken));

    private static Task UpsertBatchAsync(ProjectionContext context, UsageBatchState batch, long block, CancellationToken cancellationToken)
        => context.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO roaming_batches (channel, file_id, batch_number, agreement_id, visited_msp, home_msp, period, status,
                                         record_count, state_json, submitted_block, block_number)
            VALUES (@Channel, @FileId, @BatchNumber, @AgreementId, @Visited, @Home, @Period, @Status, @Records, @Json, @Block, @Block)
            ON CONFLICT (channel, file_id, batch_number) DO UPDATE SET
                status = excluded.status, state_json = excluded.state_json, block_number = excluded.block_number
            """,
            new
            {
                context.Channel,
                batch.FileId,
                batch.Header.BatchNumber,
                batch.Header.AgreementId,
                Visited = batch.VisitedMspId,
                Home = batch.HomeMspId,
                batch.Header.Period,
                Status = NameOf(batch.Status),
                Records = batch.Header.RecordCount,
                Json = JsonSerializer.Serialize(batch, RoamingJson.Options),
                Block = block,
            },
            context.Transaction,
            cancellationToken: cancellationToken));

    private static Task UpsertStatementAsync(ProjectionContext context, StatementState statement, long block, CancellationToken cancellationToken)
        => context.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO roaming_statements (channel, agreement_id, period, status, state_json, block_number)
            VALUES (@Channel, @AgreementId, @Period, @Status, @Json, @Block)
            ON CONFLICT (channel, agreement_id, period) DO UPDATE SET
                status = excluded.status, state_json = excluded.state_json, block_number = excluded.block_number
            """,
            new
            {
                context.Channel,
                statement.AgreementId,
                statement.Period,
                Status = NameOf(statement.Status),
                Json = JsonSerializer.Serialize(statement, RoamingJson.Options),
                Block = block,
            },
            context.Transaction,
            cancellationToken: cancellationToken));

    /// <summary>An enum value as the API and the JSON name it (camelCase).</summary>
    internal static string NameOf<T>(T value)
        where T : struct, Enum
        => JsonSerializer.Serialize(value, RoamingJson.Options).Trim('"');
}
