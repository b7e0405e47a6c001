using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Gateway.Api.Numbers;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Tests.Numbers;

/// <summary>The numbers read model and change feed as a projection of the engine, on SQLite and PostgreSQL.</summary>
public abstract class NumbersProjectionTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private const string Channel = "numbers";
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [SkippableFact]
    public async Task Records_ports_and_the_feed_follow_valid_transactions_and_the_index_answers_at_the_last_block()
    {
        var store = await NewStoreAsync();
        var index = new NumberIndex();
        var port = Port(PortStatus.Requested);
        await RunAsync(store, index, Blocks(port));

        var feed = (await store.ChangeFeed.ReadAsync(["numbers"], 0, 100, CancellationToken.None).WaitAsync(Timeout)).Items;
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        var providers = await connection.QueryAsync<string>("SELECT provider FROM number_records WHERE channel = 'numbers' ORDER BY e164");
        var status = await connection.QuerySingleAsync<string>("SELECT status FROM number_ports WHERE port_id = @Id", new { Id = port.PortId });

        Assert.Equal(["published", "published", "portRequested", "portActivated"], feed.Select(f => f.Kind));
        Assert.Equal([NumberChangeKind.Published, NumberChangeKind.Published, NumberChangeKind.PortRequested, NumberChangeKind.PortActivated],
            feed.Select(f => JsonSerializer.Deserialize<NumberChange>(f.PayloadJson, NumbersJson.Options)!.Kind));
        Assert.Equal(["+447700900123", "+447700900124", "+447700900123", "+447700900123"], feed.Select(f => f.Key));
        Assert.Equal([1L, 1, 2, 4], feed.Select(f => f.BlockNumber));
        Assert.Equal(feed.Select(f => f.Sequence).Order(), feed.Select(f => f.Sequence));
        Assert.Equal(["Org2MSP", "Org1MSP"], providers);
        Assert.Equal("activated", status);
        Assert.Equal(5, index.BlockHeight);
        Assert.Equal("Org2MSP", index.Lookup(E164Number.Parse("+447700900123")).Lookup.Provider);
    }

    [SkippableFact]
    public async Task A_rebuild_from_block_0_gives_every_change_the_same_cursor_again()
    {
        var store = await NewStoreAsync();
        var blocks = Blocks(Port(PortStatus.Requested));
        await RunAsync(store, new NumberIndex(), blocks);
        var before = (await store.ChangeFeed.ReadAsync(["numbers"], 0, 100, CancellationToken.None)).Items;

        await using (var connection = await store.OpenConnectionAsync(CancellationToken.None))
        {
            foreach (var table in new[] { "number_records", "number_ports", "projection_positions" })
            {
                await connection.ExecuteAsync($"DELETE FROM {table}");
            }
        }

        var index = new NumberIndex();
        await RunAsync(store, index, blocks);
        var after = (await store.ChangeFeed.ReadAsync(["numbers"], 0, 100, CancellationToken.None)).Items;

        Assert.Equal(before.Select(f => (f.Sequence, f.TransactionId, f.Kind)), after.Select(f => (f.Sequence, f.TransactionId, f.Kind)));
        Assert.Equal(2, index.Count);
    }

    private static List<LedgerBlock> Blocks(PortRequest port)
    {
        var a = Record("+447700900123", "Org1MSP");
        var b = Record("+447700900124", "Org1MSP");
        var moved = a with { Provider = "Org2MSP", Profile = new NumberProfile() };
        return
        [
            new BlockBuilder(Channel, 0).Read(),
            Block(1, ("tx1", Set("tx1", Change(NumberChangeKind.Published, a), Change(NumberChangeKind.Published, b)), TxValidationCode.Valid)),
            Block(2, ("tx2", Set("tx2", Change(NumberChangeKind.PortRequested, a, port)), TxValidationCode.Valid)),
            Block(3, ("tx3", Set("tx3", Change(NumberChangeKind.Withdrawn, b)), TxValidationCode.MvccReadConflict)),
            Block(4, ("tx4", Set("tx4", Change(NumberChangeKind.PortActivated, moved, port with { Status = PortStatus.Activated })), TxValidationCode.Valid)),
        ];
    }

    private static async Task RunAsync(GatewayStore store, NumberIndex index, IReadOnlyList<LedgerBlock> blocks)
    {
        var feed = new ListBlockFeed();
        foreach (var block in blocks)
        {
            feed.Append(Channel, block);
        }

        feed.Complete();
        await new ProjectionEngine(store, feed, [new NumbersProjection(index, NullLogger<NumbersProjection>.Instance)]).RunChannelAsync(Channel, CancellationToken.None).WaitAsync(Timeout);
    }

    private static LedgerBlock Block(ulong number, params (string TxId, NumberChangeSet Set, TxValidationCode Code)[] transactions)
    {
        var builder = new BlockBuilder(Channel, number);
        foreach (var (txId, set, code) in transactions)
        {
            builder.AddTransaction(txId, "numbers", NumberChangeSet.EventName, JsonSerializer.SerializeToUtf8Bytes(set, NumbersJson.Options), code);
        }

        return builder.Read();
    }

    private static NumberChangeSet Set(string txId, params NumberChange[] changes) => new() { TxId = txId, Caller = "Org1MSP", Changes = changes };

    private static NumberChange Change(NumberChangeKind kind, NumberRecord record, PortRequest? port = null)
        => new() { Kind = kind, E164 = record.E164, Record = port is null || kind == NumberChangeKind.PortActivated ? record : null, Port = port };

    private static NumberRecord Record(string e164, string provider) => new()
    {
        E164 = E164Number.Parse(e164),
        Provider = provider,
        Profile = new NumberProfile { Cnam = new CallerName { Name = "ACME" } },
        UpdatedAt = At,
        TxId = "tx",
    };

    private static PortRequest Port(PortStatus status) => new()
    {
        PortId = "447700900123-1",
        E164 = E164Number.Parse("+447700900123"),
        Donor = "Org1MSP",
        Recipient = "Org2MSP",
        ConsentHash = new string('a', 64),
        Status = status,
        RequestedAt = At,
        DueAt = At.AddDays(1),
        UpdatedAt = At,
        TxId = "tx2",
    };
}

public sealed class SqliteNumbersProjectionTests(SqliteDatabase database) : NumbersProjectionTests<SqliteDatabase>(database);

public sealed class PostgresNumbersProjectionTests(PostgresDatabase database) : NumbersProjectionTests<PostgresDatabase>(database);
