using System.Net;
using System.Net.Sockets;
using Restcomm.Chaincode.Numbers;
using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Shim;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Numbers.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for the number registry, on free 127.0.0.1 ports in a temporary folder: the numbers
/// chaincode served as a CCaaS gRPC server over the mutual TLS devnet.json gives it, with a donor's window of
/// <see cref="PortWindow"/> (<c>NUMBERS_PORT_WINDOW</c>, so a port comes due within the test), the dev network from
/// <c>network/dev/devnet.json</c> reduced to the <c>numbers</c> channel, and the REST APIs of provider A (Org1MSP) and
/// provider B (Org2MSP), each with its own store, key and port activator.
/// </summary>
public sealed class NumbersNetwork : IAsyncLifetime
{
    public const string Channel = "numbers";
    public const string ProviderA = "Org1MSP";
    public const string ProviderB = "Org2MSP";

    /// <summary>The donor's window here: short enough that a port comes due during the test.</summary>
    public static readonly TimeSpan PortWindow = TimeSpan.FromSeconds(4);

    /// <summary>How often each API's port activator looks for due ports.</summary>
    public static readonly TimeSpan ActivationInterval = TimeSpan.FromMilliseconds(300);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "numbers-e2e", Guid.NewGuid().ToString("N"));
    private ChaincodeServer _chaincode = null!;
    private DevNetworkHost _network = null!;

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    internal ProviderApi A { get; private set; } = null!;

    internal ProviderApi B { get; private set; } = null!;

    public string KeyA { get; private set; } = "";

    public string KeyB { get; private set; } = "";

    public string NetworkJson => Path.Combine(_root, "network.json");

    /// <summary>Blocks committed on the numbers channel so far.</summary>
    public long LedgerHeight => (long)_network.Ledgers[Channel].Height;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = MakeRunConfig();
        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(
            ChaincodeTls.ShimEnvironment(config, Path.Combine(_root, "crypto"), "numbers"))
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["CORE_CHAINCODE_ID_NAME"] = "numbers:1.0",
        });
        _chaincode = await ChaincodeServer.StartAsync(options, NumbersChaincode.Create(new NumbersPolicy { PortWindow = PortWindow })).WaitAsync(Timeout);
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

        var apis = await Task.WhenAll(StartApiAsync(ProviderA), StartApiAsync(ProviderB));
        (A, B) = (apis[0], apis[1]);
        KeyA = await A.CreateKeyAsync("numbers:read", "numbers:write");
        KeyB = await B.CreateKeyAsync("numbers:read", "numbers:write");
    }

    public async Task DisposeAsync()
    {
        foreach (var api in new[] { A, B })
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

    private Task<ProviderApi> StartApiAsync(string mspId)
    {
        var directory = Path.Combine(_root, "api", mspId.ToLowerInvariant());
        Directory.CreateDirectory(directory);
        return ProviderApi.StartAsync(mspId, directory, NetworkJson);
    }

    /// <summary>network/dev/devnet.json as <c>make run</c> uses it, reduced to the numbers channel and its numbers chaincode.</summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = DevNetworkConfig.Load(Path.Combine(RepositoryRoot(), "network", "dev", "devnet.json"));
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "numbers");
        Assert.Equal("127.0.0.1:7204", Assert.Single(channel.Chaincodes).Address);
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
