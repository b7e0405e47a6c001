using Restcomm.Roaming.Settlement;
using static Restcomm.Chaincode.Roaming.Tests.Settlement.SettlementLedger;

namespace Restcomm.Chaincode.Roaming.Tests.Settlement;

public class DisputeContractTests
{
    private const string Salt = "a-juror-secret-0001";
    private readonly SettlementLedger _ledger = new();
    private readonly DateTimeOffset _opened = new(2025, 4, 1, 10, 0, 0, TimeSpan.Zero);

    private static readonly Dictionary<string, Fabric.Shim.Testing.TestIdentity> Members = new()
    {
        ["Org1MSP"] = A, ["Org2MSP"] = B, ["Org3MSP"] = C, ["Org4MSP"] = D, ["Org5MSP"] = E,
    };

    /// <summary>Every member holds 5,000; A opens a request against B (pledge 1,000, 10 minutes to commit, 10 to reveal) and C draws.</summary>
    private async Task<Dispute> OpenedAndDrawn(DisputeRequest? request = null)
    {
        foreach (var member in Members.Keys)
        {
            await _ledger.MintAsync(member, 5_000);
        }

        _ledger.Clock.Now = _opened;
        var opened = await _ledger.Ok<Dispute>(A, "OpenDispute", RoamingLedgerJson(request ?? new DisputeRequest
        {
            Subject = DisputeSubject.Member,
            Respondent = "Org2MSP",
            Claim = "account-closure",
            Pledge = 1_000,
            CommitSeconds = 600,
            RevealSeconds = 600,
        }));
        _ledger.Clock.Now = _opened.AddSeconds(5);
        return await _ledger.Ok<Dispute>(C, "DrawJurors", opened.DisputeId);
    }

    private static string RoamingLedgerJson<T>(T value) => Support.RoamingLedger.Json(value);

    private async Task Commit(Dispute dispute, string juror, Vote vote)
        => await _ledger.Ok<JurorVote>(Members[juror], "CommitVote", dispute.DisputeId, DisputeRules.Commitment(dispute.DisputeId, vote, Salt + juror));

    private async Task Reveal(Dispute dispute, string juror, Vote vote)
        => await _ledger.Ok<JurorVote>(Members[juror], "RevealVote", dispute.DisputeId, DisputeRules.VoteName(vote), Salt + juror);

    [Fact]
    public async Task Jurors_are_drawn_by_another_member_from_the_token_holders_and_anyone_can_recompute_the_draw_from_the_ledger()
    {
        foreach (var member in Members.Keys)
        {
            await _ledger.MintAsync(member, 5_000);
        }

        var opened = await _ledger.Ok<Dispute>(A, "OpenDispute", RoamingLedgerJson(new DisputeRequest
        {
            Subject = DisputeSubject.Member, Respondent = "Org2MSP", Claim = "account-closure", Pledge = 1_000, CommitSeconds = 600, RevealSeconds = 600,
        }));
        Assert.Equal(1_000, await _ledger.Balance(opened.Escrow));
        Assert.Equal(4_000, await _ledger.Balance("Org1MSP"));
        await _ledger.Refused(403, "forbidden", A, "DrawJurors", opened.DisputeId);

        var drawn = await _ledger.Ok<Dispute>(C, "DrawJurors", opened.DisputeId);

        Assert.Equal(["Org3MSP", "Org4MSP", "Org5MSP"], drawn.Candidates);
        Assert.Equal(JurorDraw.Seed(opened.DisputeId, drawn.DrawTxId!), drawn.Seed);
        Assert.Equal(JurorDraw.Draw(JurorDraw.Seed(opened.DisputeId, drawn.DrawTxId!), drawn.Candidates!, 3), drawn.Jurors);
        Assert.Equal(_ledger.Roaming.Stub.TxId, drawn.DrawTxId);
        await _ledger.Refused(409, "jurors-drawn", D, "DrawJurors", opened.DisputeId);
    }

    [Fact]
    public async Task A_majority_upholding_an_account_closure_returns_the_pledge_shares_the_minoritys_fee_and_closes_the_respondents_accounts()
    {
        var dispute = await OpenedAndDrawn();
        await Commit(dispute, "Org3MSP", Vote.Uphold);
        await Commit(dispute, "Org4MSP", Vote.Uphold);
        await _ledger.Refused(403, "forbidden", B, "CommitVote", dispute.DisputeId, new string('a', 64));
        await Commit(dispute, "Org5MSP", Vote.Reject);
        await _ledger.Refused(412, "reveal-not-open", C, "RevealVote", dispute.DisputeId, "uphold", Salt + "Org3MSP");
        _ledger.Clock.Now = _opened.AddSeconds(5 + 601);
        await _ledger.Refused(409, "commitment-mismatch", C, "RevealVote", dispute.DisputeId, "reject", Salt + "Org3MSP");
        await Reveal(dispute, "Org3MSP", Vote.Uphold);
        await Reveal(dispute, "Org4MSP", Vote.Uphold);
        await Reveal(dispute, "Org5MSP", Vote.Reject);
        await _ledger.Refused(412, "reveal-open", A, "ResolveDispute", dispute.DisputeId);
        _ledger.Clock.Now = _opened.AddSeconds(5 + 1201);

        var resolved = await _ledger.Ok<Dispute>(D, "ResolveDispute", dispute.DisputeId);

        Assert.Equal((DisputeOutcome.Upheld, 2, 1), (resolved.Outcome, resolved.UpholdVotes, resolved.RejectVotes));
        // A: pledge back. Org3 and Org4: fee back + half of Org5's fee. Org5: loses its fee.
        Assert.Equal(5_000, await _ledger.Balance("Org1MSP"));
        Assert.Equal((5_050L, 5_050L, 4_900L), (await _ledger.Balance("Org3MSP"), await _ledger.Balance("Org4MSP"), await _ledger.Balance("Org5MSP")));
        Assert.Equal(0, await _ledger.Balance(dispute.Escrow));
        await _ledger.Refused(412, "account-closed", B, "Transfer", "Org1MSP", "1");
        await _ledger.Refused(409, "dispute-resolved", A, "ResolveDispute", dispute.DisputeId);
    }

