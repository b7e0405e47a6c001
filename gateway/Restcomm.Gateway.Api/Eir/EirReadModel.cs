using System.Data.Common;
using System.Text.Json;
using Dapper;
using Restcomm.Eir;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>
/// The EIR read model in the gateway's store (SQLite or PostgreSQL): the current entries and the ledger
/// height they reflect, written in one database transaction per block so a restart resumes exactly.
/// </summary>
/// <param name="openConnection">Opens a connection to the store.</param>
public sealed class EirReadModel(Func<CancellationToken, Task<DbConnection>> openConnection)
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS eir_entries (
            entry_id      TEXT   NOT NULL PRIMARY KEY,
            target        TEXT   NOT NULL,
            list          TEXT   NOT NULL,
            owner         TEXT   NOT NULL,
            entry_json    TEXT   NOT NULL,
            block_number  BIGINT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS eir_projection (
            name          TEXT   NOT NULL PRIMARY KEY,
            block_height  BIGINT NOT NULL
        );
        """;

    private const string ProjectionName = "eir";

    /// <summary>Creates the tables when missing.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await openConnection(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(Schema, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Every entry and the height they reflect (0 when nothing was projected yet).</summary>
    public async Task<(IReadOnlyList<EirEntry> Entries, long BlockHeight)> LoadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await openConnection(cancellationToken).ConfigureAwait(false);
        var height = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT block_height FROM eir_projection WHERE name = @Name", new { Name = ProjectionName }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT entry_json FROM eir_entries", cancellationToken: cancellationToken)).ConfigureAwait(false);
        var entries = rows.Select(json => JsonSerializer.Deserialize<EirEntry>(json, EirJson.Options)!).ToList();
        return (entries, height ?? 0);
    }

    /// <summary>Applies one block's changes and records that blocks below <paramref name="blockHeight"/> are reflected.</summary>
    public async Task ApplyBlockAsync(IReadOnlyList<EirChange> changes, long blockHeight, CancellationToken cancellationToken)
    {
        await using var connection = await openConnection(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var change in changes)
        {
            var entry = change.Entry;
            if (change.Kind == EirChangeKind.Cleared)
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM eir_entries WHERE entry_id = @Id", new { entry.Id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
            else
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    """
                    INSERT INTO eir_entries (entry_id, target, list, owner, entry_json, block_number)
                    VALUES (@Id, @Target, @List, @Owner, @Json, @Block)
                    ON CONFLICT (entry_id) DO UPDATE SET entry_json = excluded.entry_json, block_number = excluded.block_number
                    """,
                    new
                    {
                        entry.Id,
                        Target = entry.Target.ToString(),
                        List = EirNames.Of(entry.List),
                        entry.Owner,
                        Json = JsonSerializer.Serialize(entry, EirJson.Options),
                        Block = blockHeight - 1,
                    },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            }
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO eir_projection (name, block_height) VALUES (@Name, @Height)
            ON CONFLICT (name) DO UPDATE SET block_height = excluded.block_height
            """,
            new { Name = ProjectionName, Height = blockHeight },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }
}
