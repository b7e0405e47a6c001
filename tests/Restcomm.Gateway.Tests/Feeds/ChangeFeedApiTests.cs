using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Feeds;

/// <summary>GET /v1/{app}/changes and its server-sent event stream on the real host.</summary>
public sealed class ChangeFeedApiTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "restcomm-api-tests", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        GatewayApiFactory.DeleteDirectory(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Eir_changes_are_polled_page_by_page_with_json_object_payloads_and_opaque_cursors()
    {
        var blocks = EirBlocks.Generate(seed: 3, blocks: 30);
        var expected = ExpectedFeed.EirChanges(blocks);
        await using var api = new GatewayApiFactory(_directory, feed: FeedOf(blocks), channels: ["eir"]);
        var client = await api.ClientWithKeyAsync(ApiScopes.EirRead);
        await WaitForChangesAsync(client, expected.Count);

        var items = new List<JsonElement>();
        string? cursor = null;
        var pages = 0;
        while (true)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/v1/eir/changes?limit=7{(cursor is null ? "" : "&after=" + cursor)}").WaitAsync(Timeout);
            items.AddRange(page.GetProperty("items").EnumerateArray());
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
            if (!page.GetProperty("hasMore").GetBoolean())
            {
                break;
            }
        }

        var empty = await client.GetFromJsonAsync<JsonElement>($"/v1/eir/changes?after={cursor}").WaitAsync(Timeout);

        Assert.Equal(expected, items.Select(i => (i.GetProperty("transactionId").GetString()!, i.GetProperty("key").GetString()!, i.GetProperty("kind").GetString()!)).ToList());
        Assert.True(pages >= 3);
        Assert.All(items, i =>
        {
            Assert.Equal(JsonValueKind.Object, i.GetProperty("payload").ValueKind);
            Assert.Equal(i.GetProperty("key").GetString(), i.GetProperty("payload").GetProperty("entry").GetProperty("id").GetString());
            Assert.Equal("eir", i.GetProperty("application").GetString());
            Assert.NotEqual(i.GetProperty("sequence").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), i.GetProperty("cursor").GetString());
        });
        Assert.Empty(empty.GetProperty("items").EnumerateArray());
        Assert.Equal(cursor, empty.GetProperty("nextCursor").GetString());
    }

    [Fact]
    public async Task The_feed_and_its_stream_need_the_applications_read_scope()
    {
        await using var api = new GatewayApiFactory(_directory);
        var roaming = await api.ClientWithKeyAsync(ApiScopes.RoamingRead);

        var poll = await roaming.GetAsync("/v1/eir/changes").WaitAsync(Timeout);
        var stream = await roaming.GetAsync("/v1/eir/changes/stream").WaitAsync(Timeout);
        var own = await roaming.GetAsync("/v1/roaming/changes").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, poll.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, stream.StatusCode);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
    }

    [Fact]
    public async Task A_cursor_of_another_store_is_refused_as_expired_and_a_garbled_one_as_invalid()
    {
        await using var other = new GatewayApiFactory(Path.Combine(_directory, "other"));
        var foreign = (await (await other.ClientWithKeyAsync(ApiScopes.EirRead)).GetFromJsonAsync<JsonElement>("/v1/eir/changes").WaitAsync(Timeout))
            .GetProperty("nextCursor").GetString();
        await using var api = new GatewayApiFactory(_directory);
        var client = await api.ClientWithKeyAsync(ApiScopes.EirRead);

        var expired = await client.GetAsync($"/v1/eir/changes?after={foreign}").WaitAsync(Timeout);
        var garbled = await client.GetAsync("/v1/eir/changes?after=bm90LWEtY3Vyc29y").WaitAsync(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/eir/changes/stream");
        request.Headers.Add("Last-Event-ID", foreign);
        var streamExpired = await client.SendAsync(request).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("urn:restcomm:problem:cursor-expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, garbled.StatusCode);
        Assert.Contains("urn:restcomm:problem:invalid-cursor", await garbled.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Gone, streamExpired.StatusCode);
    }

    [Fact]
    public async Task Ledger_events_carry_a_json_payload_as_json_beside_the_old_string_form()
    {
        var blocks = EirBlocks.Generate(seed: 3, blocks: 10);
        await using var api = new GatewayApiFactory(_directory, feed: FeedOf(blocks), channels: ["eir"]);
        var client = await api.ClientWithKeyAsync(ApiScopes.LedgerRead);
        var events = blocks.SelectMany(b => b.Transactions).Count(t => t.IsValid && t.ChaincodeEvent is not null);
        JsonElement page;
        using (var deadline = new CancellationTokenSource(Timeout))
        {
            do
            {
                await Task.Delay(50, deadline.Token);
                page = await client.GetFromJsonAsync<JsonElement>("/v1/events?channel=eir&limit=500", deadline.Token);
            }
            while (page.GetProperty("items").GetArrayLength() < events);
        }

        var eir = page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("chaincode").GetString() == "eir").ToList();
        var binary = page.GetProperty("items").EnumerateArray().Where(e => e.GetProperty("chaincode").GetString() == "example").ToList();
        Assert.NotEmpty(eir);
        Assert.All(eir, e =>
        {
            Assert.Equal(JsonValueKind.Object, e.GetProperty("data").ValueKind);
            Assert.Equal(e.GetProperty("transactionId").GetString(), e.GetProperty("data").GetProperty("txId").GetString());
            Assert.Equal(JsonValueKind.String, e.GetProperty("payload").ValueKind);
        });
        Assert.All(binary, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("data").ValueKind));
    }

    [Fact]
    public async Task The_stream_sends_each_change_with_its_cursor_as_id_follows_new_blocks_and_resumes_after_last_event_id()
    {
        var blocks = EirBlocks.Generate(seed: 12, blocks: 40);
        var feed = new ListBlockFeed();
        foreach (var block in blocks.Take(20))
        {
            feed.Append("eir", block);
        }

        await using var api = StartKestrel(new GatewayApiFactory(_directory, feed: feed, channels: ["eir"],
            settings: new Dictionary<string, string> { ["ChangeFeeds:HeartbeatInterval"] = "00:00:00.300" }));
        using var client = new HttpClient { BaseAddress = BaseAddress(api), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await api.CreateKeyAsync(api.MspId, ApiScopes.EirRead));
        var expected = ExpectedFeed.EirChanges(blocks);
        var early = ExpectedFeed.EirChanges(blocks.Take(20)).Count;

        await using var first = await SseReader.OpenAsync(client, "/v1/eir/changes/stream", lastEventId: null);
        var head = await first.ReadEventsAsync(early, Timeout);
        var heartbeat = await first.ReadUntilCommentAsync("heartbeat", Timeout);
        foreach (var block in blocks.Skip(20))
        {
            feed.Append("eir", block);
        }

        var live = await first.ReadEventsAsync(expected.Count - early, Timeout);

        var resumeAfter = head[4].Id;
        await using var second = await SseReader.OpenAsync(client, "/v1/eir/changes/stream", lastEventId: resumeAfter);
        var resumed = await second.ReadEventsAsync(expected.Count - 5, Timeout);

        Assert.Equal("text/event-stream", first.ContentType);
        Assert.True(heartbeat);
        Assert.Equal(expected, head.Concat(live).Select(e => Triple(e.Data)).ToList());
        Assert.All(head.Concat(live), e => Assert.Equal(e.Id, e.Data.GetProperty("cursor").GetString()));
        Assert.Equal(expected.Skip(5), resumed.Select(e => Triple(e.Data)));
    }

    [Fact]
    public async Task Stopping_the_host_ends_an_open_stream_cleanly()
    {
        var api = StartKestrel(new GatewayApiFactory(_directory));
        using var client = new HttpClient { BaseAddress = BaseAddress(api), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await api.CreateKeyAsync(api.MspId, ApiScopes.EirRead));
        await using var stream = await SseReader.OpenAsync(client, "/v1/eir/changes/stream", lastEventId: null);

        var stopping = api.DisposeAsync().AsTask();
        var ended = await stream.ReadToEndAsync(Timeout);
        await stopping.WaitAsync(Timeout);

        Assert.True(ended);
    }

    private static (string, string, string) Triple(JsonElement change) =>
        (change.GetProperty("transactionId").GetString()!, change.GetProperty("key").GetString()!, change.GetProperty("kind").GetString()!);

    private static ListBlockFeed FeedOf(IEnumerable<LedgerBlock> blocks)
    {
        var feed = new ListBlockFeed();
        foreach (var block in blocks)
        {
            feed.Append("eir", block);
        }

        return feed;
    }

    private static GatewayApiFactory StartKestrel(GatewayApiFactory api)
    {
        api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        api.StartServer();
        return api;
    }

    private static Uri BaseAddress(GatewayApiFactory api)
        => new(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

    private static async Task WaitForChangesAsync(HttpClient client, int count)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while ((await client.GetFromJsonAsync<JsonElement>("/v1/eir/changes?limit=500", deadline.Token)).GetProperty("items").GetArrayLength() < count)
        {
            await Task.Delay(50, deadline.Token);
        }
    }
}