    [Fact]
    public async Task A_statement_dispute_rejected_by_the_majority_gives_the_pledge_to_the_majority()
    {
        await _ledger.SignedStatementAsync("AB", "Org1MSP", "Org2MSP", payer: "Org2MSP", net: 500);
        var dispute = await OpenedAndDrawn(new DisputeRequest
        {
            Subject = DisputeSubject.Statement, Respondent = "Org2MSP", AgreementId = "AB", Period = "2025-01",
            Claim = "data volumes double counted", Pledge = 1_000, CommitSeconds = 600, RevealSeconds = 600,
        });
        foreach (var juror in dispute.Jurors!)
        {
            await Commit(dispute, juror, Vote.Reject);
        }

        _ledger.Clock.Now = _opened.AddSeconds(700);
        foreach (var juror in dispute.Jurors!)
        {
            await Reveal(dispute, juror, Vote.Reject);
        }

        _ledger.Clock.Now = _opened.AddSeconds(1300);
        var resolved = await _ledger.Ok<Dispute>(B, "ResolveDispute", dispute.DisputeId);

        Assert.Equal(DisputeOutcome.Rejected, resolved.Outcome);
        Assert.Equal(4_000, await _ledger.Balance("Org1MSP"));
        // 1,000 over three jurors: 334, 333, 333 (the first drawn takes the remainder), each with its fee back.
        var balances = new List<long>();
        foreach (var juror in dispute.Jurors)
        {
            balances.Add(await _ledger.Balance(juror));
        }

        Assert.Equal(new long[] { 5_334, 5_333, 5_333 }, balances);
        Assert.Equal(5_000, await _ledger.Balance("Org2MSP"));
    }

    [Fact]
    public async Task A_vote_not_revealed_in_time_is_forfeited_and_a_tie_returns_the_pledge()
    {
        var dispute = await OpenedAndDrawn();
        var (j1, j2, j3) = (dispute.Jurors![0], dispute.Jurors[1], dispute.Jurors[2]);
        await Commit(dispute, j1, Vote.Uphold);
        await Commit(dispute, j2, Vote.Reject);
        await Commit(dispute, j3, Vote.Uphold);
        _ledger.Clock.Now = _opened.AddSeconds(5 + 600 + 1);
        await _ledger.Refused(412, "commit-closed", Members[j1], "CommitVote", dispute.DisputeId, new string('b', 64));
        await Reveal(dispute, j1, Vote.Uphold);
        await Reveal(dispute, j2, Vote.Reject);
        _ledger.Clock.Now = _opened.AddSeconds(5 + 1200 + 1);
        await _ledger.Refused(412, "reveal-closed", Members[j3], "RevealVote", dispute.DisputeId, "uphold", Salt + j3);

        var resolved = await _ledger.Ok<Dispute>(A, "ResolveDispute", dispute.DisputeId);

        Assert.Equal((DisputeOutcome.Tied, 1, 1), (resolved.Outcome, resolved.UpholdVotes, resolved.RejectVotes));
        Assert.Equal([j3], resolved.Unrevealed);
        Assert.Equal(5_000, await _ledger.Balance("Org1MSP"));
        Assert.Equal((5_050L, 5_050L, 4_900L), (await _ledger.Balance(j1), await _ledger.Balance(j2), await _ledger.Balance(j3)));
        Assert.Equal(5_000, await _ledger.Balance("Org2MSP"));
    }

    [Fact]
    public async Task A_pledge_below_the_minimum_or_a_window_shorter_than_allowed_is_refused()
    {
        await _ledger.MintAsync("Org1MSP", 5_000);
        var request = new DisputeRequest { Subject = DisputeSubject.Member, Respondent = "Org2MSP", Claim = "account-closure", Pledge = 999, CommitSeconds = 600, RevealSeconds = 600 };

        await _ledger.Refused(400, "invalid-argument", A, "OpenDispute", RoamingLedgerJson(request));
        await _ledger.Refused(400, "invalid-argument", A, "OpenDispute", RoamingLedgerJson(request with { Pledge = 1_000, CommitSeconds = 10 }));
        await _ledger.Refused(400, "invalid-argument", A, "OpenDispute", RoamingLedgerJson(request with { Pledge = 1_000, Respondent = "Org1MSP" }));
        await _ledger.Refused(412, "insufficient-funds", A, "OpenDispute", RoamingLedgerJson(request with { Pledge = 5_001 }));
    }
}
