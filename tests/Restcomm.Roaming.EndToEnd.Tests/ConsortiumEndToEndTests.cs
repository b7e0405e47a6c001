using System.Net;
using Restcomm.Roaming.EndToEnd.Tests.Support;
using Restcomm.Roaming.Scenario;

namespace Restcomm.Roaming.EndToEnd.Tests;

/// <summary>
/// Two consortia on one dev network, as <c>make run</c> starts them: roaming-emea (A, B, C) and roaming-apac (B and C
/// only). A request names its consortium with <c>?channel=</c>; without it the API's configured one (roaming-emea) is
/// used. A member of one consortium sees nothing of the other: neither through its API nor with its identity on the
/// ledger.
/// </summary>
public sealed class ConsortiumEndToEndTests(RoamingNetwork network) : IClassFixture<RoamingNetwork>
{
    private const string Apac = "?channel=" + RoamingNetwork.ApacChannel;

    [Fact]
    public async Task An_agreement_on_roaming_apac_is_its_members_alone_and_invisible_on_roaming_emea()
    {
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);
        using var c = network.C.Client(network.KeyC);
        var tag = RoamingClearingScenario.NewTag();
        var id = $"BC-{tag}";
        var emeaHeight = network.LedgerHeight;

        var proposed = (await b.PostJsonAsync("/v1/roaming/agreements" + Apac, Agreement(id, tag))).Expect(HttpStatusCode.Created);
        var accepted = (await c.PostJsonAsync($"/v1/roaming/agreements/{id}/accept{Apac}", new { documentHash = proposed.Text("documentHash") })).Expect(HttpStatusCode.OK);
        var document = (await c.GetJsonAsync($"/v1/roaming/agreements/{id}/document{Apac}")).Expect(HttpStatusCode.OK);
        var listed = (await b.GetJsonAsync("/v1/roaming/agreements" + Apac)).Expect(HttpStatusCode.OK);
        var onEmea = await b.GetJsonAsync($"/v1/roaming/agreements/{id}");
        var emeaList = (await c.GetJsonAsync("/v1/roaming/agreements?limit=100")).Expect(HttpStatusCode.OK);

        Assert.Equal("active", (string?)accepted.Body["agreement"]!["status"]);
        Assert.Equal(id, (string?)document.Body["document"]!["agreementId"]);
        Assert.Contains(id, listed.Body["items"]!.AsArray().Select(i => (string?)i!["agreementId"]));
        Assert.Equal(HttpStatusCode.NotFound, onEmea.Status);
        Assert.DoesNotContain(id, emeaList.Body["items"]!.AsArray().Select(i => (string?)i!["agreementId"]));
        Assert.Equal(emeaHeight, network.LedgerHeight);

        // A is no member of roaming-apac: its API refuses to act there and reaches no ledger.
        var apacHeight = network.HeightOf(RoamingNetwork.ApacChannel);
        var get = await a.GetJsonAsync($"/v1/roaming/agreements/{id}{Apac}");
        var propose = await a.PostJsonAsync("/v1/roaming/agreements" + Apac, Agreement($"AC-{tag}", tag));
        var balance = await a.GetJsonAsync("/v1/settlement/accounts/Org1MSP" + Apac);
        foreach (var refused in new[] { get, propose, balance })
        {
            Assert.Equal(HttpStatusCode.NotFound, refused.Status);
            Assert.Equal("urn:restcomm:problem:unknown-consortium", refused.Text("type"));
            Assert.Contains("Org1MSP is not a member of a consortium channel 'roaming-apac'", refused.Text("detail"), StringComparison.Ordinal);
        }

