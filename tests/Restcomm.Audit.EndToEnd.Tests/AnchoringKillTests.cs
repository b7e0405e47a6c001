using System.Diagnostics;
using System.Globalization;
using System.Net;
using Dapper;
using Restcomm.Audit.EndToEnd.Tests.Support;
using Restcomm.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Restcomm.Audit.EndToEnd.Tests;

/// <summary>
/// Org1's REST API as the real process <c>make run</c> starts, anchoring the eir and numbers channels on the audit
/// channel every <see cref="EveryBlocks"/> blocks while EIR reports and number publications flow through its own API
/// and Org2's, is killed with SIGKILL twice — once at a random moment, once while an anchor it planned is being
/// submitted — and restarted on the same store each time. Afterwards
/// the audit chaincode's anchors of each source follow one another from block 0 to the channel's last block, each block
/// in exactly one anchor (no gap, no range anchored twice or overlapping another), every one Org1's, every one planned in
/// Org1's store and verified by the regulator against the source ledger (on SQLite and on PostgreSQL).
/// </summary>
public abstract class AnchoringKillTests<TDatabase>(TDatabase database, KillNetwork network, ITestOutputHelper output)
    : StoreTestBase<TDatabase>(database), IClassFixture<KillNetwork>, IDisposable
    where TDatabase : TestDatabase
{
    private const int EveryBlocks = 4;
    private const int Kills = 2;
    private const int MaxKills = 5;
    private const string Org1 = AuditNetwork.Org1;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>Org1's anchoring: a range every few blocks, the rest after a second, looked at every 100 ms.</summary>
    private static readonly Dictionary<string, string> Anchoring = new()
    {
        ["Audit:EveryBlocks"] = EveryBlocks.ToString(CultureInfo.InvariantCulture),
        ["Audit:Interval"] = "00:00:01",
        ["Audit:PollInterval"] = "00:00:00.100",
    };

    private readonly List<ApiProcess> _lives = [];

    [SkippableFact]
    public async Task Anchoring_killed_with_sigkill_and_restarted_on_its_store_leaves_contiguous_anchors_each_once_and_each_verified()
    {
        var location = await NewLocationAsync();
        var store = await OpenAsync(location);
        var key = (await store.ApiKeys.CreateAsync(Org1, "kill-test", [.. AuditNetwork.OperatorScopes], ApiScopes.DefaultReadOnlyOrganisations, CancellationToken.None)).Token;
        var dataDirectory = Path.Combine(network.Root, "org1-" + Guid.NewGuid().ToString("N")[..8]);
        var tac = 35209970 + Random.Shared.Next(0, 20);

        var life = await StartAsync("life 1", location, dataDirectory);
        using var stop = new CancellationTokenSource();
        var writers = new[]
        {
            WriteAsync(() => network.Client(AuditNetwork.Org2), tac, 0, stop.Token, tolerateFailures: false),
            WriteAsync(() => _lives[^1].Client(key), tac, 1, stop.Token, tolerateFailures: true),
        };

        // Let each life anchor a few ranges, then kill it: the first at a random moment of its work, the next while an
        // anchor it planned is being submitted (planned in its store, not yet recorded as on the channel), again if the
        // submission won the race with the kill.
        var lives = new List<string>();
        var killedMidSubmission = false;
        for (var kill = 1; kill <= Kills || (!killedMidSubmission && kill <= MaxKills); kill++)
        {
            var before = await AnchoredAsync(store);
            await WaitUntilAsync(async () => await AnchoredAsync(store) >= before + 3, $"{life.Name} anchors");
            if (kill == 1)
            {
                await Task.Delay(Random.Shared.Next(0, 300));
            }
            else
            {
                await WaitUntilAsync(async () => (await StateAsync(store)).Pending > 0, $"{life.Name} planning an anchor", poll: TimeSpan.FromMilliseconds(5));
            }

            await life.KillAsync();
            var state = await StateAsync(store);
            killedMidSubmission |= kill > 1 && state.Pending > 0;
            lives.Add($"{life.Name}: killed (pid {life.Pid}) with {state.Anchored} anchors recorded, {state.Pending} planned and not yet recorded, cursors {state.Cursors}");
            life = await StartAsync($"life {kill + 1}", location, dataDirectory);
        }

        Assert.True(killedMidSubmission, $"no kill found an anchor planned and not yet recorded:{Environment.NewLine}{string.Join(Environment.NewLine, lives)}");

        // The last life anchors while changes still flow, then everything written settles.
        var last = await AnchoredAsync(store);
        await WaitUntilAsync(async () => await AnchoredAsync(store) >= last + 3, $"{life.Name} anchors");
        await stop.CancelAsync();
        var written = await Task.WhenAll(writers).WaitAsync(Patience);
        var heights = await SettledHeightsAsync();
        await WaitUntilAsync(async () =>
        {
            var state = await StateAsync(store);
            return state.Pending == 0 && AuditNetwork.Sources.All(s => state.Next.GetValueOrDefault(s.Channel) == heights[s.Channel]);
        }, "the last life anchoring every block");
        using var regulator = network.Client(AuditNetwork.Regulator);
        await WaitUntilAsync(async () =>
        {
            foreach (var (channel, kind) in AuditNetwork.Sources)
            {
                var anchors = await AuditReads.ReadModelAnchorsAsync(regulator, channel, kind);
                if (anchors.Count == 0 || anchors.Any(a => (bool?)a["verified"] != true) || anchors.Max(a => (long)a["anchor"]!["toBlock"]!) != heights[channel] - 1)
                {
                    return false;
                }
            }

            return true;
        }, "the regulator verifying every anchor by itself");
        lives.Add($"{life.Name}: ran to the end; {written.Sum()} writes answered, heights {string.Join(", ", heights.Select(h => $"{h.Key} {h.Value}"))}");
        output.WriteLine(string.Join(Environment.NewLine, lives));

        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        foreach (var (channel, kind) in AuditNetwork.Sources)
        {
            var onLedger = await AuditReads.LedgerAnchorsAsync(regulator, channel);
            var jobs = (await connection.QueryAsync<(string Id, long From, long To, string Status)>(
                "SELECT anchor_id, from_block, to_block, status FROM audit_anchor_jobs WHERE source_channel = @channel", new { channel })).ToList();
            output.WriteLine($"{channel}: {onLedger.Count} anchors: {string.Join(" ", onLedger.OrderBy(a => a.FromBlock).Select(a => $"{a.FromBlock}-{a.ToBlock}"))}");

            // On the ledger: from block 0 to the last, one range after the other, each block in one anchor, all Org1's.
            Assert.Null(AuditReads.Contiguity(onLedger.Select(a => (a.FromBlock!.Value, a.ToBlock!.Value)), heights[channel]));
            Assert.All(onLedger, a => Assert.Equal(Org1, a.AnchoredBy));
            Assert.All(onLedger, a => Assert.Equal(kind, a.Kind));
            // In Org1's store: exactly those ranges, each planned once and recorded as anchored.
            Assert.Equal(onLedger.Select(a => a.Id).Order(StringComparer.Ordinal), jobs.Select(j => j.Id).Order(StringComparer.Ordinal));
            Assert.All(jobs, j => Assert.Equal("anchored", j.Status));
            // In the regulator's read model, and each verifies against the source ledger now.
            var inReadModel = await AuditReads.ReadModelAnchorsAsync(regulator, channel, kind);
            Assert.Equal(onLedger.Select(a => a.Id).Order(StringComparer.Ordinal), inReadModel.Select(a => (string)a["anchor"]!["id"]!).Order(StringComparer.Ordinal));
            foreach (var anchor in onLedger)
            {
                var verification = (await AuditReads.VerifyAsync(regulator, anchor.Id)).Expect(HttpStatusCode.OK).Body;
                Assert.True((bool?)verification["verified"] == true, verification.ToJsonString());
                Assert.Equal(anchor.ChangeCount, (long)verification["ledgerChangeCount"]!);
            }

            // Aligned ranges of EveryBlocks blocks wherever the interval did not cut one short.
            Assert.Contains(onLedger, a => a.ToBlock - a.FromBlock == EveryBlocks - 1 && a.ToBlock % EveryBlocks == EveryBlocks - 1);
        }

        // The restarted API says the same: nothing pending, nothing in conflict, every applied block anchored.
        using var org1 = life.Client(key);
        var anchoring = (await org1.GetJsonAsync("/v1/audit/anchoring")).Expect(HttpStatusCode.OK).Body;
        Assert.True((bool?)anchoring["enabled"]);
        foreach (var source in anchoring["sources"]!.AsArray().Where(s => heights.ContainsKey((string)s!["sourceChannel"]!)))
        {
            Assert.Equal(0L, (long)source!["pending"]!);
            Assert.Equal(0L, (long)source["conflicts"]!);
            Assert.Equal(heights[(string)source["sourceChannel"]!], (long)source["nextBlock"]!);
        }

        Assert.InRange(_lives.Count, Kills + 1, MaxKills + 1);
    }

    public void Dispose()
    {
        foreach (var life in _lives)
        {
            output.WriteLine($"API '{life.Name}', last lines:{Environment.NewLine}{string.Join(Environment.NewLine, life.Output.TakeLast(25))}");
            life.Dispose();
        }

        output.WriteLine(network.Logs(15));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        GC.SuppressFinalize(this);
    }

    private async Task<ApiProcess> StartAsync(string name, StoreLocation location, string dataDirectory)
    {
        var life = await ApiProcess.StartAsync(name, Org1, dataDirectory, location.ConnectionString, network.NetworkJson, Anchoring);
        _lives.Add(life);
        return life;
    }

    /// <summary>
    /// Until cancelled: an EIR report of two devices and a number publication per round, through one operator's API
    /// (the current life's, for Org1, whose calls fail while it is dead or being killed). Answers how many were answered.
    /// </summary>
    private static async Task<int> WriteAsync(Func<HttpClient> client, int tac, int writer, CancellationToken stop, bool tolerateFailures)
    {
        var answered = 0;
        for (var round = 0; !stop.IsCancellationRequested; round++)
        {
            var serial = (writer * 100_000) + (round * 2);
            try
            {
                using var api = client();
                (await api.PostJsonAsync("/v1/eir/entries/bulk", new
                {
                    reports = new[] { serial, serial + 1 }.Select(s => new { target = Imei.FromParts(new Tac(tac), s).ToString(), reason = "stolen" }).ToArray(),
                })).Expect(HttpStatusCode.OK);
                (await api.PostJsonAsync("/v1/numbers", new
                {
                    e164 = string.Create(CultureInfo.InvariantCulture, $"+44770{writer + 1}{round:D6}"),
                    cnam = new { name = string.Create(CultureInfo.InvariantCulture, $"W{writer} R{round}"), presentation = "allowed" },
                })).Expect(HttpStatusCode.Created);
                answered += 2;
            }
            catch (Exception e) when (tolerateFailures && e is HttpRequestException or TaskCanceledException)
            {
                // The process was killed under this call, or is starting again: the next round goes to the next life.
                await Task.Delay(50, CancellationToken.None);
            }
        }

        return answered;
    }

    /// <summary>Org1's anchors recorded as on the channel.</summary>
    private static async Task<long> AnchoredAsync(GatewayStore store)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_anchor_jobs WHERE status = 'anchored'");
    }

    private static async Task<(long Anchored, long Pending, Dictionary<string, long> Next, string Cursors)> StateAsync(GatewayStore store)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var statuses = (await connection.QueryAsync<(string Status, long Count)>("SELECT status, COUNT(*) FROM audit_anchor_jobs GROUP BY status"))
            .ToDictionary(s => s.Status, s => s.Count, StringComparer.Ordinal);
        var next = (await connection.QueryAsync<(string Channel, long Next)>("SELECT source_channel, next_block FROM audit_anchor_cursors"))
            .ToDictionary(c => c.Channel, c => c.Next, StringComparer.Ordinal);
        return (statuses.GetValueOrDefault("anchored"), statuses.GetValueOrDefault("pending"), next, string.Join(", ", next.Select(n => $"{n.Key} at {n.Value}")));
    }

    /// <summary>The source channels' heights once neither has grown for a second (transactions a killed API submitted still commit).</summary>
    private async Task<Dictionary<string, long>> SettledHeightsAsync()
    {
        Dictionary<string, long> Heights() => AuditNetwork.Sources.ToDictionary(s => s.Channel, s => network.Height(s.Channel), StringComparer.Ordinal);
        var heights = Heights();
        for (var quiet = 0; quiet < 10;)
        {
            await Task.Delay(100);
            var now = Heights();
            quiet = now.All(h => heights[h.Key] == h.Value) ? quiet + 1 : 0;
            heights = now;
        }

        return heights;
    }

    private async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? poll = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            var life = _lives[^1];
            Assert.False(life.HasExited, $"API '{life.Name}' exited while waiting for {what}.");
            Assert.True(deadline.Elapsed < Patience, $"No {what} within {Patience.TotalSeconds} s.");
            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(50));
        }
    }
}

public sealed class SqliteAnchoringKillTests(SqliteDatabase database, KillNetwork network, ITestOutputHelper output)
    : AnchoringKillTests<SqliteDatabase>(database, network, output);

public sealed class PostgresAnchoringKillTests(PostgresDatabase database, KillNetwork network, ITestOutputHelper output)
    : AnchoringKillTests<PostgresDatabase>(database, network, output);
