using System.Text.RegularExpressions;

namespace Restcomm.Audit;

/// <summary>
/// What a party to a signed roaming statement discloses to the regulators beside the statement's anchor: the pair, the
/// period, the volume and the bilateral net. It lives in the discloser's disclosure collection on the audit channel
/// (<see cref="DisclosureCollections"/>: the discloser and the read-only organisations), never in the public state, so
/// the other operators on the audit channel learn nothing of a pair they are not part of.
/// </summary>
public sealed partial record StatementDisclosure
{
    /// <summary>The statement anchor this discloses (<c>channel~roaming~roaming-statement~statementId</c>).</summary>
    public required string AnchorId { get; init; }

    /// <summary>The roaming channel (the consortium).</summary>
    public required string SourceChannel { get; init; }

    /// <summary>The agreement.</summary>
    public required string AgreementId { get; init; }

    /// <summary>The period, <c>yyyy-MM</c>.</summary>
    public required string Period { get; init; }

    /// <summary>The two operators, in ordinal order.</summary>
    public required IReadOnlyList<string> Parties { get; init; }

    /// <summary>The settlement currency (e.g. <c>SDR</c>).</summary>
    public required string Currency { get; init; }

    /// <summary>Decimal places of the minor unit.</summary>
    public required int DecimalPlaces { get; init; }

    /// <summary>Usage batches counted (both directions).</summary>
    public required int Batches { get; init; }

    /// <summary>What each direction's visited operator charges after discounts, in minor units, by the visited operator's MSP ID.</summary>
    public required IReadOnlyDictionary<string, long> ChargedMinor { get; init; }

    /// <summary>The bilateral net in minor units (never negative).</summary>
    public required long NetMinor { get; init; }

    /// <summary>Who pays the net (null when it is zero).</summary>
    public string? NetPayerMspId { get; init; }

    /// <summary>Who receives it.</summary>
    public string? NetPayeeMspId { get; init; }

    /// <summary>SHA-256 of the statement's figures both parties signed (the public state names the same hash).</summary>
    public required string StatementHash { get; init; }

    /// <summary>The statement ID of an agreement's period, as statement anchors name it: <c>agreementId.yyyy-MM</c>.</summary>
    /// <param name="agreementId">The agreement.</param>
    /// <param name="period">The period.</param>
    /// <returns>The statement ID.</returns>
    public static string StatementId(string agreementId, string period) => $"{agreementId}.{period}";

    /// <summary>The reasons this disclosure cannot be kept for <paramref name="discloser"/>; empty when it can.</summary>
    /// <param name="discloser">The MSP ID of the disclosing organisation.</param>
    /// <returns>Problems, each naming the field.</returns>
    public IReadOnlyList<string> Validate(string discloser)
    {
        var problems = new List<string>();
        var expected = string.Join(global::Restcomm.Audit.AnchorId.Separator, SourceChannel, "roaming", AnchorKinds.RoamingStatement, StatementId(AgreementId ?? "", Period ?? ""));
        if (AnchorId != expected)
        {
            problems.Add($"anchorId must be the statement's anchor ({expected})");
        }

        if (!PeriodPattern().IsMatch(Period ?? ""))
        {
            problems.Add("period must be yyyy-MM");
        }

        if (Parties is not { Count: 2 } || Parties[0] == Parties[1] || string.CompareOrdinal(Parties[0], Parties[1]) > 0)
        {
            problems.Add("parties must name the two operators in ordinal order");
        }
        else if (!Parties.Contains(discloser))
        {
            problems.Add($"{discloser} is not a party to the statement it discloses");
        }

        if (NetMinor < 0 || Batches < 0 || DecimalPlaces is < 0 or > 6)
        {
            problems.Add("netMinor and batches must not be negative, decimalPlaces 0-6");
        }

        if (NetMinor > 0 && (NetPayerMspId is null || NetPayeeMspId is null || NetPayerMspId == NetPayeeMspId
            || Parties?.Contains(NetPayerMspId) != true || Parties?.Contains(NetPayeeMspId) != true))
        {
            problems.Add("a non-zero net names a payer and a payee, the two parties");
        }

        if (!global::Restcomm.Audit.AnchorId.HexDigest().IsMatch(StatementHash ?? ""))
        {
            problems.Add("statementHash must be a SHA-256 in 64 lowercase hex digits");
        }

        return problems;
    }

    [GeneratedRegex("^[0-9]{4}-(0[1-9]|1[0-2])$")]
    private static partial Regex PeriodPattern();
}

/// <summary>
/// The audit channel's disclosure collections: <c>disclosure-&lt;MSP&gt;</c> per operator, whose members are that operator
/// and the read-only organisations (the regulators), written only with the operator's peer's endorsement.
/// </summary>
public static class DisclosureCollections
{
    /// <summary>The collection of <paramref name="mspId"/>'s disclosures.</summary>
    /// <param name="mspId">An operator's MSP ID.</param>
    /// <returns>The collection's name.</returns>
    public static string For(string mspId) => $"disclosure-{mspId}";
}

/// <summary>The answer to a disclosure (and the public <c>audit.disclosed</c> event's payload): no figures.</summary>
/// <param name="AnchorId">The statement anchor.</param>
/// <param name="Discloser">Who disclosed.</param>
/// <param name="Collection">Where the figures are.</param>
/// <param name="Created">False when the same disclosure was already there.</param>
public sealed record DisclosureResult(string AnchorId, string Discloser, string Collection, bool Created);
