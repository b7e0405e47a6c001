using System.Globalization;

namespace Restcomm.Roaming;

/// <summary>
/// A bilateral roaming agreement as both operators sign it: one version of the document. The document itself lives in
/// the pair's private collection; the ledger's public state keeps its SHA-256 (over the exact JSON bytes submitted),
/// the parties, the status and the validity.
/// </summary>
/// <remarks>
/// Version 1 is the agreement as first proposed; each accepted amendment is a new full version with a higher
/// <see cref="Version"/> whose rates apply from <see cref="EffectiveFrom"/>. Money is integer minor units of
/// <see cref="Currency"/> with <see cref="DecimalPlaces"/> decimal places (SDR with 3 places: 1 SDR = 1000).
/// </remarks>
public sealed record AgreementDocument
{
    /// <summary>Identifier chosen by the proposer, unique on the channel (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>; at most 64).</summary>
    public required string AgreementId { get; init; }

    /// <summary>1 for the agreement as first agreed, then one more per accepted amendment.</summary>
    public int Version { get; init; } = 1;

    /// <summary>The agreement this one replaces once accepted (same two operators), if any.</summary>
    public string? Supersedes { get; init; }

    /// <summary>One operator.</summary>
    public required AgreementParty PartyA { get; init; }

    /// <summary>The other operator.</summary>
    public required AgreementParty PartyB { get; init; }

    /// <summary>First day the agreement applies (dates are the visited network's local dates of the events).</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last day it applies; null while open-ended.</summary>
    public DateOnly? ValidTo { get; init; }

    /// <summary>First day this version's rates apply (version 1: <see cref="ValidFrom"/> when left out).</summary>
    public DateOnly? EffectiveFrom { get; init; }

    /// <summary>Settlement currency (ISO 4217 or <c>SDR</c>).</summary>
    public required string Currency { get; init; }

    /// <summary>Decimal places of every amount and price in this agreement (0–6).</summary>
    public int DecimalPlaces { get; init; } = 3;

    /// <summary>The operators' local currencies, for invoicing.</summary>
    public IReadOnlyList<string> LocalCurrencies { get; init; } = [];

    /// <summary>Where exchange rates between <see cref="Currency"/> and the local currencies come from (e.g. <c>IMF SDR daily</c>).</summary>
    public string ExchangeRateSource { get; init; } = "";

    /// <summary>Exactly two: the terms for traffic in each operator's network (one per visited operator).</summary>
    public required IReadOnlyList<DirectionTerms> Directions { get; init; }

    /// <summary>How often usage is settled.</summary>
    public SettlementPeriod SettlementPeriod { get; init; } = SettlementPeriod.Monthly;

    /// <summary>Payment terms <c>N+M</c> (e.g. <c>7+3</c>, <c>15+15</c>): see <see cref="Roaming.PaymentTerms"/>.</summary>
    public required string PaymentTerms { get; init; }

    /// <summary>Days after a statement is proposed during which either party may dispute it.</summary>
    public int DisputeWindowDays { get; init; } = 30;

    /// <summary>The largest change of any rate an amendment may make, in basis points of the current rate (2000 = 20 %).</summary>
    public int MaxRateChangeBasisPoints { get; init; } = 2000;

    /// <summary>The least number of days between proposing an amendment and its <see cref="EffectiveFrom"/>.</summary>
    public int AmendmentNoticeDays { get; init; } = 30;

    /// <summary>The first day this version's rates apply.</summary>
    public DateOnly RatesFrom => EffectiveFrom ?? ValidFrom;

    /// <summary>Both parties, A first.</summary>
    public IReadOnlyList<AgreementParty> Parties => [PartyA, PartyB];

    /// <summary>The name of the pair's private data collection: <c>pair-&lt;MSPa&gt;-&lt;MSPb&gt;</c>, MSP IDs in ordinal order.</summary>
    public string Collection => PairCollection(PartyA.MspId, PartyB.MspId);

    /// <summary>The pair's collection name for two MSP IDs.</summary>
    /// <param name="mspA">One MSP ID.</param>
    /// <param name="mspB">The other.</param>
    /// <returns><c>pair-&lt;lower&gt;-&lt;higher&gt;</c> in ordinal order.</returns>
    public static string PairCollection(string mspA, string mspB)
        => string.CompareOrdinal(mspA, mspB) <= 0 ? $"pair-{mspA}-{mspB}" : $"pair-{mspB}-{mspA}";

    /// <summary>The party with this MSP ID, or null.</summary>
    /// <param name="mspId">The MSP ID.</param>
    /// <returns>The party or null.</returns>
    public AgreementParty? Party(string mspId)
        => PartyA.MspId == mspId ? PartyA : PartyB.MspId == mspId ? PartyB : null;

    /// <summary>The other party's MSP ID.</summary>
    /// <param name="mspId">One party's MSP ID.</param>
    /// <returns>The counterparty's MSP ID.</returns>
    public string Counterparty(string mspId) => PartyA.MspId == mspId ? PartyB.MspId : PartyA.MspId;

