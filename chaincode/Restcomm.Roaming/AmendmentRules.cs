using System.Globalization;

namespace Restcomm.Roaming;

/// <summary>
/// What an amendment may change. An amendment is the next full version of the document: same agreement, parties
/// (MSP IDs and TADIG codes), currency, decimal places and services; <see cref="AgreementDocument.EffectiveFrom"/>
/// at least the current version's <see cref="AgreementDocument.AmendmentNoticeDays"/> after the day it is proposed and
/// inside the validity; and no IOT rate (price per unit, minimum charge) moved by more than the current version's
/// <see cref="AgreementDocument.MaxRateChangeBasisPoints"/> of its current value. Charging increments, discounts,
/// payment terms and windows may change freely.
/// </summary>
public static class AmendmentRules
{
    /// <summary>Checks an amendment; throws <see cref="RoamingRuleException"/> with code <c>invalid-amendment</c>,
    /// <c>amendment-notice</c> or <c>rate-variance</c>.</summary>
    /// <param name="current">The version in force now (the latest accepted one).</param>
    /// <param name="proposed">The proposed next version.</param>
    /// <param name="proposedOn">The day it is proposed (the transaction's UTC date).</param>
    public static void Check(AgreementDocument current, AgreementDocument proposed, DateOnly proposedOn)
    {
        proposed.Validate();
        var problems = new List<string>();
        if (proposed.AgreementId != current.AgreementId)
        {
            problems.Add("it names another agreement");
        }

        if (proposed.Version != current.Version + 1)
        {
            problems.Add($"its version must be {current.Version + 1}");
        }

        if (!SameParty(current.PartyA, proposed.PartyA) || !SameParty(current.PartyB, proposed.PartyB))
        {
            problems.Add("the parties and their TADIG codes cannot change");
        }

        if (proposed.Currency != current.Currency || proposed.DecimalPlaces != current.DecimalPlaces)
        {
            problems.Add("the currency and decimal places cannot change");
        }

        if (proposed.Supersedes != current.Supersedes)
        {
            problems.Add("supersedes cannot change");
        }

        if (proposed.EffectiveFrom is null)
        {
            problems.Add("effectiveFrom is required");
        }

        foreach (var direction in current.Directions)
        {
            var next = proposed.Directions.FirstOrDefault(d => d.VisitedMspId == direction.VisitedMspId);
            if (next is null || !next.Rates.Select(r => r.Service).Order().SequenceEqual(direction.Rates.Select(r => r.Service).Order()))
            {
                problems.Add($"the services rated in {direction.VisitedMspId}'s network cannot change");
            }
        }

        if (problems.Count > 0)
        {
            throw new RoamingRuleException("invalid-amendment", $"the amendment is not valid: {string.Join("; ", problems)}");
        }

        var earliest = proposedOn.AddDays(current.AmendmentNoticeDays);
        if (proposed.EffectiveFrom < earliest)
        {
            throw new RoamingRuleException("amendment-notice", string.Create(CultureInfo.InvariantCulture,
                $"the amendment takes effect on {proposed.EffectiveFrom:yyyy-MM-dd}; with {current.AmendmentNoticeDays} days' notice it can take effect on {earliest:yyyy-MM-dd} at the earliest"));
        }

        foreach (var direction in current.Directions)
        {
            var next = proposed.Direction(direction.VisitedMspId);
            foreach (var rate in direction.Rates)
            {
                var changed = next.Rate(rate.Service)!;
                CheckVariance(current, direction.VisitedMspId, rate.Service, "pricePerUnit", rate.PricePerUnit, changed.PricePerUnit);
                CheckVariance(current, direction.VisitedMspId, rate.Service, "minimumCharge", rate.MinimumCharge, changed.MinimumCharge);
            }
        }
    }

    /// <summary>Whether a change stays within a variance: |new − old| × 10,000 ≤ old × basis points.</summary>
    /// <param name="oldValue">The current value.</param>
    /// <param name="newValue">The proposed value.</param>
    /// <param name="basisPoints">The allowed variance.</param>
    /// <returns>True when allowed.</returns>
    public static bool WithinVariance(long oldValue, long newValue, int basisPoints)
        => (Int128)Math.Abs(newValue - oldValue) * 10_000 <= (Int128)oldValue * basisPoints;

    private static void CheckVariance(AgreementDocument current, string visited, RoamingService service, string field, long oldValue, long newValue)
    {
        if (!WithinVariance(oldValue, newValue, current.MaxRateChangeBasisPoints))
        {
            throw new RoamingRuleException("rate-variance", string.Create(CultureInfo.InvariantCulture,
                $"{service} {field} in {visited}'s network moves from {oldValue} to {newValue}, more than the allowed {current.MaxRateChangeBasisPoints} basis points"));
        }
    }

    private static bool SameParty(AgreementParty a, AgreementParty b)
        => a.MspId == b.MspId && a.Tadigs.Order(StringComparer.Ordinal).SequenceEqual(b.Tadigs.Order(StringComparer.Ordinal), StringComparer.Ordinal);
}
