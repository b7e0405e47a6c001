using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Feeds;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Feeds;

/// <summary>The change feed as the projection engine writes it, on SQLite and PostgreSQL.</summary>
public abstract class ChangeFeedStoreTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly string[] Eir = ["eir"];

    [SkippableFact]
    public async Task The_feed_holds_each_valid_eir_change_once_in_ledger_order_with_increasing_sequences_and_json_object_payloads()
    {
        var store = await NewStoreAsync();
        var blocks = EirBlocks.Generate(seed: 21, blocks: 60);

        await RunToEndAsync(store, blocks);
        var feed = await ReadAllAsync(store, Eir);

        var expected = ExpectedFeed.EirChanges(blocks);
        Assert.True(expected.Count > 30, "the history has changes to compare");
        Assert.Equal(expected, feed.Select(c => (c.TransactionId, c.Key, c.Kind)).ToList());
        Assert.True(feed.Zip(feed.Skip(1)).All(p => p.First.Sequence < p.Second.Sequence && p.First.BlockNumber <= p.Second.BlockNumber));
        Assert.All(feed, c =>
        {
            using var payload = JsonDocument.Parse(c.PayloadJson);
            Assert.Equal(JsonValueKind.Object, payload.RootElement.ValueKind);
            Assert.Equal(c.Key, payload.RootElement.GetProperty("entry").GetProperty("id").GetString());
        });
        Assert.Equal(feed[^1].Sequence, await store.ChangeFeed.GetHeadAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [SkippableFact]
    public async Task Sequences_already_handed_out_stay_the_same_after_a_restart_and_after_a_rebuild_from_block_0()
    {
        var location = await NewLocationAsync();
        var blocks = EirBlocks.Generate(seed: 8, blocks: 50);
        var first = await OpenAsync(location);
        await RunToEndAsync(first, blocks.Take(30).ToList());
        var seenBeforeRestart = await ReadAllAsync(first, Eir);

        var second = await OpenAsync(location);
        await RunToEndAsync(second, blocks);
        var afterRestart = await ReadAllAsync(second, Eir);
        var head = await second.ChangeFeed.GetHeadAsync(CancellationToken.None).WaitAsync(Timeout);
        var epoch = await second.ChangeFeed.GetEpochAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, await second.Positions.RequestRebuildAsync("eir", CancellationToken.None).WaitAsync(Timeout));
        var third = await OpenAsync(location);
        await RunToEndAsync(third, blocks);
        var afterRebuild = await ReadAllAsync(third, Eir);

        Assert.NotEmpty(seenBeforeRestart);
        Assert.Equal(seenBeforeRestart, afterRestart.Take(seenBeforeRestart.Count));
        Assert.Equal(ExpectedFeed.EirChanges(blocks), afterRestart.Select(c => (c.TransactionId, c.Key, c.Kind)).ToList());
        Assert.Equal(afterRestart, afterRebuild);
        Assert.Equal(head, await third.ChangeFeed.GetHeadAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(epoch, await third.ChangeFeed.GetEpochAsync(CancellationToken.None).WaitAsync(Timeout));
    }

    [SkippableFact]
    public async Task A_block_of_hundreds_of_changes_gets_consecutive_sequences_in_transaction_order()
    {
        var store = await NewStoreAsync();
        var other = ListBlockFeed.WithBlocks("other", "other", blocks: 2, eventsPerBlock: 450);
        other.Complete();

        await new ProjectionEngine(store, other, [new OtherProjection()]).RunChannelAsync("other", CancellationToken.None).WaitAsync(Timeout);
        var feed = await ReadAllAsync(store, ["other"]);

        Assert.Equal(other.EventTransactions("other"), feed.Select(c => c.TransactionId));
        Assert.Equal(Enumerable.Range(1, 900).Select(i => (long)i), feed.Select(c => c.Sequence));
        Assert.All(feed, c => Assert.Equal($"{{\"tx\":\"{c.TransactionId}\"}}", c.PayloadJson));
    }

    [SkippableFact]
    public async Task A_reader_following_two_channels_that_commit_at_once_never_skips_a_change()
    {
        var store = await NewStoreAsync();
        var eirBlocks = EirBlocks.Generate(seed: 4, blocks: 120);
        var other = ListBlockFeed.WithBlocks("other", "other", blocks: 120, eventsPerBlock: 3);
        other.Complete();
        var eirFeed = Feed(eirBlocks);
        var engine = new ProjectionEngine(store, new RoutedFeed(eirFeed, other), [NewEirProjection(), new OtherProjection()]);
        var applications = new[] { "eir", "other" };

        var seen = new List<long>();
        var running = Task.WhenAll(engine.RunChannelAsync("eir", CancellationToken.None), engine.RunChannelAsync("other", CancellationToken.None));
        var after = 0L;
        while (true)
        {
            var done = running.IsCompleted;
            var page = await store.ChangeFeed.ReadAsync(applications, after, 5, CancellationToken.None).WaitAsync(Timeout);
            seen.AddRange(page.Items.Select(c => c.Sequence));
            after = page.Items.Count > 0 ? page.Items[^1].Sequence : after;
            if (done && !page.HasMore)
            {
                break;
            }
        }

        await running.WaitAsync(Timeout);
        var all = await ReadAllAsync(store, applications);
        Assert.Equal(ExpectedFeed.EirChanges(eirBlocks).Count + (120 * 3), all.Count);
        Assert.Equal(all.Select(c => c.Sequence), seen);
    }

    private static async Task<List<ChangeRecord>> ReadAllAsync(GatewayStore store, IReadOnlyCollection<string> applications)
    {
        var all = new List<ChangeRecord>();
        var after = 0L;
        while (true)
        {
            var page = await store.ChangeFeed.ReadAsync(applications, after, 37, CancellationToken.None).WaitAsync(Timeout);
            all.AddRange(page.Items);
            if (!page.HasMore)
            {
                return all;
            }

            after = page.Items[^1].Sequence;
        }
    }

    private static EirProjection NewEirProjection() => new(new ImeiIndex(), NullLogger<EirProjection>.Instance);

    private static ListBlockFeed Feed(IReadOnlyList<LedgerBlock> blocks)
    {
        var feed = new ListBlockFeed();
        foreach (var block in blocks)
        {
            feed.Append(EirBlocks.Channel, block);
        }

        feed.Complete();
        return feed;
    }

    private static Task RunToEndAsync(GatewayStore store, IReadOnlyList<LedgerBlock> blocks)
        => new ProjectionEngine(store, Feed(blocks), [NewEirProjection()]).RunChannelAsync(EirBlocks.Channel, CancellationToken.None).WaitAsync(Timeout);

    /// <summary>A second application on its own channel: one change per event, nothing else.</summary>
    private sealed class OtherProjection : IProjection, IChangeFeedSource
    {
        public string Name => "other";

        public string Application => "other";

        public bool Follows(string channel) => channel == "other";

        public Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken) => Task.CompletedTask;

        public IEnumerable<FeedChange> FeedChanges(string channel, LedgerBlock block) => block.Transactions
            .Where(t => t.IsValid && t.ChaincodeEvent is not null)
            .Select(t => new FeedChange(t.TransactionId, "changed", t.TransactionId, $"{{\"tx\":\"{t.TransactionId}\"}}"));
    }

    private sealed class RoutedFeed(ListBlockFeed eir, ListBlockFeed other) : IBlockFeed
    {
        public IAsyncEnumerable<LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, CancellationToken cancellationToken)
            => (channel == "other" ? other : eir).ReadBlocksAsync(channel, fromBlock, cancellationToken);
    }
}

public sealed class SqliteChangeFeedStoreTests(SqliteDatabase database) : ChangeFeedStoreTests<SqliteDatabase>(database);

public sealed class PostgresChangeFeedStoreTests(PostgresDatabase database) : ChangeFeedStoreTests<PostgresDatabase>(database);

/// <summary>What the EIR change feed must hold for a history, read straight from the blocks' events.</summary>
internal static class ExpectedFeed
{
    /// <summary>(transaction, entry, kind) of every change of the valid <c>eir.changed</c> events, read straight from the blocks.</summary>
    public static List<(string TransactionId, string Key, string Kind)> EirChanges(IEnumerable<LedgerBlock> blocks) =>
        blocks.SelectMany(b => b.Transactions)
            .Where(t => t.IsValid && t.ChaincodeEvent is { ChaincodeId: "eir", EventName: EirChangeSet.EventName })
            .SelectMany(t => JsonSerializer.Deserialize<EirChangeSet>(t.ChaincodeEvent!.Payload.Span, EirJson.Options)!.Changes
                .Select(c => (t.TransactionId, c.Entry.Id, c.Kind.ToString().ToLowerInvariant())))
            .ToList();
}
