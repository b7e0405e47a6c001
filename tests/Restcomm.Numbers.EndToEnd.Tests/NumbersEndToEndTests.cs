using System.Net;
using Restcomm.Numbers.EndToEnd.Tests.Support;

namespace Restcomm.Numbers.EndToEnd.Tests;

/// <summary>
/// The registry through REST on the dev network with two providers: A publishes, B looks up, B ports the number away
/// from A without A answering, and the change feed tells the whole story in order.
/// </summary>
public sealed class NumbersEndToEndTests(NumbersNetwork network) : IClassFixture<NumbersNetwork>
{
    private const string ConsentHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string LoaHash = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    private static object Publication(string e164, string cnam) => new
    {
        e164,
        lineType = "mobile",
        capabilities = new object[]
        {
            new { name = "voice", uri = $"sip:{e164}@ims.org1.example.com", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
            new { name = "sms", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
            new { name = "rcs", uri = "https://rcs.org1.example.com/bot", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
        },
        cnam = new { name = cnam, presentation = "allowed" },
    };

    [Fact]
    public async Task A_number_ported_to_B_without_As_answer_activates_at_its_due_time_and_the_feed_shows_every_step_in_order()
    {
        const string number = "+447700900123";
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);
        var start = (await b.GetJsonAsync("/v1/numbers/changes")).Expect(HttpStatusCode.OK).Text("nextCursor");

        // A publishes voice, SMS and RCS with a caller name; B looks it up (its index catches up with A's block).
        var published = (await a.PostJsonAsync("/v1/numbers", Publication(number, "ACME PLUMBING"))).Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(published.Number("blockNumber") + 1);
        var seenByB = (await b.GetJsonAsync($"/v1/numbers/{number}")).Expect(HttpStatusCode.OK);
        Assert.Equal("Org1MSP", seenByB.Text("provider"));
        Assert.Equal(["rcs", "sms", "voice"], seenByB.Body["capabilities"]!.AsArray().Select(c => (string?)c!["name"]));
        Assert.Equal("ACME PLUMBING", (string?)(await b.GetJsonAsync($"/v1/numbers/{number}/cnam")).Expect(HttpStatusCode.OK).Body["name"]);

        // B requests the port; A never answers; B's gateway activates it once due.
        var requested = (await b.PostJsonAsync("/v1/numbers/ports", new { e164 = number, consentHash = LoaHash })).Expect(HttpStatusCode.Created);
        var portId = (string)requested.Body["port"]!["portId"]!;
        Assert.Equal("Org1MSP", (string?)requested.Body["port"]!["donor"]);
        var early = (await b.PostJsonAsync($"/v1/numbers/ports/{portId}/activate", new { })).Expect(HttpStatusCode.Conflict);
        Assert.Equal("numbers-port-not-due", early.Text("code"));

        var port = await WaitForAsync(async () =>
        {
            var p = (await a.GetJsonAsync($"/v1/numbers/ports/{portId}")).Expect(HttpStatusCode.OK);
            return p.Text("status") == "activated" ? p : null;
        }, NumbersNetwork.PortWindow + TimeSpan.FromSeconds(20));
        Assert.True((bool)port.Body["activatedByTimeout"]!);
        Assert.True(DateTimeOffset.Parse(port.Text("activatedAt"), System.Globalization.CultureInfo.InvariantCulture) >= DateTimeOffset.Parse(port.Text("dueAt"), System.Globalization.CultureInfo.InvariantCulture));

        // Lookups show B with nothing published, until B publishes.
        await network.A.CaughtUpAsync(network.LedgerHeight);
        var afterPort = (await a.GetJsonAsync($"/v1/numbers/{number}")).Expect(HttpStatusCode.OK);
        Assert.Equal("Org2MSP", afterPort.Text("provider"));
        Assert.Empty(afterPort.Body["capabilities"]!.AsArray());
        Assert.Null(afterPort.Body["cnam"]);
        (await a.PostJsonAsync("/v1/numbers", Publication(number, "ACME AGAIN"))).Expect(HttpStatusCode.Forbidden);
        var republished = (await b.PostJsonAsync("/v1/numbers", new
        {
            e164 = number,
            capabilities = new[] { new { name = "voice", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" } },
        })).Expect(HttpStatusCode.OK);
        await network.A.CaughtUpAsync(republished.Number("blockNumber") + 1);
        var afterB = (await a.GetJsonAsync($"/v1/numbers/{number}")).Expect(HttpStatusCode.OK);
        Assert.Equal(["voice"], afterB.Body["capabilities"]!.AsArray().Select(c => (string?)c!["name"]));

        // The change feed, as either provider's routing system follows it, tells every step in order.
        // (B's cursor is good at A's API only if both feeds began together; each API numbers its own feed, so A is read
        // from its start and B's feed from B's cursor, and both must tell the same steps.)
        foreach (var (client, after) in new[] { (a, ""), (b, start) })
        {
            var feed = (await client.GetJsonAsync($"/v1/numbers/changes?limit=500&after={after}")).Expect(HttpStatusCode.OK);
            var steps = feed.Body["items"]!.AsArray().Where(i => (string?)i!["key"] == number).Select(i => (string?)i!["kind"]).ToList();
            Assert.Equal(["published", "portRequested", "portActivated", "updated"], steps);
            var sequences = feed.Body["items"]!.AsArray().Select(i => (long)i!["sequence"]!).ToList();
            Assert.Equal(sequences.Order(), sequences);
        }

        // The ledger's history says the same.
        var history = (await b.GetJsonAsync($"/v1/numbers/{number}/history")).Expect(HttpStatusCode.OK).Body["history"]!.AsArray();
        Assert.Equal(
            ["record:Org1MSP", "port:requested", "port:activated", "record:Org2MSP", "record:Org2MSP"],
            history.Select(h => h!["record"] is { } r ? $"record:{(string?)r["provider"]}" : $"port:{(string?)h["port"]!["status"]}"));
    }

    [Fact]
    public async Task A_restricted_caller_name_stays_hidden_from_the_other_provider()
    {
        const string number = "+447700900555";
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);

        var published = (await a.PostJsonAsync("/v1/numbers", new { e164 = number, cnam = new { name = "DR SMITH", presentation = "restricted" } })).Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(published.Number("blockNumber") + 1);
        var cnam = (await b.GetJsonAsync($"/v1/numbers/{number}/cnam")).Expect(HttpStatusCode.OK);
        var history = (await b.GetJsonAsync($"/v1/numbers/{number}/history")).Expect(HttpStatusCode.OK);

        Assert.Equal("restricted", cnam.Text("presentation"));
        Assert.Null(cnam.Body["name"]);
        Assert.DoesNotContain("DR SMITH", history.Body.ToJsonString(), StringComparison.Ordinal);
    }

    private static async Task<Answer> WaitForAsync(Func<Task<Answer?>> probe, TimeSpan within)
    {
        var until = DateTimeOffset.UtcNow + within;
        while (true)
        {
            if (await probe() is { } answer)
            {
                return answer;
            }

            Assert.True(DateTimeOffset.UtcNow < until, $"not reached within {within}");
            await Task.Delay(200);
        }
    }
}
