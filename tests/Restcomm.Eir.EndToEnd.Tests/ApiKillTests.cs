using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Restcomm.Eir.EndToEnd.Tests.Support;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Restcomm.Eir.EndToEnd.Tests;

/// <summary>
/// Operator A's REST API as the real process <c>make run</c> starts, killed with SIGKILL while bulk reports sent
/// through REST are endorsed, committed and projected on the dev network; after a restart on the same store, its EIR
/// read model and ledger events equal those of a second API projecting the same channel from block 0 into an empty
/// store (on SQLite and on PostgreSQL).
/// </summary>
public abstract partial class ApiKillTests<TDatabase>(TDatabase database, EirNetwork network, ITestOutputHelper output)
    : StoreTestBase<TDatabase>(database), IClassFixture<EirNetwork>, IDisposable
    where TDatabase : TestDatabase
{
    private const int Requests = 24;
    private const int ReportsPerRequest = 150;
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-eir-kill-").FullName;
    private readonly List<Process> _processes = [];
    private readonly Dictionary<string, System.Collections.Concurrent.ConcurrentQueue<string>> _logs = [];

    [SkippableFact]
    public async Task Killing_the_api_during_a_bulk_report_and_restarting_it_leaves_the_read_model_equal_to_a_rebuild_from_block_0()
    {
        var location = await NewLocationAsync();
        var store = await OpenAsync(location);
        var key = (await store.ApiKeys.CreateAsync(EirNetwork.OperatorA, "kill-test", [ApiScopes.EirRead, ApiScopes.EirWrite], ApiScopes.DefaultReadOnlyOrganisations, CancellationToken.None)).Token;
        var tac = 35209950 + Random.Shared.Next(0, 40);

        var first = await StartApiAsync(location, "first");
        using var client = Client(first.Address, key);
        var answers = new List<Task<HttpStatusCode?>>();
        using var inFlight = new SemaphoreSlim(4);
        {
            for (var request = 0; request < Requests; request++)
            {
                var reports = Enumerable.Range(request * ReportsPerRequest, ReportsPerRequest)
                    .Select(serial => new { target = Imei.FromParts(new Tac(tac), serial).ToString(), reason = serial % 3 == 0 ? "lost" : "stolen", note = $"case {serial}" })
                    .ToArray();
                answers.Add(SendAsync(client, new { reports }, inFlight));
            }

            // Kill once the first bulk reports have been committed and answered, while the next ones are in flight
            // (anywhere between arriving and being projected).
            await Task.WhenAny(answers).WaitAsync(ProcessTimeout);
            await Task.Delay(Random.Shared.Next(100, 1500));
            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }

        var outcomes = await Task.WhenAll(answers).WaitAsync(ProcessTimeout);
        var committedAnswers = outcomes.Count(o => o == HttpStatusCode.OK);
        output.WriteLine($"before the kill: {committedAnswers} bulk reports answered 200, {outcomes.Count(o => o is null)} cut off; " +
            $"store at block {await HeightAsync(store)}, ledger at {network.LedgerHeight}");
        Assert.InRange(committedAnswers, 1, Requests - 1);
        Assert.Contains(outcomes, o => o is null);

        // Transactions the dead API had submitted still commit: let the ledger settle before comparing.
        var height = await SettledLedgerHeightAsync();
        var second = await StartApiAsync(location, "second");
        await WaitUntilAsync(async () => await HeightAsync(store) >= height, second.Process);

        var rebuiltLocation = await NewLocationAsync();
        var rebuilt = await OpenAsync(rebuiltLocation);
        var fromZero = await StartApiAsync(rebuiltLocation, "rebuild");
        await WaitUntilAsync(async () => await HeightAsync(rebuilt) >= height, fromZero.Process);

        var entries = await EntriesAsync(store, tac);
        Assert.Equal(await EntriesAsync(rebuilt, tac), entries);
        Assert.InRange(entries.Count, committedAnswers * ReportsPerRequest, Requests * ReportsPerRequest);
        Assert.Equal(await AllEntriesAsync(rebuilt), await AllEntriesAsync(store));
        Assert.Equal(await EventsAsync(rebuilt), await EventsAsync(store));

        // The restarted API answers from that read model: a device of the first committed report is black-listed.
        using var afterRestart = Client(second.Address, key);
        var check = await afterRestart.GetAsync($"/v1/eir/check/{Imei.FromParts(new Tac(tac), 1)}").WaitAsync(ProcessTimeout);
        var status = JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString();
        Assert.Equal(entries.Any(e => e.Contains(Imei.FromParts(new Tac(tac), 1).ToString(), StringComparison.Ordinal)) ? "blackListed" : "whiteListed", status);
    }

    public void Dispose()
    {
        foreach (var (name, log) in _logs)
        {
            output.WriteLine($"API '{name}', last lines:{Environment.NewLine}{string.Join(Environment.NewLine, log.TakeLast(40))}");
        }

        foreach (var process in _processes)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(10_000);
                }
            }
            catch (InvalidOperationException)
            {
            }

            process.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }

        GC.SuppressFinalize(this);
    }

    private static async Task<HttpStatusCode?> SendAsync(HttpClient client, object body, SemaphoreSlim inFlight)
    {
        await inFlight.WaitAsync();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/eir/entries/bulk") { Content = System.Net.Http.Json.JsonContent.Create(body) };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null; // the process died with this request in flight
        }
        catch (TaskCanceledException)
        {
            return null;
        }
        finally
        {
            inFlight.Release();
        }
    }

    private static HttpClient Client(Uri address, string key)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = ProcessTimeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>Starts Restcomm.Gateway.Api as operator A on <paramref name="location"/> and waits until it is ready.</summary>
    private async Task<(Process Process, Uri Address)> StartApiAsync(StoreLocation location, string name)
    {
        var dataDirectory = Directory.CreateDirectory(Path.Combine(_directory, name)).FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Restcomm.Gateway.Api.dll"), "--urls", "http://127.0.0.1:0",
            "--Gateway:MspId", EirNetwork.OperatorA, "--Gateway:DataDirectory", dataDirectory, "--Gateway:LogFormat", "text",
            "--Gateway:Store", location.ConnectionString,
            "--Fabric:NetworkFile", network.NetworkJson,
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        _processes.Add(process);
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _logs[name] = log;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                address.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                log.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var uri = await address.Task.WaitAsync(ProcessTimeout);
            using var probe = new HttpClient { BaseAddress = uri, Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilAsync(async () => (await probe.GetAsync("/readyz")).IsSuccessStatusCode, process);
            return (process, uri);
        }
        catch
        {
            throw;
        }
    }

    /// <summary>The ledger's height once no block has been added for two block-cutting timeouts and then some.</summary>
    private async Task<long> SettledLedgerHeightAsync()
    {
        var height = network.LedgerHeight;
        for (var quiet = 0; quiet < 10;)
        {
            await Task.Delay(100);
            var now = network.LedgerHeight;
            quiet = now == height ? quiet + 1 : 0;
            height = now;
        }

        return height;
    }

    /// <summary>The lowest next block of the API's projections on the eir channel (0 until every one has a position).</summary>
    private static async Task<long> HeightAsync(GatewayStore store)
    {
        var positions = (await store.Positions.ListAsync(CancellationToken.None)).Where(p => p.Channel == EirNetwork.Channel).ToList();
        return positions.Count < 2 ? 0 : positions.Min(p => p.NextBlock);
    }

    private static async Task<List<string>> EntriesAsync(GatewayStore store, int tac)
        => (await AllEntriesAsync(store)).Where(row => row.Contains($"|{tac}", StringComparison.Ordinal)).ToList();

    /// <summary>Every column of every EIR entry row, one string a row, in key order.</summary>
    private static async Task<List<string>> AllEntriesAsync(GatewayStore store)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<(string Channel, string EntryId, string Target, string List, string Owner, string Json, long Block, string? Reason, long UpdatedAt)>(
            "SELECT channel, entry_id, target, list, owner, entry_json, block_number, reason, updated_at FROM eir_entries");
        return rows.Select(r => $"{r.Channel}|{r.EntryId}|{r.Target}|{r.List}|{r.Owner}|{Normalized(r.Json)}|{r.Block}|{r.Reason}|{r.UpdatedAt}")
            .Order(StringComparer.Ordinal).ToList();
    }

    private static string Normalized(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static async Task<List<string>> EventsAsync(GatewayStore store)
    {
        var events = new List<string>();
        for (long after = 0; ;)
        {
            var page = await store.LedgerEvents.ListAsync(EirNetwork.Channel, after, 1000, CancellationToken.None);
            events.AddRange(page.Items.Select(e => $"{e.Event.BlockNumber}/{e.Event.TransactionId}/{e.Event.Chaincode}/{e.Event.EventName}/{Convert.ToHexString(e.Event.Payload.Span)}"));
            if (page.Items.Count < 1000)
            {
                return events;
            }

            after = page.Items[^1].Sequence;
        }
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            Assert.False(process.HasExited, $"The API exited with code {(process.HasExited ? process.ExitCode : 0)}.");
            Assert.True(deadline.Elapsed < ProcessTimeout, "The API did not get there in time.");
            await Task.Delay(50);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}

public sealed class SqliteApiKillTests(SqliteDatabase database, EirNetwork network, ITestOutputHelper output)
    : ApiKillTests<SqliteDatabase>(database, network, output);

public sealed class PostgresApiKillTests(PostgresDatabase database, EirNetwork network, ITestOutputHelper output)
    : ApiKillTests<PostgresDatabase>(database, network, output);
