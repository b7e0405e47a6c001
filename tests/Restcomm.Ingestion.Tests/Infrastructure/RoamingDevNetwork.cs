using System.Security.Cryptography;
using System.Text.Json;
using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Fabric.Client;
using Restcomm.Roaming;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Ingestion.Tests.Infrastructure;

/// <summary>
/// The dev network from <c>network/dev/devnet.json</c> (roaming-emea with the roaming chaincode only, gateways on free
/// ports) and the real roaming chaincode served over mutual TLS, both in this process, in a temporary folder.
/// </summary>
public sealed class RoamingDevNetwork : IAsyncLifetime
{
    public const string Channel = "roaming-emea";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly InProcessDevNetwork _dev = new("restcomm-ingest-e2e");
    private readonly List<Restcomm.Fabric.Client.Gateway> _gateways = [];

    /// <summary>The temporary folder (deleted on dispose), where a test may keep its store.</summary>
    public string Root => _dev.Root;

    public string NetworkJson => _dev.NetworkJson;

    public async Task InitializeAsync()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "roaming");
        Assert.Single(channel.Chaincodes);
        await _dev.StartChaincodeAsync(config, "roaming", RoamingChaincode.Create(new RoamingPolicy()), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);
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

        await _dev.DisposeAsync();
    }
}

/// <summary>Tests that start a dev network run one at a time (two cores).</summary>
[CollectionDefinition(Name)]
public sealed class DevNetworkCollection
{
    public const string Name = "dev network";
}
