using System.Net;
using System.Net.Sockets;
using Restcomm.Chaincode.Audit;
using Restcomm.Chaincode.Audit.Internal;
using Restcomm.Chaincode.Eir;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Chaincode.Numbers;
using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Shim;
using Restcomm.Gateway.Store;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Audit.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for the audit channel, on free 127.0.0.1 ports in a temporary folder: the eir, numbers and
/// audit chaincodes served as CCaaS gRPC servers with the TLS settings and deployment variables <c>make run</c> gives
/// them (<c>EIR_WRITER_ATTRIBUTE=eir.reporter</c>, <c>EIR_MEMBER_MSPS</c>; the audit and numbers chaincodes' defaults,
/// RegulatorMSP read-only), the dev network configured from <c>network/dev/devnet.json</c> reduced to the <c>eir</c>,
/// <c>numbers</c> and <c>audit</c> channels (members, readers, policies and the audit chaincode's disclosure
/// collections as devnet.json has them), and the REST APIs a subclass names, each with its own SQLite store and a key
/// with the scopes <c>make run</c> gives its organisation.
/// </summary>
public abstract class AuditNetwork : IAsyncLifetime
{
    public const string Org1 = "Org1MSP";
    public const string Org2 = "Org2MSP";
    public const string Regulator = "RegulatorMSP";

    /// <summary>The source channels anchored, each with its chaincode and anchor kind.</summary>
    public static readonly (string Channel, string Kind)[] Sources = [("eir", "eir-changes"), ("numbers", "numbers-changes")];

    private readonly string _root = Path.Combine(Path.GetTempPath(), "audit-e2e", Guid.NewGuid().ToString("N"));
    private readonly List<ChaincodeServer> _chaincodes = [];
    private readonly Dictionary<string, ApiHost> _apis = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);
    private DevNetworkHost _network = null!;

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one HTTP call may take on a loaded 2-core machine.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(90);

    /// <summary>The temporary folder holding crypto material, ledgers and stores.</summary>
    public string Root => _root;

    public string NetworkJson => Path.Combine(_root, "network.json");

    /// <summary>The scopes of an operator's key (what make run's key has for these channels).</summary>
    public static IReadOnlyList<string> OperatorScopes { get; } =
        [ApiScopes.EirRead, ApiScopes.EirWrite, ApiScopes.NumbersRead, ApiScopes.NumbersWrite, ApiScopes.AuditRead, ApiScopes.LedgerRead];

    /// <summary>The scopes of the regulator's key: make run's, every read scope.</summary>
    public static IReadOnlyList<string> RegulatorScopes { get; } =
        [ApiScopes.AuditRead, ApiScopes.EirRead, ApiScopes.NumbersRead, ApiScopes.RoamingRead, ApiScopes.LedgerRead];

    /// <summary>The APIs started in-process, by organisation, with their settings beside the common ones.</summary>
    protected abstract IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Apis { get; }

    /// <summary>Blocks committed on a channel so far (the next block's number).</summary>
    public long Height(string channel) => (long)_network.Ledgers[channel].Height;

    internal ApiHost Api(string mspId) => _apis[mspId];

    /// <summary>The key created for <paramref name="mspId"/> in its API's store.</summary>
    public string Key(string mspId) => _keys[mspId];

    /// <summary>An HTTP client to <paramref name="mspId"/>'s API with its key.</summary>
    public HttpClient Client(string mspId) => _apis[mspId].Client(_keys[mspId]);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = MakeRunConfig();
        var crypto = Path.Combine(_root, "crypto");
        var members = new HashSet<string>(StringComparer.Ordinal) { "Org1MSP", "Org2MSP", "Org3MSP" };
        foreach (var (name, chaincode) in new (string, IChaincode)[]
                 {
                     ("eir", EirChaincode.Create(new EirPolicy { WriterAttribute = "eir.reporter", MemberMsps = members })),
                     ("numbers", NumbersChaincode.Create(new NumbersPolicy())),
                     ("audit", AuditChaincode.Create(new AuditPolicy())),
                 })
        {
            // As make run starts each host: with the shim's TLS variables the dev network prints for it.
            var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(ChaincodeTls.ShimEnvironment(config, crypto, name))
            {
                ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
                ["CORE_CHAINCODE_ID_NAME"] = $"{name}:1.0",
            });
            var server = await ChaincodeServer.StartAsync(options, chaincode).WaitAsync(Timeout);
            _chaincodes.Add(server);
            config.Channels.Single(c => c.Name == name).Chaincodes.Single().Address = server.Address;
        }

        // A probed free port can be taken by another process before the network binds it: pick new ones.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                _network = await DevNetworkHost.StartAsync(new DevNetworkOptions
                {
                    Config = config,
                    CryptoRoot = crypto,
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

        var started = await Task.WhenAll(Apis.Select(async api =>
        {
            var directory = Path.Combine(_root, "api", api.Key.ToLowerInvariant());
            Directory.CreateDirectory(directory);
            // Webhook receivers on this machine are allowed, as make run allows them.
            var settings = new Dictionary<string, string>(api.Value) { ["Webhooks:AllowLoopback"] = "true" };
            return await ApiHost.StartAsync(api.Key, directory, NetworkJson, settings);
        }));
        foreach (var api in started)
        {
            _apis[api.MspId] = api;
            _keys[api.MspId] = await api.CreateKeyAsync(api.MspId == Regulator ? RegulatorScopes : OperatorScopes);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var api in _apis.Values)
        {
            await api.DisposeAsync();
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        foreach (var chaincode in _chaincodes)
        {
            await chaincode.DisposeAsync();
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

    /// <summary>The last log lines of every in-process API, for a failing test's output.</summary>
    public string Logs(int lines = 30) => string.Join(Environment.NewLine, _apis.Values.Select(api =>
        $"API {api.MspId}, last lines:{Environment.NewLine}{string.Join(Environment.NewLine, api.LogLines.TakeLast(lines))}"));

    /// <summary>
    /// network/dev/devnet.json as <c>make run</c> uses it, reduced to the eir, numbers and audit channels, each with its own
    /// chaincode (addresses are set once the servers listen), the organisations' gateways on free ports.
    /// </summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = DevNetworkConfig.Load(Path.Combine(RepositoryRoot(), "network", "dev", "devnet.json"));
        config.Channels.RemoveAll(c => c.Name is not ("eir" or "numbers" or "audit"));
        Assert.Equal(3, config.Channels.Count);
        foreach (var channel in config.Channels)
        {
            channel.Chaincodes.RemoveAll(c => c.Name != channel.Name);
            Assert.Single(channel.Chaincodes);
            Assert.Contains(Regulator, channel.Readers);
        }

        foreach (var org in config.Orgs)
        {
            org.Gateway = $"127.0.0.1:{FreePort()}";
        }

        return config;
    }

    internal static string RepositoryRoot()
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
