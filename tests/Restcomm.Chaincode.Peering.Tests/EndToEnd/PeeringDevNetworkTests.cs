using System.Text;
using System.Text.Json;
using Restcomm.Chaincode.Peering.Internal;
using Restcomm.Chaincode.Peering.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Peering;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Chaincode.Peering.Tests.EndToEnd;

/// <summary>
/// The peering chaincode served over gRPC with mutual TLS (as <c>make run</c> starts it) to the dev network configured
/// from <c>network/dev/devnet.json</c>, driven by the gateway client of each operator: the third operator's peer never
/// holds the details, and an expired grant's copy leaves the members' stores.
/// </summary>
public sealed class PeeringDevNetworkTests : IAsyncLifetime
{
    private const string Channel = "roaming-emea";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly InProcessDevNetwork _dev = new("peering-e2e");
    private readonly List<Gateway> _gateways = [];

    public async Task InitializeAsync()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "peering");
        var peering = Assert.Single(channel.Chaincodes);
        Assert.True(peering.TlsRequired && peering.ClientAuthRequired);
        await _dev.StartChaincodeAsync(config, "peering", PeeringChaincode.Create(new PeeringPolicy()), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);
    }

    private Restcomm.Fabric.Client.Contract ContractOf(string mspId)
    {
        var gateway = FabricNetworkDescription.Load(_dev.NetworkJson).GetOrg(mspId).Connect();
        _gateways.Add(gateway);
        return gateway.GetNetwork(Channel).GetContract("peering");
    }

    private static T Read<T>(byte[] json) => JsonSerializer.Deserialize<T>(json, PeeringJson.Options)!;

    private static ProposalOptions On(string endorser, params string[] args) => new ProposalOptions().AddArguments(args).WithEndorsingOrganizations(endorser);

    private bool AnyStoreHolds(string text)
    {
        var store = _dev.Network.Ledgers[Channel].Store;
        var held = new List<string>();
        foreach (var collection in new[] { PeeringLedger.PairCollection, "pair-Org1MSP-Org3MSP", "pair-Org2MSP-Org3MSP" })
        {
            foreach (var org in new[] { "Org1MSP", "Org2MSP", "Org3MSP" })
            {
                held.AddRange(store.PrivateKeys(org, "peering", collection).Select(k => Encoding.UTF8.GetString(store.GetPrivate(org, "peering", collection, k)!.Value)));
            }

            held.AddRange(store.PrivateRwsets("peering", collection).SelectMany(r => KVRWSet.Parser.ParseFrom(r).Writes).Select(w => w.Value.ToStringUtf8()));
        }

        return held.Any(v => v.Contains(text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_short_grant_is_read_by_the_buyer_never_by_the_third_operator_and_after_expiry_its_copy_leaves_the_members_stores()
    {
        var a = ContractOf(PeeringLedger.Buyer);
        var b = ContractOf(PeeringLedger.Seller);
        var c = ContractOf(PeeringLedger.Third);
        using var cts = new CancellationTokenSource(Timeout);
        var profile = PeeringLedger.ProfileBytes(PeeringLedger.Profile());

        await b.SubmitTransactionAsync("RegisterProfile", On(PeeringLedger.Seller).PutTransient(ProfileBook.TransientKey, profile), cts.Token);
        await a.SubmitTransactionAsync("RequestInterconnection", On(PeeringLedger.Buyer, PeeringLedger.Json(PeeringLedger.Request("g-e2e"))), cts.Token);
        var approved = Read<GrantState>(await b.SubmitTransactionAsync("ApproveInterconnection",
            On(PeeringLedger.Seller, "g-e2e", PeeringLedger.Json(new GrantTerms { DurationSeconds = 4 })), cts.Token));

        // The seller's profile is on the seller's peer only; the copy on the pair's peers only.
        var store = _dev.Network.Ledgers[Channel].Store;
        Assert.NotEmpty(store.PrivateKeys("Org2MSP", "peering", "_implicit_org_Org2MSP"));
        Assert.Empty(store.PrivateKeys("Org1MSP", "peering", "_implicit_org_Org2MSP"));
        Assert.Empty(store.PrivateKeys("Org3MSP", "peering", "_implicit_org_Org2MSP"));
        Assert.Empty(store.PrivateKeys("Org3MSP", "peering", PeeringLedger.PairCollection));

        var read = Read<GrantedDetailsView>(await a.EvaluateTransactionAsync("GetGrantedDetails", On(PeeringLedger.Buyer, "g-e2e"), cts.Token));
        Assert.Equal(PeeringLedger.Profile().Sip!.Endpoints, read.Details.Sip!.Endpoints);
        Assert.Null(read.Details.Ss7);
        var byC = await Assert.ThrowsAnyAsync<GatewayException>(() => c.EvaluateTransactionAsync("GetGrantedDetails", On(PeeringLedger.Third, "g-e2e"), cts.Token));
        Assert.Equal("forbidden", byC.ChaincodeError?.Code);
        Assert.Equal(GrantStatus.Approved, Read<GrantState>(await c.EvaluateTransactionAsync("GetGrant", On(PeeringLedger.Third, "g-e2e"), cts.Token)).Status);

        var wait = approved.Granted!.ExpiresAt - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, cts.Token);
        }

        var expired = await Assert.ThrowsAnyAsync<GatewayException>(() => a.EvaluateTransactionAsync("GetGrantedDetails", On(PeeringLedger.Buyer, "g-e2e"), cts.Token));
        Assert.Equal("grant-not-in-force", expired.ChaincodeError?.Code);
        Assert.True(AnyStoreHolds("sbc1.org2.example.net"));

        // The buyer's peer alone cannot change the grant: its key-level policy names the seller's peer.
        var forged = await Assert.ThrowsAsync<CommitException>(() => a.SubmitTransactionAsync("PurgeExpiredGrant", On(PeeringLedger.Buyer, "g-e2e"), cts.Token));
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, forged.Code);
        Assert.True(AnyStoreHolds("sbc1.org2.example.net"));

        var purged = Read<GrantState>(await a.SubmitTransactionAsync("PurgeExpiredGrant", On(PeeringLedger.Seller, "g-e2e"), cts.Token));

        Assert.Equal(GrantStatus.Expired, purged.Status);
        Assert.False(AnyStoreHolds("sbc1.org2.example.net"));
        Assert.NotEmpty(store.PrivateKeys("Org2MSP", "peering", "_implicit_org_Org2MSP"));
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
