namespace Restcomm.Gateway.Store.Internal;

/// <summary>The few places where SQLite and PostgreSQL SQL differ; everything else is written once.</summary>
internal sealed class SqlDialect
{
    public static readonly SqlDialect Sqlite = new(StoreProvider.Sqlite, bytes: "BLOB", identity: "INTEGER PRIMARY KEY AUTOINCREMENT");
    public static readonly SqlDialect PostgreSql = new(StoreProvider.PostgreSql, bytes: "BYTEA", identity: "BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY");

    private readonly string _bytes;
    private readonly string _identity;

    private SqlDialect(StoreProvider provider, string bytes, string identity)
    {
        Provider = provider;
        _bytes = bytes;
        _identity = identity;
    }

    public StoreProvider Provider { get; }

    public static SqlDialect For(StoreProvider provider) => provider == StoreProvider.PostgreSql ? PostgreSql : Sqlite;

    /// <summary>Fills the type placeholders of a migration script.</summary>
    public string Render(string script) => script
        .Replace("${bytes}", _bytes, StringComparison.Ordinal)
        .Replace("${identity}", _identity, StringComparison.Ordinal);
}
