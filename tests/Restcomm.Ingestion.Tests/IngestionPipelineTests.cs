using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Ingestion.Tests.Infrastructure;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Ingestion.Tests;

/// <summary>The whole pipeline and its outbox, on SQLite and PostgreSQL, against the chaincode's batch rules in memory.</summary>
public abstract class IngestionPipelineTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database), IDisposable
    where TDatabase : TestDatabase
{
    private const int Seed = 7;
    private readonly TapFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static TapIngestionOptions Options(int batchRecords = 500, int attempts = 3) => new()
    {
        AgreementId = Agreements.Id,
        BatchRecords = batchRecords,
        InFlight = 3,
        MaxAttempts = attempts,
        RetryBaseDelay = TimeSpan.FromMilliseconds(1),
        RetryMaxDelay = TimeSpan.FromMilliseconds(5),
    };

    private async Task<(TapIngestor Ingestor, MemoryLedger Ledger, GatewayStore Store)> NewAsync(TapHeader header)
    {
        var store = await NewStoreAsync();
        var ledger = new MemoryLedger(Agreements.ActiveState(header.BatchControl!.Sender!, header.BatchControl.Recipient!));
        return (new TapIngestor(store, ledger), ledger, store);
    }

    private static Task<IngestionResult> Run(TapIngestor ingestor, string path, TapIngestionOptions options, bool resume = false, CancellationToken token = default)
        => ingestor.IngestAsync(path, options, resume, null, token).WaitAsync(Timeout);

    [SkippableFact]
    public async Task Every_batch_has_the_merkle_root_and_totals_the_domain_computes_from_its_records()
    {
        var (path, header) = await _files.GenerateAsync(3_000, Seed);
        var (ingestor, ledger, _) = await NewAsync(header);

        var result = await Run(ingestor, path, Options());

        Assert.Equal(IngestionOutcome.Complete, result.Outcome);
        Assert.True(result.Batches >= (result.RecordsCommitted + 499) / 500, $"{result.Batches} batches for {result.RecordsCommitted} records");
        Assert.Equal(result.Batches, ledger.Batches.Count);
        foreach (var (h, payload) in ledger.Batches.Values)
        {
            var records = UsageBatchPayload.Decode(payload);
            Assert.Equal(h.MerkleRoot, Convert.ToHexStringLower(MerkleTree.Root([.. records.Select(r => r.LeafHash())])));
            Assert.Equal(h.Totals, VerifiedUsageBatch.Totals(records));
            Assert.All(records, r => Assert.Equal(h.Period, r.LocalDate.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)));
            Assert.True(records.Count <= 500);
        }

        var expected = await TapFiles.ExpectedTotalsAsync(path, header);
        Assert.Equal(expected, result.FileTotals);
        Assert.Equal(expected, result.CommittedTotals);
        Assert.Equal(expected.Sum(t => t.Records), ledger.Batches.Values.Sum(b => (long)b.Header.RecordCount));
        Assert.Equal(result.RecordsInFile, result.RecordsCommitted + result.RecordsUnsettled + result.RecordsRejected);
    }

    [SkippableFact]
    public async Task A_fatal_file_is_refused_with_its_rap_return_batch_and_commits_nothing()
    {
        var document = TapTrafficGenerator.CreateDocument(200, Seed);
        document.Header.Audit!.TotalCharge += 1;
        var path = _files.Write(document, "fatal.tap");
        var (ingestor, ledger, _) = await NewAsync(document.Header);

        var result = await Run(ingestor, path, Options());

        Assert.Equal(IngestionOutcome.Refused, result.Outcome);
        Assert.Contains("100 AuditControlInfo/TotalCharge", result.Reason, StringComparison.Ordinal);
        Assert.Empty(ledger.Batches);
        var rap = Assert.IsType<RapReturnBatch>(RapDecoder.Decode(await File.ReadAllBytesAsync(result.RapFile!)).ReturnBatch);
        Assert.IsType<RapFatalReturn>(Assert.Single(rap.Returns));
        Assert.Equal("refused", Assert.Single(await ingestor.ListJobsAsync(null, CancellationToken.None)).State);
    }

    [SkippableFact]
    public async Task The_same_file_again_is_refused_by_its_file_id_and_resuming_it_commits_nothing_new()
    {
        var (path, header) = await _files.GenerateAsync(1_000, Seed);
        var (ingestor, ledger, _) = await NewAsync(header);
        var first = await Run(ingestor, path, Options());
        var transactions = ledger.CommittedTransactions;

        var again = await Run(ingestor, path, Options());
        var resumed = await Run(ingestor, path, Options(), resume: true);

        Assert.Equal(IngestionOutcome.Complete, first.Outcome);
        Assert.Equal(IngestionOutcome.Refused, again.Outcome);
        Assert.Contains($"file {first.FileId} was already ingested", again.Reason, StringComparison.Ordinal);
        Assert.Equal(IngestionOutcome.Complete, resumed.Outcome);
        Assert.Equal(first.CommittedTotals, resumed.CommittedTotals);
        Assert.Equal(transactions, ledger.CommittedTransactions);
    }

    [SkippableFact]
    public async Task The_same_file_id_with_other_content_is_refused_as_a_repeated_sequence_number()
    {
        var document = TapTrafficGenerator.CreateDocument(300, Seed);
        var path = _files.Write(document, "first.tap");
        var (ingestor, _, _) = await NewAsync(document.Header);
        await Run(ingestor, path, Options());
        document.Events.RemoveAt(0);
        document.Header.Audit = TapEncoder.ComputeAudit(document.Events);
        var other = _files.Write(document, "other.tap");

        var result = await Run(ingestor, other, Options(), resume: true);

        Assert.Equal(IngestionOutcome.Refused, result.Outcome);
        Assert.Contains("repeated file sequence number", result.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_gap_in_the_partners_file_sequence_numbers_is_reported()
    {
        var first = TapTrafficGenerator.CreateDocument(200, Seed);
        first.Header.BatchControl!.FileSequenceNumber = "00001";
        var third = TapTrafficGenerator.CreateDocument(200, Seed);
        third.Header.BatchControl!.FileSequenceNumber = "00003";
        var (ingestor, _, _) = await NewAsync(first.Header);

        var one = await Run(ingestor, _files.Write(first, "seq1.tap"), Options());
        var three = await Run(ingestor, _files.Write(third, "seq3.tap"), Options());

        Assert.Empty(one.MissingFileSequenceNumbers);
        Assert.Equal([2], three.MissingFileSequenceNumbers);
        Assert.Equal(IngestionOutcome.Complete, three.Outcome);
        Assert.Contains("file sequence numbers missing", three.Reason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task A_call_event_with_a_severe_error_is_left_out_and_listed_and_the_rest_is_committed()
    {
        var document = TapTrafficGenerator.CreateDocument(400, Seed);
        var bad = document.Events.Select((e, i) => (e, i)).First(x => x.e.Kind == CallEventKind.GprsCall).i;
        document.Events[bad].Imsi = "1234";
        document.Header.Audit = TapEncoder.ComputeAudit(document.Events);
        var path = _files.Write(document, "severe.tap");
        var (ingestor, ledger, _) = await NewAsync(document.Header);

        var result = await Run(ingestor, path, Options());

        Assert.Equal(IngestionOutcome.Partial, result.Outcome);
        Assert.Equal(1, result.RecordsRejected);
        Assert.Contains(result.LeftOut, r => r.Index == bad && r.Reason.Contains("Imsi", StringComparison.Ordinal));
        Assert.Equal(0, result.BatchesFailed);
        Assert.Equal(result.FileTotals, result.CommittedTotals);
        Assert.DoesNotContain(ledger.Batches.Values.SelectMany(b => UsageBatchPayload.Decode(b.Payload)), r => r.Imsi == "1234");
    }

    [SkippableFact]
    public async Task The_outbox_holds_every_batch_committed_with_its_transaction_after_a_run()
    {
        var (path, header) = await _files.GenerateAsync(1_500, Seed);
        var (ingestor, ledger, _) = await NewAsync(header);

        var result = await Run(ingestor, path, Options());
        var batches = await ingestor.GetBatchesAsync(result.JobId!, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, result.Batches), batches.Select(b => b.BatchNumber));
        Assert.All(batches, b => Assert.Equal(("committed", 1), (b.State, b.Attempts)));
        Assert.All(batches, b => Assert.NotNull(b.TransactionId));
        Assert.All(batches, b => Assert.Equal(ledger.Batches[(result.FileId!, b.BatchNumber)].Header.PayloadHash, b.PayloadHash));
        Assert.Equal("complete", (await ingestor.GetJobAsync(result.JobId!, CancellationToken.None))!.State);
    }

    [SkippableFact]
    public async Task An_mvcc_conflict_is_retried_and_the_batch_commits_once()
    {
        var (path, header) = await _files.GenerateAsync(1_000, Seed);
        var (ingestor, ledger, _) = await NewAsync(header);
        ledger.CommitFailure = (h, attempt) => h.BatchNumber == 1 && attempt == 1 ? "MVCC_READ_CONFLICT" : null;

        var result = await Run(ingestor, path, Options());
        var first = (await ingestor.GetBatchesAsync(result.JobId!, CancellationToken.None))[0];

        Assert.Equal(IngestionOutcome.Complete, result.Outcome);
        Assert.Equal(("committed", 2), (first.State, first.Attempts));
        Assert.Equal(result.Batches, ledger.CommittedTransactions);
    }

    [SkippableFact]
    public async Task A_batch_still_unavailable_after_its_last_attempt_fails_clearly_and_a_resume_commits_it_once()
    {
        var (path, header) = await _files.GenerateAsync(1_500, Seed);
        var (ingestor, ledger, _) = await NewAsync(header);
        ledger.EndorseFailure = (h, _) => h.BatchNumber == 2 ? new UsageLedgerException("Unavailable: peer down", isTransient: true, "Unavailable") : null;

        var partial = await Run(ingestor, path, Options(attempts: 2));
        var failed = (await ingestor.GetBatchesAsync(partial.JobId!, CancellationToken.None)).Single(b => b.BatchNumber == 2);
        var jobState = (await ingestor.GetJobAsync(partial.JobId!, CancellationToken.None))!.State;
        ledger.EndorseFailure = null;
        var resumed = await ingestor.ResumeAsync(partial.JobId!, null, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IngestionOutcome.Partial, partial.Outcome);
        Assert.Equal(("failed", 2), (failed.State, failed.Attempts));
        Assert.Contains("gave up after 2 attempts: Unavailable: peer down", failed.Error, StringComparison.Ordinal);
        Assert.Equal("partial", jobState);
        Assert.Equal(IngestionOutcome.Complete, resumed.Outcome);
        Assert.True(resumed.Resumed);
        Assert.Equal(partial.Batches, ledger.CommittedTransactions);
        Assert.Equal(resumed.FileTotals, resumed.CommittedTotals);
    }

    [SkippableFact]
    public async Task A_chaincode_refusal_fails_its_batch_at_once_while_the_others_commit()
    {
        var (path, header) = await _files.GenerateAsync(1_000, Seed);
        var (ingestor, ledger, _) = await NewAsync(header);
        ledger.EndorseFailure = (h, _) => h.BatchNumber == 1 ? new UsageLedgerException("the chaincode refused: totals", isTransient: false, "totals-mismatch") : null;

        var result = await Run(ingestor, path, Options());
        var batches = await ingestor.GetBatchesAsync(result.JobId!, CancellationToken.None);

        Assert.Equal(IngestionOutcome.Partial, result.Outcome);
        Assert.Equal(("failed", 1), (batches[0].State, batches[0].Attempts));
        Assert.All(batches.Skip(1), b => Assert.Equal("committed", b.State));
        Assert.Equal(1, result.BatchesFailed);
    }

    [SkippableFact]
    public async Task A_run_stopped_midway_leaves_its_batches_in_the_outbox_and_a_resume_puts_each_on_the_ledger_once()
    {
        var (path, header) = await _files.GenerateAsync(3_000, Seed);
        var (ingestor, ledger, _) = await NewAsync(header);
        using var stop = new CancellationTokenSource();
        ledger.EndorseFailure = (h, _) =>
        {
            if (h.BatchNumber == 4)
            {
                stop.Cancel();
            }

            return null;
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(ingestor, path, Options(), token: stop.Token));
        var job = Assert.Single(await ingestor.ListJobsAsync("ingesting", CancellationToken.None));
        var left = await ingestor.GetBatchesAsync(job.JobId, CancellationToken.None);
        ledger.EndorseFailure = null;
        var resumed = await Run(ingestor, path, Options(), resume: true);

        Assert.Contains(left, b => b.State != "committed");
        Assert.Equal(IngestionOutcome.Complete, resumed.Outcome);
        Assert.Equal(resumed.Batches, ledger.Batches.Count);
        Assert.Equal(Enumerable.Range(1, resumed.Batches), ledger.Batches.Keys.Select(k => k.Batch).Order());
        Assert.Equal(await TapFiles.ExpectedTotalsAsync(path, header), resumed.CommittedTotals);
    }
}

public sealed class SqliteIngestionPipelineTests(SqliteDatabase database) : IngestionPipelineTests<SqliteDatabase>(database);

public sealed class PostgresIngestionPipelineTests(PostgresDatabase database) : IngestionPipelineTests<PostgresDatabase>(database);
