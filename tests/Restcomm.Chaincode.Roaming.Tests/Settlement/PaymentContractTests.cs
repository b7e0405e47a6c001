using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;
using static Restcomm.Chaincode.Roaming.Tests.Settlement.SettlementLedger;

namespace Restcomm.Chaincode.Roaming.Tests.Settlement;

public class PaymentContractTests
{
    private const string Agreement = "AB-2025";
    private const string Period = "2025-01";
    private readonly SettlementLedger _ledger = new();

    /// <summary>B owes A 2,620 (SDR, 2 decimals) for January, due 2 March under 15+15.</summary>
    private async Task SignedJanuary()
    {
        await _ledger.SignedStatementAsync(Agreement, "Org1MSP", "Org2MSP", payer: "Org2MSP", net: 2_620);
        await _ledger.MintAsync("Org2MSP", 5_000);
        _ledger.Clock.Now = new DateTimeOffset(2025, 2, 10, 9, 0, 0, TimeSpan.Zero);
    }

    [Fact]
    public async Task The_net_debtor_pays_in_RCB_and_the_statement_is_settled_in_the_same_transaction()
    {
        await SignedJanuary();
        await _ledger.Refused(403, "forbidden", A, "PayStatement", Agreement, Period);

        var payment = await _ledger.Ok<StatementPayment>(B, "PayStatement", Agreement, Period);
        var change = _ledger.Roaming.LastEvent();

        Assert.Equal((2_620L, PaymentMethod.Token, PaymentStatus.Settled, false), (payment.TokenAmount, payment.Method, payment.Status, payment.Late));
        Assert.Equal(new DateOnly(2025, 3, 2), payment.DueDate);
        Assert.Equal((2_620L, 2_380L), (await _ledger.Balance("Org1MSP"), await _ledger.Balance("Org2MSP")));
        Assert.Equal(SettlementEvents.StatementPaid, change.Change);
        Assert.Equal(StatementStatus.Settled, change.Statement!.Status);
        Assert.Equal(2, change.Settlement!.Entries!.Count);
        var state = await _ledger.StatementAsync(Agreement);
        Assert.Equal((StatementStatus.Settled, payment.TxId), (state.Status, state.Payment!.TxId));
        await _ledger.Refused(409, "statement-settled", B, "PayStatement", Agreement, Period);
        await _ledger.Roaming.Refused(409, "statement-settled", A, "DisputeStatement", [Agreement, Period, "too late"]);
    }

    [Fact]
    public async Task A_debtor_without_enough_RCB_cannot_pay_and_the_statement_stays_signed()
    {
        await _ledger.SignedStatementAsync(Agreement, "Org1MSP", "Org2MSP", payer: "Org2MSP", net: 2_620);
        await _ledger.MintAsync("Org2MSP", 2_619);

        await _ledger.Refused(412, "insufficient-funds", B, "PayStatement", Agreement, Period);

        Assert.Equal(StatementStatus.Signed, (await _ledger.StatementAsync(Agreement)).Status);
        Assert.Equal(0, await _ledger.Balance("Org1MSP"));
    }

    [Fact]
    public async Task A_payment_after_the_due_date_is_recorded_late_in_both_operators_payment_history()
    {
        await SignedJanuary();
        _ledger.Clock.Now = new DateTimeOffset(2025, 3, 5, 9, 0, 0, TimeSpan.Zero);

        var payment = await _ledger.Ok<StatementPayment>(B, "PayStatement", Agreement, Period);

        Assert.Equal((true, 3), (payment.Late, payment.DaysLate));
        var ofB = Assert.Single(await _ledger.Ok<IReadOnlyList<StatementPayment>>(C, "GetPaymentHistory", "Org2MSP"));
        var ofA = Assert.Single(await _ledger.Ok<IReadOnlyList<StatementPayment>>(C, "GetPaymentHistory", "Org1MSP"));
        Assert.Equal((3, "Org2MSP"), (ofB.DaysLate, ofB.PayerMspId));
        Assert.Equal(ofB.TxId, ofA.TxId);
        Assert.Empty(await _ledger.Ok<IReadOnlyList<StatementPayment>>(C, "GetPaymentHistory", "Org3MSP"));
    }

    [Fact]
    public async Task An_external_payment_settles_the_statement_only_when_the_creditor_confirms_it()
    {
        await SignedJanuary();

        var recorded = await _ledger.Ok<StatementPayment>(B, "RecordExternalPayment", Agreement, Period, "SEPA-2025-0042");

        Assert.Equal((PaymentStatus.AwaitingConfirmation, "SEPA-2025-0042"), (recorded.Status, recorded.ExternalReference));
        Assert.Equal(StatementStatus.Signed, (await _ledger.StatementAsync(Agreement)).Status);
        await _ledger.Refused(409, "payment-awaiting-confirmation", B, "PayStatement", Agreement, Period);
        await _ledger.Refused(403, "forbidden", B, "ConfirmExternalPayment", Agreement, Period);
        _ledger.Clock.Now = new DateTimeOffset(2025, 3, 20, 9, 0, 0, TimeSpan.Zero);   // confirmed late; paid on time

        var confirmed = await _ledger.Ok<StatementPayment>(A, "ConfirmExternalPayment", Agreement, Period);

        Assert.Equal((PaymentStatus.Settled, PaymentMethod.External, 0L, false), (confirmed.Status, confirmed.Method, confirmed.TokenAmount, confirmed.Late));
        Assert.NotNull(confirmed.ConfirmedTxId);
        Assert.Equal(StatementStatus.Settled, (await _ledger.StatementAsync(Agreement)).Status);
        Assert.Equal(5_000, await _ledger.Balance("Org2MSP"));
    }

    [Fact]
    public async Task Payment_terms_upgraded_by_both_parties_move_the_due_date_of_statements_from_the_agreed_period()
    {
        await SignedJanuary();
        await _ledger.Ok<PaymentTermsChange>(A, "ProposePaymentTerms", Agreement, "30+30", "2025-01");
        await _ledger.Refused(403, "forbidden", A, "AcceptPaymentTerms", Agreement, "30+30");
        await _ledger.Refused(409, "terms-mismatch", B, "AcceptPaymentTerms", Agreement, "15+15");
        await _ledger.Refused(403, "forbidden", C, "ProposePaymentTerms", Agreement, "7+3", "2025-01");
        var accepted = await _ledger.Ok<PaymentTermsChange>(B, "AcceptPaymentTerms", Agreement, "30+30");
        Assert.True(accepted.InForce);
        _ledger.Clock.Now = new DateTimeOffset(2025, 3, 20, 9, 0, 0, TimeSpan.Zero);

        var payment = await _ledger.Ok<StatementPayment>(B, "PayStatement", Agreement, Period);

        // 31 January + 30 + 30 days: 1 April; under the old 15+15 it was due on 2 March and would be 18 days late.
        Assert.Equal(("30+30", new DateOnly(2025, 4, 1), false), (payment.PaymentTerms, payment.DueDate, payment.Late));
    }

    [Fact]
    public async Task A_statement_that_is_not_co_signed_cannot_be_paid()
    {
        await _ledger.SignedStatementAsync(Agreement, "Org1MSP", "Org2MSP", payer: "Org2MSP", net: 2_620);
        await _ledger.Roaming.Ok<StatementView>(B, "DisputeStatement", [Agreement, Period, "volumes differ"]);

        await _ledger.Refused(412, "statement-disputed", B, "PayStatement", Agreement, Period);
    }
}
