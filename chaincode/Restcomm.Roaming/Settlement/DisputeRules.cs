using System.Security.Cryptography;
using System.Text;

namespace Restcomm.Roaming.Settlement;

/// <summary>The tally of a dispute: the outcome, the counts and the escrow's payouts.</summary>
/// <param name="Outcome">Upheld, rejected or tied.</param>
/// <param name="Uphold">Revealed votes for the requester.</param>
/// <param name="Reject">Revealed votes against.</param>
/// <param name="Unrevealed">Jurors that committed but did not reveal.</param>
/// <param name="Payouts">What the escrow pays, summing to everything it holds.</param>
public sealed record DisputeTally(DisputeOutcome Outcome, int Uphold, int Reject, IReadOnlyList<string> Unrevealed, IReadOnlyList<Payout> Payouts);

/// <summary>
/// Commit-then-reveal voting and the payouts of a dispute. The escrow holds the requester's pledge and the voting fee
/// of every juror that committed; it is emptied when the dispute resolves:
/// <list type="bullet">
/// <item>A strict majority of revealed votes decides. Jurors in the majority get their fee back plus an equal share of
/// the pot; jurors in the minority and jurors that did not reveal in time lose their fee to the pot.</item>
/// <item><b>Upheld</b>: the requester gets the pledge back; the pot is the forfeited fees.</item>
/// <item><b>Rejected</b>: the pot is the pledge plus the forfeited fees.</item>
/// <item><b>Tied</b> (equal revealed votes, or none revealed): nobody wins; the requester gets the pledge back, every
/// juror that revealed gets its fee back, and the fees of jurors that did not reveal are shared among those that did
/// (or go to the requester when nobody revealed).</item>
/// </list>
/// A share that does not divide evenly leaves a remainder of a few minor units; it goes, one unit each, to the receivers
/// in draw order, so the payouts always sum to the escrow's balance.
/// </summary>
public static class DisputeRules
{
    /// <summary>The commitment a juror seals: SHA-256 hex of <c>disputeId|vote|salt</c> (vote <c>uphold</c> or <c>reject</c>).</summary>
    /// <param name="disputeId">The dispute.</param>
    /// <param name="vote">The vote.</param>
    /// <param name="salt">A secret of the juror's (at least 16 characters), revealed with the vote.</param>
    /// <returns>Lower-case hex.</returns>
    public static string Commitment(string disputeId, Vote vote, string salt)
        => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{disputeId}|{VoteName(vote)}|{salt}")));

    /// <summary>The vote's name in a commitment.</summary>
    /// <param name="vote">The vote.</param>
    /// <returns><c>uphold</c> or <c>reject</c>.</returns>
    public static string VoteName(Vote vote) => vote == Vote.Uphold ? "uphold" : "reject";

    /// <summary>Tallies the votes and splits the escrow.</summary>
    /// <param name="requester">The requester's account.</param>
    /// <param name="pledge">The pledge in the escrow.</param>
    /// <param name="votes">Each juror that committed, in draw order: its fee and its revealed vote (null when not revealed).</param>
    /// <returns>The tally.</returns>
    public static DisputeTally Tally(string requester, long pledge, IReadOnlyList<(string Juror, long Fee, Vote? Vote)> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var uphold = votes.Count(v => v.Vote == Vote.Uphold);
        var reject = votes.Count(v => v.Vote == Vote.Reject);
        var unrevealed = votes.Where(v => v.Vote is null).Select(v => v.Juror).ToList();
        var outcome = uphold > reject ? DisputeOutcome.Upheld : reject > uphold ? DisputeOutcome.Rejected : DisputeOutcome.Tied;
        var payouts = new List<Payout>();
        long pot = 0;
        List<(string Juror, long Fee, Vote? Vote)> sharers;
        if (outcome == DisputeOutcome.Tied)
        {
            payouts.Add(new Payout(requester, pledge));
            sharers = votes.Where(v => v.Vote is not null).ToList();
            foreach (var v in votes)
            {
                if (v.Vote is null)
                {
                    pot += v.Fee;
                }
            }
        }
        else
        {
            var winning = outcome == DisputeOutcome.Upheld ? Vote.Uphold : Vote.Reject;
            if (outcome == DisputeOutcome.Upheld)
            {
                payouts.Add(new Payout(requester, pledge));
            }
            else
            {
                pot += pledge;
            }

            sharers = votes.Where(v => v.Vote == winning).ToList();
            foreach (var v in votes)
            {
                if (v.Vote != winning)
                {
                    pot += v.Fee;
                }
            }
        }

        foreach (var s in sharers)
        {
            payouts.Add(new Payout(s.Juror, s.Fee));
        }

        if (sharers.Count == 0)
        {
            // Only when nobody revealed: the unrevealed fees go to the requester, who paid for a vote that did not happen.
            if (pot > 0)
            {
                payouts.Add(new Payout(requester, pot));
            }
        }
        else
        {
            var share = pot / sharers.Count;
            var remainder = pot % sharers.Count;
            for (var i = 0; i < sharers.Count; i++)
            {
                var amount = share + (i < remainder ? 1 : 0);
                if (amount > 0)
                {
                    payouts.Add(new Payout(sharers[i].Juror, amount));
                }
            }
        }

        var merged = payouts.GroupBy(p => p.Account, StringComparer.Ordinal)
            .Select(g => new Payout(g.Key, g.Sum(p => p.Amount)))
            .Where(p => p.Amount > 0)
            .ToList();
        return new DisputeTally(outcome, uphold, reject, unrevealed, merged);
    }
}
