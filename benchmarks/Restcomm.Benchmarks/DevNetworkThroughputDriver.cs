using System.Diagnostics;

namespace Restcomm.Benchmarks;

/// <summary>
/// <c>devnet-throughput [transactions per round] [rounds] [warm-up rounds] [--clients N] [--platform-signer] [--allocations]</c>: the setup of <see cref="DevNetworkThroughputBenchmarks"/>
/// (3 organisations, MAJORITY, 50 clients in flight unless told otherwise, one small put per transaction, all in this process), measured as
/// committed transactions per second and as CPU time of the whole process per committed transaction, round by round,
/// with the load average before and after: on a shared machine the CPU per transaction is the steadier figure.
/// </summary>
public static class DevNetworkThroughputDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var platformSigner = args.Contains("--platform-signer");
        using var sampler = args.Contains("--allocations") ? new AllocationSampler() : null;
        var clientsAt = Array.IndexOf(args, "--clients");
        var clients = clientsAt >= 0 ? int.Parse(args[clientsAt + 1], System.Globalization.CultureInfo.InvariantCulture) : 50;
        var numbers = args.Where((a, i) => !a.StartsWith("--", StringComparison.Ordinal) && (clientsAt < 0 || i != clientsAt + 1))
            .Select(a => int.Parse(a, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var perRound = numbers.Length > 0 ? numbers[0] : 1000;
        var rounds = numbers.Length > 1 ? numbers[1] : 5;
        var warmUps = numbers.Length > 2 ? numbers[2] : 1;
        var bench = new DevNetworkThroughputBenchmarks { Clients = clients, PlatformSigner = platformSigner };
        bench.Setup();
        try
        {
            for (var w = 0; w < warmUps; w++)
            {
                await bench.SubmitAsync(perRound).ConfigureAwait(false); // warm-up: JIT tiers settle
            }

            using var process = Process.GetCurrentProcess();
            sampler?.Enabled = true;
            var exceptions = new System.Collections.Concurrent.ConcurrentDictionary<string, int>(StringComparer.Ordinal);
            if (sampler is not null)
            {
                AppDomain.CurrentDomain.FirstChanceException += (_, e) =>
                    exceptions.AddOrUpdate(e.Exception.GetType().Name + ": " + e.Exception.Message[..Math.Min(80, e.Exception.Message.Length)] + " @ " + e.Exception.TargetSite?.DeclaringType?.Name + "." + e.Exception.TargetSite?.Name, 1, (_, n) => n + 1);
            }
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {perRound} transactions per round after {warmUps} warm-up round(s), {bench.Clients} in flight, client signer {(platformSigner ? "platform (OpenSSL)" : "BouncyCastle")}; load {LoadAverage()}");
            var rates = new List<double>();
            var cpus = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var allocatedBefore = GC.GetTotalAllocatedBytes();
                var gen0Before = GC.CollectionCount(0);
                var gen2Before = GC.CollectionCount(2);
                var clock = Stopwatch.StartNew();
                await bench.SubmitAsync(perRound).ConfigureAwait(false);
                var wall = clock.Elapsed.TotalSeconds;
                process.Refresh();
                var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / perRound;
                rates.Add(perRound / wall);
                cpus.Add(cpuMs);
                Console.WriteLine($"round {round + 1}: {perRound / wall,8:F0} committed tx/s, {cpuMs:F2} ms CPU per committed tx (whole process), " +
                    $"{(GC.GetTotalAllocatedBytes() - allocatedBefore) / 1024.0 / perRound:F0} KiB allocated per tx, GCs gen0 {GC.CollectionCount(0) - gen0Before} gen2 {GC.CollectionCount(2) - gen2Before}");
            }

            sampler?.Print(25);
            foreach (var (what, count) in exceptions.OrderByDescending(p => p.Value).Take(10))
            {
                Console.WriteLine($"  {count,7} first-chance {what}");
            }
            rates.Sort();
            cpus.Sort();
            Console.WriteLine($"median {rates[rounds / 2]:F0} committed tx/s (best {rates[^1]:F0}), median {cpus[rounds / 2]:F2} ms CPU/tx (best {cpus[0]:F2}); load {LoadAverage()}");
        }
        finally
        {
            bench.Cleanup();
        }

        return 0;
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
