using System.Text.Json.Serialization;

namespace Restcomm.Eir;

/// <summary>
/// One organisation's entry on one list for one target. The reporting organisation (<see cref="Owner"/>)
/// owns it: only it, or an organisation it delegated to, may change or clear it. Several organisations may
/// each hold their own entry for the same device.
/// </summary>
public sealed record EirEntry
{
    /// <summary>The IMEI, serial range or TAC covered.</summary>
    public required EirTarget Target { get; init; }

    /// <summary>Black, grey or white.</summary>
    public required EirList List { get; init; }

    /// <summary>MSP ID of the owning organisation.</summary>
    public required string Owner { get; init; }

    /// <summary>Why the device is listed (black and grey entries); null on white entries.</summary>
    public ReasonCode? Reason { get; init; }

    /// <summary>When a grey entry stops counting; null on black and white entries.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>Lower-case hex SHA-256 of supporting evidence (e.g. a police report), or null.</summary>
    public string? EvidenceHash { get; init; }

    /// <summary>Free text, or null. Never personal data.</summary>
    public string? Note { get; init; }

    /// <summary>Transaction time of the first report.</summary>
    public DateTimeOffset ReportedAt { get; init; }

    /// <summary>Transaction time of the latest change.</summary>
    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>MSP ID of the organisation that made the latest change (the owner or a delegate).</summary>
    public string? UpdatedBy { get; init; }

    /// <summary>Transaction of the latest change.</summary>
    public string? TxId { get; init; }

    /// <summary>The entry's identity: target, list and owner.</summary>
    [JsonIgnore]
    public EirEntryKey Key => new(Target, List, Owner);

    /// <summary>The identity in text form, <c>target|list|owner</c>.</summary>
    public string Id => Key.ToString();

    /// <summary>Whether the entry counts at <paramref name="now"/> (only grey entries expire).</summary>
    public bool IsActiveAt(DateTimeOffset now) => ExpiresAt is not { } expiry || expiry > now;

    /// <summary>Whether the entry says the same as <paramref name="other"/>, ignoring who wrote it and when.</summary>
    public bool SameContentAs(EirEntry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Key == other.Key
            && Reason == other.Reason
            && ExpiresAt == other.ExpiresAt
            && string.Equals(EvidenceHash, other.EvidenceHash, StringComparison.Ordinal)
            && string.Equals(Note, other.Note, StringComparison.Ordinal);
    }
}

/// <summary>Identity of an <see cref="EirEntry"/>: one entry per target, list and owner.</summary>
/// <param name="Target">The IMEI, serial range or TAC.</param>
/// <param name="List">Black, grey or white.</param>
/// <param name="Owner">MSP ID of the owning organisation.</param>
public readonly record struct EirEntryKey(EirTarget Target, EirList List, string Owner)
{
    /// <summary>The text form <c>target|list|owner</c>.</summary>
    public override string ToString() => $"{Target}|{EirNames.Of(List)}|{Owner}";

    /// <summary>Parses the text form <c>target|list|owner</c>.</summary>
    public static bool TryParse(string? text, out EirEntryKey key)
    {
        key = default;
        var parts = text?.Split('|');
        if (parts is not { Length: 3 }
            || !EirTarget.TryParse(parts[0], out var target, out _)
            || !EirNames.TryParseList(parts[1], out var list)
            || parts[2].Length == 0)
        {
            return false;
        }

        key = new EirEntryKey(target, list, parts[2]);
        return true;
    }
}

/// <summary>What happened to an entry.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EirChangeKind>))]
public enum EirChangeKind
{
    /// <summary>A new entry.</summary>
    [JsonStringEnumMemberName("reported")]
    Reported = 1,

    /// <summary>An existing entry's reason, expiry, evidence or note changed.</summary>
    [JsonStringEnumMemberName("updated")]
    Updated = 2,

    /// <summary>The entry was removed.</summary>
    [JsonStringEnumMemberName("cleared")]
    Cleared = 3,
}

/// <summary>One change to one entry: a history record, and an item of the chaincode event.</summary>
public sealed record EirChange
{
    /// <summary>Reported, updated or cleared.</summary>
    public required EirChangeKind Kind { get; init; }

    /// <summary>The entry after the change (for <see cref="EirChangeKind.Cleared"/>: as it was when cleared).</summary>
    public required EirEntry Entry { get; init; }

    /// <summary>MSP ID of the organisation that made the change.</summary>
    public required string By { get; init; }

    /// <summary>The transaction.</summary>
    public required string TxId { get; init; }

    /// <summary>Transaction time.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Free text given when clearing, or null.</summary>
    public string? Note { get; init; }
}

/// <summary>
/// The payload of the chaincode event <see cref="EventName"/>: every change one transaction made, in order.
/// Fabric carries at most one chaincode event per transaction, so a bulk report's changes travel together.
/// </summary>
public sealed record EirChangeSet
{
    /// <summary>The chaincode event name.</summary>
    public const string EventName = "eir.changed";

    /// <summary>The transaction.</summary>
    public required string TxId { get; init; }

    /// <summary>The changes, in the order they were made.</summary>
    public required IReadOnlyList<EirChange> Changes { get; init; }
}
