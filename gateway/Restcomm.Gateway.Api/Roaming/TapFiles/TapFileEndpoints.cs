using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Ingestion;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Api.Roaming.TapFiles;

/// <summary>Where an upload stands, with the ingestion's progress while it runs and its outcome once it is final.</summary>
/// <param name="UploadId">The upload (job) ID.</param>
/// <param name="State">queued, ingesting, complete, partial, refused or failed.</param>
/// <param name="AgreementId">The agreement the usage is settled under.</param>
/// <param name="FileName">The name given at upload, if any.</param>
/// <param name="FileBytes">The file's size.</param>
/// <param name="FileSha256">The file's SHA-256, hex.</param>
/// <param name="CreatedAt">When it was uploaded.</param>
/// <param name="UpdatedAt">When its state last changed.</param>
/// <param name="JobId">The ingestion job, once one exists.</param>
/// <param name="Progress">The newest progress while this API ingests it.</param>
/// <param name="Result">The ingestion's summary once final (file ID, records committed, totals, left-out records…).</param>
/// <param name="Batches">Each batch of the job and where it stands (only on the single-upload read).</param>
public sealed record TapUploadAnswer(
    string UploadId,
    string State,
    string AgreementId,
    string? FileName,
    long FileBytes,
    string FileSha256,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string? JobId,
    IngestionProgress? Progress,
    IngestionResult? Result,
    IReadOnlyList<IngestionBatch>? Batches);

/// <summary>Uploads, newest first.</summary>
/// <param name="Items">The uploads.</param>
/// <param name="NextBefore">Pass as <c>before</c> for the next page; null on the last.</param>
public sealed record TapUploadPage(IReadOnlyList<TapUploadAnswer> Items, DateTimeOffset? NextBefore);

/// <summary>Marks the upload endpoint: its body may be as large as <see cref="TapUploadOptions.MaxBytes"/>.</summary>
internal sealed record UploadBodyMetadata(long MaxBytes);

/// <summary>
/// <c>POST /v1/roaming/tap-files</c> takes a TAP file as the raw body, streamed to disk (never whole in memory), and
/// answers 202 with the upload to follow at <c>GET /v1/roaming/tap-files/{uploadId}</c>, while the API's ingestion
/// service carries it onto the ledger as usage batches of the agreement (see <see cref="TapUploadService"/>).
/// </summary>
internal static class TapFileEndpoints
{
    public const string TapContentType = "application/octet-stream";
    private const int MaxPage = 100;

    public static void Map(RouteGroupBuilder read, RouteGroupBuilder write, long maxBytes)
    {
        write.MapPost("/tap-files", UploadAsync).WithName("RoamingUploadTapFile")
            .Accepts<Stream>(TapContentType)
            .WithMetadata(new UploadBodyMetadata(maxBytes))
            .OnDefaultConsortiumOnly()
            .WithSummary("Uploads a TAP file (raw body) to carry onto the ledger as usage batches of an agreement; 202 with the upload to follow.");
        read.MapGet("/tap-files", ListAsync).WithName("RoamingListTapFiles").OnDefaultConsortiumOnly()
            .WithSummary("TAP files uploaded to this API, newest first, with their state.");
        read.MapGet("/tap-files/{uploadId}", GetAsync).WithName("RoamingGetTapFile").OnDefaultConsortiumOnly()
            .WithSummary("An uploaded TAP file: state, progress while it is ingested, outcome and each batch.");
    }

    private static async Task<Results<AcceptedJson<TapUploadAnswer>, ProblemAnswer>> UploadAsync(
        string agreementId, int? batchRecords, int? inFlight, string? fileName, HttpRequest request,
        TapUploadService service, IOptions<TapUploadOptions> options, IOptions<GatewayOptions> gateway, CancellationToken cancellationToken)
    {
        var limits = options.Value;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(agreementId) || agreementId.Length > 128)
        {
            errors["agreementId"] = ["The agreement the usage is settled under: 1 to 128 characters."];
        }

        if (batchRecords is { } records && (records < 1 || records > limits.MaxBatchRecords))
        {
            errors["batchRecords"] = [$"Between 1 and {limits.MaxBatchRecords}."];
        }

        if (inFlight is { } k && (k < 1 || k > limits.MaxInFlight))
        {
            errors["inFlight"] = [$"Between 1 and {limits.MaxInFlight}."];
        }

