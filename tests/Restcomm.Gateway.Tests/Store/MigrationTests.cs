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
