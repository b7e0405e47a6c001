using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>
/// Paying co-signed statements: in RCB in the transaction that marks the statement settled, or by an external payment
/// the creditor confirms; payment terms the parties agree to change; each operator's payment history; multilateral
/// netting of a period's statements.
/// </summary>
internal sealed class PaymentBook(RoamingTransaction tx, SettlementPolicy policy)
{
    private readonly TokenLedger _ledger = new(tx, policy);

    /// <summary>The net debtor pays the statement's net in RCB; the statement is settled in the same transaction.</summary>
    public async Task<StatementPayment> PayAsync(string agreementId, string period)
    {
        var (key, state, figures, agreement) = await PayableAsync(agreementId, period).ConfigureAwait(false);
        var (payer, payee) = Sides(figures, agreement);
        if (tx.CallerMspId != payer)
        {
            throw ChaincodeException.Forbidden($"{payer} owes the net of {agreementId} {period}; {tx.CallerMspId} cannot pay it");
        }

        var (terms, due) = await DueAsync(agreementId, period, figures).ConfigureAwait(false);
        var amount = TokenAccounts.FromStatement(figures.NetMinor, figures.DecimalPlaces, policy.TokenDecimals);
        if (amount > 0)
        {
            await _ledger.MoveAsync(payer, payee, amount, "statement", $"{agreementId}/{period}").ConfigureAwait(false);
        }

        var payment = Payment(agreementId, period, figures, payer, payee, amount, PaymentMethod.Token, terms, due, tx.Today) with { Status = PaymentStatus.Settled };
        var settled = await SettleAsync(key, state, payment).ConfigureAwait(false);
        Emit(SettlementEvents.StatementPaid, settled, new SettlementChange { Entries = _ledger.Entries, Payments = [payment] });
        return payment;
    }

    /// <summary>The net debtor records a payment made outside the ledger; the statement settles when the creditor confirms it.</summary>
    public async Task<StatementPayment> RecordExternalAsync(string agreementId, string period, string reference)
    {
        if (string.IsNullOrWhiteSpace(reference) || reference.Length > 200)
        {
            throw ChaincodeException.InvalidArgument("an external payment needs a reference of 1-200 characters");
        }

        var (key, state, figures, agreement) = await PayableAsync(agreementId, period).ConfigureAwait(false);
        var (payer, payee) = Sides(figures, agreement);
        if (tx.CallerMspId != payer)
        {
            throw ChaincodeException.Forbidden($"{payer} owes the net of {agreementId} {period}; {tx.CallerMspId} cannot record its payment");
        }

        var (terms, due) = await DueAsync(agreementId, period, figures).ConfigureAwait(false);
        var payment = Payment(agreementId, period, figures, payer, payee, 0, PaymentMethod.External, terms, due, tx.Today) with
        {
            Status = PaymentStatus.AwaitingConfirmation,
            ExternalReference = reference,
        };
        var recorded = state with { Payment = payment };
        await tx.PutAsync(key, recorded).ConfigureAwait(false);
        Emit(SettlementEvents.ExternalPaymentRecorded, recorded, new SettlementChange { Payments = [payment] });
        return payment;
    }

    /// <summary>The creditor confirms the recorded external payment: the statement is settled (late or not as of the day it was recorded).</summary>
    public async Task<StatementPayment> ConfirmExternalAsync(string agreementId, string period)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var agreement = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        var key = RoamingKeys.StatementKey(tx.Stub, agreementId, period);
        var state = await StatementAsync(key, agreementId, period).ConfigureAwait(false);
        if (state.Payment is not { Status: PaymentStatus.AwaitingConfirmation } pending)
        {
            throw new ChaincodeException("no-pending-payment", $"the statement of {agreementId} {period} has no external payment waiting for confirmation", 412);
        }

        if (tx.CallerMspId != pending.PayeeMspId)
        {
            throw ChaincodeException.Forbidden($"only the creditor {pending.PayeeMspId} confirms the payment");
        }

