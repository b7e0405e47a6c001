using System.Globalization;
using System.Text.Json;
using Dapper;
using Restcomm.Gateway.Store;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Api.Roaming;

/// <summary>Filters for listing usage batches; null means any.</summary>
/// <param name="AgreementId">Only this agreement's batches.</param>
/// <param name="Period">Only this period (<c>yyyy-MM</c>).</param>
/// <param name="Status">Only batches in this status (<c>submitted</c>, <c>reconciled</c>).</param>
/// <param name="VisitedMspId">Only batches this operator sent.</param>
/// <param name="HomeMspId">Only batches addressed to this operator.</param>
public sealed record BatchFilter(string? AgreementId = null, string? Period = null, string? Status = null, string? VisitedMspId = null, string? HomeMspId = null);

/// <summary>One page of a read model listing, and the ledger height the read model reflected when it was read.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Items">The items.</param>
/// <param name="NextCursor">The cursor of the next page, or null on the last page.</param>
/// <param name="BlockHeight">Every block below this height is in the read model.</param>
public sealed record ReadModelPage<T>(IReadOnlyList<T> Items, string? NextCursor, long BlockHeight);

/// <summary>A read model item and the ledger height the read model reflected when it was read.</summary>
/// <typeparam name="T">Item type.</typeparam>
/// <param name="Item">The item, or null when the read model has none.</param>
/// <param name="BlockHeight">Every block below this height is in the read model.</param>
public sealed record ReadModelItem<T>(T? Item, long BlockHeight);

/// <summary>Queries over the roaming read model that <see cref="RoamingProjection"/> keeps.</summary>
/// <param name="store">The gateway's store.</param>
public sealed class RoamingReadModel(GatewayStore store)
{
    /// <summary>Largest page.</summary>
    public const int MaxPageSize = 500;

