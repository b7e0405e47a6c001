using System.Globalization;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Restcomm.DevNetwork;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Shim;

namespace Restcomm.Benchmarks;

/// <summary>
/// Committed transactions per second on the dev network: one small put per transaction, submitted
/// by many clients at once, each waiting for its commit status, over TLS through the real gateway client and shim.
/// One operation is one committed transaction; throughput = 1 s / mean.
/// </summary>
[Config(typeof(InProcessMonitoring))]
public class DevNetworkThroughputBenchmarks
{
    /// <summary>
    /// In process (the network, the chaincode and the clients share the two cores, as with <c>make run</c>), a few
    /// long iterations of real work rather than micro-benchmark statistics.
    /// </summary>
    private sealed class InProcessMonitoring : ManualConfig
    {
        public InProcessMonitoring() => AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithStrategy(RunStrategy.Monitoring)
            .WithLaunchCount(1)
            .WithWarmupCount(1)
            .WithIterationCount(5));
    }

    private const int TransactionsPerInvoke = 1000;

    private string _root = "";
    private ChaincodeServer _chaincode = null!;
    private DevNetwork.DevNetwork _network = null!;
    private Gateway[] _gateways = [];
    private Contract[] _contracts = [];
    private int _next;

    /// <summary>Transactions in flight at once (each waits for its commit before the next).</summary>
    [Params(50)]
    public int Clients { get; set; }

    /// <summary>
    /// Sign as the clients with the platform's ECDSA (OpenSSL) instead of BouncyCastle: the clients share the process,
    /// and BouncyCastle's three signatures per transaction would otherwise be the largest single cost measured.
    /// </summary>
    public bool PlatformSigner { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _root = Path.Combine(Path.GetTempPath(), "devnet-bench-" + Guid.NewGuid().ToString("N"));
        _chaincode = ChaincodeServer.StartLocalAsync("example:1.0", new SmallPutContract()).GetAwaiter().GetResult();
        var config = new DevNetworkConfig
        {
            Orgs =
            [
                new OrgConfig { MspId = "Org1MSP", Domain = "org1.example.com", Gateway = $"127.0.0.1:{FreePort()}" },
                new OrgConfig { MspId = "Org2MSP", Domain = "org2.example.com", Gateway = $"127.0.0.1:{FreePort()}" },
                new OrgConfig { MspId = "Org3MSP", Domain = "org3.example.com", Gateway = $"127.0.0.1:{FreePort()}" },
            ],
            Channels =
            [
                new ChannelConfig
                {
                    Name = "bench",
                    Members = ["Org1MSP", "Org2MSP", "Org3MSP"],
                    Chaincodes = [new ChaincodeConfig { Name = "example", Address = _chaincode.Address, EndorsementPolicy = "MAJORITY" }],
                },
            ],
            // The defaults of network/dev/devnet.json.
            BlockCutting = new BlockCuttingConfig { MaxTransactions = 200, TimeoutMs = 100 },
        };
        _network = DevNetwork.DevNetwork.StartAsync(new DevNetworkOptions
        {
            Config = config,
            CryptoRoot = Path.Combine(_root, "crypto"),
            DataDir = Path.Combine(_root, "ledger"),
            NetworkJsonPath = Path.Combine(_root, "network.json"),
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        }, CancellationToken.None).GetAwaiter().GetResult();
        var description = FabricNetworkDescription.Load(Path.Combine(_root, "network.json"));
        // One gateway connection per organisation, shared by the clients of that organisation.
        _gateways = [.. config.Orgs.Select(o => description.GetOrg(o.MspId).Connect(configure: options =>
        {
            if (PlatformSigner)
            {
                options.Signer = PlatformEcdsaSigner.FromPemFile(description.GetOrg(o.MspId).ClientKeyFile!);
            }
        }))];
        _contracts = [.. _gateways.Select(g => g.GetNetwork("bench").GetContract("example"))];
        _contracts[0].SubmitTransactionAsync("Put", "warm-up", "1").GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var g in _gateways)
        {
            g.Dispose();
        }
        _network.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _chaincode.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Directory.Delete(_root, recursive: true);
    }

    /// <summary>Submits <see cref="TransactionsPerInvoke"/> small puts with <see cref="Clients"/> in flight and waits for every commit.</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public Task CommittedSmallPuts() => SubmitAsync(TransactionsPerInvoke);

    /// <summary>Submits <paramref name="transactions"/> small puts with <see cref="Clients"/> in flight and waits for every commit.</summary>
    public async Task SubmitAsync(int transactions)
    {
        var remaining = transactions;
        var workers = Enumerable.Range(0, Clients).Select(async worker =>
        {
            var contract = _contracts[worker % _contracts.Length];
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var id = "k" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
                await contract.SubmitTransactionAsync("Put", id, "42").ConfigureAwait(false);
            }
        });
        await Task.WhenAll(workers).ConfigureAwait(false);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The transaction the throughput figure is about: one small put, nothing else.</summary>
[Contract(Name = "SmallPut", IsDefault = true)]
public sealed class SmallPutContract : ContractBase
{
    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>.</summary>
    [SubmitTransaction]
    public async Task Put(TransactionContext ctx, string key, string value) =>
        await ctx.Stub.PutStateAsync(key, System.Text.Encoding.UTF8.GetBytes(value), ctx.CancellationToken).ConfigureAwait(false);
}
