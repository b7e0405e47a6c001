using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Ingestion.Tests.Infrastructure;

/// <summary>
/// The dev network from <c>network/dev/devnet.json</c> (roaming-emea with the roaming chaincode only, gateways on free
/// ports) and the real roaming chaincode served over mutual TLS, both in this process, in a temporary folder.
/// </summary>
public sealed class RoamingDevNetwork : IAsyncLifetime
{
    public const string Channel = "roaming-emea";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly List<Restcomm.Fabric.Client.Gateway> _gateways = [];
    private ChaincodeServer? _chaincode;
    private DevNetworkHost? _network;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "restcomm-ingest-e2e", Guid.NewGuid().ToString("N"));

    public string NetworkJson => Path.Combine(Root, "network.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var config = DevNetworkConfig.Load(Path.Combine(RepositoryRoot(), "network", "dev", "devnet.json"));
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "roaming");
        var roaming = Assert.Single(channel.Chaincodes);
        foreach (var org in config.Orgs)
        {
            org.Gateway = $"127.0.0.1:{FreePort()}";
        }

        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(ChaincodeTls.ShimEnvironment(config, Path.Combine(Root, "crypto"), "roaming"))
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["CORE_CHAINCODE_ID_NAME"] = "roaming:1.0",
        });
        _chaincode = await ChaincodeServer.StartAsync(options, RoamingChaincode.Create(new RoamingPolicy())).WaitAsync(Timeout);
        roaming.Address = _chaincode.Address;
        _network = await DevNetworkHost.StartAsync(new DevNetworkOptions
        {
            Config = config,
            CryptoRoot = Path.Combine(Root, "crypto"),
            DataDir = Path.Combine(Root, "ledger"),
            NetworkJsonPath = NetworkJson,
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        }, CancellationToken.None).WaitAsync(Timeout);
    }

    /// <summary>The roaming chaincode as an organisation's user (with the roaming roles in its certificate).</summary>
    public Contract ContractOf(string mspId)
    {
        var gateway = FabricNetworkDescription.Load(NetworkJson).GetOrg(mspId).Connect();
        lock (_gateways)
        {
            _gateways.Add(gateway);
        }

        return gateway.GetNetwork(Channel).GetContract("roaming");
    }

    /// <summary>The visited operator proposes the agreement, the home operator accepts it.</summary>
    public async Task AgreeAsync(AgreementDocument document)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, RoamingJson.Options);
        var pair = new[] { document.PartyA.MspId, document.PartyB.MspId };
        await ContractOf(document.PartyA.MspId).SubmitTransactionAsync("ProposeAgreement",
            new ProposalOptions().PutTransient("agreement", bytes).WithEndorsingOrganizations(pair), cts.Token);
        await ContractOf(document.PartyB.MspId).SubmitTransactionAsync("AcceptAgreement",
            new ProposalOptions().AddArguments(document.AgreementId, Convert.ToHexStringLower(SHA256.HashData(bytes))).WithEndorsingOrganizations(pair), cts.Token);
    }

    /// <summary>The public state of every batch of a file, read through the gateway (batch 1 up to the first missing one).</summary>
    public async Task<IReadOnlyList<UsageBatchState>> BatchesOnLedgerAsync(string fileId, int expected)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var contract = ContractOf(Agreements.Home);
        var states = new List<UsageBatchState>();
        for (var n = 1; n <= expected; n++)
        {
            var json = await contract.EvaluateTransactionAsync("GetUsageBatch", new ProposalOptions().AddArguments(fileId, n.ToString(System.Globalization.CultureInfo.InvariantCulture)), cts.Token);
            states.Add(JsonSerializer.Deserialize<UsageBatchState>(json, RoamingJson.Options)!);
        }

        return states;
    }

    public async Task<FileSequenceReport> SequenceReportAsync(string sender, string recipient)
    {
        using var cts = new CancellationTokenSource(Timeout);
        var json = await ContractOf(Agreements.Home).EvaluateTransactionAsync("GetFileSequenceReport", new ProposalOptions().AddArguments(sender, recipient), cts.Token);
        return JsonSerializer.Deserialize<FileSequenceReport>(json, RoamingJson.Options)!;
    }

    public async Task DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            gateway.Dispose();
        }

        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        if (_chaincode is not null)
        {
            await _chaincode.DisposeAsync();
        }

        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Tests that start a dev network run one at a time (two cores).</summary>
[CollectionDefinition(Name)]
public sealed class DevNetworkCollection
{
    public const string Name = "dev network";
}
