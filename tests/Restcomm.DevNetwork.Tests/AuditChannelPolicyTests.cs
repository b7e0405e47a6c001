using System.Text.Json;
using Grpc.Core;
using Restcomm.Audit;
using Restcomm.Chaincode.Audit;
using Restcomm.Chaincode.Audit.Internal;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Shim;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// The regulator reads the audit channel but cannot write to it, by the channel's Writers policy alone: the audit
/// chaincode here is deployed without its own MSP check, so only the orderer stands in the way.
/// </summary>
public sealed class AuditChannelPolicyTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    private static string Request(long from) => JsonSerializer.Serialize(new AnchorRequest
    {
        SourceChannel = "eir", Chaincode = "eir", Kind = AnchorKinds.EirChanges, FromBlock = from, ToBlock = from + 9,
        Digest = AnchorDigest.Sha256Hex([(byte)from]), ChangeCount = 0,
    }, AuditJson.Options);

    [Fact]
    public async Task A_regulator_signed_anchor_is_refused_by_the_channel_policy_while_operators_anchor_and_the_regulator_reads()
    {
        await using var audit = await ChaincodeServer.StartAsync(
            new ChaincodeServerOptions { Address = "127.0.0.1:0", ChaincodeId = "audit:1.0" },
            AuditChaincode.Create(new AuditPolicy { ReadOnlyMsps = new HashSet<string>() })).WaitAsync(Timeout);
        await using var net = await TestNetwork.StartAsync(config => config.Channels.Add(new ChannelConfig
        {
            Name = "audit",
            Members = ["Org1MSP", "Org2MSP", "Org3MSP"],
            Readers = ["RegulatorMSP"],
            Chaincodes = [new ChaincodeConfig { Name = "audit", Address = audit.Address, EndorsementPolicy = "MAJORITY", TlsRequired = false }],
        }));
        var regulator = net.Connect("RegulatorMSP").GetNetwork("audit").GetContract("audit");
        var operatorContract = net.Connect("Org1MSP").GetNetwork("audit").GetContract("audit");

        await operatorContract.SubmitTransactionAsync("Anchor", Request(0)).WaitAsync(Timeout);
        var endorsed = await regulator.NewProposal("Anchor", new ProposalOptions().AddArguments(Request(10))).EndorseAsync().WaitAsync(Timeout);
        var refused = await Assert.ThrowsAsync<SubmitException>(() => endorsed.SubmitAsync().WaitAsync(Timeout));
        var read = JsonSerializer.Deserialize<AuditAnchor>(
            await regulator.EvaluateTransactionAsync("GetAnchor", "eir~eir~eir-changes~0-9").WaitAsync(Timeout), AuditJson.Options)!;

        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        Assert.Contains("requires 1 of the 'Writers' sub-policies to be satisfied", refused.Message, StringComparison.Ordinal);
        Assert.Equal("Org1MSP", read.AnchoredBy);
        var missing = await Assert.ThrowsAsync<EvaluateException>(() => regulator.EvaluateTransactionAsync("GetAnchor", "eir~eir~eir-changes~10-19").WaitAsync(Timeout));
        Assert.Contains("no anchor", missing.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// The audit chaincode's disclosure collections exactly as devnet.json defines them: an operator discloses a signed
    /// statement's figures endorsed by its own peer alone, the regulator reads them from its peer, another operator is
    /// refused, and no block carries the figures.
    /// </summary>
    [Fact]
    public async Task An_operators_disclosure_is_endorsed_by_its_peer_alone_read_by_the_regulator_and_refused_to_another_operator()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Restcomm.Fabric.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        var devnet = DevNetworkConfig.Load(Path.Combine(root.FullName, "network", "dev", "devnet.json"));
        var defined = devnet.Channels.Single(c => c.Name == "audit").Chaincodes.Single(c => c.Name == "audit");
        await using var audit = await ChaincodeServer.StartAsync(
            new ChaincodeServerOptions { Address = "127.0.0.1:0", ChaincodeId = "audit:1.0" }, AuditChaincode.Create(new AuditPolicy())).WaitAsync(Timeout);
        await using var net = await TestNetwork.StartAsync(config => config.Channels.Add(new ChannelConfig
        {
            Name = "audit",
            Members = ["Org1MSP", "Org2MSP", "Org3MSP"],
            Readers = ["RegulatorMSP"],
            Chaincodes = [new ChaincodeConfig
            {
                Name = "audit", Address = audit.Address, EndorsementPolicy = defined.EndorsementPolicy, TlsRequired = false, Collections = defined.Collections,
            }],
        }));
        var org1 = net.Connect("Org1MSP").GetNetwork("audit").GetContract("audit");
        var org2 = net.Connect("Org2MSP").GetNetwork("audit").GetContract("audit");
        var regulator = net.Connect("RegulatorMSP").GetNetwork("audit").GetContract("audit");
        const string anchorId = "roaming-emea~roaming~roaming-statement~AG-7.2026-10";
        await org1.SubmitTransactionAsync("Anchor", JsonSerializer.Serialize(new AnchorRequest
        {
            SourceChannel = "roaming-emea", Chaincode = "roaming", Kind = AnchorKinds.RoamingStatement, StatementId = "AG-7.2026-10",
            Digest = AnchorDigest.Sha256Hex([7]), ChangeCount = 1,
        }, AuditJson.Options)).WaitAsync(Timeout);
        var disclosure = JsonSerializer.Serialize(new StatementDisclosure
        {
            AnchorId = anchorId, SourceChannel = "roaming-emea", AgreementId = "AG-7", Period = "2026-10", Parties = ["Org1MSP", "Org2MSP"],
            Currency = "SDR", DecimalPlaces = 3, Batches = 3, ChargedMinor = new Dictionary<string, long> { ["Org1MSP"] = 9_000, ["Org2MSP"] = 1_234 },
            NetMinor = 7_766, NetPayerMspId = "Org2MSP", NetPayeeMspId = "Org1MSP", StatementHash = AnchorDigest.Sha256Hex([8]),
        }, AuditJson.Options);

        var height = net.Network.Ledgers["audit"].Height;
        var endorsed = await org1.NewProposal("Disclose", new ProposalOptions().AddArguments(anchorId).PutTransient("disclosure", disclosure).WithEndorsingOrganizations("Org1MSP"))
            .EndorseAsync().WaitAsync(Timeout);
        var submitted = await endorsed.SubmitAsync().WaitAsync(Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(Timeout);
        var read = JsonSerializer.Deserialize<StatementDisclosure>(
            await regulator.EvaluateTransactionAsync("GetDisclosure", anchorId, "Org1MSP").WaitAsync(Timeout), AuditJson.Options)!;
        var refused = await Assert.ThrowsAsync<EvaluateException>(() => org2.EvaluateTransactionAsync("GetDisclosure", anchorId, "Org1MSP").WaitAsync(Timeout));

        Assert.True(status.IsSuccessful, $"the disclosure committed as {status.Code}");
        Assert.Equal((7_766L, "Org2MSP"), (read.NetMinor, read.NetPayerMspId));
        Assert.Contains("disclosures are for Org1MSP and the regulators", refused.Message, StringComparison.Ordinal);
        // The figures never reach a block: only the collection's hashes and the event naming the anchor.
        for (var number = height; number < net.Network.Ledgers["audit"].Height; number++)
        {
            var bytes = Google.Protobuf.MessageExtensions.ToByteArray(net.Network.Ledgers["audit"].GetBlock(number)!);
            Assert.DoesNotContain("7766", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
        }
    }
}
