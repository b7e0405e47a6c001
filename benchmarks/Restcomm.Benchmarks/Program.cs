// Pick benchmarks with --filter, e.g. `make bench BENCH_ARGS="--filter *Shim*"`.
BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>The benchmark entry point.</summary>
public partial class Program;
