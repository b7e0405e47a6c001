extern alias cli;

using System.Net;
using Restcomm.Roaming.EndToEnd.Tests.Support;
using Restcomm.Roaming.Scenario;
using ConsortiumCommand = cli::Restcomm.Cli.Consortium.ConsortiumCommand;

namespace Restcomm.Roaming.EndToEnd.Tests;

/// <summary>
/// A fourth operator joining and leaving roaming-emea on the dev network as <c>make run</c> starts it, through
/// <c>restcomm consortium</c>: the channel config update signed by two of the three members' admins (one is refused),
/// the newcomer's REST API proposing an agreement to Org1 at once, Org1 accepting, Org2 refused the document of their
/// pair; then three of the four admins removing it, after which its writes are refused and its pair is Org1's alone.
/// </summary>
public sealed class ConsortiumMembershipEndToEndTests(RoamingNetwork network) : IClassFixture<RoamingNetwork>
{
    private const string Channel = RoamingNetwork.Channel;
    private const string Pair = "pair-Org1MSP-Org4MSP";

    private async Task<(int Code, string Out, string Err)> ConsortiumAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ConsortiumCommand.RunAsync([.. args, "--network", network.NetworkJson], stdout, stderr, CancellationToken.None).WaitAsync(RoamingNetwork.Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Org4_joins_with_two_of_three_admins_agrees_with_Org1_at_once_unseen_by_Org2_and_leaves_with_three_of_four()
    {
        var height = network.LedgerHeight;
        var alone = await ConsortiumAsync("add-member", "--channel", Channel, "--org", "org4", "--signers", "org1");
        var withClient = await ConsortiumAsync("add-member", "--channel", Channel, "--org", "org4", "--signers", "org1 org2:User1");
        Assert.Equal(1, alone.Code);
        Assert.Contains("1 sub-policies were satisfied, but this policy requires 2 of the 'Admins' sub-policies to be satisfied", alone.Err, StringComparison.Ordinal);
        Assert.Contains("The channel roaming-emea is unchanged.", alone.Err, StringComparison.Ordinal);
        Assert.Equal(1, withClient.Code);
        Assert.Equal(height, network.LedgerHeight);
        Assert.DoesNotContain(RoamingNetwork.OperatorD, network.OrgsOf(Channel));

        var joined = await ConsortiumAsync("add-member", "--channel", Channel, "--org", "org4", "--signers", "org1 org3");
        var again = await ConsortiumAsync("add-member", "--channel", Channel, "--org", "Org4MSP");
        Assert.Equal(0, joined.Code);
        Assert.Contains("roaming-emea: Org4MSP added (configuration sequence 1", joined.Out, StringComparison.Ordinal);
        Assert.Contains("Org4MSP is already a member of roaming-emea: nothing to do.", again.Out, StringComparison.Ordinal);
        Assert.Equal([RoamingNetwork.OperatorA, RoamingNetwork.OperatorD], network.CollectionMembers(Channel, "roaming", Pair));
        Assert.Contains(Pair, await File.ReadAllTextAsync(network.NetworkJson), StringComparison.Ordinal);

        // Org4's own REST API, started after the join from the network.json the dev network rewrote.
        await using var d = await network.StartExtraApiAsync(RoamingNetwork.OperatorD, new Dictionary<string, string>());
        using var org4 = d.Client(await d.CreateKeyAsync("roaming:read", "roaming:submit"));
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);
        var tag = RoamingClearingScenario.NewTag();
        var id = $"DA-{tag}";

        var proposed = (await org4.PostJsonAsync("/v1/roaming/agreements", Agreement(id, tag))).Expect(HttpStatusCode.Created);
        var accepted = (await a.PostJsonAsync($"/v1/roaming/agreements/{id}/accept", new { documentHash = proposed.Text("documentHash") })).Expect(HttpStatusCode.OK);
        var byOrg1 = (await a.GetJsonAsync($"/v1/roaming/agreements/{id}/document")).Expect(HttpStatusCode.OK);
        var byOrg2 = await b.GetJsonAsync($"/v1/roaming/agreements/{id}/document");

        Assert.Equal("active", (string?)accepted.Body["agreement"]!["status"]);
        Assert.Equal(id, (string?)byOrg1.Body["document"]!["agreementId"]);
        Assert.Equal(HttpStatusCode.Forbidden, byOrg2.Status);
        Assert.DoesNotContain("IMF SDR daily", byOrg2.Body.ToJsonString(), StringComparison.Ordinal);

        // Leaving: a majority of four is three.
        var tooFew = await ConsortiumAsync("remove-member", "--channel", Channel, "--org", "org4", "--signers", "org1 org2");
        Assert.Equal(1, tooFew.Code);
        Assert.Contains("2 sub-policies were satisfied, but this policy requires 3 of the 'Admins' sub-policies to be satisfied", tooFew.Err, StringComparison.Ordinal);
        var left = await ConsortiumAsync("remove-member", "--channel", Channel, "--org", "org4");
        Assert.Equal(0, left.Code);
        Assert.Contains("roaming-emea: Org4MSP removed (configuration sequence 2", left.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(RoamingNetwork.OperatorD, network.OrgsOf(Channel));
        Assert.Equal([RoamingNetwork.OperatorA], network.CollectionMembers(Channel, "roaming", Pair));

        var afterLeaving = network.LedgerHeight;
        var refused = await org4.PostJsonAsync("/v1/roaming/agreements", Agreement($"DA2-{tag}", tag));
        Assert.True((int)refused.Status >= 400, $"Org4 wrote after leaving: {(int)refused.Status} {refused.Body.ToJsonString()}");
        Assert.Equal(afterLeaving, network.LedgerHeight);
        // Org1 keeps what the pair shared.
        (await a.GetJsonAsync($"/v1/roaming/agreements/{id}/document")).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_file_that_is_no_config_update_is_refused_by_sign_and_submit_and_left_as_it_was()
    {
        var file = Path.GetTempFileName();
        try
        {
            var height = network.LedgerHeight;
            foreach (var content in new[] { Array.Empty<byte>(), "not a protobuf envelope"u8.ToArray() })
            {
                await File.WriteAllBytesAsync(file, content);

                var signed = await ConsortiumAsync("sign", "--file", file, "--org", "org1");
                var submitted = await ConsortiumAsync("submit", "--channel", Channel, "--file", file, "--org", "org1");

                Assert.Equal((1, 1), (signed.Code, submitted.Code));
                Assert.StartsWith("restcomm consortium: ", signed.Err, StringComparison.Ordinal);
                Assert.StartsWith("restcomm consortium: ", submitted.Err, StringComparison.Ordinal);
                Assert.Equal(content, await File.ReadAllBytesAsync(file));
            }

            Assert.Equal(height, network.LedgerHeight);
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>An agreement between D (proposing) and A in SDR.</summary>
    private static AgreementDocument Agreement(string id, string tag)
        => MocLocalAgreements.Between(id, new AgreementParty { MspId = RoamingNetwork.OperatorD, Tadigs = [$"D{tag}"] },
            new AgreementParty { MspId = RoamingNetwork.OperatorA, Tadigs = [$"A{tag}"] }, priceInA: 90, priceInB: 95, MocLocalAgreements.RecentPeriodStart);
}
