using System.Text.RegularExpressions;

namespace Restcomm.Numbers;

/// <summary>What kind of line a number is (as number-portability and lookup services classify them).</summary>
public enum LineType
{
    /// <summary>Mobile.</summary>
    Mobile,

    /// <summary>Fixed (landline).</summary>
    Fixed,

    /// <summary>Non-fixed VoIP.</summary>
    Voip,

    /// <summary>Toll-free.</summary>
    TollFree,

    /// <summary>Premium rate.</summary>
    Premium,

    /// <summary>Shared cost.</summary>
    SharedCost,

    /// <summary>Pager.</summary>
    Pager,

    /// <summary>Anything else (M2M, personal numbers, …).</summary>
    Other,
}

/// <summary>Whether a caller name may be shown.</summary>
public enum CnamPresentation
{
    /// <summary>Shown to whoever looks it up.</summary>
    Allowed,

    /// <summary>Never shown: lookups answer the presentation only.</summary>
    Restricted,
}

/// <summary>
/// One channel a number can be reached on, published with the subscriber's permission: the channel name, an optional
/// routing URI and the consent evidence (the SHA-256 of the evidence, never the evidence or who gave it).
/// </summary>
public sealed record Capability
{
    /// <summary>Longest routing URI.</summary>
    public const int MaxUriLength = 256;

    /// <summary>The channel: <c>voice</c>, <c>sms</c>, <c>mms</c>, <c>fax</c>, <c>rcs</c>, <c>whatsapp</c>, <c>imessage</c>, <c>viber</c>, … (lower-case letters, digits, hyphens; at most 32).</summary>
    public required string Name { get; init; }

    /// <summary>Where to route it: a <c>sip:</c>, <c>sips:</c>, <c>tel:</c> or <c>https:</c> URI.</summary>
    public string? Uri { get; init; }

    /// <summary>SHA-256 (64 hex digits, lower case) of the subscriber's consent evidence.</summary>
    public required string ConsentHash { get; init; }

    /// <summary>When the consent was given (not after the transaction).</summary>
    public required DateTimeOffset ConsentAt { get; init; }

    /// <summary>When the consent lapses; after it lookups leave the capability out.</summary>
    public DateTimeOffset? ConsentExpires { get; init; }

    /// <summary>Whether the consent still holds at <paramref name="now"/>.</summary>
    /// <param name="now">The time of the lookup.</param>
    /// <returns>True while it holds.</returns>
    public bool IsConsentedAt(DateTimeOffset now) => ConsentExpires is not { } expires || expires > now;
}

/// <summary>A caller name (CNAM): up to 15 printable ASCII characters and whether it may be shown.</summary>
public sealed record CallerName
{
    /// <summary>Longest caller name (the CNAM limit).</summary>
    public const int MaxLength = 15;

    /// <summary>The name.</summary>
    public required string Name { get; init; }

    /// <summary>Allowed (default) or restricted.</summary>
    public CnamPresentation Presentation { get; init; } = CnamPresentation.Allowed;
}

/// <summary>
/// What a serving provider publishes for one number (or, as <see cref="NumberBlock.Profile"/>, for every number of a
/// block): line type, capabilities and caller name. Nothing here identifies the subscriber.
/// </summary>
public sealed record NumberProfile
{
    /// <summary>Most capabilities per number.</summary>
    public const int MaxCapabilities = 32;

    /// <summary>The line type.</summary>
    public LineType LineType { get; init; } = LineType.Mobile;

    /// <summary>The channels, at most one per name.</summary>
    public IReadOnlyList<Capability> Capabilities { get; init; } = [];

    /// <summary>The caller name, if published.</summary>
    public CallerName? Cnam { get; init; }
}

/// <summary>What a provider submits to publish or update one number.</summary>
public sealed record NumberPublication
{
    /// <summary>The number.</summary>
    public required E164Number E164 { get; init; }

    /// <summary>Line type, capabilities and caller name.</summary>
    public NumberProfile Profile { get; init; } = new();
}

/// <summary>A number on the ledger: its serving provider and what it published.</summary>
public sealed record NumberRecord
{
    /// <summary>The number.</summary>
    public required E164Number E164 { get; init; }

    /// <summary>The serving provider's MSP ID: the only organisation that may change or withdraw the record.</summary>
    public required string Provider { get; init; }

    /// <summary>Line type, capabilities and caller name.</summary>
    public required NumberProfile Profile { get; init; }

    /// <summary>The block the number belongs to, when it overrides a block's profile or was ported out of one.</summary>
    public string? Block { get; init; }

    /// <summary>When the record last changed (transaction time).</summary>
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The transaction that last changed it.</summary>
    public required string TxId { get; init; }

    /// <summary>The record with a restricted caller name left out (what a lookup by anyone but its provider shows).</summary>
    /// <returns>The record as a lookup shows it.</returns>
    public NumberRecord Redacted()
        => Profile.Cnam is { Presentation: CnamPresentation.Restricted } cnam
            ? this with { Profile = Profile with { Cnam = cnam with { Name = "" } } }
            : this;
}

