using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Tests.Settlement;

public class DisputeRulesTests
{
    [Fact]
    public void A_juror_draw_is_reproducible_from_the_two_transaction_ids_and_the_candidates()
    {
        var seed = JurorDraw.Seed("open-tx", "draw-tx");
        var candidates = new[] { "Org5MSP", "Org3MSP", "Org4MSP", "Org6MSP", "Org7MSP" };

        var first = JurorDraw.Draw(seed, candidates, 3);
        var again = JurorDraw.Draw(JurorDraw.Seed("open-tx", "draw-tx"), candidates.Reverse(), 3);

        Assert.Equal(first, again);
        Assert.Equal(3, first.Distinct().Count());
        Assert.All(first, j => Assert.Contains(j, candidates));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("open-tx\0draw-tx"u8)), seed);
    }

    [Fact]
    public void Different_drawing_transactions_draw_different_juries_over_many_draws()
    {
        var candidates = Enumerable.Range(1, 9).Select(i => $"Org{i}MSP").ToList();
        var juries = Enumerable.Range(0, 50).Select(i => string.Join(',', JurorDraw.Draw(JurorDraw.Seed("open", $"draw-{i}"), candidates, 3))).ToHashSet();

        Assert.True(juries.Count > 25, $"only {juries.Count} distinct juries in 50 draws");
    }

    [Fact]
    public void An_upheld_request_returns_the_pledge_and_the_majority_shares_the_minority_and_unrevealed_fees()
    {
        var tally = DisputeRules.Tally("R", 1_000, [("J1", 100, Vote.Uphold), ("J2", 100, Vote.Reject), ("J3", 100, Vote.Uphold), ("J4", 100, null)]);

        Assert.Equal((DisputeOutcome.Upheld, 2, 1), (tally.Outcome, tally.Uphold, tally.Reject));
        Assert.Equal(["J4"], tally.Unrevealed);
        Assert.Equal([new Payout("R", 1_000), new Payout("J1", 200), new Payout("J3", 200)], tally.Payouts);
    }

    [Fact]
    public void A_rejected_request_gives_the_pledge_to_the_majority_with_the_remainder_in_draw_order()
    {
        var tally = DisputeRules.Tally("R", 1_001, [("J1", 100, Vote.Reject), ("J2", 100, Vote.Uphold), ("J3", 100, Vote.Reject)]);

        Assert.Equal(DisputeOutcome.Rejected, tally.Outcome);
        // Pot 1,001 + 100 = 1,101 over two: 551 and 550, plus each one's own fee.
        Assert.Equal([new Payout("J1", 651), new Payout("J3", 650)], tally.Payouts);
        Assert.Equal(1_001 + 300, tally.Payouts.Sum(p => p.Amount));
    }

    [Fact]
    public void A_tie_returns_the_pledge_and_revealed_fees_and_shares_the_unrevealed_fees_among_those_who_revealed()
    {
        var tally = DisputeRules.Tally("R", 1_000, [("J1", 100, Vote.Uphold), ("J2", 100, Vote.Reject), ("J3", 100, null)]);

        Assert.Equal(DisputeOutcome.Tied, tally.Outcome);
        Assert.Equal([new Payout("R", 1_000), new Payout("J1", 150), new Payout("J2", 150)], tally.Payouts);
    }

    [Fact]
    public void When_no_juror_reveals_the_requester_gets_the_pledge_and_the_forfeited_fees()
    {
        var tally = DisputeRules.Tally("R", 1_000, [("J1", 100, null), ("J2", 100, null)]);

        Assert.Equal(DisputeOutcome.Tied, tally.Outcome);
        Assert.Equal([new Payout("R", 1_200)], tally.Payouts);
    }

    [Fact]
    public void A_commitment_binds_the_dispute_the_vote_and_the_salt()
    {
        var commitment = DisputeRules.Commitment("d1", Vote.Uphold, "0123456789abcdef");

        Assert.NotEqual(commitment, DisputeRules.Commitment("d1", Vote.Reject, "0123456789abcdef"));
        Assert.NotEqual(commitment, DisputeRules.Commitment("d2", Vote.Uphold, "0123456789abcdef"));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("d1|uphold|0123456789abcdef"u8)), commitment);
    }

    [Fact]
    public void A_statement_net_in_more_decimals_than_the_token_is_rounded_up_to_the_next_token_unit()
    {
        Assert.Equal(263, TokenAccounts.FromStatement(2_621, 3, 2));
        Assert.Equal(262, TokenAccounts.FromStatement(2_620, 3, 2));
        Assert.Equal(2_621, TokenAccounts.FromStatement(2_621, 2, 2));
        Assert.Equal(26_200, TokenAccounts.FromStatement(262, 0, 2));
    }
}