    /// <summary>The party owning a TADIG code, or null.</summary>
    /// <param name="tadig">A TADIG code.</param>
    /// <returns>The party or null.</returns>
    public AgreementParty? PartyOfTadig(string tadig)
        => PartyA.Tadigs.Contains(tadig, StringComparer.Ordinal) ? PartyA : PartyB.Tadigs.Contains(tadig, StringComparer.Ordinal) ? PartyB : null;

    /// <summary>The terms for usage in <paramref name="visitedMspId"/>'s network.</summary>
    /// <param name="visitedMspId">The visited operator.</param>
    /// <returns>The direction's terms.</returns>
    public DirectionTerms Direction(string visitedMspId)
        => Directions.FirstOrDefault(d => d.VisitedMspId == visitedMspId)
           ?? throw RoamingRuleException.Invalid($"the agreement {AgreementId} has no terms for usage in {visitedMspId}'s network");

    /// <summary>Whether a date lies inside the validity.</summary>
    /// <param name="date">A date.</param>
    /// <returns>True inside [ValidFrom, ValidTo].</returns>
    public bool IsValidOn(DateOnly date) => date >= ValidFrom && (ValidTo is null || date <= ValidTo);

    /// <summary>Checks the document on its own; throws <see cref="RoamingRuleException"/> (<c>invalid-agreement</c>) naming every problem.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (!IsIdentifier(AgreementId))
        {
            problems.Add("agreementId must be 1-64 letters, digits, '-', '_' or '.'");
        }

        if (Version < 1)
        {
            problems.Add("version must be at least 1");
        }

        if (Supersedes is not null && (!IsIdentifier(Supersedes) || Supersedes == AgreementId))
        {
            problems.Add("supersedes must name another agreement");
        }

        ValidateParty(PartyA, "partyA", problems);
        ValidateParty(PartyB, "partyB", problems);
        if (PartyA.MspId == PartyB.MspId)
        {
            problems.Add("the two parties must be different organisations");
        }

        if (PartyA.Tadigs.Intersect(PartyB.Tadigs, StringComparer.Ordinal).Any())
        {
            problems.Add("a TADIG code cannot belong to both parties");
        }

        if (ValidTo is { } to && to < ValidFrom)
        {
            problems.Add("validTo is before validFrom");
        }

        if (EffectiveFrom is { } effective && (effective < ValidFrom || (ValidTo is { } end && effective > end)))
        {
            problems.Add("effectiveFrom lies outside the validity");
        }

        if (string.IsNullOrWhiteSpace(Currency) || Currency.Length > 8)
        {
            problems.Add("currency is required (e.g. SDR, EUR)");
        }

        if (DecimalPlaces is < 0 or > 6)
        {
            problems.Add("decimalPlaces must be 0-6");
        }

        if (!Roaming.PaymentTerms.TryParse(PaymentTerms, out _))
        {
            problems.Add($"paymentTerms '{PaymentTerms}' is not N+M days (e.g. 7+3, 15+15)");
        }

        if (DisputeWindowDays is < 0 or > 3650 || AmendmentNoticeDays is < 0 or > 3650)
        {
            problems.Add("disputeWindowDays and amendmentNoticeDays must be 0-3650");
        }

        if (MaxRateChangeBasisPoints is < 0 or > 100_000)
        {
            problems.Add("maxRateChangeBasisPoints must be 0-100000");
        }

        if (Directions.Count != 2
            || Directions.Count(d => d.VisitedMspId == PartyA.MspId) != 1
            || Directions.Count(d => d.VisitedMspId == PartyB.MspId) != 1)
        {
            problems.Add("directions must hold exactly one entry per party as the visited operator");
        }

        foreach (var direction in Directions)
        {
            direction.Validate(problems);
        }

        if (problems.Count > 0)
        {
            throw new RoamingRuleException("invalid-agreement", $"the agreement document is not valid: {string.Join("; ", problems)}");
        }
    }

    private static void ValidateParty(AgreementParty? party, string name, List<string> problems)
    {
        if (party is null || string.IsNullOrWhiteSpace(party.MspId))
        {
            problems.Add($"{name}.mspId is required");
            return;
        }

        if (party.Tadigs.Count == 0)
        {
            problems.Add($"{name} needs at least one TADIG code");
        }

        foreach (var tadig in party.Tadigs)
        {
            if (!Tadig.IsValid(tadig))
            {
                problems.Add($"{name}: '{tadig}' is not a TADIG code (5 upper-case letters or digits)");
            }
        }
    }

    internal static bool IsIdentifier(string? text)
        => !string.IsNullOrEmpty(text) && text.Length <= 64 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}

/// <summary>An operator in an agreement: its Fabric organisation and the TADIG codes of its networks.</summary>
public sealed record AgreementParty
{
    /// <summary>The operator's MSP ID.</summary>
    public required string MspId { get; init; }

    /// <summary>Its networks' TADIG codes (an operator may own several).</summary>
    public required IReadOnlyList<string> Tadigs { get; init; }
}

