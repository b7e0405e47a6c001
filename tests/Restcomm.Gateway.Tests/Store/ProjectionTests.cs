using Dapper;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Store;

public abstract class ProjectionTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Channel = "eir";
    private const string Chaincode = "eir";

    [SkippableFact]
    public async Task The_engine_applies_every_block_once_and_records_the_next_block_and_last_transaction()
    {
        var store = await NewStoreAsync();
        var feed = ListBlockFeed.WithBlocks(Channel, Chaincode, blocks: 5, eventsPerBlock: 3);
        feed.Complete();

        await Engine(store, feed, new LedgerEventsProjection(store)).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);

        await AssertExactlyOnceAsync(store, feed);
        var position = await store.Positions.GetAsync("ledger-events", Channel, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal((6L, "tx-0005-2", false), (position!.NextBlock, position.LastTransactionId, position.RebuildRequested));
    }

    [SkippableFact]
    public async Task Empty_blocks_invalid_and_malformed_transactions_move_the_position_and_change_nothing()
    {
        var store = await NewStoreAsync();
        var feed = new ListBlockFeed();
        feed.Append(Channel, new BlockBuilder(Channel, 0).Read());
        feed.Append(Channel, new BlockBuilder(Channel, 1).AddTransaction("tx-bad", Chaincode, "Changed", [1], TxValidationCode.MvccReadConflict).AddMalformed().Read());
        feed.Append(Channel, new BlockBuilder(Channel, 2).AddTransaction("tx-quiet", Chaincode).AddTransaction("tx-ok", Chaincode, "Changed", [2]).Read());
        feed.Append(Channel, new BlockBuilder(Channel, 3).Read());
        feed.Complete();

        await Engine(store, feed, new LedgerEventsProjection(store)).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);

        var recorded = await store.LedgerEvents.ListAsync(Channel, 0, 100, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["tx-ok"], recorded.Items.Select(e => e.Event.TransactionId));
        Assert.Equal(4, (await store.Positions.GetAsync("ledger-events", Channel, CancellationToken.None).WaitAsync(Timeout))!.NextBlock);
    }

    [SkippableFact]
    public async Task A_crash_in_the_middle_of_a_block_commits_nothing_of_it_and_a_restart_resumes_there()
    {
        var location = await NewLocationAsync();
        var feed = ListBlockFeed.WithBlocks(Channel, Chaincode, blocks: 4, eventsPerBlock: 3);
        feed.Complete();

        // First life: dies while applying block 3, after its rows were written but before the commit.
        var first = await OpenAsync(location);
        var crashing = new CrashingProjection(new LedgerEventsProjection(first), crashOnBlock: 3);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => Engine(first, feed, crashing).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(6, await first.LedgerEvents.CountAsync(Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(3, (await first.Positions.GetAsync("ledger-events", Channel, CancellationToken.None).WaitAsync(Timeout))!.NextBlock);

        // Second life: a new store instance on the same database resumes from the position.
        var second = await OpenAsync(location);
        await Engine(second, feed, new LedgerEventsProjection(second)).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);

        await AssertExactlyOnceAsync(second, feed);
    }

    [SkippableFact]
    public async Task Stopping_mid_stream_and_starting_again_catches_up_exactly_once()
    {
        var location = await NewLocationAsync();
        var feed = ListBlockFeed.WithBlocks(Channel, Chaincode, blocks: 10, eventsPerBlock: 2);

        var first = await OpenAsync(location);
        using var stop = new CancellationTokenSource();
        var engine = Engine(first, feed, new LedgerEventsProjection(first));
        engine.OnApplied = (_, _, block) =>
        {
            if (block.Number == 7)
            {
                stop.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.RunChannelAsync(Channel, stop.Token).WaitAsync(Timeout));

        // The ledger moves on while the gateway is down.
        var builder = new BlockBuilder(Channel, 11);
        for (var i = 0; i < 3; i++)
        {
            builder.AddTransaction($"tx-0011-{i}", Chaincode, "Changed", [11, (byte)i]);
        }

        feed.Append(Channel, builder.Read());
        feed.Complete();
        var second = await OpenAsync(location);
        await Engine(second, feed, new LedgerEventsProjection(second)).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);

        await AssertExactlyOnceAsync(second, feed);
    }

    [SkippableFact]
    public async Task Projections_of_one_channel_share_one_stream_and_a_new_one_catches_up_from_block_0()
    {
        var store = await NewStoreAsync();
        var feed = ListBlockFeed.WithBlocks(Channel, Chaincode, blocks: 6, eventsPerBlock: 1);
        feed.Complete();
        await Engine(store, feed, new LedgerEventsProjection(store)).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);
        var readsBefore = feed.Reads;

        // A projection added later starts at block 0 while the other stays where it is; one stream serves both.
        var counting = new CountingProjection();
        await Engine(store, feed, new LedgerEventsProjection(store), counting).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, feed.Reads - readsBefore);
        Assert.Equal(Enumerable.Range(0, 7).Select(n => (ulong)n), counting.Blocks);
        Assert.Equal(7, (await store.Positions.GetAsync(counting.Name, Channel, CancellationToken.None).WaitAsync(Timeout))!.NextBlock);
        await AssertExactlyOnceAsync(store, feed);
    }

    [SkippableFact]
    public async Task A_rebuild_request_empties_the_read_model_and_replays_the_ledger_from_block_0()
    {
        var store = await NewStoreAsync();
        var feed = ListBlockFeed.WithBlocks(Channel, Chaincode, blocks: 4, eventsPerBlock: 2);
        var engine = Engine(store, feed, new LedgerEventsProjection(store));
        using var stop = new CancellationTokenSource();
        var run = engine.RunChannelAsync(Channel, stop.Token);
        await engine.WaitForHeightAsync("ledger-events", Channel, 5, CancellationToken.None).WaitAsync(Timeout);
        var before = await store.LedgerEvents.ListAsync(Channel, 0, 100, CancellationToken.None).WaitAsync(Timeout);

        // Someone damages the read model; a rebuild puts it back from the ledger while the engine runs.
        await using (var connection = await store.OpenConnectionAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("DELETE FROM ledger_events WHERE transaction_id = 'tx-0002-1'");
        }

        Assert.Equal(1, await store.Positions.RequestRebuildAsync("ledger-events", CancellationToken.None).WaitAsync(Timeout));
        await WaitUntilAsync(async () => await store.LedgerEvents.CountAsync(Channel, Chaincode, CancellationToken.None) == 8
            && (await store.Positions.GetAsync("ledger-events", Channel, CancellationToken.None))!.RebuildRequested == false);
        feed.Complete();
        await run.WaitAsync(Timeout);

        var after = await store.LedgerEvents.ListAsync(Channel, 0, 100, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(before.Items.Select(e => e.Event.TransactionId), after.Items.Select(e => e.Event.TransactionId));
        Assert.True(after.Items[0].Sequence > before.Items[^1].Sequence, "the rows were written anew");
        Assert.Equal(0, await store.Positions.RequestRebuildAsync("never-ran", CancellationToken.None).WaitAsync(Timeout));
    }

    [SkippableFact]
    public async Task A_position_moved_by_another_process_makes_the_engine_start_again_from_what_is_stored()
    {
        var store = await NewStoreAsync();
        var feed = ListBlockFeed.WithBlocks(Channel, Chaincode, blocks: 3, eventsPerBlock: 1);
        var engine = Engine(store, feed, new LedgerEventsProjection(store));
        using var stop = new CancellationTokenSource();
        var run = engine.RunChannelAsync(Channel, stop.Token);
        await engine.WaitForHeightAsync("ledger-events", Channel, 4, CancellationToken.None).WaitAsync(Timeout);

        // Another instance on the same database applied block 4 already.
        await using (var connection = await store.OpenConnectionAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE projection_positions SET next_block = 5 WHERE projection = 'ledger-events'");
        }

        feed.Append(Channel, new BlockBuilder(Channel, 4).AddTransaction("tx-0004-0", Chaincode, "Changed", [4]).Read());
        feed.Append(Channel, new BlockBuilder(Channel, 5).AddTransaction("tx-0005-0", Chaincode, "Changed", [5]).Read());
        await engine.WaitForHeightAsync("ledger-events", Channel, 6, CancellationToken.None).WaitAsync(Timeout);
        feed.Complete();
        await run.WaitAsync(Timeout);

        var recorded = await store.LedgerEvents.ListAsync(Channel, 0, 100, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(["tx-0001-0", "tx-0002-0", "tx-0003-0", "tx-0005-0"], recorded.Items.Select(e => e.Event.TransactionId));
    }

    [SkippableFact]
    public async Task The_change_feed_pages_by_sequence_and_filters_by_channel()
    {
        var store = await NewStoreAsync();
        var feed = ListBlockFeed.WithBlocks(Channel, Chaincode, blocks: 5, eventsPerBlock: 1);
        feed.Append("numbers", new BlockBuilder("numbers", 0).AddTransaction("tx-n", "numbers", "Published", [9]).Read());
        feed.Complete();
        var engine = Engine(store, feed, new LedgerEventsProjection(store));
        await engine.RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);
        await engine.RunChannelAsync("numbers", CancellationToken.None).WaitAsync(Timeout);

        var page1 = await store.LedgerEvents.ListAsync(Channel, 0, 2, CancellationToken.None).WaitAsync(Timeout);
        var page2 = await store.LedgerEvents.ListAsync(Channel, page1.Items[^1].Sequence, 2, CancellationToken.None).WaitAsync(Timeout);
        var page3 = await store.LedgerEvents.ListAsync(Channel, page2.Items[^1].Sequence, 2, CancellationToken.None).WaitAsync(Timeout);
        var all = await store.LedgerEvents.ListAsync(null, 0, 100, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(["tx-0001-0", "tx-0002-0"], page1.Items.Select(e => e.Event.TransactionId));
        Assert.True(page1.HasMore);
        Assert.Equal(["tx-0003-0", "tx-0004-0"], page2.Items.Select(e => e.Event.TransactionId));
        Assert.Equal(["tx-0005-0"], page3.Items.Select(e => e.Event.TransactionId));
        Assert.False(page3.HasMore);
        Assert.Equal(6, all.Items.Count);
        Assert.Equal(new byte[] { 9 }, all.Items[^1].Event.Payload.ToArray());
    }

    private static ProjectionEngine Engine(GatewayStore store, IBlockFeed feed, params IProjection[] projections)
        => new(store, feed, projections, new ProjectionEngineOptions { RebuildPollInterval = TimeSpan.FromMilliseconds(50) });

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private async Task AssertExactlyOnceAsync(GatewayStore store, ListBlockFeed feed)
    {
        var recorded = await store.LedgerEvents.ListAsync(Channel, 0, 1000, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(feed.EventTransactions(Channel), recorded.Items.Select(e => e.Event.TransactionId));
    }

    private sealed class SimulatedCrashException : Exception;

    private sealed class CrashingProjection(IProjection inner, ulong crashOnBlock) : IProjection
    {
        public string Name => inner.Name;

        public bool Follows(string channel) => inner.Follows(channel);

        public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
        {
            await inner.ApplyAsync(context, block, cancellationToken);
            if (block.Number == crashOnBlock)
            {
                throw new SimulatedCrashException();
            }
        }

        public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken) => inner.ResetAsync(context, cancellationToken);
    }

    private sealed class CountingProjection : IProjection
    {
        public List<ulong> Blocks { get; } = [];

        public string Name => "counting";

        public bool Follows(string channel) => true;

        public Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
        {
            Blocks.Add(block.Number);
            return Task.CompletedTask;
        }

        public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

public sealed class SqliteProjectionTests(SqliteDatabase database) : ProjectionTests<SqliteDatabase>(database);

public sealed class PostgresProjectionTests(PostgresDatabase database) : ProjectionTests<PostgresDatabase>(database);
