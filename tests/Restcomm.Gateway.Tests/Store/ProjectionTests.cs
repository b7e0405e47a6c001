using System.Data.Common;
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
    public async Task A_projection_applies_every_event_once_in_commit_order_and_checkpoints_the_last()
    {
        var store = await NewStoreAsync();
        var feed = ListEventFeed.WithBlocks(Channel, Chaincode, blocks: 5, eventsPerBlock: 3);
        feed.Complete();

        var applied = await new ProjectionRunner(store, feed).RunAsync(new LedgerEventsProjection(store), Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(15, applied);
        await AssertExactlyOnceAsync(store, feed);
        Assert.Equal(new EventCheckpoint(5, "tx-0005-2"), await store.Checkpoints.GetAsync("ledger-events", Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout));
    }

    [SkippableFact]
    public async Task A_crash_in_the_middle_of_an_event_loses_and_repeats_nothing_after_restart()
    {
        var location = await NewLocationAsync();
        var feed = ListEventFeed.WithBlocks(Channel, Chaincode, blocks: 4, eventsPerBlock: 3);
        feed.Complete();

        // First life: dies while applying the 5th event (block 2, second transaction), after the read
        // model row was written but before the commit.
        var first = await OpenAsync(location);
        var crashing = new CrashingProjection(new LedgerEventsProjection(first), crashOn: 5);
        await Assert.ThrowsAsync<SimulatedCrashException>(() => new ProjectionRunner(first, feed).RunAsync(crashing, Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(4, await first.LedgerEvents.CountAsync(Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout));
        Assert.Equal(new EventCheckpoint(2, "tx-0002-0"), await first.Checkpoints.GetAsync("ledger-events", Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout));

        // Second life: a new store instance on the same database resumes from the checkpoint.
        var second = await OpenAsync(location);
        var applied = await new ProjectionRunner(second, feed).RunAsync(new LedgerEventsProjection(second), Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(8, applied);
        await AssertExactlyOnceAsync(second, feed);
    }

    [SkippableFact]
    public async Task Stopping_a_follower_mid_stream_and_starting_again_catches_up_exactly_once()
    {
        var location = await NewLocationAsync();
        var feed = ListEventFeed.WithBlocks(Channel, Chaincode, blocks: 10, eventsPerBlock: 2);

        var first = await OpenAsync(location);
        using var stop = new CancellationTokenSource();
        var runner = new ProjectionRunner(first, feed);
        var seen = 0;
        runner.OnApplied = (_, _) =>
        {
            if (Interlocked.Increment(ref seen) == 7)
            {
                stop.Cancel();
            }
        };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runner.RunAsync(new LedgerEventsProjection(first), Channel, Chaincode, stop.Token).WaitAsync(Timeout));

        // The ledger moves on while the gateway is down.
        for (var i = 0; i < 3; i++)
        {
            feed.Append(new ChaincodeEvent(Channel, Chaincode, 11, $"tx-0011-{i}", "Changed", new byte[] { 11, (byte)i }));
        }

        feed.Complete();
        var second = await OpenAsync(location);
        var applied = await new ProjectionRunner(second, feed).RunAsync(new LedgerEventsProjection(second), Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(23 - 7, applied);
        await AssertExactlyOnceAsync(second, feed);
    }

    [SkippableFact]
    public async Task A_follower_sees_events_committed_after_it_started()
    {
        var store = await NewStoreAsync();
        var feed = ListEventFeed.WithBlocks(Channel, Chaincode, blocks: 1, eventsPerBlock: 1);
        var runner = new ProjectionRunner(store, feed);
        var run = runner.RunAsync(new LedgerEventsProjection(store), Channel, Chaincode, CancellationToken.None);

        feed.Append(new ChaincodeEvent(Channel, Chaincode, 2, "tx-late", "Changed", new byte[] { 2 }));
        feed.Complete();

        Assert.Equal(2, await run.WaitAsync(Timeout));
        await AssertExactlyOnceAsync(store, feed);
    }

    [SkippableFact]
    public async Task Projections_on_the_same_stream_keep_their_own_checkpoints()
    {
        var store = await NewStoreAsync();
        var feed = ListEventFeed.WithBlocks(Channel, Chaincode, blocks: 3, eventsPerBlock: 1);
        feed.Complete();
        var counting = new CountingProjection();

        await new ProjectionRunner(store, feed).RunAsync(counting, Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(3, counting.Count);
        Assert.Equal(new EventCheckpoint(3, "tx-0003-0"), await store.Checkpoints.GetAsync(counting.Name, Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout));
        Assert.Null(await store.Checkpoints.GetAsync("ledger-events", Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout));
    }

    [SkippableFact]
    public async Task The_change_feed_pages_by_sequence_and_filters_by_channel()
    {
        var store = await NewStoreAsync();
        var feed = ListEventFeed.WithBlocks(Channel, Chaincode, blocks: 5, eventsPerBlock: 1);
        feed.Append(new ChaincodeEvent("numbers", "numbers", 1, "tx-n", "Published", new byte[] { 9 }));
        feed.Complete();
        await new ProjectionRunner(store, feed).RunAsync(new LedgerEventsProjection(store), Channel, Chaincode, CancellationToken.None).WaitAsync(Timeout);
        await new ProjectionRunner(store, feed).RunAsync(new LedgerEventsProjection(store), "numbers", "numbers", CancellationToken.None).WaitAsync(Timeout);

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

    private async Task AssertExactlyOnceAsync(GatewayStore store, ListEventFeed feed)
    {
        var expected = feed.Events.Where(e => e.Channel == Channel).Select(e => e.TransactionId).ToList();
        var recorded = await store.LedgerEvents.ListAsync(Channel, 0, 1000, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(expected, recorded.Items.Select(e => e.Event.TransactionId));
    }

    private sealed class SimulatedCrashException : Exception;

    private sealed class CrashingProjection(IProjection inner, int crashOn) : IProjection
    {
        private int _count;

        public string Name => inner.Name;

        public async Task ApplyAsync(ChaincodeEvent chaincodeEvent, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        {
            await inner.ApplyAsync(chaincodeEvent, connection, transaction, cancellationToken);
            if (++_count == crashOn)
            {
                throw new SimulatedCrashException();
            }
        }
    }

    private sealed class CountingProjection : IProjection
    {
        public int Count { get; private set; }

        public string Name => "counting";

        public Task ApplyAsync(ChaincodeEvent chaincodeEvent, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
        {
            Count++;
            return Task.CompletedTask;
        }
    }
}

public sealed class SqliteProjectionTests(SqliteDatabase database) : ProjectionTests<SqliteDatabase>(database);

public sealed class PostgresProjectionTests(PostgresDatabase database) : ProjectionTests<PostgresDatabase>(database);
