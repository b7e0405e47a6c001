using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Audit;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api;
using Restcomm.Gateway.Api.Audit;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Tests.Audit;

/// <summary>
/// Signed roaming statements anchored by a party's API and disclosed to the regulator, on SQLite and PostgreSQL: the
/// roaming history projected by the real roaming projection, the anchors and disclosures written through the real audit
/// contract, the figures fetched by the regulator's service and summed on its dashboard per pair and period.
/// </summary>
public abstract class StatementDisclosureTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Channel = "roaming-emea";
    private static readonly TestIdentity Org1 = TestIdentity.Create("Org1MSP", "User1@org1.example.com");
    private static readonly TestIdentity Org2 = TestIdentity.Create("Org2MSP", "User1@org2.example.com");
    private static readonly TestIdentity Regulator = TestIdentity.Create("RegulatorMSP", "User1@regulator.example.com");
    private static readonly DateTimeOffset At = new(2026, 2, 3, 10, 0, 0, TimeSpan.Zero);

    // AG-12: Org1 and Org2, Org2 pays Org1 1.500 SDR; AG-13: Org1 and Org3, Org1 pays Org3 0.250 SDR. AG-12 of December
    // is proposed but never signed, so nothing of it is anchored; AG-23 is Org2's and Org3's, which Org1 sees signed on the
    // channel but does not anchor (it holds no figures of it to disclose).
    private static readonly Dictionary<string, (string A, string B, long ChargedA, long ChargedB)> Statements = new()
    {
        ["AG-12/2026-01"] = ("Org1MSP", "Org2MSP", 4_000, 2_500),
        ["AG-13/2026-01"] = ("Org1MSP", "Org3MSP", 1_000, 1_250),
        ["AG-12/2025-12"] = ("Org1MSP", "Org2MSP", 100, 0),
        ["AG-23/2026-01"] = ("Org2MSP", "Org3MSP", 700, 200),
    };

    private static AuditOptions Options() => new()
    {
        PollInterval = TimeSpan.FromMilliseconds(10),
        Sources = [new() { Application = "roaming", Channel = Channel, Chaincode = "roaming", Kind = AnchorKinds.RoamingStatement }],
    };

    [SkippableFact]
    public async Task Each_signed_statement_is_anchored_once_disclosed_to_the_regulator_only_and_summed_per_pair_and_period()
    {
        var (store, feed) = await ProjectedAsync();
        var audit = new InProcessAuditLedger(feed, Clock) { OtherChannels = Figures };
        var anchoring = Anchoring(store, audit, Org1);

        await anchoring.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        await anchoring.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);

        // Two signed statements, two anchors, each over the one statement.signed change; the proposed one is not anchored.
        var requests = audit.Calls.Select(c => JsonSerializer.Deserialize<AnchorRequest>(c.Request, AuditJson.Options)!).ToList();
        Assert.Equal(["AG-12.2026-01", "AG-13.2026-01"], requests.Select(r => r.StatementId).Order(StringComparer.Ordinal));
        var signed = new RoamingProjection().FeedChanges(Channel, feed.Blocks(Channel).Single(b => b.Number == 3)).Single(c => c.Key == "AG-12/2026-01");
        var request = requests.Single(r => r.StatementId == "AG-12.2026-01");
        Assert.Equal(AnchorDigest.ForStatement(Channel, "roaming", AnchorKinds.RoamingStatement, "AG-12.2026-01",
            [new CanonicalChange(3, signed.TransactionId, 0, signed.Kind, signed.Key, signed.PayloadJson)]), request.Digest);
        Assert.Equal(1, request.ChangeCount);

        // Disclosed into Org1's collection, endorsed by Org1 alone; nothing of it in the public state.
        Assert.Equal(2, audit.Disclosures.Count);
        Assert.All(audit.Disclosures, d => Assert.Equal(["Org1MSP"], d.Endorsers));
        var kept = audit.PrivateState(DisclosureCollections.For("Org1MSP"));
        Assert.Equal(2, kept.Count);
        var disclosure = kept.Values.Select(v => JsonSerializer.Deserialize<StatementDisclosure>(v, AuditJson.Options)!).Single(d => d.AgreementId == "AG-12");
        Assert.Equal((1_500L, "Org2MSP", "Org1MSP", 3), (disclosure.NetMinor, disclosure.NetPayerMspId, disclosure.NetPayeeMspId, disclosure.DecimalPlaces));
        Assert.Equal(["Org1MSP", "Org2MSP"], disclosure.Parties);
        Assert.DoesNotContain(audit.AnchorKeys, k => k.Contains("disclosure", StringComparison.Ordinal));

        // The regulator's API: the projection records the disclosures, its service fetches them, the dashboard sums them.
        var regulatorStore = await NewStoreAsync();
        await new ProjectionEngine(regulatorStore, feed, [new AuditProjection(Microsoft.Extensions.Options.Options.Create(Options()))])
            .RunChannelAsync("audit", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(2, await Pending(regulatorStore));
        var fetched = await Fetcher(regulatorStore, audit, Regulator).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var dashboard = await new AuditReadModel(regulatorStore, [], Microsoft.Extensions.Options.Options.Create(Options()), Clock)
            .DashboardAsync(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 31), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(2, fetched);
        Assert.Equal(0, await Pending(regulatorStore));
        Assert.Equal(2, dashboard.Statements.Count);
        var org2 = dashboard.Statements.Single(s => s.PartyB == "Org2MSP");
        Assert.Equal((Channel, "2026-01", "Org1MSP", 1, 1_500L, 1.5m, 0), (org2.SourceChannel, org2.Period, org2.PartyA, org2.Statements, org2.NetMinor, org2.Net, org2.Disagreements));
        var org3 = dashboard.Statements.Single(s => s.PartyB == "Org3MSP");
        Assert.Equal((-250L, 2L), (org3.NetMinor, org3.Batches));
        Assert.Equal(["roaming-emea~roaming~roaming-statement~AG-13.2026-01"], org3.AnchorIds);
        Assert.Empty((await new AuditReadModel(regulatorStore, [], Microsoft.Extensions.Options.Options.Create(Options()), Clock)
            .DashboardAsync(new DateOnly(2026, 2, 1), new DateOnly(2026, 2, 28), CancellationToken.None)).Statements);
    }

    [SkippableFact]
    public async Task A_disclosure_another_operator_cannot_read_is_marked_failed_and_a_statement_without_figures_stays_pending_until_they_come()
    {
        var (store, feed) = await ProjectedAsync();
        var withhold = true;
        var audit = new InProcessAuditLedger(feed, Clock)
        {
            OtherChannels = (who, call) => withhold && call.Args[0] == "AG-13"
                ? throw new LedgerException(LedgerFailure.Unavailable, "the peer is away")
                : Figures(who, call),
        };
        var anchoring = Anchoring(store, audit, Org1);

        await anchoring.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var pendingJobs = await Jobs(store, AnchoringService.Pending);
        withhold = false;
        await anchoring.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);

        // AG-13's job stayed pending while its figures could not be read, then anchoring again was a no-op and it was disclosed.
        Assert.Equal(["roaming-emea~roaming~roaming-statement~AG-13.2026-01"], pendingJobs);
        Assert.Empty(await Jobs(store, AnchoringService.Pending));
        Assert.Equal(2, audit.PrivateState(DisclosureCollections.For("Org1MSP")).Count);
        Assert.Equal(2, audit.Calls.Count(c => c.Created));

        var otherStore = await NewStoreAsync();
        await new ProjectionEngine(otherStore, feed, [new AuditProjection(Microsoft.Extensions.Options.Options.Create(Options()))])
            .RunChannelAsync("audit", CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(0, await Fetcher(otherStore, audit, Org2).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout));
        await using var connection = await otherStore.OpenConnectionAsync(CancellationToken.None);
        var failed = (await connection.QueryAsync<(string Status, string Error)>("SELECT status, last_error FROM audit_disclosures")).ToList();
        Assert.Equal(2, failed.Count);
        Assert.All(failed, f => Assert.Equal("failed", f.Status));
        Assert.All(failed, f => Assert.Contains("Org1MSP's disclosures are for Org1MSP and the regulators", f.Error, StringComparison.Ordinal));
    }

    [SkippableFact]
    public async Task An_api_on_a_new_store_finds_its_statements_anchored_and_disclosed_and_orders_no_transaction_for_them()
    {
        var (store, feed) = await ProjectedAsync();
        var audit = new InProcessAuditLedger(feed, Clock) { OtherChannels = Figures };
        await Anchoring(store, audit, Org1).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var blocks = feed.Height(InProcessAuditLedger.Channel);
        Assert.Equal(2, audit.Disclosures.Count);

        // The same organisation's API on an empty store (a rebuilt read model, a second instance) plans both statements
        // again: the anchors and disclosures are on the channel, so each job is done without ordering anything. A
        // disclosure ordered again would write nothing and, endorsed by Org1 alone, be invalidated, keeping its job (and
        // every later one) pending for ever.
        var fresh = await NewStoreAsync();
        await new ProjectionEngine(fresh, feed, [new RoamingProjection()]).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);
        await Anchoring(fresh, audit, Org1).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Empty(await Jobs(fresh, AnchoringService.Pending));
        Assert.Equal(["roaming-emea~roaming~roaming-statement~AG-12.2026-01", "roaming-emea~roaming~roaming-statement~AG-13.2026-01"], await Jobs(fresh, AnchoringService.Anchored));
        Assert.Equal(0, audit.Invalidated);
        Assert.Equal(blocks, feed.Height(InProcessAuditLedger.Channel));
        Assert.Equal(2, audit.Disclosures.Count);
        Assert.Equal(2, audit.Calls.Count);
    }

    [SkippableFact]
    public async Task A_member_verifies_a_statement_anchor_from_the_signing_block_and_a_tampered_or_lost_signature_says_so()
    {
        var (store, feed) = await ProjectedAsync();
        var audit = new InProcessAuditLedger(feed, Clock) { OtherChannels = Figures };
        await Anchoring(store, audit, Org1).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var verifier = new AnchorVerifier(store, feed, [new RoamingProjection()], Microsoft.Extensions.Options.Options.Create(Options()), Clock);
        var anchors = new List<AuditAnchor>();
        foreach (var id in new[] { "AG-12.2026-01", "AG-13.2026-01" })
        {
            var bytes = await audit.As(Org1).EvaluateAsync(new LedgerCall("audit", "audit", "GetAnchor", [$"{Channel}~roaming~roaming-statement~{id}"]), CancellationToken.None);
            anchors.Add(JsonSerializer.Deserialize<AuditAnchor>(bytes.Span, AuditJson.Options)!);
        }

        var intact = await verifier.VerifyAsync(anchors[0], CancellationToken.None);
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync("UPDATE change_feed SET payload = REPLACE(payload, '\"batches\":2', '\"batches\":3') WHERE change_key = 'AG-12/2026-01' AND kind = 'statement.signed'");
        await connection.ExecuteAsync("DELETE FROM change_feed WHERE change_key = 'AG-13/2026-01' AND kind = 'statement.signed'");
        var tampered = await verifier.VerifyAsync(anchors[0], CancellationToken.None);
        var lost = await Assert.ThrowsAsync<AnchorNotVerifiableException>(() => verifier.VerifyAsync(anchors[1], CancellationToken.None));

        Assert.True(intact.Verified, intact.Summary);
        Assert.Contains("block 3", intact.Summary, StringComparison.Ordinal);
        Assert.False(tampered.Verified);
        Assert.Equal(tampered.AnchoredDigest, tampered.LedgerDigest);
        Assert.Equal([(3L, "tx4", "differs")], tampered.Differences.Select(d => (d.BlockNumber, d.TransactionId, d.Problem)));
        Assert.Contains("AG-13/2026-01", lost.Message, StringComparison.Ordinal);
    }

    /// <summary>The roaming chaincode's GetStatement as a party's peer answers it: the public state and the figures.</summary>
    private static byte[] Figures(TestIdentity who, LedgerCall call)
    {
        Assert.Equal((Channel, "roaming", "GetStatement"), (call.Channel, call.Chaincode, call.Function));
        var key = $"{call.Args[0]}/{call.Args[1]}";
        var (a, b, chargedA, chargedB) = Statements[key];
        Assert.Contains(who.MspId, new[] { a, b });
        var net = Math.Abs(chargedA - chargedB);
        var view = new StatementView
        {
            State = State(call.Args[0], call.Args[1], StatementStatus.Signed),
            Statement = new SettlementStatement
            {
                AgreementId = call.Args[0],
                AgreementVersion = 1,
                Period = call.Args[1],
                Currency = "SDR",
                DecimalPlaces = 3,
                Directions = [Direction(a, b, chargedA), Direction(b, a, chargedB)],
                NetMinor = net,
                NetPayerMspId = net == 0 ? null : chargedA > chargedB ? b : a,
                NetPayeeMspId = net == 0 ? null : chargedA > chargedB ? a : b,
                PaymentTerms = "15+15",
                DueDate = new DateOnly(2026, 3, 3),
            },
        };
        return JsonSerializer.SerializeToUtf8Bytes(view, RoamingJson.Options);
    }

    private static DirectionSettlement Direction(string visited, string home, long charged) => new()
    {
        VisitedMspId = visited,
        HomeMspId = home,
        DiscountKind = DiscountKind.None,
        Batches = 1,
        Services = [],
        ChargeMinor = charged,
        DiscountedMinor = charged,
        ShortfallMinor = 0,
    };

    private static StatementState State(string agreementId, string period, StatementStatus status) => new()
    {
        AgreementId = agreementId,
        Period = period,
        Collection = $"pair-{Statements[$"{agreementId}/{period}"].A}-{Statements[$"{agreementId}/{period}"].B}",
        Status = status,
        StatementHash = AnchorDigest.Sha256Hex(System.Text.Encoding.UTF8.GetBytes(agreementId + period)),
        Batches = 2,
        ProposedBy = Statements[$"{agreementId}/{period}"].A,
        ProposedAt = At,
        SignedBy = status == StatementStatus.Signed ? Statements[$"{agreementId}/{period}"].B : null,
        SignedAt = status == StatementStatus.Signed ? At.AddHours(1) : null,
        DisputeWindowEnds = new DateOnly(2026, 3, 3),
    };

    private async Task<(GatewayStore Store, ListBlockFeed Feed)> ProjectedAsync()
    {
        var store = await NewStoreAsync();
        var feed = new ListBlockFeed();
        feed.Append(Channel, new BlockBuilder(Channel, 0).Read());
        feed.Append(Channel, Block(1, ("tx1", RoamingEvents.StatementProposed, State("AG-12", "2026-01", StatementStatus.Proposed)),
            ("tx2", RoamingEvents.StatementProposed, State("AG-12", "2025-12", StatementStatus.Proposed))));
        feed.Append(Channel, Block(2, ("tx3", RoamingEvents.StatementProposed, State("AG-13", "2026-01", StatementStatus.Proposed))));
        feed.Append(Channel, Block(3, ("tx4", RoamingEvents.StatementSigned, State("AG-12", "2026-01", StatementStatus.Signed))));
        feed.Append(Channel, Block(4, ("tx5", RoamingEvents.StatementSigned, State("AG-23", "2026-01", StatementStatus.Signed)),
            ("tx6", RoamingEvents.StatementSigned, State("AG-13", "2026-01", StatementStatus.Signed))));
        feed.Complete();
        await new ProjectionEngine(store, feed, [new RoamingProjection()]).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);
        return (store, feed);
    }

    private static LedgerBlock Block(ulong number, params (string TxId, string Change, StatementState Statement)[] changes)
    {
        var builder = new BlockBuilder(Channel, number);
        foreach (var (txId, change, statement) in changes)
        {
            builder.AddTransaction(txId, "roaming", RoamingEvents.Name,
                JsonSerializer.SerializeToUtf8Bytes(new RoamingChange { Change = change, TxId = txId, Statement = statement }, RoamingJson.Options));
        }

        return builder.Read();
    }

    private AnchoringService Anchoring(GatewayStore store, InProcessAuditLedger audit, TestIdentity who)
        => new(store, audit.As(who), [new RoamingProjection()], Microsoft.Extensions.Options.Options.Create(Options()),
            Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MspId = who.MspId }), Clock, NullLogger<AnchoringService>.Instance);

    private DisclosureFetchService Fetcher(GatewayStore store, InProcessAuditLedger audit, TestIdentity who)
        => new(store, audit.As(who), Microsoft.Extensions.Options.Options.Create(Options()),
            Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MspId = who.MspId }), Clock, NullLogger<DisclosureFetchService>.Instance);

    private static async Task<long> Pending(GatewayStore store)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_disclosures WHERE status = 'pending'");
    }

    private static async Task<List<string>> Jobs(GatewayStore store, string status)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        return (await connection.QueryAsync<string>("SELECT anchor_id FROM audit_anchor_jobs WHERE status = @Status ORDER BY anchor_id", new { Status = status })).ToList();
    }
}

public sealed class SqliteStatementDisclosureTests(SqliteDatabase database) : StatementDisclosureTests<SqliteDatabase>(database);

public sealed class PostgresStatementDisclosureTests(PostgresDatabase database) : StatementDisclosureTests<PostgresDatabase>(database);
