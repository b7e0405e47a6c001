using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Restcomm.Gateway.Store;
using Restcomm.Ingestion.Tests.Infrastructure;
using Restcomm.Tests.Shared.EndToEnd;
using Xunit.Abstractions;

namespace Restcomm.Ingestion.Tests;

/// <summary>
/// <c>restcomm tap ingest</c> as a real child process, killed with SIGKILL at random points several times, then
/// resumed to the end: the ledger must hold every batch once and the file's totals.
/// </summary>
[Collection(DevNetworkCollection.Name)]
public sealed class CliCrashTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly RoamingDevNetwork _network = new();
    private readonly TapFiles _files = new();

    public Task InitializeAsync() => _network.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _network.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task A_cli_killed_at_random_points_and_resumed_leaves_every_batch_on_the_ledger_once_with_the_files_totals()
    {
        // About 30,000 usage records in 60 batches: enough that a kill scheduled in the first 12,000 records, plus its
        // delay, still finds batches left however fast the dev network commits them.
        var (path, header) = await _files.GenerateAsync(48_000, seed: 23);
        var bc = header.BatchControl!;
        await _network.AgreeAsync(Agreements.Document(bc.Sender!, bc.Recipient!));
        var store = Path.Combine(_network.Root, "cli-store.db");
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"kill schedule seed {seed}");

        // Each round is killed at a random point of its progress: once a random number of records is batched (durable
        // in the outbox) or committed, plus a random delay, so kills land while batches are pending, submitted or
        // awaiting their commit.
        var kills = 0;
        var killedWithBatchesLeft = 0;
        for (var round = 0; round < 4; round++)
        {
            var trigger = new KillTrigger(random.Next(2) == 0 ? "batched" : "committed", random.Next(500, 12_000), TimeSpan.FromMilliseconds(random.Next(0, 150)));
            var run = await RunCliAsync(path, store, resume: round > 0, trigger);
            var states = await OutboxStatesAsync(store, bc.Sender!, bc.Recipient!);
            output.WriteLine($"round {round}: kill at {trigger}: killed {run.Killed}, exit {run.ExitCode}, outbox {states}");
            kills += run.Killed ? 1 : 0;
            killedWithBatchesLeft += run.Killed && (states.Contains("pending", StringComparison.Ordinal) || states.Contains("submitted", StringComparison.Ordinal)) ? 1 : 0;
            if (!run.Killed)
            {
                break;
            }
        }

        var final = await RunCliAsync(path, store, resume: true, trigger: null);
        output.WriteLine(final.Stderr);

        Assert.True(kills >= 1, "the CLI was never killed: lower the kill delays");
        Assert.True(killedWithBatchesLeft >= 1, "no kill left batches in the outbox to resume");
        Assert.Equal(0, final.ExitCode);
        using var summary = JsonDocument.Parse(final.Stdout);
        var fileId = summary.RootElement.GetProperty("fileId").GetString()!;
        var batches = summary.RootElement.GetProperty("batches").GetInt32();
        Assert.True(summary.RootElement.GetProperty("totalsMatch").GetBoolean());
        var onLedger = await _network.BatchesOnLedgerAsync(fileId, batches);
        var file = Assert.Single((await _network.SequenceReportAsync(bc.Sender!, bc.Recipient!)).Files);
        Assert.Equal((batches, 0), (file.Batches, file.MissingBatches.Count));
        Assert.Equal(batches, onLedger.Select(b => b.TxId).Distinct().Count());
        var ledgerTotals = onLedger.SelectMany(b => b.Header.Totals).GroupBy(t => t.Service).OrderBy(g => g.Key)
            .Select(g => new ServiceSum(g.Key, g.Sum(t => (long)t.Records), g.Sum(t => t.Quantity), g.Sum(t => t.ChargeMinor))).ToList();
        Assert.Equal(await TapFiles.ExpectedTotalsAsync(path, header), ledgerTotals);

        await using var outbox = await GatewayStore.OpenAsync(StoreLocation.Sqlite(store), CancellationToken.None);
        var ingestor = new TapIngestor(outbox, new MemoryLedger(Agreements.ActiveState(bc.Sender!, bc.Recipient!)));
        var job = Assert.Single(await ingestor.ListJobsAsync("complete", CancellationToken.None));
        Assert.All(await ingestor.GetBatchesAsync(job.JobId, CancellationToken.None), b => Assert.Equal("committed", b.State));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private static async Task<string> OutboxStatesAsync(string store, string sender, string recipient)
    {
        if (!File.Exists(store))
        {
            return "(none)";
        }

        await using var outbox = await GatewayStore.OpenAsync(StoreLocation.Sqlite(store), CancellationToken.None);
        var ingestor = new TapIngestor(outbox, new MemoryLedger(Agreements.ActiveState(sender, recipient)));
        var jobs = await ingestor.ListJobsAsync(null, CancellationToken.None);
        var batches = jobs.Count == 0 ? [] : await ingestor.GetBatchesAsync(jobs[0].JobId, CancellationToken.None);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return string.Join(", ", batches.GroupBy(b => b.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"));
    }

    /// <summary>
    /// The CLI from its own build output (same configuration as this test): there its dependencies sit beside it,
    /// whereas this test's output resolves some of them from the ASP.NET Core framework the CLI does not load.
    /// </summary>
    private static string CliDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = here.Parent!.Name;
        var dll = Path.Combine(InProcessDevNetwork.RepositoryRoot(), "gateway", "Restcomm.Cli", "bin", configuration, here.Name, "restcomm.dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        return dll;
    }

    private async Task<(bool Killed, int ExitCode, string Stdout, string Stderr)> RunCliAsync(string path, string store, bool resume, KillTrigger? trigger)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _network.Root,
        };
        foreach (var arg in new[]
        {
            CliDll(), "tap", "ingest", path, "--agreement", Agreements.Id, "--network", _network.NetworkJson, "--org", Agreements.Visited,
            "--store", store, "--batch-records", "500", "--in-flight", "4", "--progress",
        })
        {
            start.ArgumentList.Add(arg);
        }

        if (resume)
        {
            start.ArgumentList.Add("--resume");
        }

        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = new StringBuilder();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reader = Task.Run(async () =>
        {
            // The progress line is redrawn with '\r': read characters, not lines.
            var buffer = new char[4096];
            int n;
            while ((n = await process.StandardError.ReadAsync(buffer, limit.Token)) > 0)
            {
                stderr.Append(buffer, 0, n);
                if (trigger is not null && trigger.Reached(stderr))
                {
                    reached.TrySetResult();
                }
            }
        });
        var killed = false;
        if (trigger is not null)
        {
            var exited = process.WaitForExitAsync(limit.Token);
            if (await Task.WhenAny(exited, reached.Task) == reached.Task)
            {
                await Task.Delay(trigger.Delay, limit.Token);
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true); // SIGKILL: no chance to clean up
                    killed = true;
                }
            }
        }

        await process.WaitForExitAsync(limit.Token);
        await reader;
        return (killed, process.ExitCode, await stdout, stderr.ToString());
    }

    /// <summary>Kill once the progress line shows <paramref name="Counter"/> at <paramref name="Records"/> or more, after <paramref name="Delay"/>.</summary>
    private sealed record KillTrigger(string Counter, int Records, TimeSpan Delay)
    {
        public bool Reached(StringBuilder stderr)
        {
            var text = stderr.ToString();
            var at = text.LastIndexOf(Counter + " ", StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }

            var digits = new string([.. text.Skip(at + Counter.Length + 1).TakeWhile(c => char.IsAsciiDigit(c) || c == ',').Where(char.IsAsciiDigit)]);
            return digits.Length > 0 && long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture) >= Records;
        }

        public override string ToString() => $"{Counter} >= {Records} + {Delay.TotalMilliseconds} ms";
    }
}