/// <summary>The checks every published profile passes before it reaches the ledger.</summary>
public static partial class NumberRules
{
    private static readonly string[] UriSchemes = ["sip:", "sips:", "tel:", "https:"];

    /// <summary>Checks a profile at transaction time <paramref name="now"/>; returns it normalised (capabilities sorted by name).</summary>
    /// <param name="profile">The profile.</param>
    /// <param name="now">The transaction's time.</param>
    /// <returns>The profile to store.</returns>
    /// <exception cref="NumberRuleException">A field is invalid (<c>numbers-invalid-record</c>).</exception>
    public static NumberProfile Validate(NumberProfile profile, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!Enum.IsDefined(profile.LineType))
        {
            throw NumberRuleException.Invalid($"line type {(int)profile.LineType} is not known");
        }

        var capabilities = profile.Capabilities ?? [];
        if (capabilities.Count > NumberProfile.MaxCapabilities)
        {
            throw NumberRuleException.Invalid($"a number has at most {NumberProfile.MaxCapabilities} capabilities, not {capabilities.Count}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var checkedCapabilities = new List<Capability>(capabilities.Count);
        foreach (var capability in capabilities)
        {
            if (capability is null)
            {
                throw NumberRuleException.Invalid("a capability is null");
            }

            checkedCapabilities.Add(Validate(capability, now));
            if (!seen.Add(capability.Name))
            {
                throw NumberRuleException.Invalid($"capability '{capability.Name}' is given twice");
            }
        }

        checkedCapabilities.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return profile with { Capabilities = checkedCapabilities, Cnam = profile.Cnam is { } cnam ? Validate(cnam) : null };
    }

    /// <summary>Checks one capability.</summary>
    /// <param name="capability">The capability.</param>
    /// <param name="now">The transaction's time.</param>
    /// <returns>The capability (hash in lower case).</returns>
    public static Capability Validate(Capability capability, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(capability);
        if (capability.Name is null || !CapabilityName().IsMatch(capability.Name))
        {
            throw NumberRuleException.Invalid($"capability name '{capability.Name}' must be 1-32 lower-case letters, digits or hyphens (voice, sms, rcs, whatsapp, …)");
        }

        if (capability.Uri is { } uri)
        {
            if (uri.Length > Capability.MaxUriLength || !UriSchemes.Any(s => uri.StartsWith(s, StringComparison.OrdinalIgnoreCase))
                || !System.Uri.TryCreate(uri, UriKind.Absolute, out _) || uri.Any(char.IsWhiteSpace))
            {
                throw NumberRuleException.Invalid($"the {capability.Name} routing URI must be an absolute sip:, sips:, tel: or https: URI of at most {Capability.MaxUriLength} characters");
            }
        }

        if (!IsSha256Hex(capability.ConsentHash))
        {
            throw NumberRuleException.Invalid($"the {capability.Name} consent hash must be the SHA-256 of the consent evidence: 64 hex digits");
        }

        if (capability.ConsentAt > now.AddMinutes(5))
        {
            throw NumberRuleException.Invalid($"the {capability.Name} consent is dated {capability.ConsentAt:O}, after the transaction ({now:O})");
        }

        if (capability.ConsentExpires is { } expires && expires <= capability.ConsentAt)
        {
            throw NumberRuleException.Invalid($"the {capability.Name} consent expires before it was given");
        }

        return capability with { ConsentHash = capability.ConsentHash.ToLowerInvariant() };
    }

    /// <summary>Checks a caller name: 1 to 15 printable ASCII characters, not starting or ending with a space.</summary>
    /// <param name="cnam">The name.</param>
    /// <returns>The name.</returns>
    public static CallerName Validate(CallerName cnam)
    {
        ArgumentNullException.ThrowIfNull(cnam);
        var name = cnam.Name ?? "";
        if (name.Length is 0 or > CallerName.MaxLength)
        {
            throw NumberRuleException.Invalid($"a caller name has 1 to {CallerName.MaxLength} characters, not {name.Length}");
        }

        if (name.Any(c => c is < ' ' or > '~'))
        {
            throw NumberRuleException.Invalid("a caller name is printable ASCII only");
        }

        if (name.Trim().Length != name.Length)
        {
            throw NumberRuleException.Invalid("a caller name has no leading or trailing spaces");
        }

        if (!Enum.IsDefined(cnam.Presentation))
        {
            throw NumberRuleException.Invalid("the caller name presentation is allowed or restricted");
        }

        return cnam;
    }

    /// <summary>Whether <paramref name="text"/> is 64 hex digits.</summary>
    /// <param name="text">The text.</param>
    /// <returns>True for a SHA-256 in hex.</returns>
    public static bool IsSha256Hex(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex CapabilityName();
}