        if (fileName is { Length: > 255 })
        {
            errors["fileName"] = ["At most 255 characters."];
        }

        if (errors.Count > 0)
        {
            return Internal.Problems.Validation(errors);
        }

        var directory = UploadDirectory(limits, gateway.Value);
        Directory.CreateDirectory(directory);
        var uploadId = Guid.NewGuid().ToString("N");
        var partial = Path.Combine(directory, uploadId + ".part");
        var path = Path.Combine(directory, uploadId + ".tap");
        long bytes = 0;
        string sha256;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var buffer = new byte[1 << 16];
                int read;
                while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    bytes += read;
                    if (bytes > limits.MaxBytes)
                    {
                        return Internal.Problems.Result(ProblemTypes.PayloadTooLarge, $"A TAP file may have at most {limits.MaxBytes} bytes.");
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (bytes == 0)
            {
                return Internal.Problems.Result(ProblemTypes.ValidationFailed, "The body is empty: send the TAP file itself as the request body.");
            }

            sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            File.Move(partial, path);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Internal.Problems.Result(ProblemTypes.PayloadTooLarge, $"A TAP file may have at most {limits.MaxBytes} bytes.");
        }
        finally
        {
            File.Delete(partial);
        }

        var settings = new TapUploadSettings(agreementId, batchRecords, inFlight);
        var upload = await service.Uploads.CreateAsync(uploadId, gateway.Value.MspId, fileName, path, bytes, sha256, settings, cancellationToken).ConfigureAwait(false);
        service.Enqueue(uploadId);
        return new AcceptedJson<TapUploadAnswer>($"/v1/roaming/tap-files/{uploadId}", Answer(upload, null, null), RoamingJson.Options);
    }

    private static async Task<Results<OkJson<TapUploadAnswer>, ProblemAnswer>> GetAsync(string uploadId, TapUploadService service, CancellationToken cancellationToken)
    {
        if (await service.Uploads.GetAsync(uploadId, cancellationToken).ConfigureAwait(false) is not { } upload)
        {
            return Internal.Problems.Result(ProblemTypes.NotFound, $"No TAP upload '{uploadId}' on this API.");
        }

        var jobId = upload.JobId;
        if (jobId is null && upload.State == TapUploadStates.Ingesting)
        {
            // The job exists once validation has passed; until the upload is final only its file path names it.
            var live = await service.Ingestor.ListJobsAsync("ingesting", cancellationToken).ConfigureAwait(false);
            jobId = live.FirstOrDefault(j => j.FilePath == upload.FilePath)?.JobId;
        }

        var batches = jobId is null ? [] : await service.Ingestor.GetBatchesAsync(jobId, cancellationToken).ConfigureAwait(false);
        return new OkJson<TapUploadAnswer>(Answer(upload with { JobId = jobId }, service.ProgressOf(uploadId), batches), RoamingJson.Options);
    }

    private static async Task<Results<OkJson<TapUploadPage>, ProblemAnswer>> ListAsync(int? limit, DateTimeOffset? before, TapUploadService service, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxPage)
        {
            return Internal.Problems.Validation(new Dictionary<string, string[]> { ["limit"] = [$"Between 1 and {MaxPage}."] });
        }

        var take = limit ?? 20;
        var uploads = await service.Uploads.ListAsync(take + 1, before, cancellationToken).ConfigureAwait(false);
        var items = uploads.Take(take).Select(u => Answer(u, service.ProgressOf(u.UploadId), null)).ToList();
        return new OkJson<TapUploadPage>(new TapUploadPage(items, uploads.Count > take ? items[^1].CreatedAt : null), RoamingJson.Options);
    }

    private static TapUploadAnswer Answer(TapUpload upload, IngestionProgress? progress, IReadOnlyList<IngestionBatch>? batches) => new(
        upload.UploadId, upload.State, upload.Settings.AgreementId, upload.FileName, upload.FileBytes, upload.FileSha256,
        upload.CreatedAt, upload.UpdatedAt, upload.JobId ?? upload.Result?.JobId, progress, upload.Result, batches);

    private static string UploadDirectory(TapUploadOptions options, GatewayOptions gateway)
        => string.IsNullOrWhiteSpace(options.Directory) ? Path.Combine(gateway.DataDirectory, "tap-uploads") : options.Directory;
}
