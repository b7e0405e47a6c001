using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Dapper;

namespace Restcomm.Gateway.Store.Internal;

/// <summary>
/// Applies the embedded <c>Migrations/V####__name.sql</c> scripts in version order, each in its own
/// transaction together with its row in <c>schema_migrations</c>. Several processes may start at once:
/// PostgreSQL serialises them with an advisory lock, SQLite with an immediate (write) transaction.
/// </summary>
internal static class Migrator
{
    private const long AdvisoryLockKey = 0x5245_5354_434F_4D4D; // "RESTCOMM"

    public static IReadOnlyList<Migration> All { get; } = Load();

    public static async Task<IReadOnlyList<int>> ApplyAsync(DbConnection connection, SqlDialect dialect, CancellationToken cancellationToken, int upToVersion = int.MaxValue)
    {
        var applied = new List<int>();
        foreach (var migration in All.Where(m => m.Version <= upToVersion))
        {
            await using var transaction = await BeginAsync(connection, dialect, cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
                transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var done = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT COUNT(*) FROM schema_migrations WHERE version = @Version",
                new { migration.Version }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (done > 0)
            {
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            await connection.ExecuteAsync(new CommandDefinition(dialect.Render(migration.Script), transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @AppliedAt)",
                new { migration.Version, migration.Name, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            applied.Add(migration.Version);
        }

        return applied;
    }

    private static async Task<DbTransaction> BeginAsync(DbConnection connection, SqlDialect dialect, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (dialect.Provider == StoreProvider.PostgreSql)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_xact_lock(@Key)", new { Key = AdvisoryLockKey }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        return transaction;
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            // Migrations.V0001__api_keys.sql
            if (!resource.StartsWith("Migrations.V", StringComparison.Ordinal) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource["Migrations.".Length..^".sql".Length];
            var separator = file.IndexOf("__", StringComparison.Ordinal);
            var version = int.Parse(file[1..separator], NumberStyles.None, CultureInfo.InvariantCulture);
            migrations.Add(new Migration(version, file[(separator + 2)..], Read(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource {resource} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    internal sealed record Migration(int Version, string Name, string Script);
}
