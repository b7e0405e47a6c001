using BenchmarkDotNet.Attributes;
using Restcomm.Fabric.Client;

namespace Restcomm.Benchmarks;

/// <summary>
/// Evaluate and submit (endorse, order, commit) rates through the client against a running network described by
/// <c>.run/network.json</c> or <c>RESTCOMM_NETWORK_JSON</c> (start one with <c>make run</c> first). Each invocation runs
/// <see cref="Concurrency"/> transactions at once: transactions per second = Concurrency / Mean.
/// </summary>
public class ClientNetworkBenchmarks
{
    private Gateway _gateway = null!;
    private Contract _contract = null!;
    private string _assetId = null!;
    private int _sequence;

    /// <summary>Transactions in flight per invocation.</summary>
    [Params(1, 32)]
    public int Concurrency { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var path = Environment.GetEnvironmentVariable("RESTCOMM_NETWORK_JSON") is { Length: > 0 } given
            ? given
            : FabricNetworkDescription.FindFile()
              ?? throw new InvalidOperationException("No running network: start one with `make run` (or set RESTCOMM_NETWORK_JSON).");
        _gateway = FabricNetworkDescription.Load(path).GetOrg("Org1MSP").Connect();
        _contract = _gateway.GetNetwork("roaming-emea").GetContract("example");
        _assetId = "bench-" + Guid.NewGuid().ToString("N")[..8];
        _contract.SubmitTransactionAsync("CreateAsset", _assetId, "Org1", "1").GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _gateway.Dispose();

    /// <summary>Concurrent evaluates of one asset.</summary>
    [Benchmark]
    public Task Evaluate() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => _contract.EvaluateTransactionAsync("ReadAsset", _assetId)));

    /// <summary>Concurrent submits, each creating its own asset (no key conflicts), waiting for each commit.</summary>
    [Benchmark]
    public Task Submit() => Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ =>
        _contract.SubmitTransactionAsync("CreateAsset", _assetId + "-" + Interlocked.Increment(ref _sequence), "Org1", "1")));
}
