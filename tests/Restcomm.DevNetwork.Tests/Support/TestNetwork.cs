using System.Net;
using System.Net.Sockets;
using Restcomm.Chaincode.Example;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Shim;

namespace Restcomm.DevNetwork.Tests.Support;

/// <summary>
/// A dev network on free ports in a temporary folder, with the example chaincode (and the <see cref="KeyPolicyContract"/>
/// probe) served in-process by the real shim,
/// and gateway clients built from the network.json it writes (as any client would).
/// </summary>
internal sealed class TestNetwork : IAsyncDisposable
{
    public const string Channel = "roaming-emea";
    public const string StrictChannel = "strict";
    public const string Chaincode = "example";

    /// <summary>A collection on <see cref="Channel"/> whose own endorsement policy (Org1 and Org3) replaces MAJORITY.</summary>
    public const string GuardedCollection = "guarded";

    /// <summary>A collection of Org1 and Org2 on <see cref="Channel"/> whose private data lives one block (<c>blockToLive</c> 1).</summary>
    public const string ShortLivedCollection = "short-lived";

    private readonly string _root;
    private readonly DevNetworkConfig _config;
    private ChaincodeServer _chaincode;
    private readonly List<Gateway> _gateways = [];

    private TestNetwork(string root, DevNetworkConfig config, ChaincodeServer chaincode, DevNetwork network)
    {
        _root = root;
        _config = config;
        _chaincode = chaincode;
        Network = network;
    }

    public DevNetwork Network { get; private set; }
    public string NetworkJson => Path.Combine(_root, "network.json");

    /// <summary>The generated crypto material (Fabric cryptogen layout).</summary>
    public string CryptoRoot => Path.Combine(_root, "crypto");

    /// <summary>The folder of the channels' ledgers.</summary>
    public string DataDir => Path.Combine(_root, "ledger");
    public DevNetworkConfig Config => _config;
    public static TimeSpan Timeout => TimeSpan.FromSeconds(30);

