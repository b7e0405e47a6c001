BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point: pick benchmarks with <c>--filter</c>, e.g. <c>--filter *Client*</c>.</summary>
public partial class Program;
