using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Restcomm.Peering.EndToEnd.Tests.Support;

namespace Restcomm.Peering.EndToEnd.Tests;

/// <summary>
/// The peering story through the operators' REST APIs: B (the seller) registers its interconnection profile, A (the
/// buyer) asks for SIP for 30 days, B grants 7, A registers a client, A's application gets a token from B's API and reads
/// exactly the SIP part with it; C sees only public records; revocation and expiry stop the token; the seller's
/// gateway purges an expired grant's copy from the members' stores.
/// </summary>
public sealed class PeeringEndToEndTests(PeeringNetwork net) : IClassFixture<PeeringNetwork>
{
    private static readonly JsonObject Profile = new()
    {
        ["description"] = "Org2 wholesale interconnect",
        ["sip"] = new JsonObject { ["endpoints"] = new JsonArray("sip:sbc1.org2.example.net:5061;transport=tls"), ["ipRanges"] = new JsonArray("192.0.2.0/24") },
        ["ss7"] = new JsonObject { ["pointCodes"] = new JsonArray("2-123-4"), ["globalTitles"] = new JsonArray("447700900123") },
        ["diameter"] = new JsonObject { ["realms"] = new JsonArray("epc.mnc002.mcc234.3gppnetwork.org"), ["hosts"] = new JsonArray("dea1.org2.example.net") },
        ["contacts"] = new JsonArray(new JsonObject { ["name"] = "Interconnect NOC", ["email"] = "noc@org2.example.net" }),
    };

    private HttpClient A => net.A.Client(net.KeyA);

    private HttpClient B => net.B.Client(net.KeyB);

    private HttpClient C => net.C.Client(net.KeyC);

