using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Restcomm.Ingestion.Internal;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Ingestion;

/// <summary>The second pass: producer (decode, map, batch) → outbox writer (in batch order) → K submitters.</summary>
public sealed partial class TapIngestor
{
    private async Task IngestPassAsync(PassContext ctx, CancellationToken cancellationToken)
    {
        var run = ctx.Run;
        run.Phase = IngestionPhase.Ingesting;
        run.BytesRead(0);
        var existing = await _outbox.ListBatchesAsync(ctx.JobId, cancellationToken).ConfigureAwait(false);
        foreach (var done in existing.Where(b => b.State == OutboxStates.Committed))
        {
            run.Batched(done.RecordCount);
            run.Endorsed(done.RecordCount);
            run.Committed(done.RecordCount);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = cts.Token;
        var seal = Channel.CreateBounded<Task<SealedBatch>>(new BoundedChannelOptions(Math.Max(2, Environment.ProcessorCount)) { SingleReader = true, SingleWriter = true });
        var submit = Channel.CreateBounded<SealedBatch>(new BoundedChannelOptions(ctx.Options.InFlight) { SingleWriter = true });
        var tasks = new List<Task>
        {
            Task.Run(() => Guard(() => ProduceAsync(ctx, existing, seal.Writer, token), seal.Writer, cts), token),
            Task.Run(() => Guard(() => WriteOutboxAsync(ctx, seal.Reader, submit.Writer, token), submit.Writer, cts), token),
        };
        for (var i = 0; i < ctx.Options.InFlight; i++)
        {
            tasks.Add(Task.Run(() => Guard(() => SubmitAllAsync(ctx, submit.Reader, token), null, cts), token));
        }

        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (Exception) when (tasks.Any(t => t.IsFaulted || t.IsCanceled))
        {
            // The first real failure explains the others (which were cancelled because of it).
            var failure = tasks.Where(t => t.IsFaulted).Select(t => t.Exception!.GetBaseException()).FirstOrDefault(e => e is not OperationCanceledException);
            cancellationToken.ThrowIfCancellationRequested();
            if (failure is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
            }

            throw;
        }
    }

    private static async Task Guard<T>(Func<Task> body, ChannelWriter<T>? output, CancellationTokenSource cts)
    {
        try
        {
            await body().ConfigureAwait(false);
            output?.TryComplete();
        }
        catch (Exception e)
        {
            output?.TryComplete(e);
            await cts.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Task Guard(Func<Task> body, ChannelWriter<SealedBatch>? output, CancellationTokenSource cts) => Guard<SealedBatch>(body, output, cts);

    private async Task ProduceAsync(PassContext ctx, IReadOnlyList<IngestionBatch> existing, ChannelWriter<Task<SealedBatch>> output, CancellationToken token)
    {
        var producer = new Producer(ctx, existing, _clock);
        var file = new FileStream(ctx.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
        await using (file.ConfigureAwait(false))
        {
            var options = new TapProcessingOptions { KeepRecords = true, ComputeHashes = false, Progress = new Inline<long>(b => { ctx.Run.BytesRead(b); ctx.Run.Report(); }) };
            await TapProcessor.ProcessAsync(file, options, (chunk, ct) => Enqueue(producer.Take(chunk), output, ct), token).ConfigureAwait(false);
        }

        await Enqueue(producer.Finish(), output, token).ConfigureAwait(false);
    }

    private static async ValueTask Enqueue(List<Task<SealedBatch>> sealing, ChannelWriter<Task<SealedBatch>> output, CancellationToken token)
    {
        foreach (var task in sealing)
        {
            await output.WriteAsync(task, token).ConfigureAwait(false);
        }
    }

    private async Task WriteOutboxAsync(PassContext ctx, ChannelReader<Task<SealedBatch>> input, ChannelWriter<SealedBatch> output, CancellationToken token)
    {
        await foreach (var sealing in input.ReadAllAsync(token).ConfigureAwait(false))
        {
            var batch = await sealing.ConfigureAwait(false);
            if (batch.Existing)
            {
                ctx.Run.Batched(batch.Row.RecordCount);
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                await _outbox.InsertBatchAsync(ctx.JobId, batch.Row, token).ConfigureAwait(false);
                IngestionMetrics.Phase("outbox", Stopwatch.GetElapsedTime(started));
                IngestionMetrics.Record("batched", batch.Row.RecordCount);
                ctx.Run.Batched(batch.Row.RecordCount);
            }

            await output.WriteAsync(batch, token).ConfigureAwait(false);
        }
    }

    private async Task SubmitAllAsync(PassContext ctx, ChannelReader<SealedBatch> input, CancellationToken token)
    {
        await foreach (var batch in input.ReadAllAsync(token).ConfigureAwait(false))
        {
            await SubmitAsync(ctx, batch, token).ConfigureAwait(false);
        }
    }

    private async Task SubmitAsync(PassContext ctx, SealedBatch batch, CancellationToken token)
    {
        var number = batch.Row.BatchNumber;
        var count = batch.Row.RecordCount;
        var attempts = batch.Row.Attempts;
        var endorsedOnce = false;
        ctx.Run.InFlight(1);
        IngestionMetrics.InFlight.Add(1);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                attempts++;
                string error;
                string reason;
                bool transient;
                try
                {
                    var started = Stopwatch.GetTimestamp();
                    var endorsed = await _ledger.EndorseAsync(batch.Header, batch.Payload, ctx.Endorsers, token).ConfigureAwait(false);
                    IngestionMetrics.Phase("endorse", Stopwatch.GetElapsedTime(started));
                    if (!endorsedOnce)
                    {
                        endorsedOnce = true;
                        ctx.Run.Endorsed(count);
                    }

                    if (endorsed.Result.AlreadySubmitted)
                    {
                        // The ledger holds this very batch (same key and payload hash): nothing to order.
                        await _outbox.MarkCommittedAsync(ctx.JobId, number, endorsed.Result.Batch.TxId, null, alreadySubmitted: true, attempts, token).ConfigureAwait(false);
                        Committed(ctx, count, "already_submitted");
                        return;
                    }

                    started = Stopwatch.GetTimestamp();
                    await endorsed.SubmitAsync(token).ConfigureAwait(false);
                    IngestionMetrics.Phase("submit", Stopwatch.GetElapsedTime(started));
                    await _outbox.MarkSubmittedAsync(ctx.JobId, number, endorsed.TransactionId, attempts, token).ConfigureAwait(false);
                    started = Stopwatch.GetTimestamp();
                    var commit = await endorsed.WaitForCommitAsync(token).ConfigureAwait(false);
                    IngestionMetrics.Phase("commit", Stopwatch.GetElapsedTime(started));
                    if (commit.IsValid)
                    {
                        await _outbox.MarkCommittedAsync(ctx.JobId, number, endorsed.TransactionId, (long)commit.BlockNumber, alreadySubmitted: false, attempts, token).ConfigureAwait(false);
                        Committed(ctx, count, "committed");
                        return;
                    }

                    error = $"transaction {endorsed.TransactionId} committed as {commit.Code}";
                    reason = commit.Code;
                    transient = commit.IsTransient;
                }
                catch (UsageLedgerException e)
                {
                    error = e.Message;
                    reason = e.Code ?? "error";
                    transient = e.IsTransient;
                }

                if (!transient || attempt >= ctx.Options.MaxAttempts)
                {
                    var final = transient ? string.Create(CultureInfo.InvariantCulture, $"gave up after {attempt} attempts: {error}") : error;
                    await _outbox.MarkFailedAsync(ctx.JobId, number, attempts, final, token).ConfigureAwait(false);
                    IngestionMetrics.Batch("failed");
                    LogBatchFailed(_logger, ctx.JobId, number, final);
                    return;
                }

                var delay = Backoff(ctx.Options, attempt);
                IngestionMetrics.Retry(reason);
                LogRetry(_logger, ctx.JobId, number, attempt, delay.TotalMilliseconds, error);
                await _outbox.NoteRetryAsync(ctx.JobId, number, attempts, error, token).ConfigureAwait(false);
                await Task.Delay(delay, _clock, token).ConfigureAwait(false);
            }
        }
        finally
        {
            ctx.Run.InFlight(-1);
            IngestionMetrics.InFlight.Add(-1);
            ctx.Run.Report();
        }
    }

    private static void Committed(PassContext ctx, int count, string outcome)
    {
        ctx.Run.Committed(count);
        IngestionMetrics.Batch(outcome);
        IngestionMetrics.Record("committed", count);
        ctx.Run.Report();
    }

    /// <summary>Full jitter: a uniform delay up to base × 2^(attempt-1), capped.</summary>
    private static TimeSpan Backoff(TapIngestionOptions options, int attempt)
    {
        var ceiling = Math.Min(options.RetryMaxDelay.TotalMilliseconds, options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, attempt - 1));
#pragma warning disable CA5394 // jitter, not security
        return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
#pragma warning restore CA5394
    }

    private async Task<IngestionResult> FinishAsync(PassContext ctx, bool resumed, CancellationToken cancellationToken)
    {
        var run = ctx.Run;
        var batches = await _outbox.ListBatchesAsync(ctx.JobId, cancellationToken).ConfigureAwait(false);
        var committed = batches.Where(b => b.State == OutboxStates.Committed).ToList();
        var failed = batches.Where(b => b.State != OutboxStates.Committed).ToList();
        var committedTotals = committed.SelectMany(b => b.Totals).GroupBy(t => t.Service).OrderBy(g => g.Key)
            .Select(g => new ServiceSum(g.Key, g.Sum(t => (long)t.Records), g.Sum(t => t.Quantity), g.Sum(t => t.ChargeMinor))).ToList();

        IReadOnlyList<int> missing = [];
        var bc = ctx.Header.BatchControl!;
        try
        {
            var report = await _ledger.GetFileSequenceReportAsync(bc.Sender!, bc.Recipient!, cancellationToken).ConfigureAwait(false);
            missing = report.MissingFiles;
        }
        catch (UsageLedgerException e)
        {
            LogSequenceReportFailed(_logger, ctx.FileId, e.Message);
        }

        var reasons = new List<string>();
        if (run.Rejected > 0)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{run.Rejected} call events rejected with severe errors (left out, listed)"));
        }

        if (failed.Count > 0)
        {
            reasons.Add(string.Create(CultureInfo.InvariantCulture, $"{failed.Count} of {batches.Count} batches not committed (resume the job to retry them)"));
        }

        if (missing.Count > 0)
        {
            reasons.Add($"file sequence numbers missing from {bc.Sender} to {bc.Recipient}: {string.Join(", ", missing)}");
        }

        var reason = reasons.Count > 0 ? string.Join("; ", reasons) : null;
        await _outbox.SetJobStateAsync(ctx.JobId, failed.Count > 0 ? OutboxStates.Partial : OutboxStates.Complete, reason, cancellationToken).ConfigureAwait(false);
        run.Phase = IngestionPhase.Done;
        run.Report(force: true);
        LogFinished(_logger, ctx.JobId, committed.Count, failed.Count, committed.Sum(b => (long)b.RecordCount));
        return new IngestionResult
        {
            Outcome = failed.Count > 0 || run.Rejected > 0 ? IngestionOutcome.Partial : IngestionOutcome.Complete,
            Reason = reason,
            JobId = ctx.JobId,
            FileId = ctx.FileId,
            Resumed = resumed,
            RecordsInFile = run.RecordsInFile,
            RecordsRejected = run.Rejected,
            RecordsUnsettled = run.Unsettled,
            RecordsCommitted = committed.Sum(b => (long)b.RecordCount),
            Batches = batches.Count,
            BatchesCommitted = committed.Count,
            BatchesAlreadyOnLedger = committed.Count(b => b.AlreadySubmitted),
            BatchesFailed = failed.Count,
            LeftOut = [.. run.LeftOut.OrderBy(r => r.Index)],
            Failures = [.. failed.Select(b => string.Create(CultureInfo.InvariantCulture, $"batch {b.BatchNumber}: {b.Error ?? b.State}"))],
            FileTotals = run.FileTotals(),
            CommittedTotals = committedTotals,
            MissingFileSequenceNumbers = missing,
            Elapsed = run.Elapsed,
        };
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Job {JobId}: batch {BatchNumber} failed: {Error}")]
    private static partial void LogBatchFailed(ILogger logger, string jobId, int batchNumber, string error);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Job {JobId}: batch {BatchNumber} attempt {Attempt} failed, retrying in {DelayMs:F0} ms: {Error}")]
    private static partial void LogRetry(ILogger logger, string jobId, int batchNumber, int attempt, double delayMs, string error);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Warning, Message = "File {FileId}: the file sequence report could not be read: {Error}")]
    private static partial void LogSequenceReportFailed(ILogger logger, string fileId, string error);

    [LoggerMessage(EventId = 4013, Level = LogLevel.Information, Message = "Job {JobId} finished: {Committed} batches committed ({Records} records), {Failed} not committed")]
    private static partial void LogFinished(ILogger logger, string jobId, int committed, int failed, long records);

    private sealed record PassContext(string JobId, string FileId, string Path, TapIngestionOptions Options, TapHeader Header, string[] Endorsers,
        TapValidationReport Validation, RunState Run);

    /// <summary>A batch ready to submit: its outbox row, header and payload; <c>Existing</c> when the row was there before this run.</summary>
    private sealed record SealedBatch(IngestionBatch Row, UsageBatchHeader Header, byte[] Payload, bool Existing);

    /// <summary>
    /// Turns the file's chunks into sealing tasks, in batch order: maps each call event, routes its record to the
    /// batch an earlier run already wrote for it (rebuilt unless committed) or to the batcher.
    /// </summary>
    private sealed class Producer
    {
        private readonly PassContext _ctx;
        private readonly UsageRecordMapper _mapper;
        private readonly UsageBatcher _batcher;
        private readonly UsageBatchHeader _template;
        private readonly Dictionary<string, Queue<IngestionBatch>> _planned;
        private readonly Dictionary<string, long> _covered;
        private readonly Dictionary<int, List<byte[]>> _rebuilding = [];
        private readonly Dictionary<long, string> _severe;
        private readonly List<ClosedBatch> _closed = [];
        private int _nextNumber;

        public Producer(PassContext ctx, IReadOnlyList<IngestionBatch> existing, TimeProvider clock)
        {
            _ctx = ctx;
            var options = ctx.Options;
            var header = ctx.Header;
            var bc = header.BatchControl!;
            var decimals = header.Accounting?.TapDecimalPlaces ?? 0;
            _mapper = new UsageRecordMapper(options.VisitedCountryCode ?? CountryCodes.ForTadig(bc.Sender), options.HomeCountryCode ?? CountryCodes.ForTadig(bc.Recipient), decimals);
            _batcher = new UsageBatcher(options.BatchRecords, options.BatchBytes, options.BatchLinger, options.MaxOpenPeriods, clock);
            _template = new UsageBatchHeader
            {
                AgreementId = options.AgreementId,
                SenderTadig = bc.Sender!,
                RecipientTadig = bc.Recipient!,
                FileSequenceNumber = int.Parse(bc.FileSequenceNumber!, NumberStyles.None, CultureInfo.InvariantCulture),
                BatchNumber = 1,
                Period = "",
                RecordCount = 0,
                DecimalPlaces = decimals,
                Totals = [],
                MerkleRoot = "",
                PayloadHash = "",
            };
            _planned = existing.GroupBy(b => b.Period, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => new Queue<IngestionBatch>(g.OrderBy(b => b.FirstIndex)), StringComparer.Ordinal);
            _covered = existing.GroupBy(b => b.Period, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Max(b => b.LastIndex), StringComparer.Ordinal);
            _nextNumber = existing.Count == 0 ? 1 : existing.Max(b => b.BatchNumber) + 1;
            _severe = ctx.Validation.Errors.Where(e => e.Severity == TapSeverity.Severe && e.RecordIndex is not null)
                .GroupBy(e => e.RecordIndex!.Value)
                .ToDictionary(g => g.Key, g => g.First() is var e ? string.Create(CultureInfo.InvariantCulture, $"{e.Code} {e.Context}/{e.Item}: {e.Message}") : "");
        }

        public List<Task<SealedBatch>> Take(TapRecordChunk chunk)
        {
            var run = _ctx.Run;
            var mapped = new MappedRecord[chunk.Count];
            Parallel.For(0, chunk.Count, i =>
            {
                if (!chunk.IsRejected(i) && chunk.GetEvent(i) is { } e)
                {
                    mapped[i] = _mapper.Map(e, chunk.GetEncoding(i));
                }
            });

            var sealing = new List<Task<SealedBatch>>();
            long unsettled = 0;
            for (var i = 0; i < chunk.Count; i++)
            {
                var index = chunk.FirstIndex + i;
                if (chunk.IsRejected(i))
                {
                    run.LeaveOut(index, chunk.GetOffset(i), _severe.GetValueOrDefault(index, "severe TD.57 error"));
                    continue;
                }

                if (mapped[i].Encoding is not { } record)
                {
                    unsettled++;
                    run.LeaveOut(index, chunk.GetOffset(i), "not settled: " + (mapped[i].Unsettled ?? "unknown call event type"));
                    continue;
                }

                run.Settled(mapped[i].Fields);
                var period = mapped[i].Period!;
                if (_covered.TryGetValue(period, out var covered) && index <= covered)
                {
                    Rebuild(record, period, index, sealing);
                }
                else
                {
                    _batcher.Add(record, period, index, _closed);
                }
            }

            _batcher.CloseLingering(_closed);
            SealClosed(sealing);
            run.Unsettled += unsettled;
            run.Decoded(chunk.Count);
            IngestionMetrics.Record("decoded", chunk.Count);
            IngestionMetrics.Record("unsettled", unsettled);
            run.Report();
            return sealing;
        }

        public List<Task<SealedBatch>> Finish()
        {
            var unfinished = _planned.Values.SelectMany(q => q).FirstOrDefault();
            if (unfinished is not null)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"the file ended before the last record of batch {unfinished.BatchNumber} (index {unfinished.LastIndex}): it is not the file the job started with"));
            }

            var sealing = new List<Task<SealedBatch>>();
            _batcher.CloseAll(_closed);
            SealClosed(sealing);
            IngestionMetrics.Record("rejected", _ctx.Run.Rejected);
            return sealing;
        }

        private void Rebuild(byte[] record, string period, long index, List<Task<SealedBatch>> sealing)
        {
            var queue = _planned[period];
            var batch = queue.Peek();
            if (index < batch.FirstIndex)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                    $"call event {index} of period {period} is in no batch of the job, yet before batch {batch.BatchNumber}: the file does not match the job's batches"));
            }

            if (batch.State != OutboxStates.Committed)
            {
                if (!_rebuilding.TryGetValue(batch.BatchNumber, out var records))
                {
                    _rebuilding[batch.BatchNumber] = records = [];
                }

                records.Add(record);
            }

            if (index == batch.LastIndex)
            {
                queue.Dequeue();
                if (batch.State != OutboxStates.Committed)
                {
                    var records = _rebuilding[batch.BatchNumber];
                    _rebuilding.Remove(batch.BatchNumber);
                    if (records.Count != batch.RecordCount)
                    {
                        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                            $"batch {batch.BatchNumber} rebuilt from the file has {records.Count} records, the outbox says {batch.RecordCount}"));
                    }

                    var template = _template;
                    sealing.Add(Task.Run(() => Seal(template, batch.BatchNumber, batch.Period, batch.FirstIndex, batch.LastIndex, records, batch)));
                }
            }
        }

        private void SealClosed(List<Task<SealedBatch>> sealing)
        {
            foreach (var closed in _closed)
            {
                var number = _nextNumber++;
                var template = _template;
                sealing.Add(Task.Run(() => Seal(template, number, closed.Period, closed.FirstIndex, closed.LastIndex, closed.Records, null)));
            }

            _closed.Clear();
        }

        private static SealedBatch Seal(UsageBatchHeader template, int number, string period, long first, long last, IReadOnlyList<byte[]> records, IngestionBatch? existing)
        {
            var started = Stopwatch.GetTimestamp();
            var (header, payload) = UsageBatchBuilder.Build(template with { BatchNumber = number, Period = period }, records);
            if (existing is not null && existing.PayloadHash != header.PayloadHash)
            {
                throw new InvalidDataException(
                    $"batch {number} rebuilt from the file hashes to {header.PayloadHash}, the outbox says {existing.PayloadHash}: the file or the record mapping changed since the batch was written");
            }

            var row = existing ?? new IngestionBatch(number, period, first, last, records.Count, payload.Length, header.PayloadHash, header.MerkleRoot, header.Totals,
                OutboxStates.Pending, null, null, false, 0, null);
            IngestionMetrics.Phase("seal", Stopwatch.GetElapsedTime(started));
            IngestionMetrics.Batch("sealed");
            return new SealedBatch(row, header, payload, existing is not null);
        }
    }
}
