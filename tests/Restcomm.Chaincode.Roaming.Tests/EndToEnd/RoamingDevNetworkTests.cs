using System.Text.Json;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Roaming;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Chaincode.Roaming.Tests.EndToEnd;

/// <summary>
/// The roaming chaincode served over gRPC with mutual TLS (as <c>make run</c> starts it, from the variables the dev
/// network prints) to the dev network configured from <c>network/dev/devnet.json</c>, driven by the gateway client.
/// </summary>
public sealed class RoamingDevNetworkTests : IAsyncLifetime
{
    private const string Channel = "roaming-emea";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly InProcessDevNetwork _dev = new("roaming-e2e");
    private readonly List<Gateway> _gateways = [];

    public async Task InitializeAsync()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "roaming");
        var roaming = Assert.Single(channel.Chaincodes);
        Assert.True(roaming.TlsRequired && roaming.ClientAuthRequired);
        await _dev.StartChaincodeAsync(config, "roaming", RoamingChaincode.Create(new RoamingPolicy()), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);
    }

    private Restcomm.Fabric.Client.Contract ContractOf(string mspId)
    {
        var gateway = FabricNetworkDescription.Load(_dev.NetworkJson).GetOrg(mspId).Connect();
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

        await _dev.DisposeAsync();
    }
}