    /// <summary>Agreements of a channel, by ID, optionally only those a party is in.</summary>
    public async Task<ReadModelPage<AgreementState>> ListAgreementsAsync(string channel, string? party, int limit, string? afterId, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<(string Id, string Json)>(new CommandDefinition(
            """
            SELECT agreement_id, state_json FROM roaming_agreements
            WHERE channel = @Channel AND (@Party IS NULL OR party_a = @Party OR party_b = @Party) AND (@After IS NULL OR agreement_id > @After)
            ORDER BY agreement_id LIMIT @Take
            """,
            new { Channel = channel, Party = party, After = afterId, Take = limit + 1 }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        return Page(rows, limit, r => r.Id, r => Read<AgreementState>(r.Json), height);
    }

    /// <summary>One agreement's public state.</summary>
    public Task<ReadModelItem<AgreementState>> GetAgreementAsync(string channel, string agreementId, CancellationToken cancellationToken)
        => ItemAsync<AgreementState>(channel, "SELECT state_json FROM roaming_agreements WHERE channel = @Channel AND agreement_id = @A", new { Channel = channel, A = agreementId }, cancellationToken);

    /// <summary>Usage batches of a channel in the order they were submitted, filtered.</summary>
    public async Task<ReadModelPage<UsageBatchState>> ListBatchesAsync(string channel, BatchFilter filter, int limit, string? cursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MaxPageSize);
        var after = BatchCursor.Parse(cursor);
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<(long Block, string FileId, int Batch, string Json)>(new CommandDefinition(
            """
            SELECT submitted_block, file_id, batch_number, state_json FROM roaming_batches
            WHERE channel = @Channel
              AND (@AgreementId IS NULL OR agreement_id = @AgreementId) AND (@Period IS NULL OR period = @Period)
              AND (@Status IS NULL OR status = @Status) AND (@Visited IS NULL OR visited_msp = @Visited) AND (@Home IS NULL OR home_msp = @Home)
              AND (@HasCursor = 0 OR submitted_block > @CBlock OR (submitted_block = @CBlock AND (file_id > @CFile OR (file_id = @CFile AND batch_number > @CBatch))))
            ORDER BY submitted_block, file_id, batch_number LIMIT @Take
            """,
            new
            {
                Channel = channel,
                filter.AgreementId,
                filter.Period,
                filter.Status,
                Visited = filter.VisitedMspId,
                Home = filter.HomeMspId,
                HasCursor = after is null ? 0 : 1,
                CBlock = after?.Block ?? 0,
                CFile = after?.FileId ?? string.Empty,
                CBatch = after?.Batch ?? 0,
                Take = limit + 1,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        return Page(rows, limit, r => new BatchCursor(r.Block, r.FileId, r.Batch).ToString(), r => Read<UsageBatchState>(r.Json), height);
    }

    /// <summary>One usage batch's public state.</summary>
    public Task<ReadModelItem<UsageBatchState>> GetBatchAsync(string channel, string fileId, int batchNumber, CancellationToken cancellationToken)
        => ItemAsync<UsageBatchState>(channel, "SELECT state_json FROM roaming_batches WHERE channel = @Channel AND file_id = @F AND batch_number = @B", new { Channel = channel, F = fileId, B = batchNumber }, cancellationToken);

    /// <summary>Statements of a channel, by agreement and period, optionally of one agreement.</summary>
    public async Task<ReadModelPage<StatementState>> ListStatementsAsync(string channel, string? agreementId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT state_json FROM roaming_statements WHERE channel = @Channel AND (@A IS NULL OR agreement_id = @A) ORDER BY agreement_id, period",
            new { Channel = channel, A = agreementId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ReadModelPage<StatementState>(rows.Select(Read<StatementState>).ToList(), null, height);
    }

    /// <summary>One statement's public state.</summary>
    public Task<ReadModelItem<StatementState>> GetStatementAsync(string channel, string agreementId, string period, CancellationToken cancellationToken)
        => ItemAsync<StatementState>(channel, "SELECT state_json FROM roaming_statements WHERE channel = @Channel AND agreement_id = @A AND period = @P", new { Channel = channel, A = agreementId, P = period }, cancellationToken);

    /// <summary>The height the roaming read model of a channel reflects (0 before its first block).</summary>
    public async Task<long> HeightAsync(string channel, CancellationToken cancellationToken)
        => (await store.Positions.GetAsync("roaming", channel, cancellationToken).ConfigureAwait(false))?.NextBlock ?? 0;

    private async Task<ReadModelItem<T>> ItemAsync<T>(string channel, string sql, object parameters, CancellationToken cancellationToken)
        where T : class
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var height = await HeightAsync(channel, cancellationToken).ConfigureAwait(false);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ReadModelItem<T>(json is null ? null : Read<T>(json), height);
    }

    private static ReadModelPage<T> Page<TRow, T>(List<TRow> rows, int limit, Func<TRow, string> cursorOf, Func<TRow, T> read, long height)
    {
        var more = rows.Count > limit;
        var items = rows.Take(limit).ToList();
        return new ReadModelPage<T>(items.Select(read).ToList(), more ? cursorOf(items[^1]) : null, height);
    }

    private static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, RoamingJson.Options)!;

    /// <summary>Where a batch listing stands: the last batch returned (block it was submitted in, file ID, batch number).</summary>
    private sealed record BatchCursor(long Block, string FileId, int Batch)
    {
        public override string ToString()
            => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{Block}|{FileId}|{Batch}")))
                .TrimEnd('=').Replace('+', '-').Replace('/', '_');

        public static BatchCursor? Parse(string? cursor)
        {
            if (string.IsNullOrEmpty(cursor))
            {
                return null;
            }

            try
            {
                var padded = cursor.Replace('-', '+').Replace('_', '/');
                padded += new string('=', (4 - (padded.Length % 4)) % 4);
                var parts = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
                if (parts.Length == 3
                    && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var block)
                    && int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var batch))
                {
                    return new BatchCursor(block, parts[1], batch);
                }
            }
            catch (FormatException)
            {
            }

            throw new FormatException("The cursor is not one this API issued.");
        }
    }
}