        var payment = pending with { Status = PaymentStatus.Settled, ConfirmedTxId = tx.Stub.TxId };
        var settled = await SettleAsync(key, state, payment).ConfigureAwait(false);
        Emit(SettlementEvents.ExternalPaymentConfirmed, settled, new SettlementChange { Payments = [payment] });
        return payment;
    }

    /// <summary>An operator's payments, as debtor and creditor (the credit history).</summary>
    public async Task<IReadOnlyList<StatementPayment>> HistoryAsync(string mspId)
    {
        var payments = new List<StatementPayment>();
        await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(SettlementKeys.History, [mspId]).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
        {
            payments.Add(TokenBook.Parse<StatementPayment>(kv.Value.Span));
        }

        return payments;
    }

    /// <summary>One party proposes new payment terms for statements from a period on.</summary>
    public async Task<PaymentTermsChange> ProposeTermsAsync(string agreementId, string paymentTerms, string effectiveFromPeriod)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var agreement = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        if (!PaymentTerms.TryParse(paymentTerms, out var parsed))
        {
            throw ChaincodeException.InvalidArgument($"payment terms '{paymentTerms}' are not N+M days (e.g. 15+15)");
        }

        Period(effectiveFromPeriod);
        var change = new PaymentTermsChange
        {
            AgreementId = agreementId,
            PaymentTerms = parsed.ToString(),
            EffectiveFromPeriod = effectiveFromPeriod,
            ProposedBy = tx.CallerMspId,
        };
        await tx.PutAsync(SettlementKeys.TermsKey(tx.Stub, agreementId, pending: true), change).ConfigureAwait(false);
        Emit(SettlementEvents.TermsProposed, null, new SettlementChange { Terms = change });
        return change;
    }

    /// <summary>The other party accepts the pending terms; they apply to statements of their first period and later.</summary>
    public async Task<PaymentTermsChange> AcceptTermsAsync(string agreementId, string paymentTerms)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var agreement = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        var pendingKey = SettlementKeys.TermsKey(tx.Stub, agreementId, pending: true);
        var pending = await tx.GetAsync<PaymentTermsChange>(pendingKey).ConfigureAwait(false)
            ?? throw ChaincodeException.NotFound($"agreement {agreementId} has no pending payment terms");
        if (pending.ProposedBy == tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} proposed the terms; the other party accepts them");
        }

        if (pending.PaymentTerms != paymentTerms)
        {
            throw new ChaincodeException("terms-mismatch", $"the pending terms are {pending.PaymentTerms}, not {paymentTerms}", 409);
        }

        var accepted = pending with { AcceptedBy = tx.CallerMspId };
        await tx.Stub.DeleteStateAsync(pendingKey, tx.CancellationToken).ConfigureAwait(false);
        await tx.PutAsync(SettlementKeys.TermsKey(tx.Stub, agreementId, pending: false), accepted).ConfigureAwait(false);
        Emit(SettlementEvents.TermsAccepted, null, new SettlementChange { Terms = accepted });
        return accepted;
    }

    /// <summary>The agreed terms change in force (null when the agreement's own terms apply).</summary>
    public Task<PaymentTermsChange?> TermsAsync(string agreementId) => tx.GetAsync<PaymentTermsChange>(SettlementKeys.TermsKey(tx.Stub, agreementId, pending: false));

    /// <summary>A party enters its co-signed, unpaid statement for the period's multilateral netting (its net becomes public).</summary>
    public async Task<NettingObligation> EnterNettingAsync(string agreementId, string period)
    {
        var (_, _, figures, agreement) = await PayableAsync(agreementId, period).ConfigureAwait(false);
        if (figures.NetMinor == 0)
        {
            throw new ChaincodeException("nothing-to-net", $"the statement of {agreementId} {period} nets to zero: pay it directly", 412);
        }

        var key = SettlementKeys.ObligationKey(tx.Stub, period, agreementId);
        if (await tx.GetAsync<NettingObligation>(key).ConfigureAwait(false) is not null)
        {
            throw ChaincodeException.Conflict($"the statement of {agreementId} {period} is already entered for netting");
        }

        var (payer, payee) = Sides(figures, agreement);
        var (terms, due) = await DueAsync(agreementId, period, figures).ConfigureAwait(false);
        var state = await StatementAsync(RoamingKeys.StatementKey(tx.Stub, agreementId, period), agreementId, period).ConfigureAwait(false);
        var obligation = new NettingObligation
        {
            AgreementId = agreementId,
            Period = period,
            PayerMspId = payer,
            PayeeMspId = payee,
            TokenAmount = TokenAccounts.FromStatement(figures.NetMinor, figures.DecimalPlaces, policy.TokenDecimals),
            NetMinor = figures.NetMinor,
            Currency = figures.Currency,
            DecimalPlaces = figures.DecimalPlaces,
            DueDate = due,
            PaymentTerms = terms,
            StatementHash = state.StatementHash,
            EnteredBy = tx.CallerMspId,
        };
        await tx.PutAsync(key, obligation).ConfigureAwait(false);
        Emit(SettlementEvents.NettingEntered, null, new SettlementChange { Obligation = obligation });
        return obligation;
    }

    /// <summary>A member proposes a netting round over every statement of the period entered and not yet netted.</summary>
    public async Task<NettingRound> ProposeNettingAsync(string period)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        Period(period);
        var obligations = new List<NettingObligation>();
        await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(SettlementKeys.Obligation, [period]).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
        {
            var obligation = TokenBook.Parse<NettingObligation>(kv.Value.Span);
            if (obligation.NettingId is null)
            {
                obligations.Add(obligation);
            }
        }

        // A statement paid directly (or disputed) after it was entered stays out of the round instead of failing it.
        var open = new List<NettingObligation>(obligations.Count);
        foreach (var obligation in obligations)
        {
            var state = await tx.GetAsync<StatementState>(RoamingKeys.StatementKey(tx.Stub, obligation.AgreementId, obligation.Period)).ConfigureAwait(false);
            if (state is { Status: StatementStatus.Signed, Payment: null } && state.StatementHash == obligation.StatementHash)
            {
                open.Add(obligation);
            }
        }

        obligations = open;

        if (obligations.Count == 0)
        {
            throw new ChaincodeException("nothing-to-net", $"no statement of {period} is entered for netting", 412);
        }

        var positions = MultilateralNetting.Positions(obligations.Select(o => (o.PayerMspId, o.PayeeMspId, o.TokenAmount)));
        var plan = MultilateralNetting.Plan(positions);
        var members = obligations.SelectMany(o => new[] { o.PayerMspId, o.PayeeMspId }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var round = new NettingRound
        {
            NettingId = tx.Stub.TxId,
            Period = period,
            Statements = obligations.Select(o => $"{o.AgreementId}/{o.Period}").Order(StringComparer.Ordinal).ToList(),
            Positions = plan.Positions,
            Transfers = plan.Transfers,
            Method = plan.Exact ? "exact" : "greedy",
            Members = members,
            Approvals = members.Contains(tx.CallerMspId) ? [tx.CallerMspId] : [],
            Status = NettingStatus.Proposed,
            ProposedBy = tx.CallerMspId,
        };
        await tx.PutAsync(SettlementKeys.NettingKey(tx.Stub, round.NettingId), round).ConfigureAwait(false);
        Emit(SettlementEvents.NettingProposed, null, new SettlementChange { Netting = round });
        return round;
    }

    /// <summary>
    /// An affected member approves; the last approval executes every transfer and settles every statement of the round in
    /// this one transaction, or fails as a whole (a payer short of RCB, a statement settled or disputed meanwhile).
    /// </summary>
    public async Task<NettingRound> ApproveNettingAsync(string nettingId)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var key = SettlementKeys.NettingKey(tx.Stub, nettingId);
        var round = await NettingAsync(nettingId).ConfigureAwait(false);
        if (round.Status != NettingStatus.Proposed)
        {
            throw new ChaincodeException("netting-executed", $"netting round {nettingId} was already executed", 409);
        }

        if (!round.Members.Contains(tx.CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} has no statement in netting round {nettingId}");
        }

        if (round.Approvals.Contains(tx.CallerMspId))
        {
            throw new ChaincodeException("already-approved", $"{tx.CallerMspId} already approved netting round {nettingId}", 409);
        }

        round = round with { Approvals = [.. round.Approvals, tx.CallerMspId] };
        if (round.Approvals.Count < round.Members.Count)
        {
            await tx.PutAsync(key, round).ConfigureAwait(false);
            Emit(SettlementEvents.NettingApproved, null, new SettlementChange { Netting = round });
            return round;
        }

        var settledStatements = new List<StatementState>();
        var payments = new List<StatementPayment>();
        var obligations = new List<(string Key, NettingObligation Obligation, string StatementKey, StatementState State)>();
        foreach (var statement in round.Statements)
        {
            var slash = statement.LastIndexOf('/');
            var (agreementId, period) = (statement[..slash], statement[(slash + 1)..]);
            var obligationKey = SettlementKeys.ObligationKey(tx.Stub, period, agreementId);
            var obligation = await tx.GetAsync<NettingObligation>(obligationKey).ConfigureAwait(false)
                ?? throw ChaincodeException.Conflict($"the obligation of {statement} is gone");
            if (obligation.NettingId is not null)
            {
                throw ChaincodeException.Conflict($"{statement} was netted by round {obligation.NettingId}");
            }

            var statementKey = RoamingKeys.StatementKey(tx.Stub, agreementId, period);
            var state = await StatementAsync(statementKey, agreementId, period).ConfigureAwait(false);
            RequireUnpaid(state, agreementId, period);
            if (state.StatementHash != obligation.StatementHash)
            {
                throw ChaincodeException.Conflict($"the statement of {statement} is not the one entered for netting");
            }

            obligations.Add((obligationKey, obligation, statementKey, state));
        }

        // Every payer's balance is checked before anything is written: the round executes whole or not at all.
        foreach (var payer in round.Transfers.GroupBy(t => t.From, StringComparer.Ordinal))
        {
            await _ledger.RequireOpenAsync(payer.Key).ConfigureAwait(false);
            var owed = payer.Sum(t => t.Amount);
            var available = await _ledger.AvailableAsync(payer.Key).ConfigureAwait(false);
            if (available < owed)
            {
                throw new ChaincodeException("insufficient-funds", $"{payer.Key} holds {available} RCB minor units and owes {owed} in netting round {nettingId}: nothing is executed", 412);
            }
        }

        foreach (var transfer in round.Transfers)
        {
            await _ledger.MoveAsync(transfer.From, transfer.To, transfer.Amount, "netting", nettingId).ConfigureAwait(false);
        }

        foreach (var (obligationKey, obligation, statementKey, state) in obligations)
        {
            var payment = new StatementPayment
            {
                AgreementId = obligation.AgreementId,
                Period = obligation.Period,
                PayerMspId = obligation.PayerMspId,
                PayeeMspId = obligation.PayeeMspId,
                NetMinor = obligation.NetMinor,
                Currency = obligation.Currency,
                DecimalPlaces = obligation.DecimalPlaces,
                TokenAmount = obligation.TokenAmount,
                Method = PaymentMethod.Netting,
                Status = PaymentStatus.Settled,
                PaymentTerms = obligation.PaymentTerms,
                DueDate = obligation.DueDate,
                PaidOn = tx.Today,
                DaysLate = DaysLate(obligation.DueDate, tx.Today),
                TxId = tx.Stub.TxId,
                NettingId = nettingId,
            };
            await tx.PutAsync(obligationKey, obligation with { NettingId = nettingId }).ConfigureAwait(false);
            settledStatements.Add(await SettleAsync(statementKey, state, payment).ConfigureAwait(false));
            payments.Add(payment);
        }

        round = round with { Status = NettingStatus.Executed, ExecutedTxId = tx.Stub.TxId };
        await tx.PutAsync(key, round).ConfigureAwait(false);
        Emit(SettlementEvents.NettingApproved, null, new SettlementChange { Netting = round, Entries = _ledger.Entries, Payments = payments, Statements = settledStatements });
        return round;
    }

    public async Task<NettingRound> NettingAsync(string nettingId)
        => await tx.GetAsync<NettingRound>(SettlementKeys.NettingKey(tx.Stub, nettingId)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"netting round {nettingId} does not exist");

    private async Task<StatementState> SettleAsync(string key, StatementState state, StatementPayment payment)
    {
        var settled = state with { Status = StatementStatus.Settled, Payment = payment };
        await tx.PutAsync(key, settled).ConfigureAwait(false);
        foreach (var msp in new[] { payment.PayerMspId, payment.PayeeMspId })
        {
            await tx.PutAsync(SettlementKeys.HistoryKey(tx.Stub, msp, payment.AgreementId, payment.Period), payment).ConfigureAwait(false);
        }

        return settled;
    }

    /// <summary>A co-signed, unpaid statement of the caller's, with its private figures (read on the pair's peers).</summary>
    private async Task<(string Key, StatementState State, SettlementStatement Figures, AgreementState Agreement)> PayableAsync(string agreementId, string period)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var agreement = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        var key = RoamingKeys.StatementKey(tx.Stub, agreementId, period);
        var state = await StatementAsync(key, agreementId, period).ConfigureAwait(false);
        RequireUnpaid(state, agreementId, period);
        var bytes = await tx.GetPrivateAsync(state.Collection, RoamingKeys.FiguresKey(tx.Stub, agreementId, period)).ConfigureAwait(false)
            ?? throw ChaincodeException.NotFound($"the figures of {agreementId} {period} are not in {state.Collection}");
        return (key, state, TokenBook.Parse<SettlementStatement>(bytes), agreement);
    }

    private static void RequireUnpaid(StatementState state, string agreementId, string period)
    {
        switch (state.Status)
        {
            case StatementStatus.Settled:
                throw new ChaincodeException("statement-settled", $"the statement of {agreementId} {period} is already settled", 409);
            case StatementStatus.Proposed:
                throw new ChaincodeException("statement-not-signed", $"the statement of {agreementId} {period} is not co-signed yet", 412);
            case StatementStatus.Disputed:
                throw new ChaincodeException("statement-disputed", $"the statement of {agreementId} {period} is disputed: {state.Dispute?.Reason}", 412);
        }

        if (state.Payment is { Status: PaymentStatus.AwaitingConfirmation } pending)
        {
            throw new ChaincodeException("payment-awaiting-confirmation",
                $"an external payment ({pending.ExternalReference}) of {agreementId} {period} waits for {pending.PayeeMspId}'s confirmation", 409);
        }
    }

    private async Task<StatementState> StatementAsync(string key, string agreementId, string period)
        => await tx.GetAsync<StatementState>(key).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"period {period} of agreement {agreementId} has no statement");

    /// <summary>The terms and due date in force for a statement: an agreed change from its period on, else the statement's own.</summary>
    private async Task<(string Terms, DateOnly Due)> DueAsync(string agreementId, string period, SettlementStatement figures)
    {
        if (await TermsAsync(agreementId).ConfigureAwait(false) is { } change && string.CompareOrdinal(period, change.EffectiveFromPeriod) >= 0)
        {
            var terms = PaymentTerms.Parse(change.PaymentTerms);
            return (terms.ToString(), terms.DueDate(SettlementPeriods.LastDay(period)));
        }

        return (figures.PaymentTerms, figures.DueDate);
    }

    private static (string Payer, string Payee) Sides(SettlementStatement figures, AgreementState agreement)
        => figures is { NetPayerMspId: { } payer, NetPayeeMspId: { } payee }
            ? (payer, payee)
            : (agreement.PartyB.MspId, agreement.PartyA.MspId);

    private StatementPayment Payment(string agreementId, string period, SettlementStatement figures, string payer, string payee, long amount,
        PaymentMethod method, string terms, DateOnly due, DateOnly paidOn)
        => new()
        {
            AgreementId = agreementId,
            Period = period,
            PayerMspId = payer,
            PayeeMspId = payee,
            NetMinor = figures.NetMinor,
            Currency = figures.Currency,
            DecimalPlaces = figures.DecimalPlaces,
            TokenAmount = amount,
            Method = method,
            Status = PaymentStatus.Settled,
            PaymentTerms = terms,
            DueDate = due,
            PaidOn = paidOn,
            DaysLate = DaysLate(due, paidOn),
            TxId = tx.Stub.TxId,
        };

    private static int DaysLate(DateOnly due, DateOnly paidOn) => Math.Max(0, paidOn.DayNumber - due.DayNumber);

    private static void Period(string period)
    {
        try
        {
            SettlementPeriods.Parse(period);
        }
        catch (RoamingRuleException e)
        {
            throw ChaincodeException.InvalidArgument(e.Message);
        }
    }

    private void Emit(string change, StatementState? statement, SettlementChange settlement)
        => tx.Emit(new RoamingChange { Change = change, TxId = tx.Stub.TxId, Statement = statement, Settlement = settlement });
}
