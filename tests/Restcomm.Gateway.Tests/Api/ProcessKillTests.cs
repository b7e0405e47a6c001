using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Audit;
using Restcomm.Eir;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;
using StoreLocation = Restcomm.Gateway.Store.StoreLocation;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>
/// The API as a real process, killed with SIGKILL while its projection engine follows the <c>eir</c> channel and its
/// anchoring plans ranges of it: after a restart, its read models equal a rebuild from block 0 and its anchors cover the
/// blocks in contiguous ranges, each once, with the digests of the ledger's changes (on SQLite and on PostgreSQL).
/// </summary>
public abstract class ProcessKillTests<TDatabase>(TDatabase database, Xunit.Abstractions.ITestOutputHelper output) : StoreTestBase<TDatabase>(database), IDisposable
    where TDatabase : TestDatabase
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(60);
    private static readonly Stopwatch Watch = Stopwatch.StartNew();
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-api-kill-").FullName;

    [SkippableFact]
    public async Task Killing_the_api_process_mid_projection_and_restarting_it_leaves_read_models_equal_to_a_rebuild_from_block_0()
    {
        const int blocks = 300;
        var history = EirBlocks.Generate(seed: 42, blocks: blocks);
        var location = await NewLocationAsync();
        await using var peer = await BlockDeliverServer.StartAsync(history, TimeSpan.FromMilliseconds(5));
        var (cert, key) = ClientIdentityFiles.Write(_directory);
        var store = await OpenAsync(location);

        using (var first = StartApi(peer.Endpoint, cert, key, location))
        {
            await WaitUntilAsync(async () => await HeightAsync(store) >= 60, first);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }

        var afterKill = await HeightAsync(store);
        output.WriteLine($"killed at block height {afterKill} at {Watch.Elapsed}");
        Assert.InRange(afterKill, 60, blocks - 1);

        using var second = StartApi(peer.Endpoint, cert, key, location);
        try
        {
            await WaitUntilAsync(async () => await HeightAsync(store) >= blocks, second);
            await WaitUntilAsync(async () => await AnchoredToAsync(store) >= blocks, second);
            await Task.Delay(300); // anything repeated would land now
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }

        // The same ledger projected from block 0 into a fresh database, in this process.
        var rebuilt = await NewStoreAsync();
        var feed = new ListBlockFeed();
        foreach (var block in history)
        {
            feed.Append(EirBlocks.Channel, block);
        }

        feed.Complete();
        var projections = new IProjection[] { new LedgerEventsProjection(rebuilt), new EirProjection(new ImeiIndex(), NullLogger<EirProjection>.Instance) };
        await new ProjectionEngine(rebuilt, feed, projections).RunChannelAsync(EirBlocks.Channel, CancellationToken.None).WaitAsync(Timeout);

        var entries = await EntriesAsync(store);
        Assert.Equal(await EntriesAsync(rebuilt), entries);
        Assert.Equal(EirBlocks.Expected(history).Count, entries.Count);
        Assert.Equal(await EventsAsync(rebuilt), await EventsAsync(store));

        // Anchoring: ranges of AnchorEvery blocks from 0, each planned once, each digest that of the ledger's changes.
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var jobs = (await connection.QueryAsync<(long From, long To, string Request)>(
            "SELECT from_block, to_block, request_json FROM audit_anchor_jobs WHERE application = 'eir' ORDER BY from_block")).ToList();
        Assert.Equal(Enumerable.Range(0, blocks / AnchorEvery).Select(i => ((long)i * AnchorEvery, ((long)i * AnchorEvery) + AnchorEvery - 1)), jobs.Select(j => (j.From, j.To)));
        var eir = new EirProjection(new ImeiIndex(), NullLogger<EirProjection>.Instance);
        foreach (var job in jobs)
        {
            var changes = new List<CanonicalChange>();
            foreach (var block in history.Where(b => (long)b.Number >= job.From && (long)b.Number <= job.To))
            {
                var ordinals = new Dictionary<string, int>();
                foreach (var change in eir.FeedChanges(EirBlocks.Channel, block))
                {
                    var ordinal = ordinals.GetValueOrDefault(change.TransactionId);
                    ordinals[change.TransactionId] = ordinal + 1;
                    changes.Add(new CanonicalChange((long)block.Number, change.TransactionId, ordinal, change.Kind, change.Key, change.PayloadJson));
                }
            }

            var request = JsonSerializer.Deserialize<AnchorRequest>(job.Request, AuditJson.Options)!;
            Assert.Equal(AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, job.From, job.To, changes), request.Digest);
        }
    }

    private const int AnchorEvery = 5;

    /// <summary>The first block of the eir channel not planned for anchoring yet.</summary>
    private static async Task<long> AnchoredToAsync(GatewayStore store)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        return await connection.ExecuteScalarAsync<long?>("SELECT next_block FROM audit_anchor_cursors WHERE application = 'eir'") ?? 0;
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Process StartApi(string endpoint, string cert, string key, StoreLocation location)
    {
        var start = ApiProcessStart.For(_directory,
        [
            "--urls", "http://127.0.0.1:0",
            "--Gateway:MspId", "Org1MSP", "--Gateway:DataDirectory", _directory, "--Gateway:LogFormat", "text",
            "--Gateway:Store", location.ConnectionString,
            "--Fabric:NetworkFile", "", "--Fabric:GatewayEndpoint", endpoint,
            "--Fabric:ClientCertFile", cert, "--Fabric:ClientKeyFile", key,
            "--Fabric:Channels:0:Name", EirBlocks.Channel, "--Fabric:Channels:0:Chaincodes:0", "eir",
            // Anchoring plans a range every 5 blocks; this peer serves blocks only, so anchors stay pending (planned).
            "--Audit:EveryBlocks", AnchorEvery.ToString(System.Globalization.CultureInfo.InvariantCulture), "--Audit:PollInterval", "00:00:00.050",
            "--Audit:Interval", "01:00:00", "--Fabric:SubmitTimeout", "00:00:02",
        ]);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>The lower of the two projections' next blocks on the channel.</summary>
    private static async Task<long> HeightAsync(GatewayStore store)
    {
        var positions = await store.Positions.ListAsync(CancellationToken.None).WaitAsync(Timeout);
        var ours = positions.Where(p => p.Channel == EirBlocks.Channel).ToList();
        return ours.Count < 2 ? 0 : ours.Min(p => p.NextBlock);
    }

    private static async Task<List<string>> EntriesAsync(GatewayStore store)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<string>("SELECT entry_json FROM eir_entries");
        return rows.Select(json => JsonSerializer.Serialize(JsonSerializer.Deserialize<EirEntry>(json, EirJson.Options), EirJson.Options)).Order(StringComparer.Ordinal).ToList();
    }

    private static async Task<List<string>> EventsAsync(GatewayStore store)
    {
        var page = await store.LedgerEvents.ListAsync(EirBlocks.Channel, 0, 1000, CancellationToken.None).WaitAsync(Timeout);
        return page.Items.Select(e => $"{e.Event.BlockNumber}/{e.Event.TransactionId}/{e.Event.Chaincode}/{e.Event.EventName}/{Convert.ToHexString(e.Event.Payload.Span)}").ToList();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(process.HasExited, $"The API exited with code {(process.HasExited ? process.ExitCode : 0)}.");
            Assert.True(deadline.Elapsed < ProcessTimeout, "The API did not project the blocks in time.");
            await Task.Delay(20);
        }
    }
}

public sealed class SqliteProcessKillTests(SqliteDatabase database, Xunit.Abstractions.ITestOutputHelper output) : ProcessKillTests<SqliteDatabase>(database, output);

public sealed class PostgresProcessKillTests(PostgresDatabase database, Xunit.Abstractions.ITestOutputHelper output) : ProcessKillTests<PostgresDatabase>(database, output);
