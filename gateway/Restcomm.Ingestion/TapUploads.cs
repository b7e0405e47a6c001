using System.Text.Json;
using Dapper;
using Restcomm.Gateway.Store;

namespace Restcomm.Ingestion;

/// <summary>Where an uploaded TAP file stands.</summary>
public static class TapUploadStates
{
    /// <summary>On disk, waiting for the ingestion service.</summary>
    public const string Queued = "queued";

    /// <summary>Being decoded, validated, batched and submitted.</summary>
    public const string Ingesting = "ingesting";

    /// <summary>Every batch committed.</summary>
    public const string Complete = "complete";

    /// <summary>Some batches not committed after their retries (the job can be resumed).</summary>
    public const string Partial = "partial";

    /// <summary>The file was refused whole (fatal TD.57 errors, malformed, a repeated file, no such agreement).</summary>
    public const string Refused = "refused";

    /// <summary>The ingestion stopped on an error outside the file (e.g. the ledger unreachable at the start).</summary>
    public const string Failed = "failed";

    /// <summary>Whether nothing more will happen to an upload in <paramref name="state"/>.</summary>
    public static bool IsFinal(string state) => state is Complete or Partial or Refused or Failed;
}

/// <summary>What the uploader asked for: the agreement and, optionally, the batch size and the in-flight count.</summary>
/// <param name="AgreementId">The agreement the usage is settled under.</param>
/// <param name="BatchRecords">Records per batch (null: the ingestion default).</param>
/// <param name="InFlight">Batches endorsed at once (null: the ingestion default).</param>
public sealed record TapUploadSettings(string AgreementId, int? BatchRecords = null, int? InFlight = null);

/// <summary>An uploaded TAP file and its ingestion.</summary>
/// <param name="UploadId">The upload's ID (the REST job ID).</param>
/// <param name="MspId">The organisation that uploaded it (the visited operator).</param>
/// <param name="FileName">The name the uploader gave, if any.</param>
/// <param name="FilePath">Where the file is kept.</param>
/// <param name="FileBytes">Its size.</param>
/// <param name="FileSha256">Its SHA-256, hex.</param>
/// <param name="Settings">What the uploader asked for.</param>
/// <param name="State">See <see cref="TapUploadStates"/>.</param>
/// <param name="JobId">The ingestion job, once it exists.</param>
/// <param name="Result">The ingestion's summary, once the upload is final.</param>
/// <param name="CreatedAt">When it was uploaded.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
public sealed record TapUpload(
    string UploadId,
    string MspId,
    string? FileName,
    string FilePath,
    long FileBytes,
    string FileSha256,
    TapUploadSettings Settings,
    string State,
    string? JobId,
    IngestionResult? Result,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// The uploads table of the gateway store (<c>tap_uploads</c>): one row per TAP file received over REST, written once
/// the file is complete on disk, so an upload the API accepted is never lost to a restart.
/// </summary>
/// <param name="store">The gateway store.</param>
/// <param name="clock">The clock for the timestamps.</param>
public sealed class TapUploadStore(GatewayStore store, TimeProvider? clock = null)
{
    private const string Columns = "upload_id AS UploadId, msp_id AS MspId, file_name AS FileName, file_path AS FilePath, file_bytes AS FileBytes, " +
        "file_sha256 AS FileSha256, settings_json AS SettingsJson, state AS State, job_id AS JobId, result_json AS ResultJson, created_at AS CreatedAt, updated_at AS UpdatedAt";

    private static readonly JsonSerializerOptions Json = new(Restcomm.Roaming.RoamingJson.Options);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Records a queued upload whose file is on disk.</summary>
    public async Task<TapUpload> CreateAsync(string uploadId, string mspId, string? fileName, string filePath, long fileBytes, string fileSha256, TapUploadSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var now = Now;
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO tap_uploads (upload_id, msp_id, file_name, file_path, file_bytes, file_sha256, settings_json, state, job_id, result_json, created_at, updated_at)
            VALUES (@UploadId, @MspId, @FileName, @FilePath, @FileBytes, @FileSha256, @Settings, @State, NULL, NULL, @Now, @Now)
            """,
            new { UploadId = uploadId, MspId = mspId, FileName = fileName, FilePath = filePath, FileBytes = fileBytes, FileSha256 = fileSha256, Settings = JsonSerializer.Serialize(settings, Json), State = TapUploadStates.Queued, Now = now },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(now);
        return new TapUpload(uploadId, mspId, fileName, filePath, fileBytes, fileSha256, settings, TapUploadStates.Queued, null, null, at, at);
    }

    /// <summary>An upload, or null.</summary>
    public async Task<TapUpload?> GetAsync(string uploadId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tap_uploads WHERE upload_id = @UploadId", new { UploadId = uploadId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToUpload();
    }

    /// <summary>The newest uploads first, at most <paramref name="limit"/>, created before <paramref name="before"/> if given.</summary>
    public async Task<IReadOnlyList<TapUpload>> ListAsync(int limit, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tap_uploads WHERE created_at < @Before ORDER BY created_at DESC, upload_id DESC LIMIT @Limit",
            new { Before = before?.ToUnixTimeMilliseconds() ?? long.MaxValue, Limit = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToUpload())];
    }

    /// <summary>Uploads not yet final, oldest first: what an ingestion service takes up after a restart.</summary>
    public async Task<IReadOnlyList<TapUpload>> ListUnfinishedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            $"SELECT {Columns} FROM tap_uploads WHERE state IN (@Queued, @Ingesting) ORDER BY created_at, upload_id",
            new { TapUploadStates.Queued, TapUploadStates.Ingesting }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToUpload())];
    }

    /// <summary>Moves an upload to <paramref name="state"/>, with its job and result when known.</summary>
    public async Task UpdateAsync(string uploadId, string state, string? jobId, IngestionResult? result, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE tap_uploads SET state = @State, job_id = COALESCE(@JobId, job_id), result_json = COALESCE(@Result, result_json), updated_at = @Now WHERE upload_id = @UploadId",
            new { UploadId = uploadId, State = state, JobId = jobId, Result = result is null ? null : JsonSerializer.Serialize(result, Json), Now },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class Row
    {
        public string UploadId { get; set; } = "";

        public string MspId { get; set; } = "";

        public string? FileName { get; set; }

        public string FilePath { get; set; } = "";

        public long FileBytes { get; set; }

        public string FileSha256 { get; set; } = "";

        public string SettingsJson { get; set; } = "";

        public string State { get; set; } = "";

        public string? JobId { get; set; }

        public string? ResultJson { get; set; }

        public long CreatedAt { get; set; }

        public long UpdatedAt { get; set; }

        public TapUpload ToUpload() => new(
            UploadId, MspId, FileName, FilePath, FileBytes, FileSha256,
            JsonSerializer.Deserialize<TapUploadSettings>(SettingsJson, Json)!,
            State, JobId, ResultJson is null ? null : JsonSerializer.Deserialize<IngestionResult>(ResultJson, Json),
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(UpdatedAt));
    }
}
