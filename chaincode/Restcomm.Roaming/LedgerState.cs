using System.Text.Json.Serialization;

namespace Restcomm.Roaming;

/// <summary>Where an agreement stands.</summary>
public enum AgreementStatus
{
    /// <summary>Proposed by one party, not yet accepted by the other: no effect.</summary>
    Proposed = 0,

    /// <summary>Accepted by both.</summary>
    Active = 1,

    /// <summary>Replaced by another agreement from the day before that one's validity starts.</summary>
    Superseded = 2,

    /// <summary>Ended by a party from <see cref="AgreementState.ValidTo"/>.</summary>
    Terminated = 3,
}

/// <summary>A version of an agreement document, as the public state names it.</summary>
public sealed record AgreementVersionInfo
{
    /// <summary>The version.</summary>
    public required int Version { get; init; }

    /// <summary>First day its rates apply.</summary>
    public required DateOnly EffectiveFrom { get; init; }

    /// <summary>SHA-256 of the document bytes, lower-case hex (equal to the private data hash Fabric keeps on chain).</summary>
    public required string DocumentHash { get; init; }

    /// <summary>Proposing organisation.</summary>
    public required string ProposedBy { get; init; }

    /// <summary>When it was proposed (transaction time).</summary>
    public required DateTimeOffset ProposedAt { get; init; }

    /// <summary>Accepting organisation.</summary>
    public string? AcceptedBy { get; init; }

    /// <summary>When it was accepted.</summary>
    public DateTimeOffset? AcceptedAt { get; init; }
}

/// <summary>The public state of an agreement on the channel: parties, status, validity and document hashes — never the terms.</summary>
public sealed record AgreementState
{
    /// <summary>The agreement.</summary>
    public required string AgreementId { get; init; }

    /// <summary>The pair's private collection holding the documents.</summary>
    public required string Collection { get; init; }

    /// <summary>Party A.</summary>
    public required AgreementParty PartyA { get; init; }

    /// <summary>Party B.</summary>
    public required AgreementParty PartyB { get; init; }

    /// <summary>The status.</summary>
    public required AgreementStatus Status { get; init; }

    /// <summary>First day of validity.</summary>
    public required DateOnly ValidFrom { get; init; }

    /// <summary>Last day of validity (null: open-ended).</summary>
    public DateOnly? ValidTo { get; init; }

    /// <summary>Accepted versions, oldest first.</summary>
    public IReadOnlyList<AgreementVersionInfo> Versions { get; init; } = [];

    /// <summary>The proposal waiting for the counterparty (the first version, or one amendment); null when none.</summary>
    public AgreementVersionInfo? Pending { get; init; }

    /// <summary>The agreement this one replaces.</summary>
    public string? Supersedes { get; init; }

    /// <summary>The agreement that replaced this one.</summary>
    public string? SupersededBy { get; init; }

    /// <summary>Who terminated it.</summary>
    public string? TerminatedBy { get; init; }

    /// <summary>Why.</summary>
    public string? TerminationReason { get; init; }

    /// <summary>Whether an organisation is one of the two parties.</summary>
    /// <param name="mspId">The MSP ID.</param>
    /// <returns>True for a party.</returns>
    public bool IsParty(string mspId) => PartyA.MspId == mspId || PartyB.MspId == mspId;

    /// <summary>The accepted version whose rates apply on a date, or null outside the validity.</summary>
    /// <param name="date">A local event date.</param>
    /// <returns>The version info or null.</returns>
    public AgreementVersionInfo? VersionOn(DateOnly date)
        => date < ValidFrom || (ValidTo is { } end && date > end)
            ? null
            : Versions.LastOrDefault(v => v.EffectiveFrom <= date);
}

/// <summary>Where a usage batch stands.</summary>
public enum UsageBatchStatus
{
    /// <summary>Submitted by the visited operator, waiting for the home operator.</summary>
    Submitted = 0,