    public static async Task<TestNetwork> StartAsync(Action<DevNetworkConfig>? customize = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "devnet-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        var chaincode = await ChaincodeServer.StartLocalAsync("example:1.0", new AssetContract(), new KeyPolicyContract()).WaitAsync(Timeout);
        var orgs = new[] { "Org1MSP", "Org2MSP", "Org3MSP", "RegulatorMSP" };
        var config = new DevNetworkConfig
        {
            Orgs = [.. orgs.Select(o => new OrgConfig
            {
                MspId = o,
                Domain = o.Replace("MSP", "", StringComparison.Ordinal).ToLowerInvariant() + ".example.com",
                Gateway = $"127.0.0.1:{FreePort()}",
            })],
            Channels =
            [
                new ChannelConfig
                {
                    Name = Channel,
                    Members = ["Org1MSP", "Org2MSP", "Org3MSP"],
                    Readers = ["RegulatorMSP"],
                    Chaincodes =
                    [
                        new ChaincodeConfig
                        {
                            Name = Chaincode, Address = chaincode.Address, EndorsementPolicy = "MAJORITY", PairwiseCollections = true,
                            Collections =
                            [
                                new CollectionConfig
                                {
                                    Name = GuardedCollection,
                                    Members = ["Org1MSP", "Org2MSP", "Org3MSP"],
                                    EndorsementPolicy = "AND('Org1MSP.peer', 'Org3MSP.peer')",
                                },
                                new CollectionConfig { Name = ShortLivedCollection, Members = ["Org1MSP", "Org2MSP"], BlockToLive = 1 },
                            ],
                        },
                    ],
                },
                new ChannelConfig
                {
                    Name = StrictChannel,
                    Members = ["Org1MSP", "Org2MSP", "Org3MSP"],
                    Chaincodes = [new ChaincodeConfig { Name = Chaincode, Address = chaincode.Address, EndorsementPolicy = "AND('Org1MSP.peer', 'Org2MSP.peer')" }],
                },
            ],
            BlockCutting = new BlockCuttingConfig { MaxTransactions = 50, TimeoutMs = 50 },
        };
        customize?.Invoke(config);
        // A probed free port can be taken by another test process before the network binds it: pick new ones.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var network = await DevNetwork.StartAsync(Options(root, config), CancellationToken.None).WaitAsync(Timeout);
                return new TestNetwork(root, config, chaincode, network);
            }
            catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var org in config.Orgs)
                {
                    org.Gateway = $"127.0.0.1:{FreePort()}";
                }
            }
        }
    }

    private static DevNetworkOptions Options(string root, DevNetworkConfig config) => new()
    {
        Config = config,
        CryptoRoot = Path.Combine(root, "crypto"),
        DataDir = Path.Combine(root, "ledger"),
        NetworkJsonPath = Path.Combine(root, "network.json"),
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    };

    /// <summary>Stops the network process and starts it again on the same data (the chaincode server keeps running).</summary>
    public async Task RestartAsync()
    {
        DisposeGateways();
        await Network.DisposeAsync();
        Network = await DevNetwork.StartAsync(Options(_root, _config), CancellationToken.None).WaitAsync(Timeout);
    }

    /// <summary>
    /// Stops the example chaincode server, runs <paramref name="whileDown"/>, and starts a new server on the same address
    /// (the network keeps running).
    /// </summary>
    public async Task RestartChaincodeAsync(Func<Task> whileDown)
    {
        var address = _chaincode.Address;
        await _chaincode.DisposeAsync();
        await whileDown();
        _chaincode = await ChaincodeServer.StartAsync(
            new ChaincodeServerOptions { Address = address, ChaincodeId = "example:1.0" }, new ContractChaincode(new AssetContract())).WaitAsync(Timeout);
    }

    /// <summary>A gateway connection for an organisation's User1, from network.json.</summary>
    public Gateway Connect(string mspId)
    {
        var description = FabricNetworkDescription.Load(NetworkJson);
        var gateway = description.GetOrg(mspId).Connect();
        _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>
    /// A gateway connection signing as an organisation's own peer (peer0's enrollment certificate and key, NodeOU
    /// <c>peer</c>), as anyone who holds a peer's MSP folder could.
    /// </summary>
    public Gateway ConnectAsPeer(string mspId)
    {
        var org = FabricNetworkDescription.Load(NetworkJson).GetOrg(mspId);
        var domain = _config.Org(mspId).Domain;
        var msp = Path.Combine(CryptoRoot, "peerOrganizations", domain, "peers", $"peer0.{domain}", "msp");
        var gateway = Gateway.Connect(org.CreateConnectionOptions(), new GatewayOptions
        {
            Identity = X509Identity.FromPemFile(mspId, Path.Combine(msp, "signcerts", "cert.pem")),
            Signer = EcdsaSigner.FromPemFile(Path.Combine(msp, "keystore", "priv_sk")),
        });
        _gateways.Add(gateway);
        return gateway;
    }

    /// <summary>A gateway connection for an organisation's Admin, from network.json.</summary>
    public Gateway ConnectAsAdmin(string mspId)
    {
        var gateway = FabricNetworkDescription.Load(NetworkJson).GetOrg(mspId).Connect(FabricUserRole.Admin);
        _gateways.Add(gateway);
        return gateway;
    }

    public Contract Contract(string mspId, string channel = Channel) =>
        Connect(mspId).GetNetwork(channel).GetContract(Chaincode);

    /// <summary>The example chaincode's <see cref="KeyPolicyContract"/> for an organisation's User1.</summary>
    public Contract KeyPolicy(string mspId, string channel = Channel) =>
        Connect(mspId).GetNetwork(channel).GetContract(Chaincode, KeyPolicyContract.Name);

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void DisposeGateways()
    {
        foreach (var g in _gateways)
        {
            g.Dispose();
        }
        _gateways.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        DisposeGateways();
        await Network.DisposeAsync();
        await _chaincode.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
