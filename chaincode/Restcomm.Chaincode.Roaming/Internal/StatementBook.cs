using System.Text;
using System.Text.Json;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>Period close: a statement proposed by one party from the reconciled batches, co-signed by the other, disputable inside the window.</summary>
internal sealed class StatementBook(RoamingTransaction tx)
{
    public async Task<StatementView> CloseAsync(string agreementId, string period)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var agreement = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        DateOnly lastDay;
        try
        {
            lastDay = SettlementPeriods.LastDay(period);
        }
        catch (RoamingRuleException e)
        {
            throw ChaincodeException.InvalidArgument(e.Message);
        }

        if (tx.Today <= lastDay)
        {
            throw new ChaincodeException("period-open", $"period {period} ends on {lastDay:yyyy-MM-dd}; it can be closed from the next day", 412);
        }

        var version = agreement.VersionOn(lastDay) ?? agreement.Versions.LastOrDefault(v => v.EffectiveFrom <= lastDay)
            ?? throw ChaincodeException.FailedPrecondition($"agreement {agreementId} has no accepted version in force in {period}");
        var key = RoamingKeys.StatementKey(tx.Stub, agreementId, period);
        if (await tx.GetAsync<StatementState>(key).ConfigureAwait(false) is { } existing)
        {
            throw ChaincodeException.Conflict($"period {period} of agreement {agreementId} is already closed (statement {existing.Status}, proposed by {existing.ProposedBy})");
        }

        var batchKeys = new List<string>();
        await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(RoamingKeys.PeriodBatch, [agreementId, period]).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
        {
            batchKeys.Add(Encoding.UTF8.GetString(kv.Value.Span));
        }

        var batches = new List<UsageBatchState>(batchKeys.Count);
        foreach (var chunk in batchKeys.Chunk(500))
        {
            var values = await tx.Stub.GetMultipleStatesAsync(chunk, tx.CancellationToken).ConfigureAwait(false);
            batches.AddRange(values.Select(v => JsonSerializer.Deserialize<UsageBatchState>(v!, RoamingJson.Options)!));
        }

        var open = batches.Where(b => b.Status != UsageBatchStatus.Reconciled).ToList();
        if (open.Count > 0)
        {
            throw new ChaincodeException("unreconciled-batches",
                $"{open.Count} batch(es) of {period} are not reconciled yet, e.g. batch {open[0].Header.BatchNumber} of file {open[0].FileId}", 412);
        }

        var terms = await tx.DocumentAsync(agreement, version.Version).ConfigureAwait(false);
        (IReadOnlyList<ServiceUsage>, int) Direction(string visited)
        {
            var of = batches.Where(b => b.VisitedMspId == visited).ToList();
            return (ServiceUsage.Sum(of.SelectMany(b => b.Accepted ?? [])), of.Count);
        }

        var statement = SettlementStatement.Calculate(terms, period, Direction(terms.PartyA.MspId), Direction(terms.PartyB.MspId));
        var figures = RoamingTransaction.Serialize(statement);
        var state = new StatementState
        {
            AgreementId = agreementId,
            Period = period,
            Collection = agreement.Collection,
            Status = StatementStatus.Proposed,
            StatementHash = RoamingTransaction.Hash(figures),
            Batches = batches.Count,
            ProposedBy = tx.CallerMspId,
            ProposedAt = tx.Now,
            DisputeWindowEnds = tx.Today.AddDays(terms.DisputeWindowDays),
        };
        await tx.PutPrivateAsync(agreement.Collection, RoamingKeys.FiguresKey(tx.Stub, agreementId, period), figures).ConfigureAwait(false);
        await tx.PutAsync(key, state).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.StatementProposed, TxId = tx.Stub.TxId, Statement = state });
        return new StatementView { State = state, Statement = statement };
    }

    public async Task<StatementView> SignAsync(string agreementId, string period, string statementHash)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var (key, state, agreement) = await FindAsync(agreementId, period).ConfigureAwait(false);
        tx.RequireParty(agreement);
        switch (state.Status)
        {
            case StatementStatus.Signed or StatementStatus.Settled:
                throw new ChaincodeException("statement-signed", $"the statement of {period} is signed by both parties and cannot change", 409);
            case StatementStatus.Disputed:
                throw new ChaincodeException("statement-disputed", $"the statement of {period} is disputed by {state.Dispute!.By}: {state.Dispute.Reason}", 412);
        }

        if (state.ProposedBy == tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} proposed the statement; the counterparty co-signs it");
        }

        if (!string.Equals(statementHash, state.StatementHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChaincodeException("statement-hash-mismatch", $"the statement of {period} has hash {state.StatementHash}, not {statementHash}", 409);
        }

        var signed = state with { Status = StatementStatus.Signed, SignedBy = tx.CallerMspId, SignedAt = tx.Now };
        await tx.PutAsync(key, signed).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.StatementSigned, TxId = tx.Stub.TxId, Statement = signed });
        return new StatementView { State = signed, Statement = await FiguresAsync(signed).ConfigureAwait(false) };
    }

    public async Task<StatementView> DisputeAsync(string agreementId, string period, string reason)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var (key, state, agreement) = await FindAsync(agreementId, period).ConfigureAwait(false);
        tx.RequireParty(agreement);
        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            throw ChaincodeException.InvalidArgument("a dispute needs a reason of 1-500 characters");
        }

        if (state.Status == StatementStatus.Settled)
        {
            throw new ChaincodeException("statement-settled", $"the statement of {period} is settled; a dispute about it goes to a vote (settlement:OpenDispute)", 409);
        }

        if (state.Status == StatementStatus.Disputed)
        {
            throw new ChaincodeException("statement-disputed", $"the statement of {period} is already disputed by {state.Dispute!.By}", 409);
        }

        if (tx.Today > state.DisputeWindowEnds)
        {
            throw new ChaincodeException("dispute-window-closed",
                $"the dispute window of the statement of {period} closed on {state.DisputeWindowEnds:yyyy-MM-dd}", 412);
        }

        var disputed = state with
        {
            Status = StatementStatus.Disputed,
            Dispute = new StatementDispute { By = tx.CallerMspId, At = tx.Now, Reason = reason },
        };
        await tx.PutAsync(key, disputed).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.StatementDisputed, TxId = tx.Stub.TxId, Statement = disputed });
        return new StatementView { State = disputed, Statement = await FiguresAsync(disputed).ConfigureAwait(false) };
    }

    public async Task<StatementView> GetAsync(string agreementId, string period)
    {
        var (_, state, agreement) = await FindAsync(agreementId, period).ConfigureAwait(false);
        var party = agreement.IsParty(tx.CallerMspId);
        return new StatementView { State = state, Statement = party ? await FiguresAsync(state).ConfigureAwait(false) : null };
    }

    private async Task<SettlementStatement?> FiguresAsync(StatementState state)
    {
        var bytes = await tx.GetPrivateAsync(state.Collection, RoamingKeys.FiguresKey(tx.Stub, state.AgreementId, state.Period)).ConfigureAwait(false);
        return bytes is null ? null : JsonSerializer.Deserialize<SettlementStatement>(bytes, RoamingJson.Options);
    }

    private async Task<(string Key, StatementState State, AgreementState Agreement)> FindAsync(string agreementId, string period)
    {
        var agreement = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        var key = RoamingKeys.StatementKey(tx.Stub, agreementId, period);
        var state = await tx.GetAsync<StatementState>(key).ConfigureAwait(false)
            ?? throw ChaincodeException.NotFound($"period {period} of agreement {agreementId} has no statement");
        return (key, state, agreement);
    }
}
