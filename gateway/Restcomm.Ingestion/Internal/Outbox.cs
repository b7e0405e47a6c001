using System.Text.Json;
using Dapper;
using Restcomm.Gateway.Store;
using Restcomm.Roaming;

namespace Restcomm.Ingestion.Internal;

/// <summary>Job and batch states as the outbox writes them.</summary>
internal static class OutboxStates
{
    public const string Ingesting = "ingesting";
    public const string Complete = "complete";
    public const string Partial = "partial";
    public const string Refused = "refused";

    public const string Pending = "pending";
    public const string Submitted = "submitted";
    public const string Committed = "committed";
    public const string Failed = "failed";
}

/// <summary>What a job keeps of its options, so that a resume needs nothing but the job.</summary>
internal sealed record JobSettings
{
    public required string AgreementId { get; init; }

    public required string Channel { get; init; }

    public required string Chaincode { get; init; }

    public int BatchRecords { get; init; }

    public int BatchBytes { get; init; }

    public long BatchLingerMs { get; init; }

    public int MaxOpenPeriods { get; init; }

    public int InFlight { get; init; }

    public int MaxMessageBytes { get; init; }

    public int MaxAttempts { get; init; }

    public long RetryBaseDelayMs { get; init; }

    public long RetryMaxDelayMs { get; init; }

    public string? VisitedCountryCode { get; init; }

    public string? HomeCountryCode { get; init; }

    public static JobSettings From(TapIngestionOptions o) => new()
    {
        AgreementId = o.AgreementId,
        Channel = o.Channel,
        Chaincode = o.Chaincode,
        BatchRecords = o.BatchRecords,
        BatchBytes = o.BatchBytes,
        BatchLingerMs = (long)o.BatchLinger.TotalMilliseconds,
        MaxOpenPeriods = o.MaxOpenPeriods,
        InFlight = o.InFlight,
        MaxMessageBytes = o.MaxMessageBytes,
        MaxAttempts = o.MaxAttempts,
        RetryBaseDelayMs = (long)o.RetryBaseDelay.TotalMilliseconds,
        RetryMaxDelayMs = (long)o.RetryMaxDelay.TotalMilliseconds,
        VisitedCountryCode = o.VisitedCountryCode,
        HomeCountryCode = o.HomeCountryCode,
    };

    public TapIngestionOptions ToOptions() => new()
    {
        AgreementId = AgreementId,
        Channel = Channel,
        Chaincode = Chaincode,
        BatchRecords = BatchRecords,
        BatchBytes = BatchBytes,
        BatchLinger = TimeSpan.FromMilliseconds(BatchLingerMs),
        MaxOpenPeriods = MaxOpenPeriods,
        InFlight = InFlight,
        MaxMessageBytes = MaxMessageBytes,
        MaxAttempts = MaxAttempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(RetryBaseDelayMs),
        RetryMaxDelay = TimeSpan.FromMilliseconds(RetryMaxDelayMs),
        VisitedCountryCode = VisitedCountryCode,
        HomeCountryCode = HomeCountryCode,
    };
}

/// <summary>The ingestion tables of the gateway store (migration V0003).</summary>
internal sealed class Outbox(GatewayStore store, TimeProvider clock)
{
    private const string JobColumns = "job_id AS JobId, file_id AS FileId, file_path AS FilePath, file_sha256 AS FileSha256, file_bytes AS FileBytes, " +
        "agreement_id AS AgreementId, msp_id AS MspId, state AS State, records_in_file AS RecordsInFile, records_rejected AS RecordsRejected, " +
        "detail AS Detail, created_at AS CreatedAt, updated_at AS UpdatedAt, settings_json AS SettingsJson";

