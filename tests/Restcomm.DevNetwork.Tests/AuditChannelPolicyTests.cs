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
}
