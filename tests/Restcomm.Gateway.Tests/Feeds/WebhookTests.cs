using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Feeds;

/// <summary>Webhook subscriptions and their delivery worker, against a receiver on 127.0.0.1.</summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "restcomm-api-tests", Guid.NewGuid().ToString("N"));
    private WebhookReceiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await WebhookReceiver.StartAsync();

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        GatewayApiFactory.DeleteDirectory(_directory);
    }

    [Fact]
    public async Task Each_delivery_carries_the_changes_in_feed_order_signed_so_an_independent_hmac_of_t_dot_body_matches()
    {
        var blocks = EirBlocks.Generate(seed: 31, blocks: 20);
        var feed = new ListBlockFeed();
        await using var api = Api(feed);
        var client = await api.ClientWithKeyAsync(ApiScopes.EirRead);
        var created = await CreateAsync(client, new { url = _receiver.Url, applications = new[] { "eir" }, description = "billing" });
        var secret = created.GetProperty("secret").GetString()!;
        Append(feed, blocks);
        var expected = ExpectedFeed.EirChanges(blocks);

        var changes = await ChangesReceivedAsync(expected.Count);

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(expected, changes.Select(Triple).ToList());
        Assert.All(_receiver.Received, hook =>
        {
            var header = hook.Headers["X-Restcomm-Signature"];
            var parts = header.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            var t = long.Parse(parts["t"], CultureInfo.InvariantCulture);
            var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts["t"] + ".").Concat(hook.Body).ToArray());
            Assert.Equal(Convert.ToHexStringLower(mac), parts["v1"]);
            Assert.InRange(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - t, -5, 60);
            Assert.Equal(created.GetProperty("id").GetString(), hook.Headers["X-Restcomm-Subscription"]);
            Assert.StartsWith("application/json", hook.Headers["Content-Type"], StringComparison.Ordinal);
        });
        var tampered = _receiver.Received.First().Body.ToArray();
        tampered[^2] ^= 1;
        var first = _receiver.Received.First();
        var firstT = first.Headers["X-Restcomm-Signature"].Split(',')[0][2..];
        Assert.NotEqual(
            Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(firstT + ".").Concat(tampered).ToArray())),
            first.Headers["X-Restcomm-Signature"].Split(",v1=")[1]);
    }

    [Fact]
    public async Task A_target_answering_5xx_and_429_is_retried_with_growing_back_off_and_then_takes_the_batch_once()
    {
        var feed = new ListBlockFeed();
        await using var api = Api(feed, maxAttempts: 5);
        var client = await api.ClientWithKeyAsync(ApiScopes.EirRead);
        var blocks = EirBlocks.Generate(seed: 2, blocks: 8);
        var expected = ExpectedFeed.EirChanges(blocks);
        var start = await StartCursorAsync(client);
        Append(feed, blocks);
        await WaitForHeadAsync(client, expected.Count);
        _receiver.Answers.Enqueue(503);
        _receiver.Answers.Enqueue(500);
        _receiver.Answers.Enqueue(429);
        var id = (await CreateAsync(client, new { url = _receiver.Url, applications = new[] { "eir" }, after = start })).GetProperty("id").GetString();

        var changes = await ChangesReceivedAsync(expected.Count);
        var subscription = await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}").WaitAsync(Timeout);
        var received = _receiver.Received.ToList();
        var deadLetters = await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters").WaitAsync(Timeout);

        Assert.Equal([503, 500, 429, 200], received.Take(4).Select(r => r.AnsweredStatus));
        Assert.Single(received.Take(4).Select(r => r.Headers["X-Restcomm-Delivery"]).Distinct());
        Assert.True(received[1].At - received[0].At >= TimeSpan.FromMilliseconds(25), "the second attempt waits at least half the first back-off");
        Assert.True(received[3].At - received[2].At >= TimeSpan.FromMilliseconds(100), "the back-off doubles");
        Assert.Equal(expected, changes.Select(Triple).ToList());
        Assert.Empty(deadLetters.GetProperty("items").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, subscription.GetProperty("lastError").ValueKind);
        Assert.Equal(0, subscription.GetProperty("failedAttempts").GetInt32());
    }

    [Fact]
    public async Task After_the_last_attempt_a_batch_becomes_a_dead_letter_delivery_goes_on_and_redelivery_sends_it_again()
    {
        var feed = new ListBlockFeed();
        await using var api = Api(feed, maxAttempts: 3);
        var client = await api.ClientWithKeyAsync(ApiScopes.EirRead);
        var blocks = EirBlocks.Generate(seed: 6, blocks: 10);
        var expected = ExpectedFeed.EirChanges(blocks);
        var start = await StartCursorAsync(client);
        Append(feed, blocks);
        await WaitForHeadAsync(client, expected.Count);
        _receiver.Answers.Enqueue(502);
        _receiver.Answers.Enqueue(502);
        _receiver.Answers.Enqueue(502);
        var id = (await CreateAsync(client, new { url = _receiver.Url, applications = new[] { "eir" }, after = start })).GetProperty("id").GetString();

        var rest = await ChangesReceivedAsync(expected.Count - 7);
        var letters = await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters").WaitAsync(Timeout);
        var letter = Assert.Single(letters.GetProperty("items").EnumerateArray());
        var receivedBefore = _receiver.Received.Count;
        using var redeliver = new HttpRequestMessage(HttpMethod.Post, $"/v1/webhooks/{id}/dead-letters/{letter.GetProperty("id").GetInt64()}/redeliver");
        redeliver.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var answer = await (await client.SendAsync(redeliver).WaitAsync(Timeout)).Content.ReadFromJsonAsync<JsonElement>();
        var lettersAfter = await client.GetFromJsonAsync<JsonElement>($"/v1/webhooks/{id}/dead-letters").WaitAsync(Timeout);

        var received = _receiver.Received.ToList();
        Assert.Equal([502, 502, 502], received.Take(3).Select(r => r.AnsweredStatus));
        Assert.Equal(3, letter.GetProperty("attempts").GetInt32());
        Assert.Equal(502, letter.GetProperty("lastStatus").GetInt32());
        Assert.Equal(7, letter.GetProperty("changeCount").GetInt32());
        Assert.Equal(expected.Take(7), letter.GetProperty("body").GetProperty("changes").EnumerateArray().Select(Triple));
        Assert.Equal(expected.Skip(7), rest.Select(Triple));
        Assert.True(answer.GetProperty("delivered").GetBoolean());
        Assert.Equal(receivedBefore + 1, received.Count);
        Assert.Equal(expected.Take(7), ChangesOf(received[^1]).Select(Triple));
        Assert.Equal(JsonValueKind.String, lettersAfter.GetProperty("items")[0].GetProperty("redeliveredAt").ValueKind);
    }

    [Fact]
    public async Task Delivery_resumes_after_an_api_restart_without_gaps_or_doubles()
    {
        var blocks = EirBlocks.Generate(seed: 17, blocks: 40);
        var feed = new ListBlockFeed();
        string id;
        await using (var first = Api(feed))
        {
            var client = await first.ClientWithKeyAsync(ApiScopes.EirRead);
            id = (await CreateAsync(client, new { url = _receiver.Url, applications = new[] { "eir" } })).GetProperty("id").GetString()!;
            Append(feed, blocks.Take(20));
            var cursor = await WaitForHeadAsync(client, ExpectedFeed.EirChanges(blocks.Take(20)).Count);
            await WaitForAsync(client, $"/v1/webhooks/{id}", s => s.GetProperty("cursor").GetString() == cursor);
        }

        var beforeRestart = _receiver.Received.Count;
        Append(feed, blocks.Skip(20));
        await using var second = Api(feed);
        var again = await second.ClientWithKeyAsync(ApiScopes.EirRead);
        var expected = ExpectedFeed.EirChanges(blocks);
        var head = await WaitForHeadAsync(again, expected.Count);
        await WaitForAsync(again, $"/v1/webhooks/{id}", s => s.GetProperty("cursor").GetString() == head);

        Assert.True(beforeRestart > 0);
        Assert.True(_receiver.Received.Count > beforeRestart);
        Assert.Equal(expected, Delivered(_receiver.Received).Select(Triple).ToList());
    }

    [Fact]
    public async Task Subscriptions_refuse_non_http_urls_loopback_unless_allowed_and_applications_the_key_cannot_read()
    {
        await using var strict = new GatewayApiFactory(Path.Combine(_directory, "strict"));
        var strictClient = await strict.ClientWithKeyAsync(ApiScopes.EirRead);
        await using var api = Api(new ListBlockFeed());
        var eirOnly = await api.ClientWithKeyAsync(ApiScopes.EirRead);
        var roamingOnly = await api.ClientWithKeyAsync(ApiScopes.RoamingRead);

        var ftp = await PostAsync(eirOnly, "/v1/webhooks", new { url = "ftp://example.com/x", applications = new[] { "eir" } });
        var metadata = await PostAsync(eirOnly, "/v1/webhooks", new { url = "http://169.254.169.254/latest", applications = new[] { "eir" } });
        var loopback = await PostAsync(strictClient, "/v1/webhooks", new { url = _receiver.Url, applications = new[] { "eir" } });
        var unknown = await PostAsync(eirOnly, "/v1/webhooks", new { url = _receiver.Url, applications = new[] { "weather" } });
        var notReadable = await PostAsync(eirOnly, "/v1/webhooks", new { url = _receiver.Url, applications = new[] { "eir", "roaming" } });
        var created = await CreateAsync(eirOnly, new { url = _receiver.Url, applications = new[] { "eir" } });
        var id = created.GetProperty("id").GetString();
        var hiddenFromRoaming = await roamingOnly.GetAsync($"/v1/webhooks/{id}").WaitAsync(Timeout);
        var listed = await eirOnly.GetFromJsonAsync<JsonElement>("/v1/webhooks").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, ftp.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, metadata.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, loopback.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, notReadable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hiddenFromRoaming.StatusCode);
        var only = Assert.Single(listed.EnumerateArray());
        Assert.Equal(id, only.GetProperty("id").GetString());
        Assert.False(only.TryGetProperty("secret", out _));
    }

    [Fact]
    public async Task Ping_posts_a_signed_ping_at_once_and_delete_ends_the_subscription()
    {
        await using var api = Api(new ListBlockFeed());
        var client = await api.ClientWithKeyAsync(ApiScopes.EirRead);
        var created = await CreateAsync(client, new { url = _receiver.Url, applications = new[] { "eir" } });
        var id = created.GetProperty("id").GetString();
        _receiver.Answers.Enqueue(500);

        var failed = await (await client.PostAsync($"/v1/webhooks/{id}/ping", null).WaitAsync(Timeout)).Content.ReadFromJsonAsync<JsonElement>();
        var ok = await (await client.PostAsync($"/v1/webhooks/{id}/ping", null).WaitAsync(Timeout)).Content.ReadFromJsonAsync<JsonElement>();
        var deleted = await client.DeleteAsync($"/v1/webhooks/{id}").WaitAsync(Timeout);
        var gone = await client.GetAsync($"/v1/webhooks/{id}").WaitAsync(Timeout);

        Assert.False(failed.GetProperty("delivered").GetBoolean());
        Assert.Equal(500, failed.GetProperty("statusCode").GetInt32());
        Assert.True(ok.GetProperty("delivered").GetBoolean());
        var ping = JsonDocument.Parse(_receiver.Received.Last().Body).RootElement;
        Assert.Equal("ping", ping.GetProperty("type").GetString());
        Assert.Equal(ok.GetProperty("deliveryId").GetString(), _receiver.Received.Last().Headers["X-Restcomm-Delivery"]);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    private GatewayApiFactory Api(ListBlockFeed feed, int maxAttempts = 10) => new(_directory, feed: feed, channels: ["eir"], settings: new Dictionary<string, string>
    {
        ["Webhooks:AllowLoopback"] = "true",
        ["Webhooks:InitialBackoff"] = "00:00:00.050",
        ["Webhooks:MaxBackoff"] = "00:00:00.400",
        ["Webhooks:PollInterval"] = "00:00:00.050",
        ["Webhooks:Timeout"] = "00:00:05",
        ["Webhooks:BatchSize"] = "7",
        ["Webhooks:MaxAttempts"] = maxAttempts.ToString(CultureInfo.InvariantCulture),
    });

    private static void Append(ListBlockFeed feed, IEnumerable<LedgerBlock> blocks)
    {
        foreach (var block in blocks)
        {
            feed.Append("eir", block);
        }
    }

    private static (string, string, string) Triple(JsonElement change) =>
        (change.GetProperty("transactionId").GetString()!, change.GetProperty("key").GetString()!, change.GetProperty("kind").GetString()!);

    private static IEnumerable<JsonElement> ChangesOf(ReceivedHook hook)
        => JsonDocument.Parse(hook.Body).RootElement.GetProperty("changes").EnumerateArray().Select(c => c.Clone()).ToList();

    /// <summary>The changes of every POST the receiver acknowledged, in arrival order.</summary>
    private static IEnumerable<JsonElement> Delivered(IEnumerable<ReceivedHook> hooks) => hooks.Where(h => h.AnsweredStatus == 200).SelectMany(ChangesOf);

    private async Task<List<JsonElement>> ChangesReceivedAsync(int count)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (Delivered(_receiver.Received).Count() < count)
        {
            await Task.Delay(50, deadline.Token);
        }

        return Delivered(_receiver.Received).ToList();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        return await client.SendAsync(request).WaitAsync(Timeout);
    }

    private static async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await PostAsync(client, "/v1/webhooks", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string path, Func<JsonElement, bool> done)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (true)
        {
            var body = await client.GetFromJsonAsync<JsonElement>(path, deadline.Token);
            if (done(body))
            {
                return body;
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>The cursor of the EIR feed's current end.</summary>
    private static async Task<string> StartCursorAsync(HttpClient client)
        => (await client.GetFromJsonAsync<JsonElement>("/v1/eir/changes?limit=500").WaitAsync(Timeout)).GetProperty("nextCursor").GetString()!;

    /// <summary>Waits until the EIR feed holds <paramref name="count"/> changes; returns the last one's cursor.</summary>
    private static async Task<string> WaitForHeadAsync(HttpClient client, int count)
    {
        var page = await WaitForAsync(client, "/v1/eir/changes?limit=500", p => p.GetProperty("items").GetArrayLength() >= count);
        return page.GetProperty("nextCursor").GetString()!;
    }
}