/// <summary>How often a pair settles.</summary>
public enum SettlementPeriod
{
    /// <summary>One statement per calendar month (period <c>yyyy-MM</c>).</summary>
    Monthly = 0,
}

/// <summary>The terms for usage by the other party's subscribers in <see cref="VisitedMspId"/>'s network.</summary>
public sealed record DirectionTerms
{
    /// <summary>The visited operator, who charges the home operator.</summary>
    public required string VisitedMspId { get; init; }

    /// <summary>The wholesale (IOT) rate of each service offered.</summary>
    public required IReadOnlyList<ServiceRate> Rates { get; init; }

    /// <summary>The discount applied to the period's accepted usage in this direction.</summary>
    public DiscountModel Discount { get; init; } = new();

    /// <summary>The rate of a service, or null when the service is not part of the agreement.</summary>
    /// <param name="service">The service.</param>
    /// <returns>The rate or null.</returns>
    public ServiceRate? Rate(RoamingService service) => Rates.FirstOrDefault(r => r.Service == service);

    internal void Validate(List<string> problems)
    {
        var where = $"direction {VisitedMspId}";
        if (Rates.Count == 0)
        {
            problems.Add($"{where}: at least one rate is required");
        }

        if (Rates.Select(r => r.Service).Distinct().Count() != Rates.Count)
        {
            problems.Add($"{where}: a service is rated twice");
        }

        foreach (var rate in Rates)
        {
            if (!RoamingServices.IsDefined(rate.Service))
            {
                problems.Add($"{where}: unknown service {rate.Service}");
            }

            if (rate.PricePerUnit < 0 || rate.MinimumCharge < 0 || rate.MinimumQuantity < 0)
            {
                problems.Add($"{where}/{rate.Service}: prices and minimums cannot be negative");
            }

            if (rate.ChargingIncrement < 1)
            {
                problems.Add($"{where}/{rate.Service}: chargingIncrement must be at least 1");
            }
        }

        Discount.Validate(where, Rates, problems);
    }
}

/// <summary>
/// The IOT rate of one service: <see cref="PricePerUnit"/> minor units per <see cref="RoamingServices.RateUnit"/>,
/// the quantity rounded up to a multiple of <see cref="ChargingIncrement"/> and to at least
/// <see cref="MinimumQuantity"/>, and at least <see cref="MinimumCharge"/> for any non-zero quantity.
/// </summary>
public sealed record ServiceRate
{
    /// <summary>The service.</summary>
    public required RoamingService Service { get; init; }

    /// <summary>Minor units per rate unit (a minute, an SMS, a megabyte).</summary>
    public required long PricePerUnit { get; init; }

    /// <summary>Charging increment in the service's quantity (seconds, events, bytes); 1 when left out.</summary>
    public long ChargingIncrement { get; init; } = 1;

    /// <summary>Least quantity charged for a non-zero event (e.g. 30 seconds); 0 for none.</summary>
    public long MinimumQuantity { get; init; }

    /// <summary>Least amount charged for a non-zero event, in minor units; 0 for none.</summary>
    public long MinimumCharge { get; init; }
}

/// <summary>Helpers for TADIG codes.</summary>
public static class Tadig
{
    /// <summary>Whether a text is a TADIG code: five upper-case ASCII letters or digits (e.g. <c>AAAA1</c>).</summary>
    /// <param name="text">The text.</param>
    /// <returns>True for a well-formed code.</returns>
    public static bool IsValid(string? text)
        => text is { Length: 5 } && text.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterUpper(c));
}

/// <summary>
/// Payment terms written <c>N+M</c>: the statement of a period is invoiced within N days after the period's last day
/// and paid within M days after that, so the payment is due on the period's last day plus N + M days.
/// </summary>
/// <param name="InvoiceDays">N.</param>
/// <param name="PaymentDays">M.</param>
public readonly record struct PaymentTerms(int InvoiceDays, int PaymentDays)
{
    /// <summary>Parses <c>N+M</c> (each 0-365).</summary>
    /// <param name="text">The text.</param>
    /// <param name="terms">The terms when the text is valid.</param>
    /// <returns>True when the text is valid.</returns>
    public static bool TryParse(string? text, out PaymentTerms terms)
    {
        terms = default;
        var parts = (text ?? "").Split('+');
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var m)
            || n > 365 || m > 365)
        {
            return false;
        }

        terms = new PaymentTerms(n, m);
        return true;
    }

    /// <summary>Parses <c>N+M</c> or throws <see cref="RoamingRuleException"/>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The terms.</returns>
    public static PaymentTerms Parse(string text)
        => TryParse(text, out var terms) ? terms : throw RoamingRuleException.Invalid($"payment terms '{text}' are not N+M days");

    /// <summary>The due date of a period's settlement.</summary>
    /// <param name="periodEnd">The period's last day.</param>
    /// <returns><paramref name="periodEnd"/> + N + M days.</returns>
    public DateOnly DueDate(DateOnly periodEnd) => periodEnd.AddDays(InvoiceDays + PaymentDays);

    /// <inheritdoc />
    public override string ToString() => $"{InvoiceDays}+{PaymentDays}";
}
