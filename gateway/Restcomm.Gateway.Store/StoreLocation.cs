using Microsoft.Data.Sqlite;
using Npgsql;

namespace Restcomm.Gateway.Store;

/// <summary>
/// Where a store lives: a SQLite file or a PostgreSQL database, decided from one setting so that the
/// API, the command-line tool and the tests all read it the same way.
/// </summary>
/// <param name="Provider">The database engine.</param>
/// <param name="ConnectionString">A provider-specific connection string.</param>
public sealed record StoreLocation(StoreProvider Provider, string ConnectionString)
{
    /// <summary>File name of the SQLite store inside a data directory.</summary>
    public const string DefaultFileName = "gateway.db";

    /// <summary>
    /// Reads a store setting: empty means <c>gateway.db</c> under <paramref name="dataDirectory"/>;
    /// <c>postgres://</c>/<c>postgresql://</c> URIs and connection strings with a <c>Host=</c> part mean
    /// PostgreSQL; a <c>Data Source=</c> connection string or anything else (a file path) means SQLite.
    /// </summary>
    /// <param name="setting">Connection string, URI or file path; may be empty.</param>
    /// <param name="dataDirectory">Directory that holds the default SQLite file and relative paths.</param>
    /// <returns>The resolved location.</returns>
    /// <exception cref="ArgumentException">The setting is malformed.</exception>
    public static StoreLocation Parse(string? setting, string dataDirectory)
    {
        var value = setting?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return Sqlite(Path.Combine(dataDirectory, DefaultFileName));
        }

        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
            value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return new StoreLocation(StoreProvider.PostgreSql, FromPostgresUri(new Uri(value)));
        }

        if (value.Contains('=', StringComparison.Ordinal))
        {
            if (HasKey(value, "host") || HasKey(value, "server"))
            {
                try
                {
                    return new StoreLocation(StoreProvider.PostgreSql, new NpgsqlConnectionStringBuilder(value).ConnectionString);
                }
                catch (ArgumentException ex)
                {
                    throw new ArgumentException($"The PostgreSQL connection string is not valid: {ex.Message}", nameof(setting), ex);
                }
            }

            if (HasKey(value, "data source") || HasKey(value, "datasource") || HasKey(value, "filename"))
            {
                var builder = new SqliteConnectionStringBuilder(value);
                if (!Path.IsPathRooted(builder.DataSource) && builder.DataSource != ":memory:")
                {
                    builder.DataSource = Path.GetFullPath(Path.Combine(dataDirectory, builder.DataSource));
                }

                return new StoreLocation(StoreProvider.Sqlite, builder.ConnectionString);
            }
        }

        return Sqlite(Path.IsPathRooted(value) ? value : Path.GetFullPath(Path.Combine(dataDirectory, value)));
    }

    /// <summary>A SQLite store in the given file.</summary>
    /// <param name="path">Path of the database file; its directory is created when missing.</param>
    /// <returns>The location.</returns>
    public static StoreLocation Sqlite(string path)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(path),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        };
        return new StoreLocation(StoreProvider.Sqlite, builder.ConnectionString);
    }

    /// <summary>A description safe to log or print: the file, or host/port/database without credentials.</summary>
    /// <returns>The description.</returns>
    public string Describe()
    {
        if (Provider == StoreProvider.Sqlite)
        {
            return $"sqlite:{new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }

        var pg = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"postgresql://{pg.Host}:{pg.Port}/{pg.Database}";
    }

    /// <inheritdoc />
    public override string ToString() => Describe();

    private static bool HasKey(string connectionString, string key)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq].Trim().Equals(key, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private static string FromPostgresUri(Uri uri)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                builder[Uri.UnescapeDataString(pair[..eq])] = Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return builder.ConnectionString;
    }
}
