using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Restcomm.Fabric.Client;

namespace Restcomm.Benchmarks;

/// <summary>
/// <c>client-compare NETWORK_JSON [--transactions N] [--in-flight K,…] [--warm-up W] [--rounds R]</c>: the project's
/// Gateway client and Hyperledger's official Node client (<c>tests/official-client/compare.mjs</c>, run with
/// <c>node</c>; <c>npm ci</c> there first) side by side against the same running network (the dev network of
/// <c>make run</c>, or real peers from <c>make network-up</c>): each submits CreateAsset on roaming-emea through Org1's
/// gateway, K in flight, every one waiting for its commit, in a process of its own (this one for C#), alternating
/// round by round. Each reports committed transactions per second and its own process's CPU time per committed
/// transaction, so the network's CPU is not counted against either client. The warm-up (3,000 by default) is long
/// enough for .NET's tiered JIT to finish recompiling the hot paths before the measured window; the C# run also
/// reports the JIT time that still fell into the window.
/// </summary>
public static class ClientCompareDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: client-compare NETWORK_JSON [--transactions N] [--in-flight K,...] [--warm-up W] [--rounds R]");
            return 2;
        }

        var networkJson = Path.GetFullPath(args[0]);
        var transactions = Option(args, "--transactions", 2000);
        var warmUp = Option(args, "--warm-up", 3000);
        var rounds = Option(args, "--rounds", 2);
        var inFlightAt = Array.IndexOf(args, "--in-flight");
        var levels = inFlightAt >= 0 ? args[inFlightAt + 1].Split(',').Select(int.Parse).ToArray() : [64];
        var script = Path.Combine(RepositoryRoot(), "tests", "official-client", "compare.mjs");

        Console.WriteLine("| client | in flight | round | committed | committed/s | client CPU ms per committed tx | of which JIT |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var inFlight in levels)
        {
            for (var round = 1; round <= rounds; round++)
            {
                var ours = await OursAsync(networkJson, transactions, inFlight, warmUp).ConfigureAwait(false);
                Print("Restcomm.Fabric.Client (C#)", inFlight, round, ours);
                var node = await NodeAsync(script, networkJson, transactions, inFlight, warmUp).ConfigureAwait(false);
                Print("@hyperledger/fabric-gateway 1.11.0 (Node)", inFlight, round, node);
            }
        }

        return 0;
    }

    private static void Print(string client, int inFlight, int round, (int Committed, double PerSecond, double CpuMs, double? JitMs) r) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {client} | {inFlight} | {round} | {r.Committed} | {r.PerSecond:F0} | {r.CpuMs:F3} | {(r.JitMs is { } jit ? jit.ToString("F3", CultureInfo.InvariantCulture) : "–")} |"));

    /// <summary>The C# client's run in a child process of this program (so its CPU is its own).</summary>
    private static async Task<(int, double, double, double?)> OursAsync(string networkJson, int transactions, int inFlight, int warmUp)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ClientCompareDriver).Assembly.Location);
        }

        foreach (var arg in new[] { "client-compare-one", networkJson, transactions.ToString(CultureInfo.InvariantCulture), inFlight.ToString(CultureInfo.InvariantCulture), warmUp.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        return await RunChildAsync(start).ConfigureAwait(false);
    }

    private static async Task<(int, double, double, double?)> NodeAsync(string script, string networkJson, int transactions, int inFlight, int warmUp)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardOutput = true, UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(script)! };
        foreach (var arg in new[] { script, networkJson, transactions.ToString(CultureInfo.InvariantCulture), inFlight.ToString(CultureInfo.InvariantCulture), warmUp.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        return await RunChildAsync(start).ConfigureAwait(false);
    }

    private static async Task<(int, double, double, double?)> RunChildAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'))
            ?? throw new InvalidOperationException($"{start.FileName} exited with {process.ExitCode} and no result: {output}");
        using var json = JsonDocument.Parse(line);
        var root = json.RootElement;
        double? jit = root.TryGetProperty("jitMsPerCommitted", out var j) ? j.GetDouble() : null;
        return (root.GetProperty("committed").GetInt32(), root.GetProperty("committedPerSecond").GetDouble(), root.GetProperty("cpuMsPerCommitted").GetDouble(), jit);
    }

    /// <summary><c>client-compare-one NETWORK_JSON N K W</c>: one run of the C# client, one JSON line out.</summary>
    public static async Task<int> RunOneAsync(string[] args)
    {
        var description = FabricNetworkDescription.Load(args[0]);
        var transactions = int.Parse(args[1], CultureInfo.InvariantCulture);
        var inFlight = int.Parse(args[2], CultureInfo.InvariantCulture);
        var warmUp = int.Parse(args[3], CultureInfo.InvariantCulture);
        using var gateway = description.GetOrg("Org1MSP").Connect();
        var contract = gateway.GetNetwork("roaming-emea").GetContract("example");
        var run = Guid.NewGuid().ToString("N")[..8];

        await LoadAsync(contract, $"cs-{run}-warm", warmUp, inFlight).ConfigureAwait(false);
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpu = self.TotalProcessorTime;
        var jit = System.Runtime.JitInfo.GetCompilationTime();
        var jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount();
        var watch = Stopwatch.StartNew();
        var failed = await LoadAsync(contract, $"cs-{run}-run", transactions, inFlight).ConfigureAwait(false);
        var seconds = watch.Elapsed.TotalSeconds;
        self.Refresh();
        var used = self.TotalProcessorTime - cpu;
        var jitUsed = System.Runtime.JitInfo.GetCompilationTime() - jit;
        var committed = transactions - failed;
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            client = "Restcomm.Fabric.Client",
            transactions,
            inFlight,
            committed,
            failed,
            seconds = Math.Round(seconds, 2),
            committedPerSecond = Math.Round(committed / seconds, 1),
            cpuMsPerCommitted = Math.Round(used.TotalMilliseconds / Math.Max(1, committed), 3),
            jitMsPerCommitted = Math.Round(jitUsed.TotalMilliseconds / Math.Max(1, committed), 3),
            jitMethods = System.Runtime.JitInfo.GetCompiledMethodCount() - jitMethods,
        }));
        return 0;
    }

    private static async Task<int> LoadAsync(Contract contract, string prefix, int count, int inFlight)
    {
        var next = -1;
        var failed = 0;
        await Task.WhenAll(Enumerable.Range(0, inFlight).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                try
                {
                    await contract.SubmitTransactionAsync("CreateAsset", $"{prefix}-{i}", "owner", i.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is GatewayException or CommitException)
                {
                    Interlocked.Increment(ref failed);
                }
            }
        })).ConfigureAwait(false);
        return failed;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Restcomm.Fabric.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run from the repository's build output.");
    }
}
