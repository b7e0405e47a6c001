using System.Text.Json;
using Dapper;
using Restcomm.Eir;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>Filters for listing EIR entries; null means any.</summary>
/// <param name="Owner">Only this organisation's entries.</param>
/// <param name="List">Only entries of this list.</param>
/// <param name="Reason">Only entries with this reason.</param>
/// <param name="UpdatedSince">Only entries reported or changed at or after this time.</param>
public sealed record EirEntryFilter(string? Owner = null, EirList? List = null, ReasonCode? Reason = null, DateTimeOffset? UpdatedSince = null);

/// <summary>Reads the EIR read model (<c>eir_entries</c>) that <see cref="EirProjection"/> keeps.</summary>
/// <param name="store">The gateway's store.</param>
public sealed class EirEntryQueries(GatewayStore store)
{
    /// <summary>Entries by ID after <paramref name="afterId"/>, filtered; one more than <paramref name="limit"/> tells a next page exists.</summary>
    /// <param name="filter">The filters.</param>
    /// <param name="limit">Page size.</param>
    /// <param name="afterId">The last entry ID of the previous page, or null.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The entries (at most <paramref name="limit"/> + 1) and the height the read model reflected.</returns>
    public async Task<(IReadOnlyList<EirEntry> Entries, long BlockHeight)> ListAsync(EirEntryFilter filter, int limit, string? afterId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = (await store.Positions.GetAsync("eir", EirProjection.Channel, cancellationToken).ConfigureAwait(false))?.NextBlock ?? 0;
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            """
            SELECT entry_json FROM eir_entries
            WHERE channel = @Channel AND (@Owner IS NULL OR owner = @Owner) AND (@List IS NULL OR list = @List)
              AND (@Reason IS NULL OR reason = @Reason) AND (@Since IS NULL OR updated_at >= @Since)
              AND (@After IS NULL OR entry_id > @After)
            ORDER BY entry_id LIMIT @Take
            """,
            new
            {
                Channel = EirProjection.Channel,
                filter.Owner,
                List = filter.List is { } list ? EirNames.Of(list) : null,
                Reason = filter.Reason is { } reason ? EirNames.Of(reason) : null,
                Since = filter.UpdatedSince?.ToUnixTimeMilliseconds(),
                After = afterId,
                Take = limit + 1,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (rows.Select(json => JsonSerializer.Deserialize<EirEntry>(json, EirJson.Options)!).ToList(), height);
    }
}
