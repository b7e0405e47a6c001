namespace Restcomm.Roaming.Settlement;

/// <summary>A netting result: the positions it settles, the transfers and how they were found.</summary>
/// <param name="Positions">Each member's net position (members with a zero position included), by MSP ID.</param>
/// <param name="Transfers">Transfers from debtors to creditors that bring every position to zero.</param>
/// <param name="Exact">True when <paramref name="Transfers"/> is provably the fewest possible.</param>
public sealed record NettingPlan(IReadOnlyList<NetPosition> Positions, IReadOnlyList<NettingTransfer> Transfers, bool Exact);

/// <summary>
/// Multilateral netting: from bilateral obligations to each member's net position, then to the fewest transfers that
/// settle every position.
/// </summary>
/// <remarks>
/// <para>
/// Any settlement of n non-zero positions needs at least n − g transfers, where g is the largest number of disjoint
/// groups the members can be split into so that each group's positions sum to zero (a connected component of the
/// transfer graph must sum to zero and a component of k members needs at least k − 1 edges); n − g transfers always
/// suffice (settle each group on its own with k − 1 transfers). Finding g is NP-hard in general (it contains subset
/// sum), so:
/// </para>
/// <para>
/// <b>Exact</b> for up to <see cref="MaxExactMembers"/> non-zero members: a dynamic programme over the 2^n subsets
/// (O(2^n · n) time, 2^n memory): best[S] = max over i ∈ S of best[S \ {i}], plus one when S sums to zero. The order in
/// which the maximum was reached splits the members into g zero-sum groups, none of which has a zero-sum proper
/// subset; inside each group the largest debtor pays the largest creditor until all are zero, which takes exactly
/// k − 1 transfers (every step zeroes at least one member, and a group without zero-sum proper subsets cannot finish
/// in fewer). So the plan has n − g transfers: the minimum.
/// </para>
/// <para>
/// <b>Greedy</b> beyond that (a consortium channel has far fewer members): the same largest-debtor-to-largest-creditor
/// rule over all members, at most n − 1 transfers (each step zeroes at least one member, the last one two), i.e. at most
/// g − 1 more than the minimum.
/// </para>
/// Every transfer goes from a debtor to a creditor (nobody passes money on), amounts are integers and ties break by
/// MSP ID, so every endorser computes the same plan.
/// </remarks>
public static class MultilateralNetting
{
    /// <summary>The largest number of non-zero positions solved exactly.</summary>
    public const int MaxExactMembers = 16;

    /// <summary>Each member's net position from bilateral obligations (payer owes payee the amount).</summary>
    /// <param name="obligations">Payer, payee and a positive amount.</param>
    /// <returns>Positions by MSP ID (ordinal), every member that appears included.</returns>
    public static IReadOnlyList<NetPosition> Positions(IEnumerable<(string Payer, string Payee, long Amount)> obligations)
    {
        ArgumentNullException.ThrowIfNull(obligations);
        var sums = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (payer, payee, amount) in obligations)
        {
            if (amount <= 0 || payer == payee)
            {
                throw new ArgumentException($"an obligation needs two different members and a positive amount ({payer} → {payee}: {amount})", nameof(obligations));
            }

            sums[payer] = checked(sums.GetValueOrDefault(payer) - amount);
            sums[payee] = checked(sums.GetValueOrDefault(payee) + amount);
        }

