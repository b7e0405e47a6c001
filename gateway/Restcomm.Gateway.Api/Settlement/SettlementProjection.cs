using System.Text.Json;
using Dapper;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Gateway.Api.Settlement;

/// <summary>
/// The settlement read model (migration V0011): every RCB account entry, and the token, governance proposals,
/// statement payments, payment terms, netting obligations and rounds, and disputes of each consortium channel, kept from
/// the <see cref="RoamingChange.Settlement"/> part of the roaming chaincode's <c>roaming.changed</c> events (the roaming
/// projection keeps the statements themselves). Each change carries the full state after it, so rows are replaced.
/// </summary>
public sealed class SettlementProjection : IProjection, IChangeFeedSource
{
    /// <summary>Kinds of <c>settlement_objects</c> rows.</summary>
    internal static class Kinds
    {
        public const string Token = "token";
        public const string Proposal = "proposal";
        public const string Payment = "payment";
        public const string Terms = "terms";
        public const string Obligation = "obligation";
        public const string Netting = "netting";
        public const string Dispute = "dispute";
        public const string Allowance = "allowance";
    }

    /// <inheritdoc />
    public string Name => "settlement";

    /// <inheritdoc />
    public string Application => "settlement";

    /// <inheritdoc />
    public bool Follows(string channel) => channel?.StartsWith(RoamingProjection.ChannelPrefix, StringComparison.Ordinal) == true;

    /// <summary>The settlement changes of a block's valid transactions, in order.</summary>
    /// <param name="block">The block.</param>
    /// <returns>Transaction ID, change name and the settlement part.</returns>
    public static IEnumerable<(string TransactionId, string Change, SettlementChange Settlement)> Changes(LedgerBlock block)
    {
        foreach (var change in RoamingProjection.Changes(block))
        {
            if (change.Settlement is { } settlement)
            {
                yield return (change.TxId, change.Change, settlement);
            }
        }
    }

    /// <summary>Each settlement change as the <c>settlement</c> change feed carries it, keyed by what it is about.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="block">The block.</param>
    /// <returns>The changes.</returns>
    public IEnumerable<FeedChange> FeedChanges(string channel, LedgerBlock block)
    {
        foreach (var (transactionId, change, settlement) in Changes(block))
        {
            var key = settlement switch
            {
                { Dispute: { } d } => d.DisputeId,
                { Netting: { } n } => n.NettingId,
                { Proposal: { } p } => p.ProposalId,
                { Payments: [{ } p, ..] } => $"{p.AgreementId}/{p.Period}",
                { Obligation: { } o } => $"{o.AgreementId}/{o.Period}",
                { Terms: { } t } => t.AgreementId,
                { Entries: [{ } e, ..] } => e.Account,
                _ => "",
            };
            yield return new FeedChange(transactionId, change, key, JsonSerializer.Serialize(settlement, RoamingJson.Options));
        }
    }

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(block);
        var number = (long)block.Number;
        foreach (var (transactionId, _, s) in Changes(block))
        {
            for (var i = 0; i < (s.Entries?.Count ?? 0); i++)
            {
                await InsertEntryAsync(context, transactionId, i, s.Entries![i], number, cancellationToken).ConfigureAwait(false);
            }

            if (s.Token is { } token)
            {
                await UpsertAsync(context, Kinds.Token, "RCB", null, null, null, token, number, cancellationToken).ConfigureAwait(false);
            }

            if (s.Allowance is { } allowance)
            {
                await UpsertAsync(context, Kinds.Allowance, $"{allowance.Owner}|{allowance.Spender}", null, allowance.Owner, allowance.Spender, allowance, number, cancellationToken).ConfigureAwait(false);
            }

            if (s.Proposal is { } proposal)
            {
                await UpsertAsync(context, Kinds.Proposal, proposal.ProposalId, RoamingProjection.NameOf(proposal.Status), proposal.ProposedBy, proposal.Account, proposal, number, cancellationToken).ConfigureAwait(false);
            }

            foreach (var payment in s.Payments ?? [])
            {
                await UpsertAsync(context, Kinds.Payment, $"{payment.AgreementId}/{payment.Period}", RoamingProjection.NameOf(payment.Status), payment.PayerMspId, payment.PayeeMspId, payment, number, cancellationToken).ConfigureAwait(false);
            }

            if (s.Terms is { } terms)
            {
                await UpsertAsync(context, Kinds.Terms, terms.AgreementId + (terms.InForce ? "" : "|pending"), terms.InForce ? "inForce" : "pending", terms.ProposedBy, terms.AcceptedBy, terms, number, cancellationToken).ConfigureAwait(false);
            }

            if (s.Obligation is { } obligation)
            {
                await UpsertAsync(context, Kinds.Obligation, $"{obligation.Period}/{obligation.AgreementId}", obligation.Period, obligation.PayerMspId, obligation.PayeeMspId, obligation, number, cancellationToken).ConfigureAwait(false);
            }

            if (s.Netting is { } netting)
            {
                await UpsertAsync(context, Kinds.Netting, netting.NettingId, RoamingProjection.NameOf(netting.Status), netting.Period, null, netting, number, cancellationToken).ConfigureAwait(false);
            }

            if (s.Dispute is { } dispute)
            {
                await UpsertAsync(context, Kinds.Dispute, dispute.DisputeId, RoamingProjection.NameOf(dispute.Status), dispute.Requester, dispute.Respondent, dispute, number, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var table in new[] { "settlement_entries", "settlement_objects" })
        {
            await context.Connection.ExecuteAsync(new CommandDefinition(
                $"DELETE FROM {table} WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static Task InsertEntryAsync(ProjectionContext context, string transactionId, int position, AccountEntry entry, long block, CancellationToken cancellationToken)
        => context.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO settlement_entries (channel, tx_id, position, account, amount, counterparty, kind, reference, entry_json, block_number)
            VALUES (@Channel, @TxId, @Position, @Account, @Amount, @Counterparty, @Kind, @Reference, @Json, @Block)
            ON CONFLICT (channel, tx_id, position) DO NOTHING
            """,
            new
            {
                context.Channel,
                TxId = transactionId,
                Position = position,
                entry.Account,
                entry.Amount,
                entry.Counterparty,
                entry.Kind,
                entry.Reference,
                Json = JsonSerializer.Serialize(entry, RoamingJson.Options),
                Block = block,
            },
            context.Transaction,
            cancellationToken: cancellationToken));

    private static Task UpsertAsync<T>(ProjectionContext context, string kind, string id, string? status, string? partyA, string? partyB, T state, long block, CancellationToken cancellationToken)
        => context.Connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO settlement_objects (channel, kind, object_id, status, party_a, party_b, state_json, block_number)
            VALUES (@Channel, @Kind, @Id, @Status, @PartyA, @PartyB, @Json, @Block)
            ON CONFLICT (channel, kind, object_id) DO UPDATE SET
                status = excluded.status, party_a = excluded.party_a, party_b = excluded.party_b,
                state_json = excluded.state_json, block_number = excluded.block_number
            """,
            new { context.Channel, Kind = kind, Id = id, Status = status, PartyA = partyA, PartyB = partyB, Json = JsonSerializer.Serialize(state, RoamingJson.Options), Block = block },
            context.Transaction,
            cancellationToken: cancellationToken));
}
