using System.Text;
using System.Text.Json;
using Restcomm.Fabric.Client;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// The peering chaincode as a service on the real <c>roaming-emea</c> channel (deployed here with
/// <c>network.sh deploy peering</c>: implicit org collections for profiles, pair collections for grants): the third
/// operator's peer is refused the details, and an expired grant's copy is refused and then purged from the members'
/// stores (each peer's own answer to <c>GetGrantCopyHolding</c>).
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricPeeringTests(FabricNetworkFixture network)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly string Profile = JsonSerializer.Serialize(new
    {
        sip = new { endpoints = new[] { "sip:sbc1.org2.example.net:5061;transport=tls" }, ipRanges = new[] { "192.0.2.0/24" } },
        ss7 = new { pointCodes = new[] { "2-123-4" }, globalTitles = new[] { "447700900123" } },
        contacts = new[] { new { name = "Interconnect NOC", email = "noc@org2.example.net" } },
    });

    private static Contract Peering(Gateway gateway) => gateway.GetNetwork("roaming-emea").GetContract("peering");

    private static ProposalOptions On(string endorser, params string[] args) => new ProposalOptions().AddArguments(args).WithEndorsingOrganizations(endorser);

    [SkippableFact]
    public async Task A_short_grant_is_read_by_the_buyer_refused_to_the_third_operator_and_purged_after_expiry()
    {
        network.Require();
        var deploy = await Repository.BashAsync([Repository.NetworkScript, "deploy", "peering"], TimeSpan.FromMinutes(5));
        Assert.True(deploy.ExitCode == 0, "network.sh deploy peering failed:\n" + deploy);
        using var org1 = Connect("Org1MSP");
        using var org2 = Connect("Org2MSP");
        using var org3 = Connect("Org3MSP");
        var grantId = "g-" + Guid.NewGuid().ToString("N")[..10];
        var request = JsonSerializer.Serialize(new { grantId, seller = "Org2MSP", services = new[] { "sip" }, purpose = "wholesale voice", durationSeconds = 30 * 86400 });

        await Peering(org2).SubmitTransactionAsync("RegisterProfile", On("Org2MSP").PutTransient("profile", Encoding.UTF8.GetBytes(Profile))).WaitAsync(Timeout);
        await Peering(org1).SubmitTransactionAsync("RequestInterconnection", On("Org1MSP", request)).WaitAsync(Timeout);
        await Peering(org2).SubmitTransactionAsync("ApproveInterconnection", On("Org2MSP", grantId, """{"durationSeconds":8}""")).WaitAsync(Timeout);
        using var read = JsonDocument.Parse(await Peering(org1).EvaluateTransactionAsync("GetGrantedDetails", On("Org1MSP", grantId)).WaitAsync(Timeout));
        var byOrg3 = await Assert.ThrowsAnyAsync<GatewayException>(() => Peering(org3).EvaluateTransactionAsync("GetGrantedDetails", On("Org3MSP", grantId)).WaitAsync(Timeout));

        Assert.Equal("sip:sbc1.org2.example.net:5061;transport=tls", read.RootElement.GetProperty("details").GetProperty("sip").GetProperty("endpoints")[0].GetString());
        Assert.False(read.RootElement.GetProperty("details").TryGetProperty("ss7", out _));
        Assert.Equal("forbidden", byOrg3.ChaincodeError?.Code);
        // Every peer keeps the copy's hash; the parties' peers the copy itself; the third operator is told nothing of the copy.
        Assert.Equal((true, (bool?)true), Held(await HoldingAsync(org1, "Org1MSP", grantId, hashHeld: true)));
        Assert.Equal((true, (bool?)true), Held(await HoldingAsync(org2, "Org2MSP", grantId, hashHeld: true)));
        Assert.Equal((true, (bool?)null), Held(await HoldingAsync(org3, "Org3MSP", grantId, hashHeld: true)));

        await Task.Delay(TimeSpan.FromSeconds(10));
        var expired = await Assert.ThrowsAnyAsync<GatewayException>(() => Peering(org1).EvaluateTransactionAsync("GetGrantedDetails", On("Org1MSP", grantId)).WaitAsync(Timeout));
        Assert.Equal("grant-not-in-force", expired.ChaincodeError?.Code);
        using var purged = JsonDocument.Parse(await Peering(org1).SubmitTransactionAsync("PurgeExpiredGrant", On("Org2MSP", grantId)).WaitAsync(Timeout));
        Assert.Equal("expired", purged.RootElement.GetProperty("status").GetString());
        // Purged from the members' stores: neither party's peer holds the copy or its hash, nor does the third operator's peer hold the hash.
        Assert.Equal((false, (bool?)false), Held(await HoldingAsync(org1, "Org1MSP", grantId, hashHeld: false)));
        Assert.Equal((false, (bool?)false), Held(await HoldingAsync(org2, "Org2MSP", grantId, hashHeld: false)));
        Assert.Equal((false, (bool?)null), Held(await HoldingAsync(org3, "Org3MSP", grantId, hashHeld: false)));
    }

    private static (bool HashHeld, bool? CopyHeld) Held(JsonElement holding) => (
        holding.GetProperty("detailsHashHeld").GetBoolean(),
        holding.TryGetProperty("detailsHeld", out var held) && held.ValueKind != JsonValueKind.Null ? held.GetBoolean() : null);

    /// <summary>
    /// What <paramref name="mspId"/>'s own peer keeps of the grant's copy, once its hash is there or gone as
    /// <paramref name="hashHeld"/> says (each peer commits a block in its own time; at most 30 s).
    /// </summary>
    private static async Task<JsonElement> HoldingAsync(Gateway gateway, string mspId, string grantId, bool hashHeld)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var answer = JsonDocument.Parse(await Peering(gateway).EvaluateTransactionAsync("GetGrantCopyHolding", On(mspId, grantId)).WaitAsync(Timeout));
            var holding = answer.RootElement.Clone();
            if (holding.GetProperty("detailsHashHeld").GetBoolean() == hashHeld || DateTime.UtcNow > deadline)
            {
                return holding;
            }

            await Task.Delay(500);
        }
    }

    private static Gateway Connect(string mspId) => FabricNetworkDescription.Load(Repository.NetworkJson).GetOrg(mspId).Connect();
}
