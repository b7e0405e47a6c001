namespace Restcomm.Roaming;

/// <summary>The answer of <c>SubmitUsageBatch</c>.</summary>
public sealed record SubmitUsageBatchResult
{
    /// <summary>The batch as on the ledger (the original when it was already submitted).</summary>
    public required UsageBatchState Batch { get; init; }

    /// <summary>True when the same batch was already on the ledger: nothing was written and no event set.</summary>
    public required bool AlreadySubmitted { get; init; }
}

/// <summary>The answer of <c>GetUsageRecords</c> (parties only): the records and the findings with their details.</summary>
public sealed record UsageRecordsView
{
    /// <summary>The batch's public state.</summary>
    public required UsageBatchState Batch { get; init; }

    /// <summary>The records, in order.</summary>
    public required IReadOnlyList<UsageRecord> Records { get; init; }

    /// <summary>The findings with details and expected charges.</summary>
    public required IReadOnlyList<UsageFinding> Findings { get; init; }
}

/// <summary>
/// The answer of <c>GetRecordProof</c>: a record, its canonical encoding and leaf hash, and its inclusion proof. A third
/// party holding only the public header checks it with <see cref="MerkleTree.Verify"/> against
/// <see cref="UsageBatchHeader.MerkleRoot"/> and <see cref="UsageBatchHeader.RecordCount"/>.
/// </summary>
public sealed record RecordProofView
{
    /// <summary>The file.</summary>
    public required string FileId { get; init; }

    /// <summary>The batch.</summary>
    public required int BatchNumber { get; init; }

    /// <summary>The record.</summary>
    public required UsageRecord Record { get; init; }

    /// <summary>Its canonical encoding, lower-case hex.</summary>
    public required string CanonicalRecord { get; init; }

    /// <summary>SHA-256(0x00 ‖ canonical record), lower-case hex.</summary>
    public required string LeafHash { get; init; }

    /// <summary>The inclusion proof.</summary>
    public required MerkleProof Proof { get; init; }

    /// <summary>The batch's Merkle root from its public header.</summary>
    public required string MerkleRoot { get; init; }
}

/// <summary>The files seen from one sender to one recipient, with the gaps.</summary>
public sealed record FileSequenceReport
{
    /// <summary>Sender TADIG.</summary>
    public required string SenderTadig { get; init; }

    /// <summary>Recipient TADIG.</summary>
    public required string RecipientTadig { get; init; }

    /// <summary>Each file seen, by sequence number.</summary>
    public required IReadOnlyList<FileSequenceEntry> Files { get; init; }

    /// <summary>Sequence numbers missing between the lowest and the highest seen.</summary>
    public required IReadOnlyList<int> MissingFiles { get; init; }
}

/// <summary>A file seen on the ledger.</summary>
public sealed record FileSequenceEntry
{
    /// <summary>The sequence number.</summary>
    public required int FileSequenceNumber { get; init; }

    /// <summary>The file ID.</summary>
    public required string FileId { get; init; }

    /// <summary>Batches on the ledger.</summary>
    public required int Batches { get; init; }

    /// <summary>Batch numbers missing below the highest one seen.</summary>
    public required IReadOnlyList<int> MissingBatches { get; init; }
}

/// <summary>A statement: its public state and, for the parties, its figures.</summary>
public sealed record StatementView
{
    /// <summary>The public state.</summary>
    public required StatementState State { get; init; }

    /// <summary>The figures (null for a caller that is not a party).</summary>
    public SettlementStatement? Statement { get; init; }
}
