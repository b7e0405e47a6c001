using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;
using static Restcomm.Chaincode.Roaming.Tests.Settlement.SettlementLedger;

namespace Restcomm.Chaincode.Roaming.Tests.Settlement;

public class NettingContractTests
{
    private const string Period = "2025-01";
    private readonly SettlementLedger _ledger = new();

    /// <summary>B owes A 500, C owes B 300, A owes C 100: positions A +400, B −200, C −200.</summary>
    private async Task ThreeStatementsEntered()
    {
        await _ledger.SignedStatementAsync("AB", "Org1MSP", "Org2MSP", payer: "Org2MSP", net: 500);
        await _ledger.SignedStatementAsync("BC", "Org2MSP", "Org3MSP", payer: "Org3MSP", net: 300);
        await _ledger.SignedStatementAsync("AC", "Org1MSP", "Org3MSP", payer: "Org1MSP", net: 100);
        await _ledger.Ok<NettingObligation>(A, "EnterNetting", "AB", Period);
        await _ledger.Ok<NettingObligation>(C, "EnterNetting", "BC", Period);
        await _ledger.Ok<NettingObligation>(C, "EnterNetting", "AC", Period);
    }

    [Fact]
    public async Task Three_operators_statements_net_into_two_transfers_executed_atomically_after_every_member_approves()
    {
        await ThreeStatementsEntered();
        await _ledger.MintAsync("Org2MSP", 1_000);
        await _ledger.MintAsync("Org3MSP", 1_000);

        var round = await _ledger.Ok<NettingRound>(A, "ProposeNetting", Period);

        Assert.Equal(("exact", 2), (round.Method, round.Transfers.Count));
        Assert.Equal([new NetPosition("Org1MSP", 400), new NetPosition("Org2MSP", -200), new NetPosition("Org3MSP", -200)], round.Positions);
        Assert.Equal(["Org1MSP"], round.Approvals);
        var second = await _ledger.Ok<NettingRound>(B, "ApproveNetting", round.NettingId);
        Assert.Equal(NettingStatus.Proposed, second.Status);
        Assert.Equal(0, await _ledger.Balance("Org1MSP"));
        await _ledger.Refused(403, "forbidden", D, "ApproveNetting", round.NettingId);

        var executed = await _ledger.Ok<NettingRound>(C, "ApproveNetting", round.NettingId);
        var change = _ledger.LastChange();

        Assert.Equal(NettingStatus.Executed, executed.Status);
        Assert.Equal((400L, 800L, 800L), (await _ledger.Balance("Org1MSP"), await _ledger.Balance("Org2MSP"), await _ledger.Balance("Org3MSP")));
        foreach (var agreement in new[] { "AB", "BC", "AC" })
        {
            var state = await _ledger.StatementAsync(agreement);
            Assert.Equal((StatementStatus.Settled, PaymentMethod.Netting, round.NettingId), (state.Status, state.Payment!.Method, state.Payment.NettingId));
        }

        Assert.Equal(3, change.Statements!.Count);
        Assert.Equal(4, change.Entries!.Count);
        await _ledger.Refused(409, "netting-executed", C, "ApproveNetting", round.NettingId);
        await _ledger.Refused(412, "nothing-to-net", A, "ProposeNetting", Period);
    }

    [Fact]
    public async Task A_round_whose_payer_is_short_of_RCB_executes_no_transfer_and_settles_no_statement()
    {
        await ThreeStatementsEntered();
        await _ledger.MintAsync("Org2MSP", 1_000);
        await _ledger.MintAsync("Org3MSP", 199);
        var round = await _ledger.Ok<NettingRound>(A, "ProposeNetting", Period);
        await _ledger.Ok<NettingRound>(B, "ApproveNetting", round.NettingId);

        await _ledger.Refused(412, "insufficient-funds", C, "ApproveNetting", round.NettingId);

        Assert.Equal((0L, 1_000L, 199L), (await _ledger.Balance("Org1MSP"), await _ledger.Balance("Org2MSP"), await _ledger.Balance("Org3MSP")));
        Assert.Equal(StatementStatus.Signed, (await _ledger.StatementAsync("AB")).Status);
    }

    [Fact]
    public async Task A_statement_paid_directly_after_the_round_was_proposed_makes_the_round_fail_as_a_whole()
    {
        await ThreeStatementsEntered();
        await _ledger.MintAsync("Org2MSP", 1_000);
        await _ledger.MintAsync("Org3MSP", 1_000);
        var round = await _ledger.Ok<NettingRound>(A, "ProposeNetting", Period);
        await _ledger.Ok<NettingRound>(B, "ApproveNetting", round.NettingId);
        await _ledger.Ok<StatementPayment>(B, "PayStatement", "AB", Period);

        await _ledger.Refused(409, "statement-settled", C, "ApproveNetting", round.NettingId);

        Assert.Equal(StatementStatus.Signed, (await _ledger.StatementAsync("BC")).Status);
    }

    [Fact]
    public async Task A_statement_paid_directly_after_it_was_entered_stays_out_of_the_next_round()
    {
        await ThreeStatementsEntered();
        await _ledger.MintAsync("Org2MSP", 1_000);
        await _ledger.MintAsync("Org3MSP", 1_000);
        await _ledger.Ok<StatementPayment>(B, "PayStatement", "AB", Period);

        var round = await _ledger.Ok<NettingRound>(A, "ProposeNetting", Period);

        Assert.Equal(["AC/2025-01", "BC/2025-01"], round.Statements);
        Assert.Equal([new NetPosition("Org1MSP", -100), new NetPosition("Org2MSP", 300), new NetPosition("Org3MSP", -200)], round.Positions);
    }

    [Fact]
    public async Task A_statement_is_entered_once_and_only_by_one_of_its_parties()
    {
        await _ledger.SignedStatementAsync("AB", "Org1MSP", "Org2MSP", payer: "Org2MSP", net: 500);

        await _ledger.Refused(403, "forbidden", C, "EnterNetting", "AB", Period);
        await _ledger.Ok<NettingObligation>(B, "EnterNetting", "AB", Period);
        await _ledger.Refused(409, "conflict", A, "EnterNetting", "AB", Period);
    }
}
