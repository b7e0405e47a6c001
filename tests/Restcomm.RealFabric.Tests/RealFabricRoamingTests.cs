using Restcomm.Roaming.Scenario;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// Roaming clearing on real Fabric peers: the roaming chaincode deployed by <c>network.sh up</c> as a service on
/// <c>roaming-emea</c>, with its pairwise collections, and the REST APIs of operators A, B and C as processes. The story
/// is the one the dev network's end-to-end suite tells (<see cref="RoamingClearingScenario"/>).
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricRoamingTests(FabricNetworkFixture network)
{
    [SkippableFact]
    public async Task A_and_B_settle_a_month_with_a_tiered_discount_and_a_net_while_C_sees_only_public_headers()
    {
        network.Require();
        await using var apis = await RestApiProcesses.StartAsync("Org1MSP", "Org2MSP", "Org3MSP");
        using var a = apis[0].Client();
        using var b = apis[1].Client();
        using var c = apis[2].Client();

        var scenario = new RoamingClearingScenario(a, b, c, RoamingClearingScenario.NewTag());
        await scenario.RunAsync();

        // Both parties' APIs anchor the signed statement on the audit channel and disclose its figures to the
        // regulator, whose API reads them from its own peer (it is no member of roaming-emea).
        await using var regulatorApi = await RestApiProcess.StartAsync("RegulatorMSP", "audit:read");
        using var regulator = regulatorApi.Client();
        var anchorId = $"roaming-emea~roaming~roaming-statement~{scenario.AgreementId}.{RoamingClearingScenario.Period}";
        System.Text.Json.Nodes.JsonArray disclosures;
        try
        {
            disclosures = await DisclosedAsync(regulator, anchorId);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException(
                e.Message + "\n--- Org1's API:\n" + apis[0].OutputTail() + "\n--- Org2's API:\n" + apis[1].OutputTail()
                + "\n--- the regulator's API:\n" + regulatorApi.OutputTail(), e);
        }

        Assert.Equal(["Org1MSP", "Org2MSP"], disclosures.Select(d => (string?)d!["discloser"]));
        Assert.All(disclosures, d =>
        {
            Assert.Equal("fetched", (string?)d!["status"]);
            Assert.Equal(5820, (long?)d["disclosure"]!["netMinor"]);
            Assert.Equal("Org2MSP", (string?)d["disclosure"]!["netPayerMspId"]);
        });
    }

    /// <summary>The statement's disclosures once the regulator's API has read both parties' (at most three minutes).</summary>
    private static async Task<System.Text.Json.Nodes.JsonArray> DisclosedAsync(HttpClient regulator, string anchorId)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            using var response = await regulator.GetAsync(new Uri($"/v1/audit/anchors/{anchorId}/disclosures", UriKind.Relative));
            last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            if (response.IsSuccessStatusCode
                && System.Text.Json.Nodes.JsonNode.Parse(last[4..])!["disclosures"]!.AsArray() is { Count: 2 } list
                && list.All(d => (string?)d!["status"] != "pending"))
            {
                return list;
            }

            await Task.Delay(1000);
        }

        throw new TimeoutException($"The regulator's API has not read both disclosures of {anchorId}: {last}");
    }
}