    private const string BatchColumns = "batch_number AS BatchNumber, period AS Period, first_index AS FirstIndex, last_index AS LastIndex, " +
        "record_count AS RecordCount, payload_bytes AS PayloadBytes, payload_hash AS PayloadHash, merkle_root AS MerkleRoot, totals_json AS TotalsJson, " +
        "state AS State, transaction_id AS TransactionId, block_number AS BlockNumber, already_submitted AS AlreadySubmitted, attempts AS Attempts, error AS Error";

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Creates a job; false when a live job already holds the file ID.</summary>
    public async Task<bool> CreateJobAsync(IngestionJob job, JobSettings settings, string channel, string chaincode, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingestion_jobs (job_id, file_id, file_path, file_sha256, file_bytes, agreement_id, channel, chaincode, msp_id,
                settings_json, state, records_in_file, records_rejected, detail, created_at, updated_at)
            VALUES (@JobId, @FileId, @FilePath, @FileSha256, @FileBytes, @AgreementId, @Channel, @Chaincode, @MspId,
                @Settings, @State, @RecordsInFile, @RecordsRejected, @Detail, @Now, @Now)
            ON CONFLICT DO NOTHING
            """,
            new
            {
                job.JobId, job.FileId, job.FilePath, job.FileSha256, job.FileBytes, job.AgreementId, Channel = channel, Chaincode = chaincode, job.MspId,
                Settings = JsonSerializer.Serialize(settings), job.State, job.RecordsInFile, job.RecordsRejected, job.Detail, Now,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return inserted == 1;
    }

    public async Task<(IngestionJob Job, JobSettings Settings)?> GetJobAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobColumns} FROM ingestion_jobs WHERE job_id = @JobId", new { JobId = jobId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : (row.ToJob(), JsonSerializer.Deserialize<JobSettings>(row.SettingsJson)!);
    }

    /// <summary>The job (not refused) that holds a file ID.</summary>
    public async Task<IngestionJob?> FindLiveJobAsync(string fileId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobColumns} FROM ingestion_jobs WHERE file_id = @FileId AND state <> @Refused",
            new { FileId = fileId, OutboxStates.Refused }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToJob();
    }

    public async Task<IReadOnlyList<IngestionJob>> ListJobsAsync(string? state, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var where = state is null ? "" : "WHERE state = @State ";
        var rows = await connection.QueryAsync<JobRow>(new CommandDefinition(
            $"SELECT {JobColumns} FROM ingestion_jobs {where}ORDER BY created_at, job_id",
            new { State = state }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToJob())];
    }

    public async Task SetJobStateAsync(string jobId, string state, string? detail, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingestion_jobs SET state = @State, detail = @Detail, updated_at = @Now WHERE job_id = @JobId",
            new { JobId = jobId, State = state, Detail = detail, Now }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Writes a sealed batch, pending; it is durable before anything is sent.</summary>
    public async Task InsertBatchAsync(string jobId, IngestionBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO ingestion_batches (job_id, batch_number, period, first_index, last_index, record_count, payload_bytes, payload_hash,
                merkle_root, totals_json, state, created_at, updated_at)
            VALUES (@JobId, @BatchNumber, @Period, @FirstIndex, @LastIndex, @RecordCount, @PayloadBytes, @PayloadHash,
                @MerkleRoot, @TotalsJson, @State, @Now, @Now)
            """,
            new
            {
                JobId = jobId, batch.BatchNumber, batch.Period, batch.FirstIndex, batch.LastIndex, batch.RecordCount, batch.PayloadBytes,
                batch.PayloadHash, batch.MerkleRoot, TotalsJson = JsonSerializer.Serialize(batch.Totals, RoamingJson.Options), State = OutboxStates.Pending, Now,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<IngestionBatch>> ListBatchesAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<BatchRow>(new CommandDefinition(
            $"SELECT {BatchColumns} FROM ingestion_batches WHERE job_id = @JobId ORDER BY batch_number",
            new { JobId = jobId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToBatch())];
    }

    public Task MarkSubmittedAsync(string jobId, int batchNumber, string transactionId, int attempts, CancellationToken cancellationToken)
        => UpdateBatchAsync(jobId, batchNumber, OutboxStates.Submitted, transactionId, null, false, attempts, null, cancellationToken);

    public Task MarkCommittedAsync(string jobId, int batchNumber, string transactionId, long? blockNumber, bool alreadySubmitted, int attempts, CancellationToken cancellationToken)
        => UpdateBatchAsync(jobId, batchNumber, OutboxStates.Committed, transactionId, blockNumber, alreadySubmitted, attempts, null, cancellationToken);

    public Task MarkFailedAsync(string jobId, int batchNumber, int attempts, string error, CancellationToken cancellationToken)
        => UpdateBatchAsync(jobId, batchNumber, OutboxStates.Failed, null, null, false, attempts, error, cancellationToken);

    /// <summary>Counts an attempt that will be retried, with its error; the state stays as it is.</summary>
    public async Task NoteRetryAsync(string jobId, int batchNumber, int attempts, string error, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE ingestion_batches SET attempts = @Attempts, error = @Error, updated_at = @Now WHERE job_id = @JobId AND batch_number = @BatchNumber",
            new { JobId = jobId, BatchNumber = batchNumber, Attempts = attempts, Error = error, Now }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private async Task UpdateBatchAsync(string jobId, int batchNumber, string state, string? transactionId, long? blockNumber, bool alreadySubmitted, int attempts,
        string? error, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE ingestion_batches SET state = @State, transaction_id = COALESCE(@TransactionId, transaction_id), block_number = COALESCE(@BlockNumber, block_number),
                already_submitted = @Already, attempts = @Attempts, error = @Error, updated_at = @Now
            WHERE job_id = @JobId AND batch_number = @BatchNumber
            """,
            new { JobId = jobId, BatchNumber = batchNumber, State = state, TransactionId = transactionId, BlockNumber = blockNumber, Already = alreadySubmitted ? 1 : 0, Attempts = attempts, Error = error, Now },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class JobRow
    {
        public string JobId { get; set; } = "";

        public string FileId { get; set; } = "";

        public string FilePath { get; set; } = "";

        public string FileSha256 { get; set; } = "";

        public long FileBytes { get; set; }

        public string AgreementId { get; set; } = "";

        public string MspId { get; set; } = "";

        public string State { get; set; } = "";

        public long RecordsInFile { get; set; }

        public long RecordsRejected { get; set; }

        public string? Detail { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        public string SettingsJson { get; set; } = "";

        public IngestionJob ToJob() => new(JobId, FileId, FilePath, FileSha256, FileBytes, AgreementId, MspId, State, RecordsInFile, RecordsRejected, Detail,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
    }

    private sealed class BatchRow
    {
        public long BatchNumber { get; set; }

        public string Period { get; set; } = "";

        public long FirstIndex { get; set; }

        public long LastIndex { get; set; }

        public long RecordCount { get; set; }

        public long PayloadBytes { get; set; }

        public string PayloadHash { get; set; } = "";

        public string MerkleRoot { get; set; } = "";

        public string TotalsJson { get; set; } = "";

        public string State { get; set; } = "";

        public string? TransactionId { get; set; }

        public long? BlockNumber { get; set; }

        public long AlreadySubmitted { get; set; }

        public long Attempts { get; set; }

        public string? Error { get; set; }

        public IngestionBatch ToBatch() => new((int)BatchNumber, Period, FirstIndex, LastIndex, (int)RecordCount, (int)PayloadBytes, PayloadHash, MerkleRoot,
            JsonSerializer.Deserialize<List<ServiceTotal>>(TotalsJson, RoamingJson.Options) ?? [], State, TransactionId, BlockNumber, AlreadySubmitted != 0,
            (int)Attempts, Error);
    }
}
