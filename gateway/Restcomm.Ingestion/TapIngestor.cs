using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Gateway.Store;
using Restcomm.Ingestion.Internal;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Ingestion;

/// <summary>
/// Carries a TAP file onto the ledger, exactly once. Two passes over the file: the first decodes, validates (TD.57)
/// and hashes it whole, so a fatal file is refused with its RAP ReturnBatch before anything is sent; the second maps
/// the call events to canonical usage records, cuts them into batches, writes each batch to the outbox (durable, in
/// the gateway store) and only then endorses it on the pair's peers, orders it and awaits its commit, with
/// <see cref="TapIngestionOptions.InFlight"/> batches in flight. A run stopped at any point (a crash, a kill, a
/// cancellation) is resumed from the outbox: committed batches are skipped, the others are rebuilt from the file,
/// checked against their stored payload hash and submitted again — the chaincode answers a batch it already holds
/// with the original and writes nothing.
/// </summary>
public sealed partial class TapIngestor
{
    private readonly IUsageBatchLedger _ledger;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly Outbox _outbox;

    /// <summary>Creates an ingestor.</summary>
    /// <param name="store">The gateway store that holds the outbox.</param>
    /// <param name="ledger">The roaming chaincode (<see cref="FabricUsageBatchLedger"/>).</param>
    /// <param name="logger">Logs (no IMSI, MSISDN or numbers are ever logged).</param>
    /// <param name="clock">Clock for the outbox's timestamps, the batch linger and the retry delays.</param>
    public TapIngestor(GatewayStore store, IUsageBatchLedger ledger, ILogger<TapIngestor>? logger = null, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _clock = clock ?? TimeProvider.System;
        _outbox = new Outbox(store, _clock);
    }

    /// <summary>The meter name of the ingestion's OpenTelemetry metrics.</summary>
    public static string MeterName => IngestionMetrics.MeterName;