    private static string NewGrantId() => "g-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>B's profile, A's request for SIP for 30 days, B's approval for <paramref name="approvedSeconds"/>, A's client.</summary>
    private async Task<(string GrantId, string ClientId, string Secret)> GrantWithClientAsync(long approvedSeconds)
    {
        (await B.PostJsonAsync("/v1/peering/profiles", Profile)).Expect(HttpStatusCode.Created);
        var grantId = NewGrantId();
        var requested = (await A.PostJsonAsync("/v1/peering/grants", new { grantId, seller = "Org2MSP", services = new[] { "sip" }, purpose = "wholesale voice", durationDays = 30 }))
            .Expect(HttpStatusCode.Created);
        Assert.Equal("requested", (string?)requested.Body["value"]!["status"]);
        var approved = (await B.PostJsonAsync($"/v1/peering/grants/{grantId}/approve", new { durationSeconds = approvedSeconds })).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (string?)approved.Body["value"]!["status"]);
        var client = (await A.PostJsonAsync($"/v1/peering/grants/{grantId}/clients", new { })).Expect(HttpStatusCode.Created);
        return (grantId, (string)client.Body["client"]!["clientId"]!, client.Text("clientSecret"));
    }

    private static async Task<Answer> TokenAsync(OperatorApi api, string clientId, string secret)
    {
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = PeeringNetwork.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/peering/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return await Send(http, request);
    }

    private static async Task<Answer> SharedAsync(OperatorApi api, string grantId, string token)
    {
        using var http = new HttpClient { BaseAddress = api.BaseAddress, Timeout = PeeringNetwork.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/peering/shared/{grantId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Send(http, request);
    }

    private static async Task<Answer> Send(HttpClient http, HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request).WaitAsync(PeeringNetwork.Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(PeeringNetwork.Timeout);
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, headers, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    [Fact]
    public async Task The_buyers_application_reads_exactly_the_granted_SIP_part_with_a_token_and_the_third_operator_sees_only_public_records()
    {
        var (grantId, clientId, secret) = await GrantWithClientAsync(7 * 86_400);

        var token = (await TokenAsync(net.B, clientId, secret)).Expect(HttpStatusCode.OK);
        var shared = (await SharedAsync(net.B, grantId, token.Text("access_token"))).Expect(HttpStatusCode.OK);

        Assert.Equal("Bearer", token.Text("token_type"));
        Assert.InRange(token.Number("expires_in"), 1, 15 * 60);
        Assert.Equal("sip:sbc1.org2.example.net:5061;transport=tls", (string?)shared.Body["details"]!["sip"]!["endpoints"]![0]);
        Assert.Null(shared.Body["details"]!["ss7"]);
        Assert.Null(shared.Body["details"]!["diameter"]);
        var grant = shared.Body["grant"]!;
        var expiresIn = DateTimeOffset.Parse((string)grant["granted"]!["expiresAt"]!, System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.Parse((string)grant["granted"]!["startsAt"]!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromDays(7), expiresIn);

        // C: the public record, nothing more, from its API and its peer.
        var seenByC = (await C.GetJsonAsync($"/v1/peering/grants/{grantId}")).Expect(HttpStatusCode.OK);
        Assert.Equal("approved", (string?)seenByC.Body["status"]);
        Assert.DoesNotContain("sbc1", seenByC.Body.ToJsonString(), StringComparison.Ordinal);
        var refused = (await C.GetJsonAsync($"/v1/peering/grants/{grantId}/details")).Expect(HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", refused.Text("code"));
        (await TokenAsync(net.C, clientId, secret)).Expect(HttpStatusCode.Unauthorized);
        Assert.Empty(net.PrivateKeys(PeeringNetwork.OperatorC, "pair-Org1MSP-Org2MSP"));
        Assert.Empty(net.PrivateKeys(PeeringNetwork.OperatorC, "_implicit_org_Org2MSP"));
        // The buyer's own API reads the copy with its API key; tokens come only from the seller's API.
        (await A.GetJsonAsync($"/v1/peering/grants/{grantId}/details")).Expect(HttpStatusCode.OK);
        Assert.Equal("unauthorized_client", (await TokenAsync(net.A, clientId, secret)).Text("error"));
    }

    [Fact]
    public async Task A_revocation_stops_the_token_on_the_next_request_and_no_new_token_is_issued()
    {
        var (grantId, clientId, secret) = await GrantWithClientAsync(7 * 86_400);
        var token = (await TokenAsync(net.B, clientId, secret)).Expect(HttpStatusCode.OK).Text("access_token");
        (await SharedAsync(net.B, grantId, token)).Expect(HttpStatusCode.OK);

        var revoked = (await B.PostJsonAsync($"/v1/peering/grants/{grantId}/revoke", new { reason = "contract ended" })).Expect(HttpStatusCode.OK);
        var afterRevocation = await SharedAsync(net.B, grantId, token);

        Assert.Equal("revoked", (string?)revoked.Body["value"]!["status"]);
        Assert.Equal(HttpStatusCode.Unauthorized, afterRevocation.Status);
        Assert.Equal("invalid_token", afterRevocation.Text("error"));
        Assert.Contains("error=\"invalid_token\"", afterRevocation.Headers["WWW-Authenticate"], StringComparison.Ordinal);
        Assert.Equal("invalid_grant", (await TokenAsync(net.B, clientId, secret)).Expect(HttpStatusCode.BadRequest).Text("error"));
        Assert.False(net.PairStoresHold(grantId));
    }

    [Fact]
    public async Task Tokens_for_another_grant_with_a_tampered_signature_or_a_wrong_secret_are_refused()
    {
        var (grantId, clientId, secret) = await GrantWithClientAsync(7 * 86_400);
        var (otherGrantId, _, _) = await GrantWithClientAsync(7 * 86_400);
        var token = (await TokenAsync(net.B, clientId, secret)).Expect(HttpStatusCode.OK).Text("access_token");
        var parts = token.Split('.');
        var signature = parts[2].ToCharArray();
        signature[10] = signature[10] == 'A' ? 'B' : 'A';
        var tampered = $"{parts[0]}.{parts[1]}.{new string(signature)}";
        var payload = Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[1].Replace('-', '+').Replace('_', '/'))));
        var forgedClaims = $"{parts[0]}.{Convert.ToBase64String(Encoding.UTF8.GetBytes(payload.Replace(grantId, otherGrantId, StringComparison.Ordinal))).TrimEnd('=').Replace('+', '-').Replace('/', '_')}.{parts[2]}";

        var otherGrant = await SharedAsync(net.B, otherGrantId, token);
        var badSignature = await SharedAsync(net.B, grantId, tampered);
        var rewritten = await SharedAsync(net.B, otherGrantId, forgedClaims);
        var wrongSecret = await TokenAsync(net.B, clientId, secret + "x");
        var unknownClient = await TokenAsync(net.B, "pc-unknown", secret);

        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_token"), (otherGrant.Status, otherGrant.Text("error")));
        Assert.Contains("not for grant", otherGrant.Text("error_description"), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_token"), (badSignature.Status, badSignature.Text("error")));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_token"), (rewritten.Status, rewritten.Text("error")));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (wrongSecret.Status, wrongSecret.Text("error")));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_client"), (unknownClient.Status, unknownClient.Text("error")));
        (await SharedAsync(net.B, grantId, token)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task After_a_short_grant_expires_its_token_is_refused_and_the_sellers_gateway_purges_the_copy_from_the_members_stores()
    {
        var (grantId, clientId, secret) = await GrantWithClientAsync(4);
        var token = (await TokenAsync(net.B, clientId, secret)).Expect(HttpStatusCode.OK);
        Assert.InRange(token.Number("expires_in"), 0, 4);
        Assert.True(net.PairStoresHold(grantId));

        var deadline = DateTimeOffset.UtcNow + PeeringNetwork.Timeout;
        JsonNode? grant = null;
        while (DateTimeOffset.UtcNow < deadline)
        {
            grant = (await C.GetJsonAsync($"/v1/peering/grants/{grantId}")).Expect(HttpStatusCode.OK).Body;
            if ((string?)grant["status"] == "expired")
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.Equal("expired", (string?)grant?["status"]);
        var expired = await SharedAsync(net.B, grantId, token.Text("access_token"));
        Assert.Equal((HttpStatusCode.Unauthorized, "invalid_token"), (expired.Status, expired.Text("error")));
        Assert.NotNull(grant!["purgedAt"]);
        var grants = (await A.GetJsonAsync("/v1/peering/grants?party=Org1MSP")).Expect(HttpStatusCode.OK);
        Assert.Contains(grants.Body.AsArray(), g => (string?)g!["grantId"] == grantId);
        // No copy left on A's or B's peer, nor in any block's private data they keep.
        Assert.False(net.PairStoresHold(grantId));
        (await A.GetJsonAsync($"/v1/peering/grants/{grantId}/details")).Expect(HttpStatusCode.Forbidden);
    }

    private static string Pad(string base64) => base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '=');
}
