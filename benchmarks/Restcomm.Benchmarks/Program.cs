// `eir-load …` drives a running REST API (see EirLoad/EirLoadDriver.cs); anything else picks benchmarks.
if (args.Length > 0 && args[0] == "eir-load")
{
    return await Restcomm.Benchmarks.EirLoad.EirLoadDriver.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;

/// <summary>Entry point: pick benchmarks with <c>--filter</c>, e.g. <c>--filter *Client*</c>.</summary>
public partial class Program;
