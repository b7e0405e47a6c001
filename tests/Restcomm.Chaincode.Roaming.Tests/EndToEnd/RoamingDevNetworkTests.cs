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
/// The roaming chaincode served over gRPC with mutual TLS (as <c>make run</c> starts it, from the variables the dev
/// network prints) to the dev network configured from <c>network/dev/devnet.json</c>, driven by the gateway client.
/// </summary>
public sealed class RoamingDevNetworkTests : IAsyncLifetime
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
        _chaincode = await ChaincodeServer.StartAsync(options, RoamingChaincode.Create(new RoamingPolicy())).WaitAsync(Timeout);
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

    private static ProposalOptions Pair(params string[] args) => new ProposalOptions().AddArguments(args).WithEndorsingOrganizations(Samples.A, Samples.B);

    [Fact]
    public async Task A_usage_batch_with_transient_records_is_endorsed_by_the_pair_and_its_records_stay_with_the_pair()
    {
        var a = ContractOf(Samples.A);
        var b = ContractOf(Samples.B);
        var c = ContractOf(Samples.C);
        using var cts = new CancellationTokenSource(Timeout);
        var document = JsonSerializer.SerializeToUtf8Bytes(Samples.Agreement(), RoamingJson.Options);

        await a.SubmitTransactionAsync("ProposeAgreement", Pair().PutTransient("agreement", document), cts.Token);
        var agreement = Read<AgreementState>(await b.SubmitTransactionAsync("AcceptAgreement", Pair(Samples.AgreementId, RoamingLedger.Sha256(document)), cts.Token));
        Assert.Equal(AgreementStatus.Active, agreement.Status);

        var (header, payload) = Samples.Batch(Samples.UsageInA());
        var submitted = Read<SubmitUsageBatchResult>(await a.SubmitTransactionAsync("SubmitUsageBatch",
            Pair(RoamingLedger.Json(header)).PutTransient(UsageBatchPayload.TransientKey, payload), cts.Token));
        Assert.False(submitted.AlreadySubmitted);

        // B's peer holds the records; C sees the public header only.
        var records = Read<UsageRecordsView>(await b.EvaluateTransactionAsync("GetUsageRecords",
            new ProposalOptions().AddArguments(header.FileId, "1").WithEndorsingOrganizations(Samples.B), cts.Token));
        Assert.Equal(JsonSerializer.Serialize(Samples.UsageInA(), RoamingJson.Options), JsonSerializer.Serialize(records.Records, RoamingJson.Options));
        var seenByC = Read<UsageBatchState>(await c.EvaluateTransactionAsync("GetUsageBatch", new ProposalOptions().AddArguments(header.FileId, "1"), cts.Token));
        Assert.Equal(header.MerkleRoot, seenByC.Header.MerkleRoot);
        var refused = await Assert.ThrowsAnyAsync<GatewayException>(() => c.EvaluateTransactionAsync("GetUsageRecords", new ProposalOptions().AddArguments(header.FileId, "1"), cts.Token));
        Assert.Contains("forbidden", refused.ChaincodeError?.Code ?? refused.Message, StringComparison.Ordinal);

        // The same batch again: the original, nothing written.
        var again = Read<SubmitUsageBatchResult>(await a.SubmitTransactionAsync("SubmitUsageBatch",
            Pair(RoamingLedger.Json(header)).PutTransient(UsageBatchPayload.TransientKey, payload), cts.Token));
        Assert.True(again.AlreadySubmitted);
        Assert.Equal(submitted.Batch.TxId, again.Batch.TxId);

        // Endorsed by A and C instead of the pair: the pair's collection policy refuses it at validation.
        var (header2, payload2) = Samples.Batch(Samples.UsageInA(day: 12), batch: 2);
        var wrongPair = new ProposalOptions().AddArguments(RoamingLedger.Json(header2)).PutTransient(UsageBatchPayload.TransientKey, payload2)
            .WithEndorsingOrganizations(Samples.A, Samples.C);
        var failed = await Assert.ThrowsAsync<CommitException>(() => a.SubmitTransactionAsync("SubmitUsageBatch", wrongPair, cts.Token));
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, failed.Code);
        await Assert.ThrowsAnyAsync<GatewayException>(() => b.EvaluateTransactionAsync("GetUsageBatch", new ProposalOptions().AddArguments(header2.FileId, "2"), cts.Token));
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
