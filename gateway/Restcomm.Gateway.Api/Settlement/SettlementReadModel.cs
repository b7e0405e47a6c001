using System.Text.Json;
using Dapper;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Gateway.Api.Settlement;

/// <summary>Queries over the settlement read model that <see cref="SettlementProjection"/> keeps.</summary>
/// <param name="store">The gateway's store.</param>
public sealed class SettlementReadModel(GatewayStore store)
{
    /// <summary>Most entries one history answer lists.</summary>
    public const int MaxEntries = 1_000;

    /// <summary>An account's balance: the sum of its entries in the read model.</summary>
    public async Task<ReadModelItem<AccountBalance>> BalanceAsync(string channel, string account, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var (sum, count) = await connection.QuerySingleAsync<(long Sum, long Count)>(new CommandDefinition(
            "SELECT COALESCE(SUM(amount), 0), COUNT(*) FROM settlement_entries WHERE channel = @Channel AND account = @Account",
            new { Channel = channel, Account = account }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ReadModelItem<AccountBalance>(new AccountBalance(account, sum, (int)count), height);
    }

    /// <summary>An account's newest entries, newest first.</summary>
    public async Task<ReadModelPage<AccountEntry>> EntriesAsync(string channel, string account, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT entry_json FROM settlement_entries WHERE channel = @Channel AND account = @Account ORDER BY block_number DESC, tx_id, position LIMIT @Take",
            new { Channel = channel, Account = account, Take = Math.Clamp(limit, 1, MaxEntries) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ReadModelPage<AccountEntry>(rows.Select(Read<AccountEntry>).ToList(), null, height);
    }

    /// <summary>One object of a kind (<see cref="SettlementProjection.Kinds"/>) by ID.</summary>
    internal async Task<ReadModelItem<T>> GetAsync<T>(string channel, string kind, string id, CancellationToken cancellationToken)
        where T : class
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT state_json FROM settlement_objects WHERE channel = @Channel AND kind = @Kind AND object_id = @Id",
            new { Channel = channel, Kind = kind, Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ReadModelItem<T>(json is null ? null : Read<T>(json), height);
    }

    /// <summary>Objects of a kind where an organisation is either party (null: all), by ID.</summary>
    internal async Task<ReadModelPage<T>> ListAsync<T>(string channel, string kind, string? party, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT state_json FROM settlement_objects
            WHERE channel = @Channel AND kind = @Kind AND (@Party IS NULL OR party_a = @Party OR party_b = @Party)
            ORDER BY block_number, object_id LIMIT 1000
            """,
            new { Channel = channel, Kind = kind, Party = party }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ReadModelPage<T>(rows.Select(Read<T>).ToList(), null, height);
    }

    /// <summary>The height the settlement read model of a channel reflects.</summary>
    public async Task<long> HeightAsync(string channel, CancellationToken cancellationToken)
        => (await store.Positions.GetAsync("settlement", channel, cancellationToken).ConfigureAwait(false))?.NextBlock ?? 0;

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, RoamingJson.Options)!;
}
