using Restcomm.Gateway.Store;
using Restcomm.Ingestion.Tests.Infrastructure;

namespace Restcomm.Ingestion.Tests;

/// <summary>A generated TAP file carried onto the dev network with the real roaming chaincode, through the Gateway client.</summary>
[Collection(DevNetworkCollection.Name)]
public sealed class DevNetworkIngestionTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly RoamingDevNetwork _network = new();
    private readonly TapFiles _files = new();

    public Task InitializeAsync() => _network.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _network.DisposeAsync();
        _files.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_generated_file_reaches_the_ledger_once_with_the_files_totals_and_a_second_submission_is_refused()
    {
        var (path, header) = await _files.GenerateAsync(8_000, seed: 11);
        var bc = header.BatchControl!;
        await _network.AgreeAsync(Agreements.Document(bc.Sender!, bc.Recipient!));
        await using var store = await GatewayStore.OpenAsync(StoreLocation.Sqlite(Path.Combine(_network.Root, "gateway.db")), CancellationToken.None);
        var ingestor = new TapIngestor(store, new FabricUsageBatchLedger(_network.ContractOf(Agreements.Visited), Agreements.Visited));
        var options = new TapIngestionOptions { AgreementId = Agreements.Id, BatchRecords = 1_000, InFlight = 4 };
        var snapshots = new List<IngestionProgress>();

        var result = await ingestor.IngestAsync(path, options, resume: false, new Collect(snapshots), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IngestionOutcome.Complete, result.Outcome);
        var onLedger = await _network.BatchesOnLedgerAsync(result.FileId!, result.Batches);
        Assert.Equal(Enumerable.Range(1, result.Batches), onLedger.Select(b => b.Header.BatchNumber));
        Assert.Equal(onLedger.Count, onLedger.Select(b => b.TxId).Distinct().Count());
        var ledgerTotals = onLedger.SelectMany(b => b.Header.Totals).GroupBy(t => t.Service).OrderBy(g => g.Key)
            .Select(g => new ServiceSum(g.Key, g.Sum(t => (long)t.Records), g.Sum(t => t.Quantity), g.Sum(t => t.ChargeMinor))).ToList();
        var expected = await TapFiles.ExpectedTotalsAsync(path, header);
        Assert.Equal(expected, ledgerTotals);
        Assert.Equal(expected, result.CommittedTotals);
        var report = await _network.SequenceReportAsync(bc.Sender!, bc.Recipient!);
        var file = Assert.Single(report.Files);
        Assert.Equal((result.Batches, 0), (file.Batches, file.MissingBatches.Count));
        Assert.Contains(snapshots, s => s.Phase == IngestionPhase.Validating);
        Assert.Equal(result.RecordsCommitted, snapshots[^1].RecordsCommitted);

        var again = await ingestor.IngestAsync(path, options, resume: false, null, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(IngestionOutcome.Refused, again.Outcome);
        Assert.Equal(onLedger.Count, (await _network.SequenceReportAsync(bc.Sender!, bc.Recipient!)).Files[0].Batches);
    }

    private sealed class Collect(List<IngestionProgress> into) : IProgress<IngestionProgress>
    {
        public void Report(IngestionProgress value)
        {
            lock (into)
            {
                into.Add(value);
            }
        }
    }
}