    /// <summary>Accepted by the home operator (less any rejected records); counts in the period's statement.</summary>
    Reconciled = 1,
}

/// <summary>A record the home operator rejected, with its TD.57 / RAP error code.</summary>
public sealed record RecordRejection
{
    /// <summary>The record's index in the batch.</summary>
    public required int Index { get; init; }

    /// <summary>The TD.57 / RAP error code (1-999).</summary>
    public required int ErrorCode { get; init; }

    /// <summary>Optional free text (no personal data: it is public).</summary>
    public string? Reason { get; init; }
}

/// <summary>What the ledger noticed about the sender's file sequence when the first batch of a file arrived.</summary>
public sealed record SequenceCheck
{
    /// <summary>The previous file sequence number from the same sender to the same recipient.</summary>
    public required int PreviousFileSequenceNumber { get; init; }

    /// <summary>Whether batch 1 of that file is on the ledger; false reports a gap.</summary>
    public required bool PreviousFileSeen { get; init; }
}

/// <summary>The public state of a usage batch: the header, the visited and home operators, findings and reconciliation.</summary>
public sealed record UsageBatchState
{
    /// <summary>The header as submitted.</summary>
    public required UsageBatchHeader Header { get; init; }

    /// <summary>The file ID.</summary>
    public required string FileId { get; init; }

    /// <summary>The visited operator (submitter, creditor).</summary>
    public required string VisitedMspId { get; init; }

    /// <summary>The home operator (reconciler, debtor).</summary>
    public required string HomeMspId { get; init; }

    /// <summary>The pair's collection holding the records.</summary>
    public required string Collection { get; init; }

    /// <summary>The status.</summary>
    public required UsageBatchStatus Status { get; init; }

    /// <summary>Transaction that submitted it.</summary>
    public required string TxId { get; init; }

    /// <summary>When it was submitted.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>Usage per service at the agreement's decimal places, as submitted.</summary>
    public required IReadOnlyList<ServiceUsage> Usage { get; init; }

    /// <summary>
    /// Findings, one entry per code with the count and the records' indices as ranges (the details are computed for the
    /// parties by <c>GetUsageRecords</c>). A state written with one <c>{index, code}</c> entry per record reads as the
    /// same summary.
    /// </summary>
    [JsonConverter(typeof(UsageFindingsJsonConverter))]
    public IReadOnlyList<UsageFindingSummary> Findings { get; init; } = [];

    /// <summary>Records rejected so far.</summary>
    public IReadOnlyList<RecordRejection> Rejections { get; init; } = [];

    /// <summary>Accepted usage per service (set when reconciled).</summary>
    public IReadOnlyList<ServiceUsage>? Accepted { get; init; }

    /// <summary>When it was reconciled.</summary>
    public DateTimeOffset? ReconciledAt { get; init; }

    /// <summary>The sequence check of a file's first batch.</summary>
    public SequenceCheck? Sequence { get; init; }
}

/// <summary>Where a statement stands.</summary>
public enum StatementStatus
{
    /// <summary>Proposed by one party, waiting for the other's signature.</summary>
    Proposed = 0,

    /// <summary>Signed by both: immutable.</summary>
    Signed = 1,

    /// <summary>Disputed inside the dispute window: frozen.</summary>
    Disputed = 2,

    /// <summary>Signed and its bilateral net paid (<see cref="StatementState.Payment"/>): final.</summary>
    Settled = 3,
}

/// <summary>A dispute of a statement.</summary>
public sealed record StatementDispute
{
    /// <summary>The disputing organisation.</summary>
    public required string By { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }
}

/// <summary>
/// The public state of a period statement. The figures (<see cref="SettlementStatement"/>) are in the pair's collection;
/// the public state names their hash, which the co-signer signs.
/// </summary>
public sealed record StatementState
{
    /// <summary>The agreement.</summary>
    public required string AgreementId { get; init; }

    /// <summary>The period, <c>yyyy-MM</c>.</summary>
    public required string Period { get; init; }

