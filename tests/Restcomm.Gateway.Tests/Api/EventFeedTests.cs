using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Api;

public sealed class EventFeedTests : IAsyncLifetime
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
    public async Task The_api_follows_chaincode_events_and_pages_them_with_a_cursor()
    {
        var feed = ListBlockFeed.WithBlocks("eir", "eir", blocks: 5, eventsPerBlock: 1);
        await using var api = new GatewayApiFactory(_directory, feed: feed, channels: ["eir"]);
        var client = await api.ClientWithKeyAsync(ApiScopes.LedgerRead);
        await WaitForCountAsync(api.Store, 5);

        var page1 = await client.GetFromJsonAsync<JsonElement>("/v1/events?channel=eir&limit=2").WaitAsync(Timeout);
        var cursor = page1.GetProperty("nextCursor").GetString();
        var page2 = await client.GetFromJsonAsync<JsonElement>($"/v1/events?channel=eir&limit=2&cursor={cursor}").WaitAsync(Timeout);
        var last = await client.GetFromJsonAsync<JsonElement>($"/v1/events?channel=eir&limit=2&cursor={page2.GetProperty("nextCursor").GetString()}").WaitAsync(Timeout);

        Assert.Equal(["tx-0001-0", "tx-0002-0"], TxIds(page1));
        Assert.Equal(["tx-0003-0", "tx-0004-0"], TxIds(page2));
        Assert.Equal(["tx-0005-0"], TxIds(last));
        Assert.Equal(JsonValueKind.Null, last.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task A_tampered_cursor_or_a_bad_limit_gets_400()
    {
        await using var api = new GatewayApiFactory(_directory);
        var client = await api.ClientWithKeyAsync(ApiScopes.LedgerRead);

        var cursor = await client.GetAsync("/v1/events?cursor=bm90LWEtY3Vyc29y").WaitAsync(Timeout);
        var limit = await client.GetAsync("/v1/events?limit=0").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, cursor.StatusCode);
        Assert.Contains("urn:restcomm:problem:invalid-cursor", await cursor.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, limit.StatusCode);
        Assert.Contains("urn:restcomm:problem:validation-failed", await limit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopping_the_api_mid_projection_and_starting_it_again_loses_and_duplicates_nothing()
    {
        var feed = ListBlockFeed.WithBlocks("eir", "eir", blocks: 30, eventsPerBlock: 2);
        var gate = new GatedFeed(feed, pauseAfter: 13); // the genesis block and blocks 1-12: at most 24 events

        var first = new GatewayApiFactory(_directory, feed: gate, channels: ["eir"]);
        _ = first.Services; // starts the host and its projection
        await gate.Paused.WaitAsync(Timeout);
        await first.DisposeAsync(); // stops the host while the projection is mid-stream

        var applied = await CountAsync(_directory);
        Assert.InRange(applied, 1, 24);

        // The ledger moves on while the API is down.
        feed.Append("eir", new Restcomm.Fabric.Ledger.Testing.BlockBuilder("eir", 31).AddTransaction("tx-0031-0", "eir", "Changed", [31]).Read());
        await using var second = new GatewayApiFactory(_directory, feed: feed, channels: ["eir"]);
        await WaitForCountAsync(second.Store, 61);

        var all = await second.Store.LedgerEvents.ListAsync("eir", 0, 1000, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(feed.EventTransactions("eir"), all.Items.Select(e => e.Event.TransactionId));
    }

    private static IEnumerable<string?> TxIds(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("transactionId").GetString());

    private static async Task<long> CountAsync(string directory)
    {
        await using var store = await GatewayStore.OpenAsync(StoreLocation.Parse(null, directory), CancellationToken.None).WaitAsync(Timeout);
        return await store.LedgerEvents.CountAsync("eir", "eir", CancellationToken.None).WaitAsync(Timeout);
    }

    private static async Task WaitForCountAsync(GatewayStore store, long expected)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (await store.LedgerEvents.CountAsync("eir", "eir", CancellationToken.None) < expected)
        {
            await Task.Delay(50, deadline.Token);
        }
    }

    /// <summary>Passes blocks through, then stops handing them out after a number of them (a stalled peer).</summary>
    private sealed class GatedFeed(IBlockFeed inner, int pauseAfter) : IBlockFeed
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Paused => _paused.Task;

        public async IAsyncEnumerable<Restcomm.Fabric.Ledger.LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            var handed = 0;
            await foreach (var block in inner.ReadBlocksAsync(channel, fromBlock, cancellationToken))
            {
                if (handed++ == pauseAfter)
                {
                    _paused.TrySetResult();
                    await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
                }

                yield return block;
            }
        }
    }
}
