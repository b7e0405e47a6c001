using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Audit;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// The anchors of the audit channel (<c>audit.anchored</c> events) as rows of <c>audit_anchors</c>, and each statement
/// disclosure (<c>audit.disclosed</c>) as a pending row of <c>audit_disclosures</c> whose figures <see cref="DisclosureFetchService"/> reads.
/// </summary>
internal sealed class AuditProjection(IOptions<AuditOptions> options) : IProjection
{
    /// <summary>The audit chaincode's event of a new anchor.</summary>
    public const string AnchoredEvent = "audit.anchored";

    /// <summary>The audit chaincode's event of a statement disclosed to the regulators (no figures).</summary>
    public const string DisclosedEvent = "audit.disclosed";

    public string Name => "audit";

    public bool Follows(string channel) => channel == options.Value.Channel;

    public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
    {
        foreach (var tx in block.Transactions)
        {
            if (!tx.IsValid || tx.ChaincodeEvent is not { } e || e.ChaincodeId != options.Value.Chaincode)
            {
                continue;
            }

            if (e.EventName == DisclosedEvent)
            {
                // The figures are private (the discloser's collection): a read-only organisation's API fetches them.
                var disclosed = JsonSerializer.Deserialize<DisclosureResult>(e.Payload.Span, AuditJson.Options)
                    ?? throw new InvalidDataException($"The disclosure event of {tx.TransactionId} is empty.");
                await context.Connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO audit_disclosures (anchor_id, discloser, channel, block_number, status)
                    VALUES (@AnchorId, @Discloser, @Channel, @Block, 'pending')
                    ON CONFLICT (anchor_id, discloser) DO NOTHING
                    """,
                    new { disclosed.AnchorId, disclosed.Discloser, context.Channel, Block = (long)block.Number },
                    context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                continue;
            }

            if (e.EventName != AnchoredEvent)
            {
                continue;
            }

            var anchor = JsonSerializer.Deserialize<AuditAnchor>(e.Payload.Span, AuditJson.Options)
                ?? throw new InvalidDataException($"The anchor event of {tx.TransactionId} is empty.");
            await context.Connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO audit_anchors (anchor_id, channel, source_channel, chaincode, kind, from_block, to_block, statement_id, digest,
                    change_count, anchored_by, anchored_at, transaction_id, block_number)
                VALUES (@Id, @Channel, @SourceChannel, @Chaincode, @Kind, @FromBlock, @ToBlock, @StatementId, @Digest,
                    @ChangeCount, @AnchoredBy, @AnchoredAt, @TransactionId, @Block)
                ON CONFLICT (anchor_id) DO NOTHING
                """,
                new
                {
                    anchor.Id, context.Channel, anchor.SourceChannel, anchor.Chaincode, anchor.Kind, anchor.FromBlock, anchor.ToBlock,
                    anchor.StatementId, anchor.Digest, anchor.ChangeCount, anchor.AnchoredBy, AnchoredAt = anchor.AnchoredAt.ToUnixTimeMilliseconds(),
                    anchor.TransactionId, Block = (long)block.Number,
                },
                context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var table in new[] { "audit_anchors", "audit_disclosures" })
        {
            await context.Connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM {table} WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }
}