    /// <summary>The pair's collection holding the figures.</summary>
    public required string Collection { get; init; }

    /// <summary>The status.</summary>
    public required StatementStatus Status { get; init; }

    /// <summary>SHA-256 of the statement JSON stored in the collection, lower-case hex.</summary>
    public required string StatementHash { get; init; }

    /// <summary>Batches counted (both directions).</summary>
    public required int Batches { get; init; }

    /// <summary>Proposing organisation (its signature).</summary>
    public required string ProposedBy { get; init; }

    /// <summary>When.</summary>
    public required DateTimeOffset ProposedAt { get; init; }

    /// <summary>Co-signing organisation.</summary>
    public string? SignedBy { get; init; }

    /// <summary>When.</summary>
    public DateTimeOffset? SignedAt { get; init; }

    /// <summary>Last day a dispute can be opened (proposal date + the agreement's dispute window).</summary>
    public required DateOnly DisputeWindowEnds { get; init; }

    /// <summary>The dispute, if any.</summary>
    public StatementDispute? Dispute { get; init; }

    /// <summary>The payment of the net once the statement is <see cref="StatementStatus.Settled"/> (or awaits the creditor's confirmation).</summary>
    public Settlement.StatementPayment? Payment { get; init; }
}

/// <summary>
/// The payload of the chaincode event <see cref="RoamingEvents.Name"/>: one per transaction that changes anything,
/// carrying the full public state of what changed, so a read model can follow the ledger from events alone.
/// </summary>
public sealed record RoamingChange
{
    /// <summary>What happened: one of the <see cref="RoamingEvents"/> change names.</summary>
    public required string Change { get; init; }

    /// <summary>The transaction.</summary>
    public required string TxId { get; init; }

    /// <summary>The agreement's state after the change.</summary>
    public AgreementState? Agreement { get; init; }

    /// <summary>An agreement superseded by this change.</summary>
    public AgreementState? Superseded { get; init; }

    /// <summary>The batch's state after the change.</summary>
    public UsageBatchState? Batch { get; init; }

    /// <summary>The statement's public state after the change.</summary>
    public StatementState? Statement { get; init; }

    /// <summary>What a settlement transaction (token, payments, netting, disputes) changed.</summary>
    public Settlement.SettlementChange? Settlement { get; init; }
}

/// <summary>The chaincode event and its change names.</summary>
public static class RoamingEvents
{
    /// <summary>The chaincode event name.</summary>
    public const string Name = "roaming.changed";

    /// <summary>An agreement was proposed.</summary>
    public const string AgreementProposed = "agreement.proposed";

    /// <summary>The counterparty accepted it (and any agreement it supersedes is in <see cref="RoamingChange.Superseded"/>).</summary>
    public const string AgreementAccepted = "agreement.accepted";

    /// <summary>An amendment was proposed.</summary>
    public const string AmendmentProposed = "agreement.amendment-proposed";

    /// <summary>An amendment was accepted: a new version.</summary>
    public const string AmendmentAccepted = "agreement.amendment-accepted";

    /// <summary>A pending amendment was declined or withdrawn.</summary>
    public const string AmendmentDeclined = "agreement.amendment-declined";

    /// <summary>An agreement was terminated.</summary>
    public const string AgreementTerminated = "agreement.terminated";

    /// <summary>A usage batch was submitted.</summary>
    public const string BatchSubmitted = "batch.submitted";

    /// <summary>The home operator rejected records of a batch.</summary>
    public const string RecordsRejected = "batch.records-rejected";

    /// <summary>The home operator accepted a batch (less rejected records).</summary>
    public const string BatchAccepted = "batch.accepted";

    /// <summary>A period was closed: a statement proposed.</summary>
    public const string StatementProposed = "statement.proposed";

    /// <summary>The counterparty signed it.</summary>
    public const string StatementSigned = "statement.signed";

    /// <summary>A party disputed it.</summary>
    public const string StatementDisputed = "statement.disputed";
}
