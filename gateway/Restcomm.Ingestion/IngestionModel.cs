using Restcomm.Roaming;

namespace Restcomm.Ingestion;

/// <summary>Where a run stands.</summary>
public enum IngestionPhase
{
    /// <summary>First pass: the whole file is decoded and validated (TD.57) and hashed; nothing reaches the ledger.</summary>
    Validating,

    /// <summary>Second pass: records are mapped, batched, written to the outbox, endorsed and committed.</summary>
    Ingesting,

    /// <summary>Finished (see the result).</summary>
    Done,
}

/// <summary>How a run ended.</summary>
public enum IngestionOutcome
{
    /// <summary>Every record that maps to a roaming service is committed.</summary>
    Complete,

    /// <summary>
    /// Accepted, but not everything is on the ledger: records with severe errors were left out (listed), or batches
    /// failed after their retries (resume the job to try them again).
    /// </summary>
    Partial,

    /// <summary>Refused whole: a fatal TD.57 error (with its RAP ReturnBatch), a file ID already ingested, an agreement
    /// the file does not belong to. Nothing was committed.</summary>
    Refused,
}

/// <summary>A progress snapshot (counts since the run started; cumulative over a resumed job).</summary>
/// <param name="Phase">The phase.</param>
/// <param name="FileBytes">The file's size.</param>
/// <param name="BytesRead">Bytes read in the current pass.</param>
/// <param name="RecordsValidated">Call events decoded and validated in the first pass.</param>
/// <param name="RecordsDecoded">Call events decoded in the second pass.</param>
/// <param name="RecordsBatched">Records placed in sealed batches (including batches already committed by an earlier run).</param>
/// <param name="RecordsEndorsed">Records of batches endorsed.</param>
/// <param name="RecordsCommitted">Records of batches committed.</param>
/// <param name="RecordsInFile">Call events in the file (known after the first pass; 0 before).</param>
/// <param name="BatchesCommitted">Batches committed.</param>
/// <param name="BatchesInFlight">Batches being endorsed, ordered or awaiting commit.</param>
/// <param name="Elapsed">Time since the run started.</param>
public sealed record IngestionProgress(
    IngestionPhase Phase,
    long FileBytes,
    long BytesRead,
    long RecordsValidated,
    long RecordsDecoded,
    long RecordsBatched,
    long RecordsEndorsed,
    long RecordsCommitted,
    long RecordsInFile,
    int BatchesCommitted,
    int BatchesInFlight,
    TimeSpan Elapsed);

/// <summary>A call event left out of the ledger, and why.</summary>
/// <param name="Index">Zero-based index of the call event in the file.</param>
/// <param name="Offset">Its byte offset in the file.</param>
/// <param name="Reason">A TD.57 code and what is wrong (severe errors), or why it maps to no roaming service.</param>
public sealed record LeftOutRecord(long Index, long Offset, string Reason);

/// <summary>Records, quantity and charge per roaming service (charge at the file's TapDecimalPlaces).</summary>
/// <param name="Service">The service.</param>
/// <param name="Records">Records.</param>
/// <param name="Quantity">Sum of quantities (seconds, events or bytes).</param>
/// <param name="ChargeMinor">Sum of charges, minor units.</param>
public sealed record ServiceSum(RoamingService Service, long Records, long Quantity, long ChargeMinor);

/// <summary>A batch as the outbox holds it.</summary>
/// <param name="BatchNumber">Its number in the file, from 1.</param>
/// <param name="Period">Its settlement period, <c>yyyy-MM</c>.</param>
/// <param name="FirstIndex">Index in the file of its first record.</param>
/// <param name="LastIndex">Index in the file of its last record.</param>
/// <param name="RecordCount">Records.</param>
/// <param name="PayloadBytes">Size of its private payload.</param>
/// <param name="PayloadHash">SHA-256 of the payload (the header's <c>payloadHash</c>).</param>
/// <param name="MerkleRoot">The header's Merkle root.</param>
/// <param name="Totals">Per-service totals of the header.</param>
/// <param name="State">pending, submitted, committed or failed.</param>
/// <param name="TransactionId">The transaction that carried it (the original one when it was already on the ledger).</param>
/// <param name="BlockNumber">The block it committed in, when this run saw the commit.</param>
/// <param name="AlreadySubmitted">True when the chaincode answered that the same batch was already on the ledger.</param>
/// <param name="Attempts">Endorsements tried.</param>
/// <param name="Error">Why it failed (or the last transient error).</param>
public sealed record IngestionBatch(
    int BatchNumber,
    string Period,
    long FirstIndex,
    long LastIndex,
    int RecordCount,
    int PayloadBytes,
    string PayloadHash,
    string MerkleRoot,
    IReadOnlyList<ServiceTotal> Totals,
    string State,
    string? TransactionId,
    long? BlockNumber,
    bool AlreadySubmitted,
    int Attempts,
    string? Error);

