using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Chaincode.Roaming.Tests.EndToEnd;

/// <summary>
/// The settlement contract of the roaming chaincode on the dev network (real endorsement, ordering and MVCC/phantom
/// validation): payments to one payee from many payers in the same blocks all commit, two spends of one balance do not.
/// </summary>
public sealed class SettlementDevNetworkTests : IAsyncLifetime
{
    private const string Channel = "roaming-emea";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "roaming-e2e", Guid.NewGuid().ToString("N"));
    private readonly List<Gateway> _gateways = [];
    private ChaincodeServer _chaincode = null!;
    private DevNetworkHost _network = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var config = DevNetworkConfig.Load(Path.Combine(RepositoryRoot(), "network", "dev", "devnet.json"));
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "roaming");
        var roaming = Assert.Single(channel.Chaincodes);
        Assert.True(roaming.TlsRequired && roaming.ClientAuthRequired);
        foreach (var org in config.Orgs)
        {
            org.Gateway = $"127.0.0.1:{FreePort()}";
        }

        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(ChaincodeTls.ShimEnvironment(config, Path.Combine(_root, "crypto"), "roaming"))
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["CORE_CHAINCODE_ID_NAME"] = "roaming:1.0",
        });
        _chaincode = await ChaincodeServer.StartAsync(options, RoamingChaincode.Create(new RoamingPolicy(), new SettlementPolicy { Members = [Samples.A, Samples.B, Samples.C] })).WaitAsync(Timeout);
        roaming.Address = _chaincode.Address;
        _network = await DevNetworkHost.StartAsync(new DevNetworkOptions
        {
            Config = config,
            CryptoRoot = Path.Combine(_root, "crypto"),
            DataDir = Path.Combine(_root, "ledger"),
            NetworkJsonPath = Path.Combine(_root, "network.json"),
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        }, CancellationToken.None).WaitAsync(Timeout);
    }

    private Restcomm.Fabric.Client.Contract ContractOf(string mspId)
    {
        var gateway = FabricNetworkDescription.Load(Path.Combine(_root, "network.json")).GetOrg(mspId).Connect();
        _gateways.Add(gateway);
        return gateway.GetNetwork(Channel).GetContract("roaming");
    }

    private static T Read<T>(byte[] json) => JsonSerializer.Deserialize<T>(json, RoamingJson.Options)!;

    private static ProposalOptions Public(params string[] args) => new ProposalOptions().AddArguments(args).WithEndorsingOrganizations(Samples.A, Samples.B);

    [Fact]
    public async Task Concurrent_payments_to_one_payee_all_commit_and_two_spends_of_one_balance_do_not()
    {
        var a = ContractOf(Samples.A);
        var b = ContractOf(Samples.B);
        using var cts = new CancellationTokenSource(Timeout);
        var proposal = Read<Restcomm.Roaming.Settlement.SupplyProposal>(await a.SubmitTransactionAsync("settlement:ProposeSupplyChange", Public("mint", Samples.A, "100000", "allocation"), cts.Token));
        var executed = Read<Restcomm.Roaming.Settlement.SupplyProposal>(await b.SubmitTransactionAsync("settlement:ApproveSupplyChange", Public(proposal.ProposalId), cts.Token));
        Assert.Equal(Restcomm.Roaming.Settlement.ProposalStatus.Executed, executed.Status);
        var payers = Enumerable.Range(0, 24).Select(i => $"{Samples.A}/payer-{i:D2}").ToList();
        foreach (var payer in payers)
        {
            await a.SubmitTransactionAsync("settlement:Transfer", Public(payer, "100"), cts.Token);
        }

        // Every payer pays the same payee at once: the payments land in the same blocks and none conflicts.
        await Task.WhenAll(payers.Select(p => a.SubmitTransactionAsync("settlement:TransferFrom", Public(p, Samples.C, "10"), cts.Token)));

        var payee = Read<Restcomm.Roaming.Settlement.AccountBalance>(await b.EvaluateTransactionAsync("settlement:BalanceOf", new ProposalOptions().AddArguments(Samples.C), cts.Token));
        Assert.Equal((240L, 24), (payee.Balance, payee.Entries));

        // Two spends of the whole remaining balance of one payer at once: one commits, the other is refused (a phantom
        // read of the payer's entries at validation, or insufficient funds if it was endorsed after the first committed).
        var spends = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            try
            {
                await a.SubmitTransactionAsync("settlement:TransferFrom", Public(payers[0], Samples.B, "90"), cts.Token);
                return "committed";
            }
            catch (CommitException e)
            {
                return e.Code.ToString();
            }
            catch (GatewayException e) when (e.ChaincodeError?.Code == "insufficient-funds")
            {
                return "insufficient-funds";
            }
        }));
        Assert.Single(spends, s => s == "committed");
        Assert.Single(spends, s => s is nameof(TxValidationCode.PhantomReadConflict) or nameof(TxValidationCode.MvccReadConflict) or "insufficient-funds");
        var left = Read<Restcomm.Roaming.Settlement.AccountBalance>(await b.EvaluateTransactionAsync("settlement:BalanceOf", new ProposalOptions().AddArguments(payers[0]), cts.Token));
        Assert.Equal(0, left.Balance);
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
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
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