    /// <summary>
    /// Ingests a TAP file. A file whose ID already has a job is refused unless <paramref name="resume"/> is set, which
    /// continues that job (a no-op when it is complete) provided the file is the same (SHA-256).
    /// </summary>
    /// <param name="path">The TAP file; it must stay in place until the job is complete (a resume reads it again).</param>
    /// <param name="options">The agreement and the batching and submission settings (a resumed job keeps its own).</param>
    /// <param name="resume">Continue the file's unfinished job instead of refusing the file.</param>
    /// <param name="progress">Receives snapshots (at most ten a second).</param>
    /// <param name="cancellationToken">Stops the run; the outbox keeps what was done.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="ArgumentException">The options cannot work (e.g. a batch that cannot fit the channel's message limit).</exception>
    /// <exception cref="UsageLedgerException">The ledger could not be reached to read the agreement.</exception>
    /// <exception cref="IOException">The file could not be read.</exception>
    public async Task<IngestionResult> IngestAsync(string path, TapIngestionOptions options, bool resume, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Check();
        path = Path.GetFullPath(path);
        var fileBytes = new FileInfo(path).Length;
        var run = new RunState(progress, fileBytes);

        // Pass 1: the whole file, decoded and validated, hashed on the way.
        var started = Stopwatch.GetTimestamp();
        TapProcessingResult validated;
        string fileSha256;
        try
        {
            (validated, fileSha256) = await ValidateAsync(path, run, cancellationToken).ConfigureAwait(false);
        }
        catch (TapFormatException e)
        {
            LogRefused(_logger, path, e.Message);
            return Refused(run, null, null, $"malformed TAP file: {e.Message}");
        }

        IngestionMetrics.Phase("validate_pass", Stopwatch.GetElapsedTime(started));
        run.RecordsInFile = validated.RecordCount;
        run.Rejected = validated.Validation.RejectedRecordCount;
        var header = validated.Header;
        if (header.Kind == TapFileKind.Notification)
        {
            return new IngestionResult { Outcome = IngestionOutcome.Complete, Reason = "a Notification carries no call events", Elapsed = run.Elapsed };
        }

        var batchControl = header.BatchControl;
        var fileId = batchControl is { Sender: { } s, Recipient: { } r, FileSequenceNumber: { } seq }
            && Tadig.IsValid(s) && Tadig.IsValid(r) && int.TryParse(seq, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 99_999
            ? FileId.Format(s, r, n)
            : null;
        if (validated.Validation.IsFatal)
        {
            var rapPath = options.RapPath ?? path + ".rap";
            var rap = RapEncoder.Encode(validated.Validation, header, _ => null, new RapBuildOptions { RapFileSequenceNumber = "00001" });
            await File.WriteAllBytesAsync(rapPath, rap, cancellationToken).ConfigureAwait(false);
            var fatal = string.Join("; ", validated.Validation.Errors.Where(e => e.Severity == TapSeverity.Fatal).Take(3)
                .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Code} {e.Context}/{e.Item}: {e.Message}")));
            LogRefused(_logger, path, fatal);
            var refused = Refused(run, fileId, null, $"fatal TD.57 errors ({validated.Validation.FatalCount}): {fatal}") with { RapFile = rapPath };
            if (fileId is not null)
            {
                // Kept for the record; a refused file may come back corrected under the same file ID.
                await RecordRefusedAsync(fileId, path, fileSha256, fileBytes, options, run, refused.Reason!, cancellationToken).ConfigureAwait(false);
            }

            return refused;
        }

        if (fileId is null)
        {
            return Refused(run, null, null, "the file's sender, recipient or file sequence number cannot make a file ID");
        }

        // The agreement decides who endorses: both parties' peers, as the pair's collection policy requires.
        var agreement = await _ledger.GetAgreementAsync(options.AgreementId, cancellationToken).ConfigureAwait(false);
        var pair = CheckAgreement(agreement, batchControl!.Sender!, batchControl.Recipient!);
        if (pair.Problem is not null)
        {
            return Refused(run, fileId, null, pair.Problem);
        }

        var existing = await _outbox.FindLiveJobAsync(fileId, cancellationToken).ConfigureAwait(false);
        string jobId;
        var resumed = false;
        if (existing is not null)
        {
            if (!resume)
            {
                var why = existing.State == OutboxStates.Complete
                    ? $"file {fileId} was already ingested (job {existing.JobId})"
                    : $"file {fileId} has an unfinished job {existing.JobId} ({existing.State}): resume it";
                return Refused(run, fileId, existing.JobId, why);
            }

            if (existing.FileSha256 != fileSha256)
            {
                return Refused(run, fileId, existing.JobId, $"file {fileId} was ingested from a different file (SHA-256 {existing.FileSha256}): a repeated file sequence number");
            }

            var stored = await _outbox.GetJobAsync(existing.JobId, cancellationToken).ConfigureAwait(false);
            options = stored!.Value.Settings.ToOptions();
            jobId = existing.JobId;
            resumed = true;
            if (!string.Equals(existing.FilePath, path, StringComparison.Ordinal))
            {
                LogFileMoved(_logger, jobId, path);
            }
        }
        else
        {
            jobId = Guid.NewGuid().ToString("N");
            var job = new IngestionJob(jobId, fileId, path, fileSha256, fileBytes, options.AgreementId, _ledger.MspId, OutboxStates.Ingesting,
                validated.RecordCount, validated.Validation.RejectedRecordCount, null, _clock.GetUtcNow(), _clock.GetUtcNow());
            if (!await _outbox.CreateJobAsync(job, JobSettings.From(options), options.Channel, options.Chaincode, cancellationToken).ConfigureAwait(false))
            {
                return Refused(run, fileId, null, $"file {fileId} is being ingested by another run");
            }
        }

        LogStarted(_logger, jobId, fileId, validated.RecordCount, resumed);

        // Pass 2: map, batch, outbox, endorse, submit, commit.
        started = Stopwatch.GetTimestamp();
        var context = new PassContext(jobId, fileId, path, options, header, pair.Endorsers!, validated.Validation, run);
        await IngestPassAsync(context, cancellationToken).ConfigureAwait(false);
        IngestionMetrics.Phase("ingest_pass", Stopwatch.GetElapsedTime(started));
        return await FinishAsync(context, resumed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resumes a job from the outbox with the settings it was started with (e.g. when the REST host starts).</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="progress">Receives snapshots.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    /// <returns>What the run did.</returns>
    /// <exception cref="KeyNotFoundException">No such job.</exception>
    public async Task<IngestionResult> ResumeAsync(string jobId, IProgress<IngestionProgress>? progress, CancellationToken cancellationToken)
    {
        var stored = await _outbox.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false)
            ?? throw new KeyNotFoundException($"no ingestion job {jobId}");
        return await IngestAsync(stored.Job.FilePath, stored.Settings.ToOptions(), resume: true, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A job as the outbox holds it, or null.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The job.</returns>
    public async Task<IngestionJob?> GetJobAsync(string jobId, CancellationToken cancellationToken)
        => (await _outbox.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false))?.Job;

    /// <summary>Jobs, oldest first; only those in <paramref name="state"/> (<c>ingesting</c>, <c>partial</c>…) when given.</summary>
    /// <param name="state">A state, or null for all.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The jobs.</returns>
    public Task<IReadOnlyList<IngestionJob>> ListJobsAsync(string? state, CancellationToken cancellationToken) => _outbox.ListJobsAsync(state, cancellationToken);

    /// <summary>A job's batches, by number.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The batches.</returns>
    public Task<IReadOnlyList<IngestionBatch>> GetBatchesAsync(string jobId, CancellationToken cancellationToken) => _outbox.ListBatchesAsync(jobId, cancellationToken);

    private static async Task<(TapProcessingResult Result, string Sha256)> ValidateAsync(string path, RunState run, CancellationToken cancellationToken)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        var hashing = new HashingStream(file);
        await using (hashing.ConfigureAwait(false))
        {
            var options = new TapProcessingOptions { ComputeHashes = false, Progress = new Inline<long>(b => { run.BytesRead(b); run.Report(); }) };
            var result = await TapProcessor.ProcessAsync(hashing, options, (chunk, _) =>
            {
                run.Validated(chunk.Count);
                return ValueTask.CompletedTask;
            }, cancellationToken).ConfigureAwait(false);
            IngestionMetrics.Record("validated", result.RecordCount);
            return (result, hashing.Finish());
        }
    }

    private static (string[]? Endorsers, string? Problem) CheckAgreement(AgreementState agreement, string sender, string recipient)
    {
        if (agreement.Status != AgreementStatus.Active)
        {
            return (null, $"agreement {agreement.AgreementId} is {agreement.Status.ToString().ToLowerInvariant()}, not active");
        }

        var visited = agreement.PartyA.Tadigs.Contains(sender) ? agreement.PartyA : agreement.PartyB.Tadigs.Contains(sender) ? agreement.PartyB : null;
        var home = agreement.PartyA.Tadigs.Contains(recipient) ? agreement.PartyA : agreement.PartyB.Tadigs.Contains(recipient) ? agreement.PartyB : null;
        if (visited is null || home is null || visited.MspId == home.MspId)
        {
            return (null, $"the file goes from {sender} to {recipient}; agreement {agreement.AgreementId} is between {string.Join("/", agreement.PartyA.Tadigs)} ({agreement.PartyA.MspId}) and {string.Join("/", agreement.PartyB.Tadigs)} ({agreement.PartyB.MspId})");
        }

        return ([visited.MspId, home.MspId], null);
    }

    private async Task RecordRefusedAsync(string fileId, string path, string sha256, long fileBytes, TapIngestionOptions options, RunState run, string reason, CancellationToken cancellationToken)
    {
        var job = new IngestionJob(Guid.NewGuid().ToString("N"), fileId, path, sha256, fileBytes, options.AgreementId, _ledger.MspId, OutboxStates.Refused,
            run.RecordsInFile, run.Rejected, reason, _clock.GetUtcNow(), _clock.GetUtcNow());
        await _outbox.CreateJobAsync(job, JobSettings.From(options), options.Channel, options.Chaincode, cancellationToken).ConfigureAwait(false);
    }

    private static IngestionResult Refused(RunState run, string? fileId, string? jobId, string reason) => new()
    {
        Outcome = IngestionOutcome.Refused,
        Reason = reason,
        FileId = fileId,
        JobId = jobId,
        RecordsInFile = run.RecordsInFile,
        RecordsRejected = run.Rejected,
        Elapsed = run.Elapsed,
    };

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Ingesting TAP file {FileId} as job {JobId}: {Records} call events (resumed: {Resumed})")]
    private static partial void LogStarted(ILogger logger, string jobId, string fileId, long records, bool resumed);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "TAP file {Path} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Job {JobId} resumed from {Path}, not where it started")]
    private static partial void LogFileMoved(ILogger logger, string jobId, string path);

    /// <summary>An <see cref="IProgress{T}"/> that runs its handler on the reporting thread.</summary>
    private sealed class Inline<T>(Action<T> handler) : IProgress<T>
    {
        public void Report(T value) => handler(value);
    }
}