/// <summary>A job as the outbox holds it.</summary>
/// <param name="JobId">The job's ID.</param>
/// <param name="FileId">The TAP file ID (<c>CD</c> + sender + recipient + sequence number).</param>
/// <param name="FilePath">Where the file is kept.</param>
/// <param name="FileSha256">SHA-256 of the file's bytes.</param>
/// <param name="FileBytes">The file's size.</param>
/// <param name="AgreementId">The agreement.</param>
/// <param name="MspId">The organisation that submits.</param>
/// <param name="State">ingesting, complete, partial or refused.</param>
/// <param name="RecordsInFile">Call events in the file.</param>
/// <param name="RecordsRejected">Call events with severe errors.</param>
/// <param name="Detail">Why it was refused or what is missing.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="UpdatedAt">When it last changed.</param>
public sealed record IngestionJob(
    string JobId,
    string FileId,
    string FilePath,
    string FileSha256,
    long FileBytes,
    string AgreementId,
    string MspId,
    string State,
    long RecordsInFile,
    long RecordsRejected,
    string? Detail,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>What a run did.</summary>
public sealed record IngestionResult
{
    /// <summary>How it ended.</summary>
    public required IngestionOutcome Outcome { get; init; }

    /// <summary>Why it was refused, or what is missing when partial.</summary>
    public string? Reason { get; init; }

    /// <summary>The outbox job (null when refused before one was created).</summary>
    public string? JobId { get; init; }

    /// <summary>The TAP file ID (null when the file could not be read that far).</summary>
    public string? FileId { get; init; }

    /// <summary>True when this run continued a job an earlier run left.</summary>
    public bool Resumed { get; init; }

    /// <summary>Call events in the file.</summary>
    public long RecordsInFile { get; init; }

    /// <summary>Call events rejected with severe TD.57 errors (left out).</summary>
    public long RecordsRejected { get; init; }

    /// <summary>Call events of kinds no roaming service covers (supplementary services, content, location…), left out.</summary>
    public long RecordsUnsettled { get; init; }

    /// <summary>Records on the ledger for this file after the run.</summary>
    public long RecordsCommitted { get; init; }

    /// <summary>Batches of the file.</summary>
    public int Batches { get; init; }

    /// <summary>Batches committed (including those already on the ledger).</summary>
    public int BatchesCommitted { get; init; }

    /// <summary>Batches the chaincode reported as already on the ledger (a resubmission, a no-op).</summary>
    public int BatchesAlreadyOnLedger { get; init; }

    /// <summary>Batches that failed (see <see cref="Failures"/>).</summary>
    public int BatchesFailed { get; init; }

    /// <summary>The first left-out records (severe errors first, then unsettled kinds), at most 1,000.</summary>
    public IReadOnlyList<LeftOutRecord> LeftOut { get; init; } = [];

    /// <summary>Failed batches: number and reason.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Per-service totals of the records the file carries to the ledger (settled, not rejected).</summary>
    public IReadOnlyList<ServiceSum> FileTotals { get; init; } = [];

    /// <summary>Per-service totals of the committed batches (equal to <see cref="FileTotals"/> when complete).</summary>
    public IReadOnlyList<ServiceSum> CommittedTotals { get; init; } = [];

    /// <summary>Where the RAP ReturnBatch of a refused file was written.</summary>
    public string? RapFile { get; init; }

    /// <summary>File sequence numbers missing between this sender's files to this recipient (from the chaincode).</summary>
    public IReadOnlyList<int> MissingFileSequenceNumbers { get; init; } = [];

    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; init; }
}
