using System.Text.Json.Serialization;

namespace Restcomm.Eir;

/// <summary>
/// What a caller asks to put on a list: the input of a report, whether single or one item of a bulk report.
/// Validate it with <see cref="Validate"/> before use.
/// </summary>
public sealed record EirReport
{
    /// <summary>Most reports one bulk report (one transaction) accepts.</summary>
    public const int MaxBulk = 10_000;

    /// <summary>Longest accepted note, in characters.</summary>
    public const int MaxNoteLength = 1000;

    /// <summary>The IMEI, serial range or TAC.</summary>
    public required EirTarget Target { get; init; }

    /// <summary>Black (default), grey or white.</summary>
    public EirList List { get; init; } = EirList.Black;

    /// <summary>Why (required on black and grey).</summary>
    public ReasonCode? Reason { get; init; }

    /// <summary>Expiry (required on grey, refused elsewhere).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>SHA-256 of the evidence, 64 hex digits (an optional <c>sha256:</c> prefix is accepted).</summary>
    public string? EvidenceHash { get; init; }

    /// <summary>Free text, at most <see cref="MaxNoteLength"/> characters; never personal data.</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The owning organisation when a delegate reports or changes an entry for it; null means the caller.
    /// </summary>
    [JsonPropertyName("onBehalfOf")]
    public string? OnBehalfOf { get; init; }

    /// <summary>
    /// Checks the report's rules and returns it normalised (evidence hash in lower-case hex without prefix),
    /// or null with <paramref name="error"/> naming the problem.
    /// </summary>
    /// <param name="now">Current time; a grey expiry must be after it.</param>
    /// <param name="error">The problem, when invalid.</param>
    public EirReport? Validate(DateTimeOffset now, out string? error)
    {
        error = List switch
        {
            EirList.Black or EirList.Grey when Reason is null
                => $"A {EirNames.Of(List)} entry needs a reason: stolen, lost, fraud, duplicate, faulty or other.",
            EirList.Grey when ExpiresAt is null
                => "A grey entry needs an expiry (expiresAt): grey-listed equipment is observed for a limited time.",
            EirList.Grey when ExpiresAt <= now
                => $"The expiry {ExpiresAt:O} is not in the future.",
            EirList.Black or EirList.White when ExpiresAt is not null
                => $"Only grey entries expire; remove expiresAt from the {EirNames.Of(List)} entry.",
            EirList.White when Target.Kind != EirTargetKind.Tac
                => $"The white list holds allowed TACs; '{Target}' is not an 8-digit TAC.",
            EirList.White when Reason is not null
                => "A white entry has no reason.",
            EirList.Black or EirList.Grey or EirList.White => null,
            _ => $"List {(int)List} is not known; use black, grey or white.",
        };
        if (error is null && Reason is { } reason && !Enum.IsDefined(reason))
        {
            error = $"Reason {(int)reason} is not known; use stolen, lost, fraud, duplicate, faulty or other.";
        }

        if (error is null && Note is { Length: > MaxNoteLength })
        {
            error = $"The note has {Note.Length} characters; at most {MaxNoteLength} are allowed.";
        }

        string? hash = null;
        if (error is null && EvidenceHash is { } given)
        {
            hash = given.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? given[7..] : given;
            if (hash.Length != 64 || !hash.All(char.IsAsciiHexDigit))
            {
                error = $"The evidence hash '{given}' is not a SHA-256 digest; give 64 hex digits.";
            }
        }

        if (error is null && OnBehalfOf is { Length: 0 })
        {
            error = "onBehalfOf is empty; leave it out to act for your own organisation.";
        }

        return error is null
            ? this with { EvidenceHash = hash?.ToLowerInvariant(), Note = string.IsNullOrEmpty(Note) ? null : Note }
            : null;
    }
}
