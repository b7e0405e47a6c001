using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Tests.Settlement;

public class NettingTests
{
    [Fact]
    public void Positions_are_what_each_member_is_owed_less_what_it_owes()
    {
        var positions = MultilateralNetting.Positions([("B", "A", 500), ("C", "B", 300), ("A", "C", 100)]);

        Assert.Equal([new NetPosition("A", 400), new NetPosition("B", -200), new NetPosition("C", -200)], positions);
    }

    [Fact]
    public void Three_operators_owing_each_other_in_a_chain_settle_in_at_most_two_transfers()
    {
        var plan = MultilateralNetting.Plan(MultilateralNetting.Positions([("B", "A", 500), ("C", "B", 300), ("A", "C", 100)]));

        Assert.True(plan.Exact);
        Assert.Equal(2, plan.Transfers.Count);
        Assert.Equal([new NettingTransfer("B", "A", 200), new NettingTransfer("C", "A", 200)], plan.Transfers.OrderBy(t => t.From).ToList());
    }

    [Fact]
    public void The_exact_plan_splits_members_into_zero_sum_groups_where_largest_first_pairing_would_need_one_more_transfer()
    {
        // {+3, −3} and {+2, +2, −4} settle in 1 + 2 = 3 transfers; pairing the largest creditor (+3) with the largest
        // debtor (−4) first needs 4.
        var positions = new[] { new NetPosition("A", 2), new NetPosition("B", 2), new NetPosition("C", 3), new NetPosition("D", -3), new NetPosition("E", -4) };

        var plan = MultilateralNetting.Plan(positions);

        Assert.Equal(3, plan.Transfers.Count);
        AssertSettles(positions, plan.Transfers);
        Assert.Contains(new NettingTransfer("D", "C", 3), plan.Transfers);
    }

    [Fact]
    public void On_random_small_cases_the_plan_has_exactly_as_many_transfers_as_an_exhaustive_search_finds()
    {
        var random = new Random(20250107);
        for (var round = 0; round < 400; round++)
        {
            var members = random.Next(2, 8);
            var obligations = new List<(string, string, long)>();
            for (var i = random.Next(1, 12); i > 0; i--)
            {
                var from = random.Next(members);
                var to = (from + random.Next(1, members)) % members;
                // Small amounts make zero-sum subgroups (the hard cases) common.
                obligations.Add(($"M{from}", $"M{to}", random.Next(1, 6) * 100));
            }

            var positions = MultilateralNetting.Positions(obligations);
            var plan = MultilateralNetting.Plan(positions);

            AssertSettles(positions, plan.Transfers);
            Assert.Equal(BruteForceMinimum(positions.Select(p => p.Amount).Where(a => a != 0).ToArray()), plan.Transfers.Count);
            Assert.All(plan.Transfers, t => Assert.True(positions.Single(p => p.MspId == t.From).Amount < 0 && positions.Single(p => p.MspId == t.To).Amount > 0));
        }
    }

    [Fact]
    public void Beyond_the_exact_limit_the_greedy_plan_still_settles_everything_in_at_most_n_minus_one_transfers()
    {
        var random = new Random(7);
        var amounts = Enumerable.Range(0, 39).Select(_ => (long)random.Next(-5000, 5000)).ToList();
        amounts.Add(-amounts.Sum());
        var positions = amounts.Select((a, i) => new NetPosition($"M{i:D2}", a)).ToList();

        var plan = MultilateralNetting.Plan(positions);

        Assert.False(plan.Exact);
        AssertSettles(positions, plan.Transfers);
        Assert.True(plan.Transfers.Count <= positions.Count(p => p.Amount != 0) - 1);
    }

    [Fact]
    public void Positions_that_do_not_sum_to_zero_are_refused()
        => Assert.Throws<ArgumentException>(() => MultilateralNetting.Plan([new NetPosition("A", 5), new NetPosition("B", -4)]));

    private static void AssertSettles(IReadOnlyList<NetPosition> positions, IReadOnlyList<NettingTransfer> transfers)
    {
        var left = positions.ToDictionary(p => p.MspId, p => p.Amount);
        foreach (var t in transfers)
        {
            Assert.True(t.Amount > 0);
            left[t.From] += t.Amount;
            left[t.To] -= t.Amount;
        }

        Assert.All(left.Values, v => Assert.Equal(0, v));
    }

    /// <summary>Exhaustive search: settle the first non-zero member against every member of opposite sign, recursively.</summary>
    private static int BruteForceMinimum(long[] amounts)
    {
        int Search(int start)
        {
            while (start < amounts.Length && amounts[start] == 0)
            {
                start++;
            }

            if (start == amounts.Length)
            {
                return 0;
            }

            var best = int.MaxValue;
            for (var j = start + 1; j < amounts.Length; j++)
            {
                if (amounts[j] * amounts[start] < 0)
                {
                    amounts[j] += amounts[start];
                    best = Math.Min(best, 1 + Search(start + 1));
                    amounts[j] -= amounts[start];
                }
            }

            return best;
        }

        return Search(0);
    }
}
