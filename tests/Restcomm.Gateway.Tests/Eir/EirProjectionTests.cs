using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Eir;

/// <summary>The EIR read model as a projection of the engine, on SQLite and PostgreSQL.</summary>
public abstract class EirProjectionTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Channel = EirBlocks.Channel;

    [SkippableFact]
    public async Task The_read_model_and_the_index_hold_exactly_the_entries_the_valid_transactions_leave()
    {
        var store = await NewStoreAsync();
        var blocks = EirBlocks.Generate(seed: 7, blocks: 60);
        var (projection, index) = NewProjection();

        await RunToEndAsync(store, blocks, projection);

        var expected = EirBlocks.Expected(blocks);
        Assert.True(expected.Count > 20, "the history leaves entries to compare");
        Assert.Equal(Sorted(expected.Values), await StoredAsync(store));
        Assert.Equal(Sorted(expected.Values), Sorted(index.Entries));
        Assert.Equal(60, index.BlockHeight);
    }

    [SkippableFact]
    public async Task Crashes_at_random_points_then_a_restart_leave_the_read_model_equal_to_a_rebuild_from_block_0()
    {
        var location = await NewLocationAsync();
        var blocks = EirBlocks.Generate(seed: 11, blocks: 80);
        var random = new Random(3);

        // Several lives, each dying at a random block, before or after writing its rows, or by being stopped.
        for (var life = 0; life < 6; life++)
        {
            var store = await OpenAsync(location);
            var (inner, _) = NewProjection();
            var dying = new DyingProjection(inner, dieAtBlock: (ulong)random.Next(1, 80), afterWriting: random.Next(2) == 0);
            var feed = Feed(blocks);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => Engine(store, feed, dying).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout));
        }

        var last = await OpenAsync(location);
        var (projection, index) = NewProjection();
        await RunToEndAsync(last, blocks, projection);

        var rebuilt = await NewStoreAsync();
        await RunToEndAsync(rebuilt, blocks, NewProjection().Projection);
        var fromScratch = await StoredAsync(rebuilt);
        Assert.Equal(fromScratch, await StoredAsync(last));
        Assert.Equal(fromScratch, Sorted(index.Entries));
        Assert.Equal(Sorted(EirBlocks.Expected(blocks).Values), fromScratch);
    }

    [SkippableFact]
    public async Task A_restarted_gateway_loads_the_index_from_the_store_and_follows_on_from_there()
    {
        var location = await NewLocationAsync();
        var history = EirBlocks.Generate(seed: 5, blocks: 40);
        var first = await OpenAsync(location);
        await RunToEndAsync(first, history.Take(25).ToList(), NewProjection().Projection);

        var second = await OpenAsync(location);
        var (projection, index) = NewProjection();
        var loadedAt = -1L;
        var engine = Engine(second, Feed(history), projection);
        engine.OnApplied = (_, _, block) =>
        {
            if (loadedAt < 0)
            {
                loadedAt = (long)block.Number;
            }
        };
        await engine.RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(25, loadedAt);
        Assert.Equal(Sorted(EirBlocks.Expected(history).Values), Sorted(index.Entries));
    }

    [SkippableFact]
    public async Task A_rebuild_replaces_a_tampered_read_model_and_index_with_what_the_ledger_says()
    {
        var store = await NewStoreAsync();
        var blocks = EirBlocks.Generate(seed: 9, blocks: 30);
        await RunToEndAsync(store, blocks, NewProjection().Projection);
        await using (var connection = await store.OpenConnectionAsync(CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE eir_entries SET owner = 'Org9MSP' WHERE entry_id IN (SELECT entry_id FROM eir_entries ORDER BY entry_id LIMIT 3)");
            await connection.ExecuteAsync("DELETE FROM eir_entries WHERE entry_id IN (SELECT entry_id FROM eir_entries ORDER BY entry_id DESC LIMIT 2)");
        }

        Assert.NotEqual(Sorted(EirBlocks.Expected(blocks).Values), await StoredAsync(store));
        Assert.Equal(1, await store.Positions.RequestRebuildAsync("eir", CancellationToken.None).WaitAsync(Timeout));
        var (projection, index) = NewProjection();
        await RunToEndAsync(store, blocks, projection);

        Assert.Equal(Sorted(EirBlocks.Expected(blocks).Values), await StoredAsync(store));
        Assert.Equal(Sorted(EirBlocks.Expected(blocks).Values), Sorted(index.Entries));
    }

    private static (EirProjection Projection, ImeiIndex Index) NewProjection()
    {
        var index = new ImeiIndex();
        return (new EirProjection(index, NullLogger<EirProjection>.Instance), index);
    }

    private static ListBlockFeed Feed(IReadOnlyList<LedgerBlock> blocks)
    {
        var feed = new ListBlockFeed();
        foreach (var block in blocks)
        {
            feed.Append(Channel, block);
        }

        feed.Complete();
        return feed;
    }

    private static ProjectionEngine Engine(GatewayStore store, IBlockFeed feed, IProjection projection)
        => new(store, feed, [projection], new ProjectionEngineOptions { RebuildPollInterval = TimeSpan.FromMilliseconds(50) });

    private static Task RunToEndAsync(GatewayStore store, IReadOnlyList<LedgerBlock> blocks, IProjection projection)
        => Engine(store, Feed(blocks), projection).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);

    private static async Task<List<string>> StoredAsync(GatewayStore store)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var rows = await connection.QueryAsync<string>("SELECT entry_json FROM eir_entries WHERE channel = 'eir'");
        return Sorted(rows.Select(json => JsonSerializer.Deserialize<EirEntry>(json, EirJson.Options)!));
    }

    private static List<string> Sorted(IEnumerable<EirEntry> entries)
        => entries.Select(e => JsonSerializer.Serialize(e, EirJson.Options)).Order(StringComparer.Ordinal).ToList();

    private sealed class SimulatedCrashException : Exception;

    private sealed class DyingProjection(IProjection inner, ulong dieAtBlock, bool afterWriting) : IProjection
    {
        public string Name => inner.Name;

        public bool Follows(string channel) => inner.Follows(channel);

        public Task StartAsync(ProjectionContext context, long nextBlock, CancellationToken cancellationToken) => inner.StartAsync(context, nextBlock, cancellationToken);

        public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
        {
            if (block.Number == dieAtBlock && !afterWriting)
            {
                throw new SimulatedCrashException();
            }

            await inner.ApplyAsync(context, block, cancellationToken);
            if (block.Number >= dieAtBlock)
            {
                throw new SimulatedCrashException();
            }
        }

        public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken) => inner.ResetAsync(context, cancellationToken);

        public void Committed(string channel, LedgerBlock block) => inner.Committed(channel, block);
    }
}

public sealed class SqliteEirProjectionTests(SqliteDatabase database) : EirProjectionTests<SqliteDatabase>(database);

public sealed class PostgresEirProjectionTests(PostgresDatabase database) : EirProjectionTests<PostgresDatabase>(database);
