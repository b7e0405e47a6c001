using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Numbers;

/// <summary>
/// The numbers endpoints in the real API host (keys, scopes, idempotency, store, projection engine, index) of two
/// providers, over one in-process ledger running the real numbers contract on the test's clock.
/// </summary>
public sealed class NumbersEndpointsTests : IAsyncLifetime
{
    private const string Number = "+447700900123";
    private const string ConsentHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string LoaHash = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly InProcessNumbersLedger _ledger;
    private readonly NumbersOperatorApi _a;
    private readonly NumbersOperatorApi _b;

    public NumbersEndpointsTests()
    {
        _ledger = new InProcessNumbersLedger(_clock);
        _a = new NumbersOperatorApi(_ledger, "Org1MSP", TestIdentity.Create("Org1MSP", "User1@org1.example.com"), _clock);
        _b = new NumbersOperatorApi(_ledger, "Org2MSP", TestIdentity.Create("Org2MSP", "User1@org2.example.com"), _clock);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    internal static object Publication(string e164, string cnam = "ACME PLUMBING", string presentation = "allowed") => new
    {
        e164,
        lineType = "mobile",
        capabilities = new object[]
        {
            new { name = "voice", uri = "sip:+447700900123@ims.org1.example.com", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
            new { name = "sms", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
            new { name = "rcs", uri = "https://rcs.org1.example.com/a", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
        },
        cnam = new { name = cnam, presentation },
    };

    [Fact]
    public async Task A_number_published_by_A_is_looked_up_by_B_from_the_index_with_the_block_it_reflects()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        using var b = await _b.ClientAsync(ApiScopes.NumbersRead);

        var published = await Send(a, "/v1/numbers", Publication(Number), HttpStatusCode.Created);
        await _b.CaughtUpAsync((long)published["blockNumber"]! + 1);
        var lookup = await Get(b, $"/v1/numbers/{Number}", HttpStatusCode.OK);
        var cnam = await Get(b, "/v1/numbers/447700900123/cnam", HttpStatusCode.OK);

        Assert.Equal("published", (string?)published["outcome"]);
        Assert.Equal("Org1MSP", (string?)lookup["provider"]);
        Assert.Equal(["rcs", "sms", "voice"], lookup["capabilities"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal((long)published["blockNumber"]! + 1, (long)lookup["blockHeight"]!);
        Assert.Equal("ACME PLUMBING", (string?)cnam["name"]);
        await Get(b, "/v1/numbers/+447700900999", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_restricted_caller_name_is_not_shown_by_lookups()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);

        await Send(a, "/v1/numbers", Publication(Number, "DR SMITH", "restricted"), HttpStatusCode.Created);
        var cnam = await Get(a, $"/v1/numbers/{Number}/cnam", HttpStatusCode.OK);
        var lookup = await Get(a, $"/v1/numbers/{Number}", HttpStatusCode.OK);

        Assert.Equal("restricted", (string?)cnam["presentation"]);
        Assert.Null(cnam["name"]);
        Assert.DoesNotContain("DR SMITH", lookup.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bulk_lookup_answers_in_request_order_and_refuses_more_than_10000_numbers()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        var bulk = new { numbers = Enumerable.Range(0, 3).Select(i => Publication($"+44770090010{i}")).ToArray() };
        var published = await Send(a, "/v1/numbers/bulk", bulk, HttpStatusCode.OK);

        var answer = await Send(a, "/v1/numbers/lookup", new { numbers = new[] { "+447700900102", "+447700900999", "+447700900100" } }, HttpStatusCode.OK, idempotent: false);
        var tooMany = await Send(a, "/v1/numbers/lookup", new { numbers = Enumerable.Repeat("+447700900100", 10_001).ToArray() }, HttpStatusCode.BadRequest, idempotent: false);
        var invalid = await Send(a, "/v1/numbers/lookup", new { numbers = new[] { "+447700900100", "+999" } }, HttpStatusCode.BadRequest, idempotent: false);

        Assert.Equal(3, (int)published["published"]!);
        Assert.Equal([true, false, true], answer["results"]!.AsArray().Select(r => (bool)r!["found"]!));
        Assert.Equal("+447700900100", (string?)answer["results"]![2]!["e164"]);
        Assert.Equal(2, (int)answer["found"]!);
        Assert.Equal("urn:restcomm:problem:numbers-invalid", (string?)tooMany["type"]);
        Assert.Contains("numbers[1]", (string?)invalid["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_serving_provider_changes_a_number_and_the_refusal_carries_the_chaincodes_code()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        using var b = await _b.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        await Send(a, "/v1/numbers", Publication(Number), HttpStatusCode.Created);

        var refused = await Send(b, "/v1/numbers", Publication(Number), HttpStatusCode.Forbidden);
        using var withdrawn = await b.DeleteAsync(new Uri($"/v1/numbers/{Number}", UriKind.Relative)).WaitAsync(Timeout);

        Assert.Equal("urn:restcomm:problem:numbers-forbidden", (string?)refused["type"]);
        Assert.Equal("numbers-not-serving-provider", (string?)refused["code"]);
        Assert.Equal(HttpStatusCode.Forbidden, withdrawn.StatusCode);
    }

    [Fact]
    public async Task Malformed_input_is_refused_before_the_ledger_with_a_clear_message()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);

        var badNumber = await Send(a, "/v1/numbers", Publication("+4477009"), HttpStatusCode.BadRequest);
        var badName = await Send(a, "/v1/numbers", Publication(Number, "A NAME LONGER THAN 15"), HttpStatusCode.BadRequest);
        var badLine = await Send(a, "/v1/numbers", new { e164 = Number, lineType = "satellite" }, HttpStatusCode.BadRequest);

        Assert.Contains("E.164", (string?)badNumber["detail"], StringComparison.Ordinal);
        Assert.Contains("1 to 15", (string?)badName["detail"], StringComparison.Ordinal);
        Assert.Contains("tollFree", (string?)badLine["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_B_requests_and_A_leaves_unanswered_activates_at_its_due_time_and_the_feed_shows_every_step()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        using var b = await _b.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        await Send(a, "/v1/numbers", Publication(Number), HttpStatusCode.Created);
        await _b.CaughtUpAsync(_ledger.Height);
        var start = await Get(a, "/v1/numbers/changes", HttpStatusCode.OK); // a cursor of A's own feed

        var requested = await Send(b, "/v1/numbers/ports", new { e164 = Number, consentHash = LoaHash }, HttpStatusCode.Created);
        var portId = (string)requested["port"]!["portId"]!;
        _clock.Advance(InProcessNumbersLedger.Window - TimeSpan.FromMinutes(1));
        Assert.Equal(0, await _b.ActivateDuePortsAsync());
        var early = await Send(b, $"/v1/numbers/ports/{portId}/activate", new { }, HttpStatusCode.Conflict);
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await _b.ActivateDuePortsAsync());

        var port = await Get(a, $"/v1/numbers/ports/{portId}", HttpStatusCode.OK);
        await _a.CaughtUpAsync(_ledger.Height);
        var lookup = await Get(a, $"/v1/numbers/{Number}", HttpStatusCode.OK);
        var feed = await Get(a, "/v1/numbers/changes", HttpStatusCode.OK);
        var after = await Get(a, $"/v1/numbers/changes?after={(string)start["nextCursor"]!}", HttpStatusCode.OK);

        Assert.Equal("numbers-port-not-due", (string?)early["code"]);
        Assert.True((bool)port["activatedByTimeout"]!);
        Assert.Equal("Org2MSP", (string?)lookup["provider"]);
        Assert.Empty(lookup["capabilities"]!.AsArray());
        Assert.Null(lookup["cnam"]);
        Assert.Equal(["published", "portRequested", "portActivated"], feed["items"]!.AsArray().Select(i => (string?)i!["kind"]));
        Assert.Equal(["published", "portRequested", "portActivated"], feed["items"]!.AsArray().Select(i => (string?)i!["payload"]!["kind"]));
        Assert.Equal(["portRequested", "portActivated"], after["items"]!.AsArray().Select(i => (string?)i!["kind"]));
        Assert.All(feed["items"]!.AsArray(), i => Assert.Equal(Number, (string?)i!["key"]));
        var sequences = feed["items"]!.AsArray().Select(i => (long)i!["sequence"]!).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal((string?)feed["items"]!.AsArray()[^1]!["cursor"], (string?)feed["nextCursor"]);
    }

    [Fact]
    public async Task A_donors_conflict_stops_the_port_until_it_concurs_and_a_cancelled_port_leaves_the_number_with_A()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        using var b = await _b.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        await Send(a, "/v1/numbers", Publication(Number), HttpStatusCode.Created);
        var portId = (string)(await Send(b, "/v1/numbers/ports", new { e164 = Number, consentHash = LoaHash }, HttpStatusCode.Created))["port"]!["portId"]!;

        var conflict = await Send(a, $"/v1/numbers/ports/{portId}/conflict", new { reason = "noAuthorisation" }, HttpStatusCode.OK);
        _clock.Advance(InProcessNumbersLedger.Window * 2);
        Assert.Equal(0, await _b.ActivateDuePortsAsync());
        var listed = await Get(b, "/v1/numbers/ports?open=true", HttpStatusCode.OK);
        var cancelled = await Send(b, $"/v1/numbers/ports/{portId}/cancel", new { }, HttpStatusCode.OK);
        var lookup = await Get(b, $"/v1/numbers/{Number}", HttpStatusCode.OK);

        Assert.Equal("conflict", (string?)conflict["port"]!["status"]);
        Assert.Equal(portId, (string?)listed["items"]![0]!["portId"]);
        Assert.Equal("cancelled", (string?)cancelled["port"]!["status"]);
        Assert.Equal("Org1MSP", (string?)lookup["provider"]);
        await Send(a, $"/v1/numbers/ports/{portId}/conflict", new { reason = "because" }, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Numbers_of_a_published_block_are_looked_up_from_the_block()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);

        var block = await Send(a, "/v1/numbers/blocks", new { id = "+44207946xxxx", lineType = "fixed" }, HttpStatusCode.Created);
        var lookup = await Get(a, "/v1/numbers/+442079465555", HttpStatusCode.OK);
        var overlap = await Send(a, "/v1/numbers/blocks", new { id = "+442079461xxx" }, HttpStatusCode.Conflict);

        Assert.Equal("+44207946xxxx", (string?)block["block"]!["id"]);
        Assert.Equal(("fixed", "+44207946xxxx"), ((string?)lookup["lineType"], (string?)lookup["block"]));
        Assert.Equal("numbers-block-overlap", (string?)overlap["code"]);
    }

    [Fact]
    public async Task The_change_stream_sends_each_change_as_a_server_sent_event_with_its_cursor()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);
        await Send(a, "/v1/numbers", Publication(Number), HttpStatusCode.Created);
        await Send(a, "/v1/numbers", Publication("+447700900124"), HttpStatusCode.Created);

        using var cts = new CancellationTokenSource(Timeout);
        using var response = await a.GetAsync(new Uri("/v1/numbers/changes/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var lines = new List<string>();
        while (lines.Count(l => l.StartsWith("data: ", StringComparison.Ordinal)) < 2)
        {
            lines.Add(await reader.ReadLineAsync(cts.Token) ?? throw new EndOfStreamException());
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(["event: change", "event: change"], lines.Where(l => l.StartsWith("event: ", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.Contains("\"kind\":\"published\"", StringComparison.Ordinal)));
        Assert.Equal(2, lines.Count(l => l.StartsWith("id: ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.Contains("447700900124", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_malformed_feed_cursor_is_refused()
    {
        using var a = await _a.ClientAsync(ApiScopes.NumbersRead);

        var answer = await Get(a, "/v1/numbers/changes?after=abc", HttpStatusCode.BadRequest);

        Assert.Equal("urn:restcomm:problem:invalid-cursor", (string?)answer["type"]);
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static async Task<JsonNode> Send(HttpClient client, string path, object body, HttpStatusCode expected, bool idempotent = true)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (idempotent)
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        using var response = await client.SendAsync(request).WaitAsync(Timeout);
        return await Read(response, expected);
    }

    private static async Task<JsonNode> Get(HttpClient client, string path, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative)).WaitAsync(Timeout);
        return await Read(response, expected);
    }

    private static async Task<JsonNode> Read(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }
}
