extern alias cli;

using System.Text.Json.Nodes;
using Restcomm.Peering.EndToEnd.Tests.Support;

namespace Restcomm.Peering.EndToEnd.Tests;

/// <summary>
/// <c>restcomm peering …</c> from a shell against the operators' real APIs: the story of <c>make run</c> — B registers a
/// profile, A asks for SIP for 30 days, B grants 7, A registers a client, the client gets a token from B's API and reads
/// the SIP part, B revokes and the token stops.
/// </summary>
public sealed class PeeringCliTests(PeeringNetwork net) : IClassFixture<PeeringNetwork>
{
    private static async Task<(int Code, string Out, string Err)> RunAsync(Uri url, string? key, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        string[] api = key is null ? ["--url", url.ToString()] : ["--url", url.ToString(), "--key", key];
        var code = await cli::Restcomm.Cli.Peering.PeeringCommand.RunAsync([.. args, .. api], stdout, stderr, CancellationToken.None).WaitAsync(PeeringNetwork.Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task The_make_run_story_runs_from_the_shell_and_a_revoked_token_is_exit_1()
    {
        var profile = Path.Combine(Path.GetTempPath(), $"peering-profile-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(profile, """
            { "sip": { "endpoints": ["sip:sbc9.org2.example.net:5061;transport=tls"], "ipRanges": ["198.51.100.0/24"] },
              "ss7": { "pointCodes": ["2-200-1"] },
              "contacts": [ { "name": "NOC", "email": "noc@org2.example.net" } ] }
            """);
        var grantId = "g-cli-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var registered = await RunAsync(net.B.BaseAddress, net.KeyB, "profile", "register", profile);
            var requested = await RunAsync(net.A.BaseAddress, net.KeyA, "request", "Org2MSP", "--services", "sip", "--purpose", "wholesale voice", "--days", "30", "--grant-id", grantId);
            var approved = await RunAsync(net.B.BaseAddress, net.KeyB, "approve", grantId, "--days", "7");
            var client = await RunAsync(net.A.BaseAddress, net.KeyA, "client", "register", grantId);
            var clientJson = JsonNode.Parse(client.Out)!;
            var token = await RunAsync(net.B.BaseAddress, null, "token", "--client-id", (string)clientJson["client"]!["clientId"]!, "--client-secret", (string)clientJson["clientSecret"]!);
            var accessToken = (string)JsonNode.Parse(token.Out)!["access_token"]!;
            var shared = await RunAsync(net.B.BaseAddress, null, "shared", grantId, "--token", accessToken);
            var byC = await RunAsync(net.C.BaseAddress, net.KeyC, "details", grantId);
            var revoked = await RunAsync(net.B.BaseAddress, net.KeyB, "revoke", grantId, "--reason", "contract ended");
            var afterRevocation = await RunAsync(net.B.BaseAddress, null, "shared", grantId, "--token", accessToken);

            Assert.Equal((0, 0, 0, 0, 0, 0), (registered.Code, requested.Code, approved.Code, client.Code, token.Code, shared.Code));
            Assert.Equal("sip:sbc9.org2.example.net:5061;transport=tls", (string?)JsonNode.Parse(shared.Out)!["details"]!["sip"]!["endpoints"]![0]);
            Assert.Null(JsonNode.Parse(shared.Out)!["details"]!["ss7"]);
            Assert.Equal(1, byC.Code);
            Assert.Contains("peering-forbidden", byC.Err, StringComparison.Ordinal);
            Assert.Equal((0, "revoked"), (revoked.Code, (string?)JsonNode.Parse(revoked.Out)!["value"]!["status"]));
            Assert.Equal(1, afterRevocation.Code);
            Assert.Contains("invalid_token", afterRevocation.Err, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(profile);
        }
    }
}
