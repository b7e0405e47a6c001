using System.Net;
using System.Text;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>What every endpoint group answers the same way: media types, request IDs, oversized requests, control characters.</summary>
public sealed class ApiContractTests : ApiTestBase
{
    private const string Report = """{"target":"352099001761481","reason":"stolen"}""";

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData(null)]
    public async Task A_json_body_sent_as_another_media_type_gets_415_on_every_group(string? contentType)
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirWrite, ApiScopes.LedgerWrite);

        foreach (var path in new[] { "/v1/eir/entries", "/v1/ledger/eir/eir/submit" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(Report)) };
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
            }

            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

            var response = await client.SendAsync(request).WaitAsync(Timeout);

            await ReadProblemAsync(response, 415, "unsupported-media-type");
        }

        Assert.Equal(0, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task A_request_id_is_echoed_and_one_is_made_when_the_caller_sends_none()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirRead);
        var given = new HttpRequestMessage(HttpMethod.Get, "/v1/eir/check/352099001761481");
        given.Headers.Add("X-Request-Id", "oss-7f3a-0001");

        var echoed = await client.SendAsync(given).WaitAsync(Timeout);
        var made = await client.GetAsync("/v1/eir/check/352099001761481").WaitAsync(Timeout);
        var failed = await client.GetAsync("/v1/eir/check/12345").WaitAsync(Timeout);

        Assert.Equal("oss-7f3a-0001", Assert.Single(echoed.Headers.GetValues("X-Request-Id")));
        var problem = await ReadProblemAsync(failed, 400, "eir-invalid");
        Assert.Equal(Assert.Single(failed.Headers.GetValues("X-Request-Id")), problem.GetProperty("traceId").GetString());
        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(made.Headers.GetValues("X-Request-Id")));
        Assert.Single(failed.Headers.GetValues("X-Request-Id"));
    }

    [Fact]
    public async Task A_request_id_that_is_not_a_short_printable_token_is_replaced()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirRead);
        var given = new HttpRequestMessage(HttpMethod.Get, "/v1/eir/check/352099001761481");
        given.Headers.TryAddWithoutValidation("X-Request-Id", new string('x', 300));

        var response = await client.SendAsync(given).WaitAsync(Timeout);

        Assert.Matches("^[0-9a-f]{32}$", Assert.Single(response.Headers.GetValues("X-Request-Id")));
    }

    [Fact]
    public async Task An_overlong_url_gets_a_414_problem_body()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirRead);

        var response = await client.GetAsync("/v1/eir/check/" + new string('1', 9000)).WaitAsync(Timeout);

        await ReadProblemAsync(response, 414, "uri-too-long");
    }

    [Fact]
    public async Task Oversized_headers_get_a_431_problem_body()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirRead);
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/eir/check/352099001761481");
        for (var i = 0; i < 8; i++)
        {
            request.Headers.Add($"X-Filler-{i}", new string('f', 5000));
        }

        var response = await client.SendAsync(request).WaitAsync(Timeout);

        await ReadProblemAsync(response, 431, "headers-too-large");
    }

    [Theory]
    [InlineData("""{"target":"352099001761481","reason":"stolen","note":"evil\u0000note"}""")]
    [InlineData("""{"target":"352099001761481","reason":"stolen","note":"bell\u0007"}""")]
    [InlineData("""{"target":"352099001761481","reason":"stolen","onBehalfOf":"Org2MSP\u0000"}""")]
    [InlineData("""{"target":"352099001761481","reason":"stolen","note":"c1\u009b"}""")]
    public async Task Control_characters_in_text_fields_get_400_and_never_reach_the_ledger(string body)
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirWrite);

        var response = await client.SendAsync(Post("/v1/eir/entries", body, Guid.NewGuid().ToString())).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, 400, "malformed-request");
        Assert.Contains("control character", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task Line_breaks_and_tabs_in_text_fields_are_not_control_characters_to_refuse()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirWrite);
        var body = """{"target":"352099001761481","reason":"stolen","note":"line one\nline two\tend"}""";

        var response = await client.SendAsync(Post("/v1/eir/entries", body, Guid.NewGuid().ToString())).WaitAsync(Timeout);

        Assert.NotEqual(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_channel_the_organisation_is_not_on_is_404_and_no_peer_is_asked()
    {
        await using var api = new Infrastructure.GatewayApiFactory(feed: new Infrastructure.ListBlockFeed(), channels: ["eir", "roaming-emea"]);
        var client = await api.ClientWithKeyAsync(ApiScopes.LedgerRead, ApiScopes.LedgerWrite);

        var evaluate = await client.SendAsync(Post("/v1/ledger/numbers-apac/eir/evaluate", """{"function":"Get","args":["x"]}""")).WaitAsync(Timeout);
        var submit = await client.SendAsync(Post("/v1/ledger/numbers-apac/eir/submit", """{"function":"Report","args":["x"]}""", "k-404")).WaitAsync(Timeout);
        var known = await client.SendAsync(Post("/v1/ledger/eir/eir/evaluate", """{"function":"Get","args":["x"]}""")).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(evaluate, 404, "not-found");
        Assert.Contains("numbers-apac", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await ReadProblemAsync(submit, 404, "not-found");
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(0, api.Ledger.Submits);
    }

    [Fact]
    public async Task A_channel_of_the_network_the_organisation_is_not_on_is_403_and_no_peer_is_asked()
    {
        await using var api = new Infrastructure.GatewayApiFactory(mspId: "RegulatorMSP", feed: new Infrastructure.ListBlockFeed(), channels: ["eir"]) { OtherChannels = ["roaming-emea"] };
        var client = await api.ClientWithKeyAsync(ApiScopes.LedgerRead);

        var evaluate = await client.SendAsync(Post("/v1/ledger/roaming-emea/roaming/evaluate", """{"function":"GetAgreement","args":["x"]}""")).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(evaluate, 403, "chaincode-forbidden");
        Assert.Contains("RegulatorMSP is not a member of channel 'roaming-emea'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Empty(api.Ledger.Calls);
    }
}
