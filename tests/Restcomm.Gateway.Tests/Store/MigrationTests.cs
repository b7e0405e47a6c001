using Dapper;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Store;

public abstract class MigrationTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [SkippableFact]
    public async Task Opening_a_new_store_applies_every_migration_in_order()
    {
        var store = await NewStoreAsync();

        var versions = await store.GetSchemaVersionsAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(Restcomm.Gateway.Store.Internal.Migrator.All.Select(m => m.Version), versions);
        Assert.Equal(Database.Provider, store.Provider);
    }

    [SkippableFact]
    public async Task Reopening_a_store_keeps_its_data_and_applies_nothing_twice()
    {
        var location = await NewLocationAsync();
        var first = await OpenAsync(location);
        var created = await first.ApiKeys.CreateAsync("Org1MSP", "oss", [ApiScopes.EirRead], ApiScopes.DefaultReadOnlyOrganisations, CancellationToken.None).WaitAsync(Timeout);

        var second = await OpenAsync(location);

        Assert.NotNull(await second.ApiKeys.VerifyAsync(created.Token, CancellationToken.None).WaitAsync(Timeout));
        await using var connection = await second.OpenConnectionAsync(CancellationToken.None);
        var rows = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations");
        Assert.Equal(Restcomm.Gateway.Store.Internal.Migrator.All.Count, rows);
    }

    [SkippableFact]
    public async Task Several_processes_opening_a_new_store_at_once_migrate_it_once()
    {
        var location = await NewLocationAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => OpenAsync(location)))).WaitAsync(Timeout);

        var versions = await stores[0].GetSchemaVersionsAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(Restcomm.Gateway.Store.Internal.Migrator.All.Select(m => m.Version), versions);
    }
}

public sealed class SqliteMigrationTests(SqliteDatabase database) : MigrationTests<SqliteDatabase>(database);

public sealed class PostgresMigrationTests(PostgresDatabase database) : MigrationTests<PostgresDatabase>(database);

public abstract class EirReadModelUpgradeTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    [SkippableFact]
    public async Task A_store_from_before_version_5_gains_the_eir_listing_columns_and_rebuilds_the_eir_read_model()
    {
        var location = await NewLocationAsync();
        var old = await OpenAsync(location);
        await using (var connection = await old.OpenConnectionAsync(CancellationToken.None))
        {
            // Take the store back to version 4, as a gateway of the previous release left it, with EIR rows and a position.
            await connection.ExecuteAsync("DROP TABLE eir_entries; DROP TABLE projection_positions; DELETE FROM schema_migrations WHERE version >= 2");
            await connection.ExecuteAsync("DROP TABLE IF EXISTS roaming_agreements; DROP TABLE IF EXISTS roaming_batches; DROP TABLE IF EXISTS roaming_statements; DROP TABLE IF EXISTS ingestion_batches; DROP TABLE IF EXISTS ingestion_jobs; DROP TABLE IF EXISTS number_records; DROP TABLE IF EXISTS number_blocks; DROP TABLE IF EXISTS number_ports; DROP TABLE IF EXISTS number_changes; CREATE TABLE projection_checkpoints (x INTEGER)");
            await connection.ExecuteAsync("DROP TABLE IF EXISTS change_feed; DROP TABLE IF EXISTS change_feed_head; DROP TABLE IF EXISTS webhook_subscriptions; DROP TABLE IF EXISTS webhook_dead_letters");
            await connection.ExecuteAsync("DROP TABLE IF EXISTS settlement_entries; DROP TABLE IF EXISTS settlement_objects");
            await connection.ExecuteAsync("ALTER TABLE idempotency_records DROP COLUMN ledger_channel; ALTER TABLE idempotency_records DROP COLUMN transaction_id");
            await Restcomm.Gateway.Store.Internal.Migrator.ApplyAsync(connection, Restcomm.Gateway.Store.Internal.SqlDialect.For(Database.Provider), CancellationToken.None, upToVersion: 4).WaitAsync(Timeout);
            await connection.ExecuteAsync("INSERT INTO eir_entries (channel, entry_id, target, list, owner, entry_json, block_number) VALUES ('eir', 'e1', 't', 'black', 'Org1MSP', '{}', 3)");
            await connection.ExecuteAsync("INSERT INTO projection_positions (projection, channel, next_block, last_transaction_id, rebuild_requested, updated_at) VALUES ('eir', 'eir', 10, 'tx', 0, 0), ('ledger-events', 'eir', 10, 'tx', 0, 0)");
        }

        var upgraded = await OpenAsync(location);

        Assert.Equal(Restcomm.Gateway.Store.Internal.Migrator.All.Select(m => m.Version), await upgraded.GetSchemaVersionsAsync(CancellationToken.None).WaitAsync(Timeout));
        Assert.True((await upgraded.Positions.GetAsync("eir", "eir", CancellationToken.None).WaitAsync(Timeout))!.RebuildRequested);
        Assert.False((await upgraded.Positions.GetAsync("ledger-events", "eir", CancellationToken.None).WaitAsync(Timeout))!.RebuildRequested);
        await using var check = await upgraded.OpenConnectionAsync(CancellationToken.None);
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("SELECT updated_at FROM eir_entries WHERE entry_id = 'e1'"));
        Assert.Null(await check.ExecuteScalarAsync<string?>("SELECT reason FROM eir_entries WHERE entry_id = 'e1'"));
    }
}

public sealed class SqliteEirReadModelUpgradeTests(SqliteDatabase database) : EirReadModelUpgradeTests<SqliteDatabase>(database);

public sealed class PostgresEirReadModelUpgradeTests(PostgresDatabase database) : EirReadModelUpgradeTests<PostgresDatabase>(database);
