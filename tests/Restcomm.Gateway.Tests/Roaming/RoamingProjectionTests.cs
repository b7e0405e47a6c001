using System.Text.Json;
using System.Text.Json.Nodes;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Tests.Roaming;

/// <summary>The roaming read model as a projection of the engine, on SQLite and PostgreSQL.</summary>
public abstract class RoamingProjectionTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Channel = "roaming-emea";
    private static readonly DateTimeOffset At = new(2026, 2, 3, 10, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task Agreements_batches_and_statements_follow_their_latest_public_state()
    {
        var store = await NewStoreAsync();
        var proposed = Agreement("AG-1", AgreementStatus.Proposed);
        var blocks = new List<LedgerBlock>
        {
            new BlockBuilder(Channel, 0).Read(),
            Block(1, Change("tx1", RoamingEvents.AgreementProposed, agreement: proposed)),
            Block(2, Change("tx2", RoamingEvents.AgreementAccepted, agreement: proposed with { Status = AgreementStatus.Active })),
            Block(3, Change("tx3", RoamingEvents.BatchSubmitted, batch: Batch("AG-1", 1, UsageBatchStatus.Submitted)),
                     Change("tx4", RoamingEvents.BatchSubmitted, batch: Batch("AG-1", 2, UsageBatchStatus.Submitted))),
            Block(4, Change("tx5", RoamingEvents.BatchAccepted, batch: Batch("AG-1", 1, UsageBatchStatus.Reconciled)),
                     Change("tx6", RoamingEvents.BatchSubmitted, batch: Batch("AG-1", 3, UsageBatchStatus.Submitted), code: TxValidationCode.MvccReadConflict)),
            Block(5, Change("tx7", RoamingEvents.StatementProposed, statement: Statement("AG-1", "2026-01", StatementStatus.Proposed))),
            Block(6, Change("tx8", RoamingEvents.StatementSigned, statement: Statement("AG-1", "2026-01", StatementStatus.Signed))),
        };
        await RunAsync(store, blocks);
        var model = new RoamingReadModel(store);

        var agreement = await model.GetAgreementAsync(Channel, "AG-1", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(AgreementStatus.Active, agreement.Item!.Status);
        Assert.Equal(7, agreement.BlockHeight);
        var batches = await model.ListBatchesAsync(Channel, new BatchFilter(AgreementId: "AG-1"), 10, null, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal([1, 2], batches.Items.Select(b => b.Header.BatchNumber));
        Assert.Equal([UsageBatchStatus.Reconciled, UsageBatchStatus.Submitted], batches.Items.Select(b => b.Status));
        var submitted = await model.ListBatchesAsync(Channel, new BatchFilter(Status: "submitted", HomeMspId: "Org2MSP"), 10, null, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal([2], submitted.Items.Select(b => b.Header.BatchNumber));
        var statement = await model.GetStatementAsync(Channel, "AG-1", "2026-01", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(StatementStatus.Signed, statement.Item!.Status);
        Assert.Null((await model.GetBatchAsync(Channel, "CDAAAAABBBBB00001", 3, CancellationToken.None).WaitAsync(Timeout)).Item);
        Assert.Empty((await model.ListAgreementsAsync(Channel, "Org3MSP", 10, null, CancellationToken.None).WaitAsync(Timeout)).Items);
        Assert.Single((await model.ListAgreementsAsync(Channel, "Org2MSP", 10, null, CancellationToken.None).WaitAsync(Timeout)).Items);
    }

    [SkippableFact]
    public async Task Each_valid_roaming_change_joins_the_roaming_change_feed_with_its_change_name_key_and_public_state()
    {
        var store = await NewStoreAsync();
        var proposed = Agreement("AG-1", AgreementStatus.Proposed);
        var blocks = new List<LedgerBlock>
        {
            new BlockBuilder(Channel, 0).Read(),
            Block(1, Change("tx1", RoamingEvents.AgreementProposed, agreement: proposed)),
            Block(2, Change("tx2", RoamingEvents.BatchSubmitted, batch: Batch("AG-1", 1, UsageBatchStatus.Submitted)),
                     Change("tx3", RoamingEvents.BatchSubmitted, batch: Batch("AG-1", 2, UsageBatchStatus.Submitted), code: TxValidationCode.MvccReadConflict)),
            Block(3, Change("tx4", RoamingEvents.StatementProposed, statement: Statement("AG-1", "2026-01", StatementStatus.Proposed))),
        };

        await RunAsync(store, blocks);
        var feed = await store.ChangeFeed.ReadAsync(["roaming"], 0, 100, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(
            [("tx1", RoamingEvents.AgreementProposed, "AG-1", 1L), ("tx2", RoamingEvents.BatchSubmitted, "CDAAAAABBBBB00001/1", 2L), ("tx4", RoamingEvents.StatementProposed, "AG-1/2026-01", 3L)],
            feed.Items.Select(c => (c.TransactionId, c.Kind, c.Key, c.BlockNumber)));
        using var batch = JsonDocument.Parse(feed.Items[1].PayloadJson);
        Assert.Equal("submitted", batch.RootElement.GetProperty("batch").GetProperty("status").GetString());
        Assert.Empty((await store.ChangeFeed.ReadAsync(["eir"], 0, 100, CancellationToken.None).WaitAsync(Timeout)).Items);
    }

    [SkippableFact]
    public async Task Batch_listings_page_with_stable_cursors_in_submission_order()
    {
        var store = await NewStoreAsync();
        var blocks = new List<LedgerBlock> { new BlockBuilder(Channel, 0).Read() };
        for (var b = 1; b <= 7; b++)
        {
            blocks.Add(Block((ulong)b, Change($"tx{b}a", RoamingEvents.BatchSubmitted, batch: Batch("AG-1", b * 2 - 1, UsageBatchStatus.Submitted)),
                                        Change($"tx{b}b", RoamingEvents.BatchSubmitted, batch: Batch("AG-1", b * 2, UsageBatchStatus.Submitted))));
        }

        await RunAsync(store, blocks);
        var model = new RoamingReadModel(store);

        var seen = new List<int>();
        string? cursor = null;
        do
        {
            var page = await model.ListBatchesAsync(Channel, new BatchFilter(), 3, cursor, CancellationToken.None).WaitAsync(Timeout);
            seen.AddRange(page.Items.Select(b => b.Header.BatchNumber));
            cursor = page.NextCursor;
        }
        while (cursor is not null);

        Assert.Equal(Enumerable.Range(1, 14), seen);
        await Assert.ThrowsAsync<FormatException>(() => model.ListBatchesAsync(Channel, new BatchFilter(), 3, "bm90LWEtY3Vyc29y", CancellationToken.None));
    }

    [SkippableFact]
    public async Task A_batch_event_written_with_one_finding_per_record_is_kept_and_fed_in_the_summary_form()
    {
        var store = await NewStoreAsync();
        // The event as the chaincode set it before findings were summarised.
        var change = JsonNode.Parse(JsonSerializer.SerializeToUtf8Bytes(
            new RoamingChange { Change = RoamingEvents.BatchSubmitted, TxId = "tx1", Batch = Batch("AG-1", 1, UsageBatchStatus.Submitted) }, RoamingJson.Options))!;
        change["batch"]!["findings"] = JsonNode.Parse("""[{"index":0,"code":"rate-mismatch"},{"index":1,"code":"rate-mismatch"},{"index":2,"code":"rate-mismatch"},{"index":7,"code":"no-rate"}]""");
        var block = new BlockBuilder(Channel, 1);
        block.AddTransaction("tx1", "roaming", RoamingEvents.Name, System.Text.Encoding.UTF8.GetBytes(change.ToJsonString()), TxValidationCode.Valid);

        await RunAsync(store, [new BlockBuilder(Channel, 0).Read(), block.Read()]);

        var batch = await new RoamingReadModel(store).GetBatchAsync(Channel, "CDAAAAABBBBB00001", 1, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(
            [new UsageFindingSummary { Code = "no-rate", Count = 1, Records = "7" }, new UsageFindingSummary { Code = "rate-mismatch", Count = 3, Records = "0-2" }],
            batch.Item!.Findings);
        var fed = (await store.ChangeFeed.ReadAsync(["roaming"], 0, 100, CancellationToken.None).WaitAsync(Timeout)).Items.Single();
        Assert.Equal(
            """[{"code":"no-rate","count":1,"records":"7"},{"code":"rate-mismatch","count":3,"records":"0-2"}]""",
            JsonNode.Parse(fed.PayloadJson)!["batch"]!["findings"]!.ToJsonString());
    }

    private async Task RunAsync(GatewayStore store, IReadOnlyList<LedgerBlock> blocks)
    {
        var feed = new ListBlockFeed();
        foreach (var block in blocks)
        {
            feed.Append(Channel, block);
        }

        feed.Complete();
        await new ProjectionEngine(store, feed, [new RoamingProjection()]).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);
    }

    private static LedgerBlock Block(ulong number, params (string TxId, RoamingChange Change, TxValidationCode Code)[] changes)
    {
        var builder = new BlockBuilder(Channel, number);
        foreach (var (txId, change, code) in changes)
        {
            builder.AddTransaction(txId, "roaming", RoamingEvents.Name, JsonSerializer.SerializeToUtf8Bytes(change, RoamingJson.Options), code);
        }

        return builder.Read();
    }

    private static (string, RoamingChange, TxValidationCode) Change(
        string txId, string change, AgreementState? agreement = null, UsageBatchState? batch = null, StatementState? statement = null, TxValidationCode code = TxValidationCode.Valid)
        => (txId, new RoamingChange { Change = change, TxId = txId, Agreement = agreement, Batch = batch, Statement = statement }, code);

    private static AgreementState Agreement(string id, AgreementStatus status) => new()
    {
        AgreementId = id,
        Collection = "Org1MSP-Org2MSP",
        PartyA = new AgreementParty { MspId = "Org1MSP", Tadigs = ["AAAAA"] },
        PartyB = new AgreementParty { MspId = "Org2MSP", Tadigs = ["BBBBB"] },
        Status = status,
        ValidFrom = new DateOnly(2026, 1, 1),
    };

    private static UsageBatchState Batch(string agreementId, int number, UsageBatchStatus status) => new()
    {
        Header = new UsageBatchHeader
        {
            AgreementId = agreementId,
            SenderTadig = "AAAAA",
            RecipientTadig = "BBBBB",
            FileSequenceNumber = 1,
            BatchNumber = number,
            Period = "2026-01",
            RecordCount = 10,
            DecimalPlaces = 3,
            Totals = [new ServiceTotal { Service = RoamingService.MocLocal, Records = 10, Quantity = 600, ChargeMinor = 1200 }],
            MerkleRoot = new string('a', 64),
            PayloadHash = new string('b', 64),
        },
        FileId = "CDAAAAABBBBB00001",
        VisitedMspId = "Org1MSP",
        HomeMspId = "Org2MSP",
        Collection = "Org1MSP-Org2MSP",
        Status = status,
        TxId = $"tx-batch-{number}",
        SubmittedAt = At,
        Usage = [new ServiceUsage { Service = RoamingService.MocLocal, Records = 10, Quantity = 600 }],
    };

    private static StatementState Statement(string agreementId, string period, StatementStatus status) => new()
    {
        AgreementId = agreementId,
        Period = period,
        Collection = "Org1MSP-Org2MSP",
        Status = status,
        StatementHash = new string('c', 64),
        Batches = 2,
        ProposedBy = "Org1MSP",
        ProposedAt = At,
        DisputeWindowEnds = new DateOnly(2026, 3, 3),
    };
}

public sealed class SqliteRoamingProjectionTests(SqliteDatabase database) : RoamingProjectionTests<SqliteDatabase>(database);

public sealed class PostgresRoamingProjectionTests(PostgresDatabase database) : RoamingProjectionTests<PostgresDatabase>(database);
