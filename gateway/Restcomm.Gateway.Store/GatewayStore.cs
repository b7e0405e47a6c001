using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using Restcomm.Gateway.Store.Feeds;
using Restcomm.Gateway.Store.Internal;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Store;

/// <summary>
/// The gateway's off-chain store: API keys, idempotency records, projection checkpoints and read models,
/// on SQLite (default) or PostgreSQL. Open it with <see cref="OpenAsync"/>, which applies pending
/// migrations; the instance is thread-safe and meant to live as long as the process.
/// </summary>
public sealed class GatewayStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource? _postgres;

    private GatewayStore(StoreLocation location, TimeProvider clock)
    {
        Location = location;
        Clock = clock;
        Dialect = SqlDialect.For(location.Provider);
        if (location.Provider == StoreProvider.PostgreSql)
        {
            _postgres = NpgsqlDataSource.Create(location.ConnectionString);
        }

        ApiKeys = new ApiKeyStore(this);
        Idempotency = new IdempotencyStore(this);
        Positions = new ProjectionPositions(this);
        LedgerEvents = new LedgerEventStore(this);
        ChangeFeed = new ChangeFeedStore(this);
        Webhooks = new WebhookStore(this);
    }

    /// <summary>Where the data lives.</summary>
    public StoreLocation Location { get; }

    /// <summary>The database engine.</summary>
    public StoreProvider Provider => Location.Provider;

    /// <summary>API keys (hashed) and their scopes.</summary>
    public ApiKeyStore ApiKeys { get; }

    /// <summary>Stored responses keyed by <c>Idempotency-Key</c>.</summary>
    public IdempotencyStore Idempotency { get; }

    /// <summary>Where each projection stands on each channel.</summary>
    public ProjectionPositions Positions { get; }

    /// <summary>The change feed read model: every chaincode event followed by the gateway.</summary>
    public LedgerEventStore LedgerEvents { get; }

    /// <summary>The change feed of every application (what its projection applied), by sequence.</summary>
    public ChangeFeedStore ChangeFeed { get; }

    /// <summary>Webhook subscriptions, their delivery cursors and dead letters.</summary>
    public WebhookStore Webhooks { get; }

    internal TimeProvider Clock { get; }

    internal SqlDialect Dialect { get; }

    /// <summary>Opens the store and brings its schema up to date.</summary>
    /// <param name="location">Where the data lives.</param>
    /// <param name="cancellationToken">Cancels the migration.</param>
    /// <param name="clock">Clock for timestamps; the system clock when null.</param>
    /// <returns>The open store.</returns>
    public static async Task<GatewayStore> OpenAsync(StoreLocation location, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        if (location.Provider == StoreProvider.Sqlite)
        {
            var file = new SqliteConnectionStringBuilder(location.ConnectionString).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(file));
            if (!string.IsNullOrEmpty(directory) && file != ":memory:")
            {
                Directory.CreateDirectory(directory);
            }
        }

        var store = new GatewayStore(location, clock ?? TimeProvider.System);
        try
        {
            await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (store.Provider == StoreProvider.Sqlite)
            {
                // WAL lets readers (the API) run while a writer (a projection) commits.
                await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode=WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
            }

            await Migrator.ApplyAsync(connection, store.Dialect, cancellationToken).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Opens a new connection (callers dispose it); for read models written by other components.</summary>
    /// <param name="cancellationToken">Cancels the open.</param>
    /// <returns>An open connection.</returns>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        if (_postgres is not null)
        {
            return await _postgres.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        }

        var connection = new SqliteConnection(Location.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Writers wait for each other instead of failing with SQLITE_BUSY. In WAL mode NORMAL sync
            // survives a process crash (kill -9) intact; only a power cut can drop the last commits,
            // and those are atomic with their checkpoints, so projections re-apply them.
            await connection.ExecuteAsync(new CommandDefinition("PRAGMA busy_timeout=30000; PRAGMA synchronous=NORMAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Checks that the database answers; used by readiness probes.</summary>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>A task that fails when the database does not answer.</returns>
    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Schema versions applied so far, ascending.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The versions.</returns>
    public async Task<IReadOnlyList<int>> GetSchemaVersionsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT version FROM schema_migrations ORDER BY version", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(v => (int)v).ToList();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal long NowMs() => Clock.GetUtcNow().ToUnixTimeMilliseconds();
}