/// <summary>Reads a text/event-stream response line by line, as an EventSource would.</summary>
internal sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, StreamReader reader)
    {
        _response = response;
        _reader = reader;
    }

    public string? ContentType => _response.Content.Headers.ContentType?.MediaType;

    public static async Task<SseReader> OpenAsync(HttpClient client, string path, string? lastEventId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SseReader(response, new StreamReader(await response.Content.ReadAsStreamAsync()));
    }

    /// <summary>Reads <paramref name="count"/> <c>change</c> events.</summary>
    public async Task<List<(string Id, JsonElement Data)>> ReadEventsAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var events = new List<(string, JsonElement)>();
        string? id = null;
        string? type = null;
        string? data = null;
        while (events.Count < count)
        {
            var line = await _reader.ReadLineAsync(deadline.Token) ?? throw new EndOfStreamException($"The stream ended after {events.Count} of {count} events.");
            if (line.Length == 0)
            {
                if (type == "change" && id is not null && data is not null)
                {
                    using var document = JsonDocument.Parse(data);
                    events.Add((id, document.RootElement.Clone()));
                }

                id = type = data = null;
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = line[4..];
            }
            else if (line.StartsWith("event: ", StringComparison.Ordinal))
            {
                type = line[7..];
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        return events;
    }

    /// <summary>Reads until a <c>: name</c> comment line; false when the stream ended first.</summary>
    public async Task<bool> ReadUntilCommentAsync(string name, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (await _reader.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line == ": " + name)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads until the server ends the response; true when it did within the timeout.</summary>
    public async Task<bool> ReadToEndAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            while (await _reader.ReadLineAsync(deadline.Token) is not null)
            {
            }

            return true;
        }
        catch (IOException)
        {
            // The connection was reset rather than ended.
            return false;
        }
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
