namespace Restcomm.Numbers;

/// <summary>What a publication did.</summary>
public enum PublishOutcome
{
    /// <summary>The number (or block) had no record: it has one now.</summary>
    Published,

    /// <summary>The record changed.</summary>
    Updated,

    /// <summary>The record already said exactly this: nothing was written.</summary>
    Unchanged,
}

/// <summary>The answer to publishing one number.</summary>
/// <param name="Outcome">What it did.</param>
/// <param name="Record">The record as stored.</param>
public sealed record PublishResult(PublishOutcome Outcome, NumberRecord Record);

/// <summary>The answer to a bulk publication (one transaction, all or nothing).</summary>
/// <param name="Published">Numbers that got a record.</param>
/// <param name="Updated">Numbers whose record changed.</param>
/// <param name="Unchanged">Numbers left as they were.</param>
/// <param name="Outcomes">Per number, in request order.</param>
public sealed record BulkPublishResult(int Published, int Updated, int Unchanged, IReadOnlyList<PublishOutcome> Outcomes);

/// <summary>The answer to a bulk withdrawal.</summary>
/// <param name="Withdrawn">The records as they were.</param>
public sealed record BulkWithdrawResult(IReadOnlyList<NumberRecord> Withdrawn);

/// <summary>The answer to publishing a block.</summary>
/// <param name="Outcome">What it did.</param>
/// <param name="Block">The block as stored.</param>
public sealed record BlockPublishResult(PublishOutcome Outcome, NumberBlock Block);

/// <summary>A recipient's port request.</summary>
public sealed record PortRequestInput
{
    /// <summary>The number to port.</summary>
    public required E164Number E164 { get; init; }

    /// <summary>SHA-256 of the subscriber's signed letter of authorisation.</summary>
    public required string ConsentHash { get; init; }

    /// <summary>A later due time than the end of the donor's window, if wanted.</summary>
    public DateTimeOffset? DueAt { get; init; }
}

/// <summary>A donor's conflict.</summary>
public sealed record PortConflictInput
{
    /// <summary>The port.</summary>
    public required string PortId { get; init; }

    /// <summary>The cause.</summary>
    public required ConflictReason Reason { get; init; }
}

/// <summary>A number as the ledger holds it: its record or block, who serves it, and its latest port.</summary>
/// <param name="E164">The number.</param>
/// <param name="Provider">The serving provider (null when the registry does not know the number).</param>
/// <param name="Record">The number's own record (a restricted caller name left out for anyone but its provider and read-only organisations).</param>
/// <param name="Block">The block it belongs to.</param>
/// <param name="Port">Its latest port.</param>
public sealed record NumberView(E164Number E164, string? Provider, NumberRecord? Record, NumberBlock? Block, PortRequest? Port);

/// <summary>A caller-name answer from the ledger.</summary>
/// <param name="E164">The number.</param>
/// <param name="Provider">The serving provider that published it.</param>
/// <param name="Cnam">The name (null when restricted), or null when none is published.</param>
public sealed record CnamView(E164Number E164, string Provider, CallerNameView? Cnam);

/// <summary>One step in a number's history: a write of its record or of its port.</summary>
/// <param name="TxId">The transaction.</param>
/// <param name="Timestamp">Its time.</param>
/// <param name="Deleted">True when the record was removed.</param>
/// <param name="Record">The record written.</param>
/// <param name="Port">The port written.</param>
public sealed record NumberHistoryEntry(string TxId, DateTimeOffset Timestamp, bool Deleted, NumberRecord? Record, PortRequest? Port);
