namespace Restcomm.Gateway.Store;

/// <summary>The database engine behind a <see cref="GatewayStore"/>.</summary>
public enum StoreProvider
{
    /// <summary>A SQLite file (the default, one file under the data directory).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (production).</summary>
    PostgreSql,
}
