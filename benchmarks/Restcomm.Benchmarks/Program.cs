BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point: pick benchmarks with <c>--filter</c>.</summary>
public partial class Program;
