using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Audit;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api;
using Restcomm.Gateway.Api.Audit;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Audit;

/// <summary>
/// Anchoring driven by the projection engine's progress, and verification from the source ledger, on SQLite and
/// PostgreSQL: the EIR history of <see cref="EirBlocks"/> projected by the real EIR projection, anchored through the real
/// audit contract on the shim's in-memory stub.
/// </summary>
public abstract class AnchoringTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const int Blocks = 45;
    private const int Every = 10;
    private static readonly TestIdentity Operator = TestIdentity.Create("Org1MSP", "User1@org1.example.com");
    private static readonly TestIdentity OtherOperator = TestIdentity.Create("Org2MSP", "User1@org2.example.com");

    private readonly IReadOnlyList<LedgerBlock> _history = EirBlocks.Generate(seed: 21, blocks: Blocks);

    private static AuditOptions Options() => new()
    {
        EveryBlocks = Every,
        Interval = TimeSpan.FromMinutes(1),
        Sources = [new() { Application = "eir", Channel = "eir", Chaincode = "eir", Kind = AnchorKinds.EirChanges }],
    };

    [SkippableFact]
    public async Task Applied_blocks_are_anchored_in_aligned_ranges_of_N_blocks_then_the_tail_once_the_interval_passes()
    {
        var (store, feed, projections) = await ProjectedAsync();
        var audit = new InProcessAuditLedger(feed, Clock);
        var anchoring = Anchoring(store, audit, projections);

        await anchoring.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var beforeInterval = Ranges(audit);
        Clock.Advance(TimeSpan.FromMinutes(2));
        await anchoring.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal([(0, 9), (10, 19), (20, 29), (30, 39)], beforeInterval);
        Assert.Equal([(0, 9), (10, 19), (20, 29), (30, 39), (40, 44)], Ranges(audit));
        foreach (var (request, _) in Requests(audit))
        {
            var expected = LedgerChanges(request.FromBlock!.Value, request.ToBlock!.Value);
            Assert.Equal(AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, request.FromBlock.Value, request.ToBlock.Value, expected), request.Digest);
            Assert.Equal(expected.Count, request.ChangeCount);
        }

        Assert.True(Requests(audit).Sum(r => r.Request.ChangeCount) > 20, "the history has changes to anchor");
        Assert.Equal(5, audit.AnchorKeys.Count);
    }

    [SkippableFact]
    public async Task Lives_that_die_before_or_after_the_commit_leave_contiguous_ranges_each_anchored_once()
    {
        var (store, feed, projections) = await ProjectedAsync();
        var audit = new InProcessAuditLedger(feed, Clock);

        // First life: plans every due range and dies right after its first anchor committed, before recording it.
        audit.FailAfterCommit = 1;
        var first = Anchoring(store, audit, projections);
        await Assert.ThrowsAsync<IOException>(() => first.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Single(audit.Calls);
        // Second life: the first anchor it endorses is already on the ledger, so it is not ordered again.
        var second = Anchoring(store, audit, projections);
        Clock.Advance(TimeSpan.FromMinutes(2));
        await second.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        await second.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);

        var anchored = Ranges(audit);
        Assert.Equal(anchored.Distinct(), anchored);
        Assert.Equal(0, anchored[0].From);
        Assert.Equal(Blocks - 1, anchored[^1].To);
        Assert.All(anchored.Zip(anchored.Skip(1)), pair => Assert.Equal(pair.First.To + 1, pair.Second.From));
        Assert.All(audit.Calls, c => Assert.True(c.Created));
        Assert.Equal((anchored.Count, anchored.Count + 1), (audit.Calls.Count, audit.Endorsed));
        Assert.Equal(anchored.Count, audit.AnchorKeys.Count);
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal(anchored.Count, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_anchor_jobs WHERE status = 'anchored'"));
    }

    [SkippableFact]
    public async Task A_range_another_operator_cut_short_is_followed_so_ranges_line_up_and_a_read_model_differing_there_is_a_conflict()
    {
        var (store, feed, projections) = await ProjectedAsync();
        var (other, _, otherProjections) = await ProjectedAsync(blocks: 25);
        var audit = new InProcessAuditLedger(feed, Clock);
        // Org2 has applied 25 blocks: it anchors two full ranges, then, once the interval has passed, the five blocks it has.
        var org2 = Anchoring(other, audit, otherProjections, OtherOperator);
        await org2.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        Clock.Advance(TimeSpan.FromMinutes(2));
        await org2.RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        // Org1 has applied all 45, but its read model lost a change of block 20–24; it reads the audit channel, then anchors.
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        await connection.ExecuteAsync(
            "DELETE FROM change_feed WHERE seq = (SELECT MIN(seq) FROM change_feed WHERE application = 'eir' AND block_number >= 20 AND block_number <= 24)");
        await new ProjectionEngine(store, feed, [new AuditProjection(Microsoft.Extensions.Options.Options.Create(Options()))])
            .RunChannelAsync("audit", CancellationToken.None).WaitAsync(Timeout);
        await Anchoring(store, audit, projections, Operator).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);

        // Org1 anchored Org2's 20–24 rather than 20–29 over it: the channel's ranges follow one another, each block once,
        // and the range where Org1's read model differs is found out (its other ranges agree and are no-ops or new).
        Assert.Equal([(0, 9), (10, 19), (20, 24), (25, 29), (30, 39)], Ranges(audit));
        var jobs = (await connection.QueryAsync<(long From, long To, string Status)>(
            "SELECT from_block, to_block, status FROM audit_anchor_jobs ORDER BY from_block")).ToList();
        Assert.Equal([(0, 9, "anchored"), (10, 19, "anchored"), (20, 24, "conflict"), (25, 29, "anchored"), (30, 39, "anchored")], jobs);
        // Org1 ordered only its two new ranges: the ranges already on the channel were found by their endorsement.
        Assert.Equal([true, true], audit.Calls.Where(c => c.Caller == "Org1MSP").Select(c => c.Created));
    }

    [SkippableFact]
    public async Task Verification_passes_on_an_intact_read_model_and_names_a_changed_or_dropped_change()
    {
        var (store, feed, projections) = await ProjectedAsync();
        var audit = new InProcessAuditLedger(feed, Clock);
        await Anchoring(store, audit, projections).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var verifier = new AnchorVerifier(store, feed, projections, Microsoft.Extensions.Options.Options.Create(Options()), Clock);
        var anchors = await AnchorsAsync(audit);
        var target = anchors.First(a => a.ChangeCount >= 2);

        Assert.All(await Task.WhenAll(anchors.Select(a => verifier.VerifyAsync(a, CancellationToken.None))), v => Assert.True(v.Verified, v.Summary));

        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var rows = (await connection.QueryAsync<(long Seq, long Block, string Tx, long Ordinal)>(
            "SELECT seq, block_number, transaction_id, ordinal FROM change_feed WHERE application = 'eir' AND block_number >= @From AND block_number <= @To ORDER BY seq",
            new { From = target.FromBlock, To = target.ToBlock })).ToList();
        await connection.ExecuteAsync("UPDATE change_feed SET payload = REPLACE(payload, '\"by\":\"', '\"by\":\"X') WHERE seq = @Seq", new { rows[0].Seq });
        await connection.ExecuteAsync("DELETE FROM change_feed WHERE seq = @Seq", new { rows[^1].Seq });
        var tampered = await verifier.VerifyAsync(target, CancellationToken.None);

        Assert.False(tampered.Verified);
        Assert.Equal(tampered.AnchoredDigest, tampered.LedgerDigest);
        Assert.NotEqual(tampered.LedgerDigest, tampered.ReadModelDigest);
        Assert.Equal(
            [(rows[0].Block, rows[0].Tx, (int)rows[0].Ordinal, "differs"), (rows[^1].Block, rows[^1].Tx, (int)rows[^1].Ordinal, "missing-from-read-model")],
            tampered.Differences.Select(d => (d.BlockNumber, d.TransactionId, d.Ordinal, d.Problem)));
        Assert.Contains(rows[0].Tx, tampered.Summary, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task An_anchor_digested_from_a_tampered_read_model_does_not_match_the_ledger()
    {
        var (store, feed, projections) = await ProjectedAsync();
        await using (var connection = await store.OpenConnectionAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync(
                "DELETE FROM change_feed WHERE seq = (SELECT MIN(seq) FROM change_feed WHERE application = 'eir' AND block_number >= 10 AND block_number <= 19)");
        }

        var audit = new InProcessAuditLedger(feed, Clock);
        await Anchoring(store, audit, projections).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var anchor = (await AnchorsAsync(audit)).Single(a => a.FromBlock == 10);
        var verification = await new AnchorVerifier(store, feed, projections, Microsoft.Extensions.Options.Options.Create(Options()), Clock)
            .VerifyAsync(anchor, CancellationToken.None);

        Assert.False(verification.Verified);
        Assert.NotEqual(verification.AnchoredDigest, verification.LedgerDigest);
        Assert.Equal(verification.AnchoredChangeCount + 1, verification.LedgerChangeCount);
        Assert.Equal("missing-from-read-model", Assert.Single(verification.Differences).Problem);
    }

    [SkippableFact]
    public async Task The_audit_projection_keeps_the_anchors_and_the_statistics_count_reports_and_list_sizes()
    {
        var (store, feed, projections) = await ProjectedAsync();
        var audit = new InProcessAuditLedger(feed, Clock);
        await Anchoring(store, audit, projections).RunOnceAsync(CancellationToken.None).WaitAsync(Timeout);
        var options = Microsoft.Extensions.Options.Options.Create(Options());
        await new ProjectionEngine(store, feed, [new AuditProjection(options)]).RunChannelAsync("audit", CancellationToken.None).WaitAsync(Timeout);
        var readModel = new AuditReadModel(store, projections, options, Clock);

        var (items, _) = await readModel.ListAsync("eir", null, null, 100, CancellationToken.None);
        var dashboard = await readModel.DashboardAsync(new DateOnly(2026, 1, 1), new DateOnly(2026, 1, 1), CancellationToken.None);

        Assert.Equal(Ranges(audit), items.Select(i => (i.Anchor.FromBlock!.Value, i.Anchor.ToBlock!.Value)));
        var changes = LedgerChanges(0, Blocks - 1).Select(c => JsonSerializer.Deserialize<EirChange>(c.PayloadJson, EirJson.Options)!).ToList();
        Assert.Equal(changes.Count(c => c.Kind == EirChangeKind.Reported), dashboard.EirReports.Values.Sum(v => v[0]));
        Assert.Equal(changes.Count(c => c.Kind == EirChangeKind.Cleared), dashboard.EirClears.Values.Sum(v => v[0]));
        var black = changes.Where(c => c.Entry.List == EirList.Black).Sum(c => c.Kind switch { EirChangeKind.Reported => 1, EirChangeKind.Cleared => -1, _ => 0 });
        Assert.Equal(black, dashboard.ListSizes["black"][0]);
        Assert.Equal(40, dashboard.Anchoring.Single().AnchoredTo + 1);
    }

    private async Task<(GatewayStore Store, ListBlockFeed Feed, IReadOnlyList<IProjection> Projections)> ProjectedAsync(int blocks = Blocks)
    {
        var store = await NewStoreAsync();
        var feed = new ListBlockFeed();
        foreach (var block in _history.Take(blocks))
        {
            feed.Append("eir", block);
        }

        feed.Complete();
        var eir = new EirProjection(new ImeiIndex(), NullLogger<EirProjection>.Instance);
        var services = new ServiceCollection();
        services.AddSingleton<IProjection>(eir);
        var stats = new AuditStatisticsProjection(services.BuildServiceProvider(), Microsoft.Extensions.Options.Options.Create(Options()));
        IReadOnlyList<IProjection> projections = [eir, stats];
        await new ProjectionEngine(store, feed, projections).RunChannelAsync("eir", CancellationToken.None).WaitAsync(Timeout);
        return (store, feed, projections);
    }

    private AnchoringService Anchoring(GatewayStore store, InProcessAuditLedger audit, IReadOnlyList<IProjection> projections, TestIdentity? identity = null)
        => new(store, audit.As(identity ?? Operator), projections, Microsoft.Extensions.Options.Options.Create(Options()),
            Microsoft.Extensions.Options.Options.Create(new GatewayOptions { MspId = (identity ?? Operator).MspId }), Clock, NullLogger<AnchoringService>.Instance);

    private List<CanonicalChange> LedgerChanges(long from, long to)
    {
        var eir = new EirProjection(new ImeiIndex(), NullLogger<EirProjection>.Instance);
        var changes = new List<CanonicalChange>();
        foreach (var block in _history.Where(b => (long)b.Number >= from && (long)b.Number <= to))
        {
            var ordinals = new Dictionary<string, int>();
            foreach (var change in eir.FeedChanges("eir", block))
            {
                var ordinal = ordinals.GetValueOrDefault(change.TransactionId);
                ordinals[change.TransactionId] = ordinal + 1;
                changes.Add(new CanonicalChange((long)block.Number, change.TransactionId, ordinal, change.Kind, change.Key, change.PayloadJson));
            }
        }

        return changes;
    }

    private static List<(AnchorRequest Request, bool Created)> Requests(InProcessAuditLedger audit)
        => audit.Calls.Select(c => (JsonSerializer.Deserialize<AnchorRequest>(c.Request, AuditJson.Options)!, c.Created)).ToList();

    private static List<(long From, long To)> Ranges(InProcessAuditLedger audit)
        => Requests(audit).Where(r => r.Created).Select(r => (r.Request.FromBlock!.Value, r.Request.ToBlock!.Value)).OrderBy(r => r.Item1).ToList();

    private static async Task<List<AuditAnchor>> AnchorsAsync(InProcessAuditLedger audit)
    {
        var anchors = new List<AuditAnchor>();
        foreach (var (request, _) in Requests(audit).Where(r => r.Created))
        {
            var bytes = await audit.As(Operator).EvaluateAsync(new Restcomm.Gateway.Api.Fabric.LedgerCall("audit", "audit", "GetAnchor", [request.Id]), CancellationToken.None);
            anchors.Add(JsonSerializer.Deserialize<AuditAnchor>(bytes.Span, AuditJson.Options)!);
        }

        return anchors;
    }
}

public sealed class SqliteAnchoringTests(SqliteDatabase database) : AnchoringTests<SqliteDatabase>(database);

public sealed class PostgresAnchoringTests(PostgresDatabase database) : AnchoringTests<PostgresDatabase>(database);