        Assert.Equal(apacHeight, network.HeightOf(RoamingNetwork.ApacChannel));
    }

    [Fact]
    public async Task Org1_is_refused_by_the_roaming_apac_ledger_itself_through_its_own_peer_and_through_a_members_peer()
    {
        // An API of Org1 configured for roaming-apac passes its own check; Org1's peer has not joined the channel, so the
        // gateway finds no peer of Org1 to evaluate or endorse there.
        await using var misconfigured = await network.StartExtraApiAsync(RoamingNetwork.OperatorA, new Dictionary<string, string> { ["Roaming:Channel"] = RoamingNetwork.ApacChannel });
        using var a = misconfigured.Client(await misconfigured.CreateKeyAsync("roaming:read", "roaming:submit"));
        var tag = RoamingClearingScenario.NewTag();
        var apacHeight = network.HeightOf(RoamingNetwork.ApacChannel);

        var read = await a.GetJsonAsync($"/v1/roaming/agreements/BC-{tag}/document");
        var write = await a.PostJsonAsync("/v1/roaming/agreements", Agreement($"AB-{tag}", tag, partyA: RoamingNetwork.OperatorA));

        // Org1's identity through Org2's peer, which is on the channel: the channel's Readers policy refuses it.
        var description = Restcomm.Fabric.Client.FabricNetworkDescription.Load(network.NetworkJson);
        var org1 = description.GetOrg(RoamingNetwork.OperatorA);
        using var gateway = Restcomm.Fabric.Client.Gateway.Connect(description.GetOrg(RoamingNetwork.OperatorB).CreateConnectionOptions(), new Restcomm.Fabric.Client.GatewayOptions
        {
            Identity = Restcomm.Fabric.Client.X509Identity.FromPemFile(RoamingNetwork.OperatorA, org1.ClientCertFile!),
            Signer = Restcomm.Fabric.Client.EcdsaSigner.FromPemFile(org1.ClientKeyFile!),
        });
        var refused = await Assert.ThrowsAnyAsync<Restcomm.Fabric.Client.GatewayException>(
            () => gateway.GetNetwork(RoamingNetwork.ApacChannel).GetContract("roaming").EvaluateTransactionAsync("GetAgreement", $"BC-{tag}").WaitAsync(RoamingNetwork.Timeout));

        Assert.All(new[] { read, write }, answer =>
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, answer.Status);
            Assert.Contains("Org1MSP", answer.Text("detail"), StringComparison.Ordinal);
        });
        Assert.Contains("access denied: channel [roaming-apac] creator org [Org1MSP]",
            refused.Message + string.Concat(refused.Details.Select(d => " " + d.Message)), StringComparison.Ordinal);
        Assert.Equal(apacHeight, network.HeightOf(RoamingNetwork.ApacChannel));
    }

    [Fact]
    public async Task Naming_the_configured_consortium_is_the_same_as_naming_none_and_tap_uploads_stay_on_it()
    {
        using var b = network.B.Client(network.KeyB);

        var named = (await b.GetJsonAsync("/v1/roaming/agreements?channel=" + RoamingNetwork.Channel)).Expect(HttpStatusCode.OK);
        var unnamed = (await b.GetJsonAsync("/v1/roaming/agreements")).Expect(HttpStatusCode.OK);
        var uploads = await b.GetJsonAsync("/v1/roaming/tap-files" + Apac);

        Assert.Equal(unnamed.Body["items"]!.ToJsonString(), named.Body["items"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, uploads.Status);
        Assert.Contains("configured consortium only (roaming-emea)", uploads.Text("detail"), StringComparison.Ordinal);
    }

    /// <summary>An agreement between <paramref name="partyA"/> (default B) and C in SDR.</summary>
    private static AgreementDocument Agreement(string id, string tag, string partyA = RoamingNetwork.OperatorB)
        => MocLocalAgreements.Between(id, new AgreementParty { MspId = partyA, Tadigs = [$"P{tag}"] },
            new AgreementParty { MspId = RoamingNetwork.OperatorC, Tadigs = [$"C{tag}"] }, priceInA: 90, priceInB: 95, MocLocalAgreements.RecentPeriodStart, localCurrency: "SGD");
}
