using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store;
using Restcomm.Ingestion;

namespace Restcomm.Gateway.Api.Roaming.TapFiles;

/// <summary>Settings of the TAP upload endpoint and its ingestion (configuration section <c>TapUploads</c>).</summary>
public sealed class TapUploadOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "TapUploads";

    /// <summary>Largest TAP file accepted, in bytes (413 beyond). Default 4 GiB: a 3,000,000-record file is about 0.5 GiB.</summary>
    public long MaxBytes { get; set; } = 4L * 1024 * 1024 * 1024;

    /// <summary>Where uploaded files are kept: empty for <c>tap-uploads</c> in the gateway's data directory.</summary>
    public string? Directory { get; set; }

    /// <summary>Records per batch when the upload names none.</summary>
    public int BatchRecords { get; set; } = 5_000;

    /// <summary>Batches endorsed at once when the upload names none.</summary>
    public int InFlight { get; set; } = 8;

    /// <summary>Most records per batch an upload may ask for.</summary>
    public int MaxBatchRecords { get; set; } = 20_000;

    /// <summary>Most batches in flight an upload may ask for.</summary>
    public int MaxInFlight { get; set; } = 64;
}

/// <summary>
/// Carries uploaded TAP files onto the ledger, one at a time in upload order, with the same pipeline as
/// <c>restcomm tap ingest</c> (<see cref="TapIngestor"/>, its outbox in this API's store). On start it takes up every
/// upload a previous run left queued or unfinished; the outbox resumes the latter from their last durable batch, so an
/// API restart loses nothing and submits nothing twice. While an upload runs, its latest progress is kept in memory for
/// <c>GET /v1/roaming/tap-files/{uploadId}</c>.
/// </summary>
internal sealed partial class TapUploadService(
    GatewayStore store,
    IUsageBatchLedger ledger,
    IOptions<RoamingOptions> roaming,
    IOptions<TapUploadOptions> uploadOptions,
    ILogger<TapUploadService> logger,
    ILoggerFactory loggerFactory) : BackgroundService
{
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, IngestionProgress> _progress = new(StringComparer.Ordinal);

    /// <summary>The uploads table.</summary>
    public TapUploadStore Uploads { get; } = new(store);

    /// <summary>The ingestion pipeline over this API's store and ledger (also answers job and batch reads).</summary>
    public TapIngestor Ingestor { get; } = new(store, ledger, loggerFactory.CreateLogger<TapIngestor>());

    /// <summary>The newest progress of an upload being ingested by this process, or null.</summary>
    public IngestionProgress? ProgressOf(string uploadId) => _progress.GetValueOrDefault(uploadId);

    /// <summary>Queues an upload recorded in the store.</summary>
    public void Enqueue(string uploadId) => _queue.Writer.TryWrite(uploadId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var unfinished in await Uploads.ListUnfinishedAsync(stoppingToken).ConfigureAwait(false))
        {
            LogTakenUp(logger, unfinished.UploadId, unfinished.State);
            Enqueue(unfinished.UploadId);
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var uploadId in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            if (!seen.Add(uploadId))
            {
                continue;
            }

            try
            {
                await IngestAsync(uploadId, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Left 'ingesting': the next start resumes it from the outbox.
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, uploadId, e);
                await Uploads.UpdateAsync(uploadId, TapUploadStates.Failed, null, new IngestionResult { Outcome = IngestionOutcome.Partial, Reason = e.Message }, stoppingToken).ConfigureAwait(false);
            }
            finally
            {
                _progress.TryRemove(uploadId, out _);
            }
        }
    }

    private async Task IngestAsync(string uploadId, CancellationToken cancellationToken)
    {
        var upload = await Uploads.GetAsync(uploadId, cancellationToken).ConfigureAwait(false);
        if (upload is null || TapUploadStates.IsFinal(upload.State))
        {
            return;
        }

        await Uploads.UpdateAsync(uploadId, TapUploadStates.Ingesting, null, null, cancellationToken).ConfigureAwait(false);
        var options = new TapIngestionOptions
        {
            AgreementId = upload.Settings.AgreementId,
            Channel = roaming.Value.Channel,
            BatchRecords = upload.Settings.BatchRecords ?? uploadOptions.Value.BatchRecords,
            InFlight = upload.Settings.InFlight ?? uploadOptions.Value.InFlight,
        };
        LogStarted(logger, uploadId, upload.FileBytes, upload.Settings.AgreementId);
        var result = await Ingestor.IngestAsync(upload.FilePath, options, resume: true, new Progress(uploadId, _progress), cancellationToken).ConfigureAwait(false);
        var state = result.Outcome switch
        {
            IngestionOutcome.Complete => TapUploadStates.Complete,
            IngestionOutcome.Refused => TapUploadStates.Refused,
            _ => TapUploadStates.Partial,
        };
        await Uploads.UpdateAsync(uploadId, state, result.JobId, result, cancellationToken).ConfigureAwait(false);
        LogFinished(logger, uploadId, state, result.RecordsCommitted, result.Batches);
    }

    /// <summary>Keeps the newest snapshot (reported synchronously by the pipeline).</summary>
    private sealed class Progress(string uploadId, ConcurrentDictionary<string, IngestionProgress> into) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value) => into[uploadId] = value;
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Information, Message = "TAP upload {UploadId} taken up after a restart (it was {State})")]
    private static partial void LogTakenUp(ILogger logger, string uploadId, string state);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Information, Message = "TAP upload {UploadId}: ingesting {Bytes} bytes under agreement {AgreementId}")]
    private static partial void LogStarted(ILogger logger, string uploadId, long bytes, string agreementId);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Information, Message = "TAP upload {UploadId}: {State}, {Records} records committed in {Batches} batches")]
    private static partial void LogFinished(ILogger logger, string uploadId, string state, long records, int batches);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Error, Message = "TAP upload {UploadId} failed")]
    private static partial void LogFailed(ILogger logger, string uploadId, Exception exception);
}
