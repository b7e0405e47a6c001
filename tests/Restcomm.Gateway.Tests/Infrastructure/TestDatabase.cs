using Npgsql;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>
/// A database engine the store tests run on. Each test gets a fresh, empty database (a new SQLite
/// file, or a new PostgreSQL schema) from <see cref="CreateAsync"/>.
/// </summary>
public abstract class TestDatabase : IAsyncLifetime
{
    /// <summary>Why the engine cannot be used here, or null when it can.</summary>
    public string? SkipReason { get; protected set; }

    public abstract StoreProvider Provider { get; }

    public abstract Task<StoreLocation> CreateAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;
}

public sealed class SqliteDatabase : TestDatabase
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "restcomm-store-tests", Guid.NewGuid().ToString("N"));

    public override StoreProvider Provider => StoreProvider.Sqlite;

    public override Task<StoreLocation> CreateAsync() =>
        Task.FromResult(StoreLocation.Sqlite(Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".db")));

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// PostgreSQL at <c>RESTCOMM_TEST_POSTGRES</c> (default: the server tests/setup/postgres.sh starts).
/// Every test gets its own schema, dropped at the end.
/// </summary>
public sealed class PostgresDatabase : TestDatabase
{
    public const string DefaultConnectionString = "Host=127.0.0.1;Port=5432;Username=restcomm;Password=restcomm;Database=restcomm_test;Timeout=10";

    private readonly List<string> _schemas = [];
    private readonly string _connectionString =
        Environment.GetEnvironmentVariable("RESTCOMM_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultConnectionString;

    public override StoreProvider Provider => StoreProvider.PostgreSql;

    public override async Task InitializeAsync()
    {
        // The whole solution's tests on two cores can keep a first connection waiting past its timeout (a suite then
        // skipped its PostgreSQL tests in a clean-clone run): a server that answers late is asked again, one that
        // refuses the connection is not there.
        Exception? last = null;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(15));
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException or System.Net.Sockets.SocketException)
            {
                last = ex;
                if (Refused(ex))
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }

        var builder = new NpgsqlConnectionStringBuilder(_connectionString);
        SkipReason = $"PostgreSQL is not reachable at {builder.Host}:{builder.Port} database {builder.Database} " +
            $"(run tests/setup/postgres.sh or set RESTCOMM_TEST_POSTGRES): {last?.Message}";
    }

    private static bool Refused(Exception ex)
        => (ex as System.Net.Sockets.SocketException ?? ex.InnerException as System.Net.Sockets.SocketException)?.SocketErrorCode
            == System.Net.Sockets.SocketError.ConnectionRefused;

    public override async Task<StoreLocation> CreateAsync()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(10));
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        lock (_schemas)
        {
            _schemas.Add(schema);
        }

        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { SearchPath = schema, MaxPoolSize = 20 };
        return new StoreLocation(StoreProvider.PostgreSql, builder.ConnectionString);
    }

    public override async Task DisposeAsync()
    {
        if (SkipReason is not null || _schemas.Count == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync().WaitAsync(TimeSpan.FromSeconds(10));
        foreach (var schema in _schemas)
        {
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}

/// <summary>
/// Base of every store test: one generic class per area, with a sealed subclass per engine.
/// </summary>
public abstract class StoreTestBase<TDatabase> : IClassFixture<TDatabase>, IAsyncLifetime
    where TDatabase : TestDatabase
{
    private readonly List<GatewayStore> _opened = [];

    protected StoreTestBase(TDatabase database) => Database = database;

    protected static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    protected TDatabase Database { get; }

    protected ManualClock Clock { get; } = new(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));

    /// <summary>A fresh store; skips the test when the engine is not available.</summary>
    protected async Task<GatewayStore> NewStoreAsync()
    {
        var location = await NewLocationAsync();
        return await OpenAsync(location);
    }

    protected async Task<StoreLocation> NewLocationAsync()
    {
        Skip.If(Database.SkipReason is not null, Database.SkipReason);
        return await Database.CreateAsync().WaitAsync(Timeout);
    }

    protected async Task<GatewayStore> OpenAsync(StoreLocation location)
    {
        var store = await GatewayStore.OpenAsync(location, CancellationToken.None, Clock).WaitAsync(Timeout);
        lock (_opened)
        {
            _opened.Add(store);
        }

        return store;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }
}
