using Restcomm.Chaincode.Audit;
using Restcomm.Chaincode.Audit.Internal;
using Restcomm.Chaincode.Eir;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Chaincode.Numbers;
using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Shim;
using Restcomm.Gateway.Store;
using Restcomm.Tests.Shared.EndToEnd;

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

    private readonly InProcessDevNetwork _dev = new("audit-e2e");
    private readonly Dictionary<string, ApiHost> _apis = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal);

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one HTTP call may take on a loaded 2-core machine.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(90);

    /// <summary>The temporary folder holding crypto material, ledgers and stores.</summary>
    public string Root => _dev.Root;

    public string NetworkJson => _dev.NetworkJson;

    /// <summary>The scopes of an operator's key (what make run's key has for these channels).</summary>
    public static IReadOnlyList<string> OperatorScopes { get; } =
        [ApiScopes.EirRead, ApiScopes.EirWrite, ApiScopes.NumbersRead, ApiScopes.NumbersWrite, ApiScopes.AuditRead, ApiScopes.LedgerRead];

    /// <summary>The scopes of the regulator's key: make run's, every read scope.</summary>
    public static IReadOnlyList<string> RegulatorScopes { get; } =
        [ApiScopes.AuditRead, ApiScopes.EirRead, ApiScopes.NumbersRead, ApiScopes.RoamingRead, ApiScopes.LedgerRead];

    /// <summary>The APIs started in-process, by organisation, with their settings beside the common ones.</summary>
    protected abstract IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Apis { get; }

    /// <summary>Blocks committed on a channel so far (the next block's number).</summary>
    public long Height(string channel) => (long)_dev.Network.Ledgers[channel].Height;

    internal ApiHost Api(string mspId) => _apis[mspId];

    /// <summary>The key created for <paramref name="mspId"/> in its API's store.</summary>
    public string Key(string mspId) => _keys[mspId];

    /// <summary>An HTTP client to <paramref name="mspId"/>'s API with its key.</summary>
    public HttpClient Client(string mspId) => _apis[mspId].Client(_keys[mspId]);

    public async Task InitializeAsync()
    {
        var config = MakeRunConfig();
        var members = new HashSet<string>(StringComparer.Ordinal) { "Org1MSP", "Org2MSP", "Org3MSP" };
        foreach (var (name, chaincode) in new (string, IChaincode)[]
                 {
                     ("eir", EirChaincode.Create(new EirPolicy { WriterAttribute = "eir.reporter", MemberMsps = members })),
                     ("numbers", NumbersChaincode.Create(new NumbersPolicy())),
                     ("audit", AuditChaincode.Create(new AuditPolicy())),
                 })
        {
            await _dev.StartChaincodeAsync(config, name, chaincode, Timeout);
        }

        await _dev.StartNetworkAsync(config, Timeout);

        var started = await Task.WhenAll(Apis.Select(async api =>
        {
            var directory = Path.Combine(_dev.Root, "api", api.Key.ToLowerInvariant());
            Directory.CreateDirectory(directory);
            // Webhook receivers on this machine are allowed, as make run allows them.
            var settings = new Dictionary<string, string>(api.Value) { ["Webhooks:AllowLoopback"] = "true" };
            return await ApiHost.StartAsync(api.Key, directory, NetworkJson, settings);
        }));
        foreach (var api in started)
        {
            _apis[api.MspId] = api;
            _keys[api.MspId] = await api.CreateKeyAsync([.. api.MspId == Regulator ? RegulatorScopes : OperatorScopes]);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var api in _apis.Values)
        {
            await api.DisposeAsync();
        }

        await _dev.DisposeAsync();
    }

    /// <summary>The last log lines of every in-process API, for a failing test's output.</summary>
    public string Logs(int lines = 30) => string.Join(Environment.NewLine, _apis.Values.Select(api =>
        $"API {api.MspId}, last lines:{Environment.NewLine}{string.Join(Environment.NewLine, api.LogLines.TakeLast(lines))}"));

    /// <summary>
    /// network/dev/devnet.json as <c>make run</c> uses it, reduced to the eir, numbers and audit channels, each with its own
    /// chaincode (addresses are set once the servers listen).
    /// </summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name is not ("eir" or "numbers" or "audit"));
        Assert.Equal(3, config.Channels.Count);
        foreach (var channel in config.Channels)
        {
            channel.Chaincodes.RemoveAll(c => c.Name != channel.Name);
            Assert.Single(channel.Chaincodes);
            Assert.Contains(Regulator, channel.Readers);
        }

        return config;
    }
}
