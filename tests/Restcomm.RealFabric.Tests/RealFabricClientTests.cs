using System.Text.Json;
using Restcomm.Fabric.Client;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// End to end through the project's own pieces on real Fabric 2.5: the C# gateway client talking to
/// Fabric's peers and orderer, which run the C# example chaincode as a service.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricClientTests(FabricNetworkFixture network)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private const string Roaming = "roaming-emea";
    private const string Pair12 = "pair-Org1MSP-Org2MSP";

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static Gateway Connect(string mspId) =>
        FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg(mspId).Connect();

    private static JsonElement Json(byte[] bytes) => JsonDocument.Parse(bytes).RootElement.Clone();

    [SkippableFact]
    public async Task Asset_submitted_by_one_operator_is_read_by_the_others_and_updates_and_deletes_commit()
    {
        network.Require();
        using var org1 = Connect("Org1MSP");
        using var org3 = Connect("Org3MSP");
        var mine = org1.GetNetwork(Roaming).GetContract("example");
        var theirs = org3.GetNetwork(Roaming).GetContract("example");
        var id = NewId("cs");

        var created = Json(await mine.SubmitTransactionAsync("CreateAsset", id, "AAAA1", "100").WaitAsync(Timeout));
        var read = Json(await theirs.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout));
        await mine.SubmitTransactionAsync("UpdateAsset", id, "BBBB2", "250").WaitAsync(Timeout);
        var updated = Json(await theirs.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout));
        await mine.SubmitTransactionAsync("DeleteAsset", id).WaitAsync(Timeout);
        var gone = await Assert.ThrowsAsync<EvaluateException>(() => theirs.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout));

        Assert.Equal(id, created.GetProperty("id").GetString());
        Assert.Equal("AAAA1", read.GetProperty("owner").GetString());
        Assert.Equal("100", read.GetProperty("value").GetString());
        Assert.Equal("BBBB2", updated.GetProperty("owner").GetString());
        Assert.Contains("does not exist", gone.Message + string.Join(' ', gone.Details.Select(d => d.Message)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Range_query_returns_the_committed_assets_in_key_order_with_an_exclusive_end()
    {
        network.Require();
        using var org2 = Connect("Org2MSP");
        var contract = org2.GetNetwork("numbers").GetContract("example");
        var prefix = NewId("range");
        foreach (var n in new[] { 3, 1, 2 })
        {
            await contract.SubmitTransactionAsync("CreateAsset", $"{prefix}-{n}", "Org2MSP", n.ToString(System.Globalization.CultureInfo.InvariantCulture)).WaitAsync(Timeout);
        }

        var assets = Json(await contract.EvaluateTransactionAsync("GetAssetsByRange", $"{prefix}-1", $"{prefix}-3").WaitAsync(Timeout));

        Assert.Equal([$"{prefix}-1", $"{prefix}-2"], assets.EnumerateArray().Select(a => a.GetProperty("id").GetString()));
    }

    [SkippableFact]
    public async Task Commit_status_and_chaincode_event_come_back_for_a_submitted_transaction()
    {
        network.Require();
        using var org1 = Connect("Org1MSP");
        var fabric = org1.GetNetwork("audit");
        var contract = fabric.GetContract("example");
        var id = NewId("event");

        var submitted = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(id, "Org1MSP", "digest")).WaitAsync(Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(Timeout);
        using var cts = new CancellationTokenSource(Timeout);
        CommittedChaincodeEvent? seen = null;
        await foreach (var e in fabric.GetChaincodeEventsAsync("example", new EventsOptions { StartBlock = status.BlockNumber }, cts.Token))
        {
            if (e.TransactionId == submitted.TransactionId)
            {
                seen = e;
                break;
            }
        }

        Assert.True(status.IsSuccessful, status.Code.ToString());
        Assert.NotNull(seen);
        Assert.Equal("AssetCreated", seen.EventName);
        Assert.Equal(status.BlockNumber, seen.BlockNumber);
        Assert.Equal(id, Json(seen.Payload.ToArray()).GetProperty("id").GetString());
    }

    [SkippableFact]
    public async Task Private_asset_from_transient_data_is_read_by_the_partner_and_refused_to_a_third_operator()
    {
        network.Require();
        using var org1 = Connect("Org1MSP");
        using var org2 = Connect("Org2MSP");
        using var org3 = Connect("Org3MSP");
        var id = NewId("private");
        var secret = $"{{\"owner\":\"AAAA1\",\"value\":\"peering {id}\"}}";

        var options = new ProposalOptions()
            .AddArguments(Pair12, id)
            .PutTransient("asset", secret)
            .WithEndorsingOrganizations("Org1MSP", "Org2MSP");
        await org1.GetNetwork(Roaming).GetContract("example").SubmitTransactionAsync("PutPrivateAsset", options).WaitAsync(Timeout);
        var partner = Json(await org2.GetNetwork(Roaming).GetContract("example").EvaluateTransactionAsync("ReadPrivateAsset", Pair12, id).WaitAsync(Timeout));
        var refused = await Assert.ThrowsAsync<EvaluateException>(
            () => org3.GetNetwork(Roaming).GetContract("example").EvaluateTransactionAsync("ReadPrivateAsset", Pair12, id).WaitAsync(Timeout));

        Assert.Equal($"peering {id}", partner.GetProperty("value").GetString());
        Assert.Contains("does not have read access", refused.Message + string.Join(' ', refused.Details.Select(d => d.Message)), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Regulator_reads_the_audit_channel_but_the_orderer_refuses_its_writes()
    {
        network.Require();
        using var org1 = Connect("Org1MSP");
        using var regulator = Connect("RegulatorMSP");
        var id = NewId("audit");
        await org1.GetNetwork("audit").GetContract("example").SubmitTransactionAsync("CreateAsset", id, "Org1MSP", "statement digest").WaitAsync(Timeout);
        var audit = regulator.GetNetwork("audit").GetContract("example");

        var read = Json(await audit.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout));
        var caller = Json(await audit.EvaluateTransactionAsync("GetCaller").WaitAsync(Timeout));
        var refused = await Assert.ThrowsAnyAsync<GatewayException>(
            () => audit.SubmitTransactionAsync("CreateAsset", NewId("regulator"), "RegulatorMSP", "x").WaitAsync(Timeout));

        Assert.Equal("statement digest", read.GetProperty("value").GetString());
        Assert.Equal("RegulatorMSP", caller.GetProperty("mspId").GetString());
        Assert.IsType<SubmitException>(refused);
        Assert.Contains("Writers", refused.Message + string.Join(' ', refused.Details.Select(d => d.Message)), StringComparison.Ordinal);
    }
    /// <summary>Signs as an organisation's own peer0 (its enrollment certificate and key from the cryptogen output).</summary>
    private static Gateway ConnectAsPeer(string mspId, string domain)
    {
        var org = FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg(mspId);
        var msp = Path.Combine(Repository.Root, ".run", "fabric", "crypto", "peerOrganizations", domain, "peers", $"peer0.{domain}", "msp");
        return Gateway.Connect(org.CreateConnectionOptions(), new GatewayOptions
        {
            Identity = X509Identity.FromPemFile(mspId, Directory.GetFiles(Path.Combine(msp, "signcerts"))[0]),
            Signer = EcdsaSigner.FromPemFile(Directory.GetFiles(Path.Combine(msp, "keystore"))[0]),
        });
    }

    [SkippableFact]
    public async Task A_peer_identity_is_endorsed_but_the_orderer_refuses_it_as_a_transactions_creator()
    {
        network.Require();
        using var peer = ConnectAsPeer("Org1MSP", "org1.example.com");
        var contract = peer.GetNetwork(Roaming).GetContract("example");

        var transaction = await contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments(NewId("peer"), "Org1MSP", "1")).EndorseAsync().WaitAsync(Timeout);
        var refused = await Assert.ThrowsAsync<SubmitException>(() => transaction.SubmitAsync().WaitAsync(Timeout));

        Assert.Equal(Grpc.Core.StatusCode.Aborted, refused.StatusCode);
        Assert.Contains("status=FORBIDDEN", refused.Message, StringComparison.Ordinal);
        Assert.Contains("requires 1 of the 'Writers' sub-policies to be satisfied", refused.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task The_regulators_admin_is_a_writer_on_a_channel_where_its_clients_are_not()
    {
        network.Require();
        using var admin = FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg("RegulatorMSP").Connect(FabricUserRole.Admin);

        var result = await admin.GetNetwork("audit").GetContract("example")
            .SubmitTransactionAsync("CreateAsset", NewId("regadmin"), "RegulatorMSP", "x").WaitAsync(Timeout);

        Assert.Equal("RegulatorMSP", Json(result).GetProperty("owner").GetString());
    }
}
