using System.Net;
using System.Net.Sockets;
using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Shim;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Roaming.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for roaming, on free 127.0.0.1 ports in a temporary folder: the roaming chaincode served
/// as a CCaaS gRPC server over mutual TLS (with the settings devnet.json gives it, from the variables the dev network
/// prints for its host), the dev network configured from <c>network/dev/devnet.json</c> (its <c>roaming-emea</c>
/// channel with Org1–Org3 and the pair collections whose endorsement policy is the pair) dialling that server, and the
/// REST API of operators A (Org1MSP), B (Org2MSP) and C (Org3MSP), each with its own store and an API key with
/// <c>roaming:read</c>, <c>roaming:submit</c>, <c>settlement:read</c> and <c>settlement:write</c>. The chaincode requires the role attributes devnet.json gives every
/// operator's User1 (<c>roaming.submitter</c>, <c>roaming.approver</c>), so every write also proves that path.
/// </summary>
public sealed class RoamingNetwork : IAsyncLifetime
{
    public const string Channel = "roaming-emea";

    /// <summary>The second consortium of devnet.json: B and C only.</summary>
    public const string ApacChannel = "roaming-apac";
    public const string OperatorA = "Org1MSP";
    public const string OperatorB = "Org2MSP";
    public const string OperatorC = "Org3MSP";

    /// <summary>Operator D: a peer and material from the start, on no channel (devnet.json).</summary>
    public const string OperatorD = "Org4MSP";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "roaming-api-e2e", Guid.NewGuid().ToString("N"));
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

    /// <summary>Blocks committed on the channel so far (the next block's number).</summary>
    public long LedgerHeight => (long)_network.Ledgers[Channel].Height;

    /// <summary>The members of a chaincode's collection as the channel's current configuration makes them.</summary>
    public IReadOnlyList<string> CollectionMembers(string channel, string chaincode, string collection) =>
        _network.Ledgers[channel].Definition.Chaincodes[chaincode].Collection(collection)?.Members ?? [];

    /// <summary>The organisations of <paramref name="channel"/>'s current configuration.</summary>
    public IReadOnlyList<string> OrgsOf(string channel) => _network.Ledgers[channel].Definition.Orgs;

    /// <summary>Blocks committed on <paramref name="channel"/> so far.</summary>
    public long HeightOf(string channel) => (long)_network.Ledgers[channel].Height;

    /// <summary>Starts another API of <paramref name="mspId"/> on the same network, with its own store and <paramref name="settings"/>.</summary>
    internal Task<OperatorApi> StartExtraApiAsync(string mspId, IReadOnlyDictionary<string, string> settings)
    {
        var directory = Path.Combine(_root, "api", mspId.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        return OperatorApi.StartAsync(mspId, directory, NetworkJson, settings);
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = MakeRunConfig();
        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(
            ChaincodeTls.ShimEnvironment(config, Path.Combine(_root, "crypto"), "roaming"))
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["CORE_CHAINCODE_ID_NAME"] = "roaming:1.0",
        });
        _chaincode = await ChaincodeServer.StartAsync(options, RoamingChaincode.Create(new RoamingPolicy(), new SettlementPolicy
        {
            // As make run starts it: the channel's members; vote windows of seconds so a dispute resolves inside a test.
            Members = [OperatorA, OperatorB, OperatorC],
            MinimumVoteSeconds = 1,
        })).WaitAsync(Timeout);
        foreach (var channel in config.Channels)
        {
            channel.Chaincodes[0].Address = _chaincode.Address;
        }

        // A probed free port can be taken by another process before the network binds it: pick new ones.
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
        KeyA = await A.CreateKeyAsync("roaming:read", "roaming:submit", "settlement:read", "settlement:write");
        KeyB = await B.CreateKeyAsync("roaming:read", "roaming:submit", "settlement:read", "settlement:write");
        KeyC = await C.CreateKeyAsync("roaming:read", "roaming:submit", "settlement:read", "settlement:write");
    }

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
        return OperatorApi.StartAsync(mspId, directory, NetworkJson);
    }

    /// <summary>
    /// network/dev/devnet.json as <c>make run</c> uses it, reduced to the two consortium channels (roaming-emea with A, B
    /// and C; roaming-apac with B and C) and their roaming chaincode (pair collections included), with the organisations'
    /// gateways on free ports.
    /// </summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = DevNetworkConfig.Load(Path.Combine(RepositoryRoot(), "network", "dev", "devnet.json"));
        config.Channels.RemoveAll(c => c.Name is not (Channel or ApacChannel));
        Assert.Equal(2, config.Channels.Count);
        foreach (var channel in config.Channels)
        {
            channel.Chaincodes.RemoveAll(c => c.Name != "roaming");
            var roaming = Assert.Single(channel.Chaincodes);
            Assert.True(roaming.TlsRequired && roaming.ClientAuthRequired);
            Assert.All(config.Orgs.Where(o => channel.Members.Contains(o.MspId)), o => Assert.Equal("true", o.Users[0].Attributes.GetValueOrDefault(RoamingPolicy.ApproverRole)));
        }

        Assert.Equal([OperatorB, OperatorC], config.Channels.Single(c => c.Name == ApacChannel).Members);
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
