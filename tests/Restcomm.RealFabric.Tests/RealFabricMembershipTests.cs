using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restcomm.Roaming;
using Restcomm.Roaming.Scenario;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// A fourth operator (Org4MSP, crypto material from the start, no channel) joins <c>roaming-emea</c> on real Fabric
/// through <c>network.sh add-member</c>: a channel config update the orderer accepts only with a majority of the
/// members' admins (two of three), then its peer joins and the chaincodes get a new definition sequence with the pair
/// collections of four. Refused updates (one signature, a client's signature, an MSP without a CA) leave the channel as
/// it was. Right after joining, Org4 proposes an agreement to Org1 through its own REST API; Org2 cannot read it. Then
/// Org4 leaves the same way (three of four admins): its writes are refused, Org1 keeps what the pair shared.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricMembershipTests(FabricNetworkFixture network)
{
    private const string Channel = "roaming-emea";
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(6);

    private static Task<ProcessResult> NetworkAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
        => Repository.BashAsync([Repository.NetworkScript, .. arguments], StepTimeout, environment);

    private static async Task<string> MembersAsync()
    {
        var result = await Repository.BashAsync(
            ["-c", "set -euo pipefail; source network/fabric/lib/common.sh; source network/fabric/lib/native.sh; native_check; source network/fabric/lib/lifecycle.sh; " +
                   $"source network/fabric/lib/membership.sh; record_members {Channel}; echo \"members: ${{CHANNEL_ORGS[{Channel}]}}\""],
            TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.Output.Split('\n').Last(l => l.StartsWith("members: ", StringComparison.Ordinal))["members: ".Length..].Trim();
    }

    private static async Task<int> SequenceAsync(string chaincode)
    {
        var result = await Repository.BashAsync(
            ["-c", $"set -euo pipefail; source network/fabric/lib/common.sh; source network/fabric/lib/native.sh; native_check; source network/fabric/lib/lifecycle.sh; committed_field {Channel} {chaincode} sequence"],
            TimeSpan.FromMinutes(1));
        Assert.True(result.ExitCode == 0, result.ToString());
        return int.Parse(result.Output.Trim().Split('\n').Last(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task Org4_joins_roaming_emea_with_two_of_three_admins_and_proposes_to_Org1_at_once_while_Org2_sees_nothing_of_it()
    {
        network.Require();
        Assert.Equal("org1 org2 org3", await MembersAsync());

        // One admin of three: the orderer wants two.
        var one = await NetworkAsync(new Dictionary<string, string> { ["SIGNERS"] = "org1" }, "add-member", Channel, "org4");
        // Two signatures, but Org2's is its client's, not its admin's.
        var client = await NetworkAsync(new Dictionary<string, string> { ["SIGNERS"] = "org1 org2:User1" }, "add-member", Channel, "org4");
        // An MSP folder without a CA certificate.
        var emptyMsp = Directory.CreateTempSubdirectory("restcomm-bad-msp-").FullName;
        Directory.CreateDirectory(Path.Combine(emptyMsp, "cacerts"));
        var badMsp = await NetworkAsync(new Dictionary<string, string> { ["SIGNERS"] = "org1 org2" }, "add-member", Channel, "org4", emptyMsp);

        foreach (var refused in new[] { one, client })
        {
            Assert.True(refused.ExitCode != 0, refused.ToString());
            Assert.Contains("policy requires 2 of the 'Admins' sub-policies to be satisfied", refused.Output, StringComparison.Ordinal);
            Assert.Contains("the channel is unchanged", refused.Output, StringComparison.Ordinal);
        }

        Assert.True(badMsp.ExitCode != 0, badMsp.ToString());
        Assert.Contains("the channel is unchanged", badMsp.Output, StringComparison.Ordinal);
        Assert.Equal("org1 org2 org3", await MembersAsync());

        var roamingBefore = await SequenceAsync("roaming");
        var joined = await NetworkAsync(new Dictionary<string, string> { ["SIGNERS"] = "org1 org2" }, "add-member", Channel, "org4");
        Assert.True(joined.ExitCode == 0, joined.ToString());
        Assert.Equal("org1 org2 org3 org4", await MembersAsync());
        var roamingAfter = await SequenceAsync("roaming");
        Assert.Equal(roamingBefore + 1, roamingAfter);

        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.NetworkJson)))
        {
            var root = json.RootElement;
            Assert.Contains("Org4MSP", root.GetProperty("orgs").EnumerateArray().Select(o => o.GetProperty("mspId").GetString()));
            var emea = root.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("name").GetString() == Channel);
            Assert.Equal(
                ["pair-Org1MSP-Org2MSP", "pair-Org1MSP-Org3MSP", "pair-Org1MSP-Org4MSP", "pair-Org2MSP-Org3MSP", "pair-Org2MSP-Org4MSP", "pair-Org3MSP-Org4MSP"],
                emea.GetProperty("collections").EnumerateArray().Select(c => c.GetString()));
        }

        // Again: nothing to do, no new sequence.
        var again = await NetworkAsync(new Dictionary<string, string>(), "add-member", Channel, "org4");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("Org4MSP is already a member of roaming-emea", again.Output, StringComparison.Ordinal);
        Assert.Equal(roamingAfter, await SequenceAsync("roaming"));

        // Org4 proposes to Org1 through its own REST API at once; Org1 accepts; Org2 cannot read the pair's document.
        var apis = await RestApiProcesses.StartAsync("Org4MSP", "Org1MSP", "Org2MSP");
        try
        {
            using var d = apis[0].Client();
            using var a = apis[1].Client();
            using var b = apis[2].Client();
            var tag = Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
            var id = $"DA-{tag}";

            var proposed = await PostAsync(d, "/v1/roaming/agreements", Agreement(id, tag));
            Assert.True(proposed.Status == HttpStatusCode.Created, proposed.Body.ToJsonString());
            var accepted = await PostAsync(a, $"/v1/roaming/agreements/{id}/accept", new { documentHash = (string?)proposed.Body["documentHash"] });
            Assert.True(accepted.Status == HttpStatusCode.OK, accepted.Body.ToJsonString());
            using var document = await a.GetAsync(new Uri($"/v1/roaming/agreements/{id}/document", UriKind.Relative));
            using var refused = await b.GetAsync(new Uri($"/v1/roaming/agreements/{id}/document", UriKind.Relative));

            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

            // Org4 leaves: three of four admins now (the default signers), new definitions without its pairs.
            var left = await NetworkAsync(new Dictionary<string, string>(), "remove-member", Channel, "org4");
            Assert.True(left.ExitCode == 0, left.ToString());
            Assert.Contains("needs 3 of the members' admins' signatures", left.Output, StringComparison.Ordinal);
            Assert.Equal("org1 org2 org3", await MembersAsync());
            using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.NetworkJson)))
            {
                var emea = json.RootElement.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("name").GetString() == Channel);
                Assert.Equal(["pair-Org1MSP-Org2MSP", "pair-Org1MSP-Org3MSP", "pair-Org2MSP-Org3MSP"], emea.GetProperty("collections").EnumerateArray().Select(c => c.GetString()));
            }

            // Its writes on the channel are refused now; Org1 still reads the pair's document it holds.
            var tag2 = Guid.NewGuid().ToString("N")[..4].ToUpperInvariant();
            var after = await PostAsync(d, "/v1/roaming/agreements", Agreement($"DA-{tag2}", tag2));
            using var kept = await a.GetAsync(new Uri($"/v1/roaming/agreements/{id}/document", UriKind.Relative));
            Assert.False((int)after.Status is >= 200 and < 300, after.Body.ToJsonString());
            Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        }
        finally
        {
            await apis.DisposeAsync();
            Directory.Delete(emptyMsp, recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body, options: RoamingJson.Options) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    /// <summary>Org4 (TADIG D+tag) and Org1 (A+tag), both directions, in SDR.</summary>
    private static AgreementDocument Agreement(string id, string tag)
        => MocLocalAgreements.Between(id, new AgreementParty { MspId = "Org4MSP", Tadigs = [$"D{tag}"] },
            new AgreementParty { MspId = "Org1MSP", Tadigs = [$"A{tag}"] }, priceInA: 80, priceInB: 85, MocLocalAgreements.RecentPeriodStart);
}