        return sums.Select(s => new NetPosition(s.Key, s.Value)).ToList();
    }

    /// <summary>The fewest transfers that settle <paramref name="positions"/> (exact up to <see cref="MaxExactMembers"/> non-zero members).</summary>
    /// <param name="positions">Positions summing to zero, one per member.</param>
    /// <returns>The plan.</returns>
    public static NettingPlan Plan(IReadOnlyList<NetPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var ordered = positions.OrderBy(p => p.MspId, StringComparer.Ordinal).ToList();
        if (ordered.Select(p => p.MspId).Distinct(StringComparer.Ordinal).Count() != ordered.Count)
        {
            throw new ArgumentException("a member appears twice", nameof(positions));
        }

        long total = 0;
        foreach (var p in ordered)
        {
            total = checked(total + p.Amount);
        }

        if (total != 0)
        {
            throw new ArgumentException($"positions must sum to zero (they sum to {total})", nameof(positions));
        }

        var nonZero = ordered.Where(p => p.Amount != 0).ToList();
        if (nonZero.Count > MaxExactMembers)
        {
            return new NettingPlan(ordered, Greedy(nonZero), Exact: false);
        }

        var transfers = new List<NettingTransfer>();
        foreach (var group in ZeroSumGroups(nonZero))
        {
            transfers.AddRange(Greedy(group));
        }

        return new NettingPlan(ordered, transfers, Exact: true);
    }

    /// <summary>The fewest transfers settling <paramref name="positions"/>: n − (largest number of disjoint zero-sum groups).</summary>
    /// <param name="positions">Positions summing to zero.</param>
    /// <returns>The minimum number of transfers (exact up to <see cref="MaxExactMembers"/> non-zero members).</returns>
    public static int MinimumTransfers(IReadOnlyList<NetPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var nonZero = positions.Where(p => p.Amount != 0).OrderBy(p => p.MspId, StringComparer.Ordinal).ToList();
        if (nonZero.Count > MaxExactMembers)
        {
            throw new ArgumentOutOfRangeException(nameof(positions), $"exact only up to {MaxExactMembers} non-zero positions");
        }

        return nonZero.Count - ZeroSumGroups(nonZero).Count;
    }

    /// <summary>Splits members (non-zero, summing to zero) into the largest number of zero-sum groups.</summary>
    private static List<List<NetPosition>> ZeroSumGroups(List<NetPosition> members)
    {
        var n = members.Count;
        if (n == 0)
        {
            return [];
        }

        var size = 1 << n;
        var sum = new long[size];
        var best = new int[size];
        for (var mask = 1; mask < size; mask++)
        {
            var low = System.Numerics.BitOperations.TrailingZeroCount(mask);
            sum[mask] = sum[mask & (mask - 1)] + members[low].Amount;
            var top = 0;
            for (var i = 0; i < n; i++)
            {
                if ((mask & (1 << i)) != 0 && best[mask ^ (1 << i)] > top)
                {
                    top = best[mask ^ (1 << i)];
                }
            }

            best[mask] = top + (sum[mask] == 0 ? 1 : 0);
        }

        // Walk back from the full set, removing a member that keeps the optimum; the sets reached that sum to zero
        // delimit the groups (members removed between two of them form one group).
        var groups = new List<List<NetPosition>>();
        var current = new List<NetPosition>();
        var m = size - 1;
        while (m != 0)
        {
            var gain = sum[m] == 0 ? 1 : 0;
            var removed = -1;
            for (var i = 0; i < n; i++)
            {
                if ((m & (1 << i)) != 0 && best[m ^ (1 << i)] + gain == best[m])
                {
                    removed = i;
                    break;
                }
            }

            current.Add(members[removed]);
            m ^= 1 << removed;
            if (m == 0 || sum[m] == 0)
            {
                groups.Add(current);
                current = [];
            }
        }

        return groups;
    }

    /// <summary>Largest debtor pays largest creditor until every position is zero (ties by MSP ID).</summary>
    private static List<NettingTransfer> Greedy(IReadOnlyList<NetPosition> members)
    {
        var debtors = members.Where(p => p.Amount < 0).Select(p => (p.MspId, Left: -p.Amount)).ToList();
        var creditors = members.Where(p => p.Amount > 0).Select(p => (p.MspId, Left: p.Amount)).ToList();
        var transfers = new List<NettingTransfer>();
        while (debtors.Count > 0 && creditors.Count > 0)
        {
            var d = Largest(debtors);
            var c = Largest(creditors);
            var amount = Math.Min(debtors[d].Left, creditors[c].Left);
            transfers.Add(new NettingTransfer(debtors[d].MspId, creditors[c].MspId, amount));
            debtors[d] = (debtors[d].MspId, debtors[d].Left - amount);
            creditors[c] = (creditors[c].MspId, creditors[c].Left - amount);
            if (debtors[d].Left == 0)
            {
                debtors.RemoveAt(d);
            }

            if (creditors[c].Left == 0)
            {
                creditors.RemoveAt(c);
            }
        }

        return transfers;
    }

    private static int Largest(List<(string MspId, long Left)> side)
    {
        var best = 0;
        for (var i = 1; i < side.Count; i++)
        {
            if (side[i].Left > side[best].Left || (side[i].Left == side[best].Left && string.CompareOrdinal(side[i].MspId, side[best].MspId) < 0))
            {
                best = i;
            }
        }

        return best;
    }
}
