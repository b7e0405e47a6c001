using System.Net;
using System.Net.Sockets;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Shim;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Tests.Shared.EndToEnd;

/// <summary>
/// The dev network and the chaincodes it dials, started in this process as <c>make run</c> starts them, in a temporary
/// folder (crypto material, ledgers, network.json) and on free 127.0.0.1 ports: each chaincode a CCaaS gRPC server with
/// the TLS variables the dev network prints for its host, the network configured from devnet.json (reduced by the
/// caller) dialling those servers. Disposing it stops the network, then the chaincodes, and deletes the folder. (One
/// source file linked into each suite that starts a dev network: the network's types are visible to those test
/// assemblies only.)
/// </summary>
internal sealed class InProcessDevNetwork : IAsyncDisposable
{
    private readonly Dictionary<string, (ChaincodeServerOptions Options, ChaincodeServer? Server)> _chaincodes = new(StringComparer.Ordinal);
    private DevNetworkHost? _network;

    /// <summary>Creates an empty folder named by a new GUID under the temporary folder's <paramref name="folder"/>.</summary>
    public InProcessDevNetwork(string folder)
    {
        Root = Path.Combine(Path.GetTempPath(), folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    /// <summary>The temporary folder, deleted on dispose; a suite may keep its own files (stores, logs) in it.</summary>
    public string Root { get; }

    /// <summary>The cryptogen-style material of the organisations and the chaincode servers.</summary>
    public string CryptoRoot => Path.Combine(Root, "crypto");

    /// <summary>The network.json the network writes for clients (what an API's <c>Fabric:NetworkFile</c> names).</summary>
    public string NetworkJson => Path.Combine(Root, "network.json");

    /// <summary>The running network (its ledgers, its options).</summary>
    public DevNetworkHost Network => _network ?? throw new InvalidOperationException("The dev network has not been started.");

    /// <summary>network/dev/devnet.json, the configuration <c>make run</c> uses, from the repository these tests were built in.</summary>
    public static DevNetworkConfig LoadMakeRunConfig() => DevNetworkConfig.Load(Path.Combine(RepositoryRoot(), "network", "dev", "devnet.json"));

    /// <summary>The folder holding Restcomm.Fabric.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
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

    /// <summary>
    /// Serves chaincode <paramref name="name"/> of <paramref name="config"/> (version 1.0) on a free 127.0.0.1 port, with
    /// the TLS settings the configuration gives it, and points every channel's definition of that chaincode at the server.
    /// </summary>
    public async Task<ChaincodeServer> StartChaincodeAsync(DevNetworkConfig config, string name, IChaincode chaincode, TimeSpan timeout)
    {
        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(ChaincodeTls.ShimEnvironment(config, CryptoRoot, name))
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["CORE_CHAINCODE_ID_NAME"] = $"{name}:1.0",
        });
        var server = await ChaincodeServer.StartAsync(options, chaincode).WaitAsync(timeout);
        // A server started again listens where the network dials the first one.
        options.Address = server.Address;
        _chaincodes[name] = (options, server);
        foreach (var definition in config.Channels.SelectMany(c => c.Chaincodes).Where(c => c.Name == name))
        {
            definition.Address = server.Address;
        }

        return server;
    }

    /// <summary>Stops chaincode <paramref name="name"/>'s server; the network keeps running and dials it in vain.</summary>
    public async Task StopChaincodeAsync(string name)
    {
        var (options, server) = _chaincodes[name];
        _chaincodes[name] = (options, null);
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Serves stopped chaincode <paramref name="name"/> again, with the same settings on the same address.</summary>
    public async Task<ChaincodeServer> StartChaincodeAgainAsync(string name, IChaincode chaincode, TimeSpan timeout)
    {
        var options = _chaincodes[name].Options;
        var server = await ChaincodeServer.StartAsync(options, chaincode).WaitAsync(timeout);
        _chaincodes[name] = (options, server);
        return server;
    }

    /// <summary>
    /// Starts the network of <paramref name="config"/> with its organisations' gateways on free 127.0.0.1 ports, writing
    /// <see cref="NetworkJson"/>; when another process takes a probed port first, it tries again on new ones.
    /// </summary>
    public async Task<DevNetworkHost> StartNetworkAsync(DevNetworkConfig config, TimeSpan timeout)
    {
        for (var attempt = 1; ; attempt++)
        {
            foreach (var org in config.Orgs)
            {
                org.Gateway = $"127.0.0.1:{FreePort()}";
            }

            try
            {
                _network = await DevNetworkHost.StartAsync(new DevNetworkOptions
                {
                    Config = config,
                    CryptoRoot = CryptoRoot,
                    DataDir = Path.Combine(Root, "ledger"),
                    NetworkJsonPath = NetworkJson,
                    LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
                }, CancellationToken.None).WaitAsync(timeout);
                return _network;
            }
            catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // A probed free port was bound by another process before the network bound it: the next attempt picks new ones.
            }
        }
    }

    /// <summary>Stops the network and, after <paramref name="down"/>, starts it again on the same ledger and ports.</summary>
    public async Task RestartNetworkAsync(TimeSpan down, TimeSpan timeout)
    {
        var options = Network.Options;
        await Network.DisposeAsync();
        await Task.Delay(down);
        _network = await DevNetworkHost.StartAsync(options, CancellationToken.None).WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        foreach (var (_, server) in _chaincodes.Values)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
