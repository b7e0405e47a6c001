using System.Diagnostics;

namespace Restcomm.Benchmarks;

/// <summary>
/// <c>devnet-throughput [transactions per round] [rounds]</c>: the setup of <see cref="DevNetworkThroughputBenchmarks"/>
/// (3 organisations, MAJORITY, 50 clients in flight, one small put per transaction, all in this process), measured as
/// committed transactions per second and as CPU time of the whole process per committed transaction, round by round,
/// with the load average before and after: on a shared machine the CPU per transaction is the steadier figure.
/// </summary>
public static class DevNetworkThroughputDriver
{
    public static async Task<int> RunAsync(string[] args)
    {
        var perRound = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 1000;
        var rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5;
        var bench = new DevNetworkThroughputBenchmarks { Clients = 50 };
        bench.Setup();
        try
        {
            await bench.SubmitAsync(perRound).ConfigureAwait(false); // warm-up
            using var process = Process.GetCurrentProcess();
            Console.WriteLine($"machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}; {perRound} transactions per round, {bench.Clients} in flight; load {LoadAverage()}");
            var rates = new List<double>();
            var cpus = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await bench.SubmitAsync(perRound).ConfigureAwait(false);
                var wall = clock.Elapsed.TotalSeconds;
                process.Refresh();
                var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds / perRound;
                rates.Add(perRound / wall);
                cpus.Add(cpuMs);
                Console.WriteLine($"round {round + 1}: {perRound / wall,8:F0} committed tx/s, {cpuMs:F2} ms CPU per committed tx (whole process)");
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
