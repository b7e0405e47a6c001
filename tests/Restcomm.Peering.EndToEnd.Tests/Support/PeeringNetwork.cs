using System.Net;
using System.Net.Sockets;
using Restcomm.Chaincode.Peering;
using Restcomm.Chaincode.Peering.Internal;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Shim;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Peering.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for peering, on free 127.0.0.1 ports in a temporary folder: the peering chaincode served
/// as a CCaaS gRPC server over mutual TLS, the dev network configured from <c>network/dev/devnet.json</c> (its
/// <c>roaming-emea</c> channel, reduced to the peering chaincode and its collections) dialling it, and the REST APIs of
/// operators A (Org1MSP, the buyer), B (Org2MSP, the seller) and C (Org3MSP), each with its own store and a key with
/// <c>peering:read</c> and <c>peering:write</c>. The APIs purge expired grants every second.
/// </summary>
public sealed class PeeringNetwork : IAsyncLifetime
{
    public const string Channel = "roaming-emea";
    public const string OperatorA = "Org1MSP";
    public const string OperatorB = "Org2MSP";
    public const string OperatorC = "Org3MSP";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "peering-api-e2e", Guid.NewGuid().ToString("N"));
    private ChaincodeServer _chaincode = null!;
    private DevNetworkHost _network = null!;

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(60);

    internal OperatorApi A { get; private set; } = null!;

    internal OperatorApi B { get; private set; } = null!;

    internal OperatorApi C { get; private set; } = null!;

    public string KeyA { get; private set; } = "";

    public string KeyB { get; private set; } = "";

    public string KeyC { get; private set; } = "";

    public string NetworkJson => Path.Combine(_root, "network.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = MakeRunConfig();
        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(
            ChaincodeTls.ShimEnvironment(config, Path.Combine(_root, "crypto"), "peering"))
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["CORE_CHAINCODE_ID_NAME"] = "peering:1.0",
        });
        _chaincode = await ChaincodeServer.StartAsync(options, PeeringChaincode.Create(new PeeringPolicy())).WaitAsync(Timeout);
        config.Channels[0].Chaincodes[0].Address = _chaincode.Address;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _network = await DevNetworkHost.StartAsync(new DevNetworkOptions
                {
                    Config = config,
                    CryptoRoot = Path.Combine(_root, "crypto"),
                    DataDir = Path.Combine(_root, "ledger"),
                    NetworkJsonPath = NetworkJson,
                    LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
                }, CancellationToken.None).WaitAsync(Timeout);
                break;
            }
            catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var org in config.Orgs)
                {
                    org.Gateway = $"127.0.0.1:{FreePort()}";
                }
            }
        }

        var apis = await Task.WhenAll(StartApiAsync(OperatorA), StartApiAsync(OperatorB), StartApiAsync(OperatorC));
        (A, B, C) = (apis[0], apis[1], apis[2]);
        KeyA = await A.CreateKeyAsync("peering:read", "peering:write");
        KeyB = await B.CreateKeyAsync("peering:read", "peering:write");
        KeyC = await C.CreateKeyAsync("peering:read", "peering:write");
    }

    /// <summary>
    /// Whether any organisation's private state, or the private data store, of a peering pair collection still holds a
    /// value under a key naming <paramref name="grantId"/> (the grant's copy, its clients' secret hashes).
    /// </summary>
    public bool PairStoresHold(string grantId)
    {
        var store = _network.Ledgers[Channel].Store;
        foreach (var collection in new[] { "pair-Org1MSP-Org2MSP", "pair-Org1MSP-Org3MSP", "pair-Org2MSP-Org3MSP" })
        {
            if (new[] { OperatorA, OperatorB, OperatorC }.Any(org => store.PrivateKeys(org, "peering", collection).Any(k => k.Contains(grantId, StringComparison.Ordinal))))
            {
                return true;
            }

            if (store.PrivateRwsets("peering", collection).SelectMany(r => KVRWSet.Parser.ParseFrom(r).Writes).Any(w => !w.IsDelete && w.Key.Contains(grantId, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Private keys <paramref name="mspId"/>'s peer holds in a peering collection.</summary>
    public IReadOnlyList<string> PrivateKeys(string mspId, string collection) => _network.Ledgers[Channel].Store.PrivateKeys(mspId, "peering", collection);

    public async Task DisposeAsync()
    {
        foreach (var api in new[] { A, B, C })
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        if (_chaincode is not null)
        {
            await _chaincode.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Task<OperatorApi> StartApiAsync(string mspId)
    {
        var directory = Path.Combine(_root, "api", mspId.ToLowerInvariant());
        Directory.CreateDirectory(directory);
        return OperatorApi.StartAsync(mspId, directory, NetworkJson, new Dictionary<string, string> { ["Peering:PurgeInterval"] = "00:00:01" });
    }

    /// <summary>network/dev/devnet.json as <c>make run</c> uses it, reduced to roaming-emea and its peering chaincode, gateways on free ports.</summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = DevNetworkConfig.Load(Path.Combine(RepositoryRoot(), "network", "dev", "devnet.json"));
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "peering");
        var peering = Assert.Single(channel.Chaincodes);
        Assert.True(peering.TlsRequired && peering.ClientAuthRequired);
        foreach (var org in config.Orgs)
        {
            org.Gateway = $"127.0.0.1:{FreePort()}";
        }

        return config;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Restcomm.Fabric.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Restcomm.Fabric.sln above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
