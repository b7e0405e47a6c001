using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Restcomm.Tap3;

namespace Restcomm.Benchmarks;

/// <summary>
/// Decode + TD.57 validate + canonical SHA-256 hash of a generated 1,000,000-record TAP 3.12 file, streamed from disk
/// with one worker per core. Records/s = 1,000,000 / mean time.
/// </summary>
[MemoryDiagnoser]
[InProcess] // building a separate benchmark process times out on the shared machine
[WarmupCount(1)]
[IterationCount(5)]
public class TapDecodeBenchmark
{
    private string _path = string.Empty;

    [Params(1_000_000)]
    public int Records { get; set; }

    [GlobalSetup]
    public void Setup() => _path = TapBenchmarkFiles.Ensure(Records, seed: 42);

    [Benchmark(Description = "decode+validate+hash (all cores)")]
    public async Task<long> DecodeValidateHash()
    {
        var result = await TapBenchmarkFiles.RunAsync(_path, Environment.ProcessorCount).ConfigureAwait(false);
        return result.RecordCount;
    }
}

/// <summary>Shared helpers: the generated input files and one measured run.</summary>
public static class TapBenchmarkFiles
{
    public static string Ensure(int records, int seed)
    {
        var path = Path.Combine(Path.GetTempPath(), $"restcomm-tap3-bench-{records}-{seed}.tap");
        if (!File.Exists(path))
        {
            using var stream = File.Create(path + ".tmp");
            TapTrafficGenerator.WriteAsync(stream, records, seed, null, CancellationToken.None).GetAwaiter().GetResult();
            stream.Close();
            File.Move(path + ".tmp", path, overwrite: true);
        }

        return path;
    }

    public static async Task<TapProcessingResult> RunAsync(string path, int workers)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            var options = new TapProcessingOptions { MaxDegreeOfParallelism = workers, Validate = true, ComputeHashes = true };
            return await TapProcessor.ProcessAsync(stream, options, null, CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <c>tap3-throughput [records...]</c>: runs each size seven times after a warm-up and prints the best and median
    /// records/s (wall and CPU time), the peak working set, so one can see that memory does not grow with the file,
    /// and the load average before and after.
    /// </summary>
    /// <summary>Measured runs per size after the warm-up.</summary>
    private const int Runs = 7;

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static async Task<int> ThroughputAsync(string[] args)
    {
        var sizes = args.Length > 0 ? args.Select(int.Parse).ToArray() : [100_000, 1_000_000];
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}");
        foreach (var records in sizes)
        {
            var path = Ensure(records, seed: 42);
            var size = new FileInfo(path).Length;
            await RunAsync(path, Environment.ProcessorCount).ConfigureAwait(false); // warm-up
            GC.Collect();
            using var process = Process.GetCurrentProcess();
            process.Refresh();
            var walls = new List<double>();
            var cpus = new List<double>();
            var loadBefore = LoadAverage();
            TapProcessingResult? last = null;
            for (var run = 0; run < Runs; run++)
            {
                process.Refresh();
                var cpuBefore = process.TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                last = await RunAsync(path, Environment.ProcessorCount).ConfigureAwait(false);
                walls.Add(clock.Elapsed.TotalSeconds);
                process.Refresh();
                cpus.Add((process.TotalProcessorTime - cpuBefore).TotalSeconds);
            }

            process.Refresh();
            walls.Sort();
            cpus.Sort();
            double best = walls[0], median = walls[Runs / 2], bestCpu = cpus[0], medianCpu = cpus[Runs / 2];
            var cpuPerRecordUs = bestCpu * 1e6 / records;
            Console.WriteLine($"{records,10:N0} records, {size / 1048576.0,7:F1} MiB: best wall {best:F3} s = {records / best,12:N0} records/s (median {records / median:N0}); " +
                $"CPU {bestCpu:F3} s = {cpuPerRecordUs:F2} us/record (median {medianCpu * 1e6 / records:F2}; = {Environment.ProcessorCount * 1e6 / cpuPerRecordUs,12:N0} records/s if all cores were ours); " +
                $"peak working set {process.PeakWorkingSet64 / 1048576.0:F0} MiB; fatal={last!.Validation.IsFatal} severe={last.Validation.SevereCount}; load {loadBefore} -> {LoadAverage()}");
        }

        return 0;
    }
}
