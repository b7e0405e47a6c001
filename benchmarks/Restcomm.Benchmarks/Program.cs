using Restcomm.Benchmarks;

if (args.Length > 0 && args[0] == "tap3-throughput")
{
    return await TapBenchmarkFiles.ThroughputAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(TapBenchmarkFiles).Assembly).Run(args);
return 0;
