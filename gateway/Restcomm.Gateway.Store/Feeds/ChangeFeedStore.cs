using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Store.Feeds;

/// <summary>A change in the feed.</summary>
/// <param name="Sequence">Position in the feed: increasing in commit order, never reused or renumbered.</param>
/// <param name="Application">The application (<c>eir</c>, <c>roaming</c>…).</param>
/// <param name="Channel">The channel.</param>
/// <param name="BlockNumber">The block that committed the change.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="Ordinal">Index among the application's changes of that transaction.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Key">What changed.</param>
/// <param name="PayloadJson">The changed thing, a JSON object.</param>
/// <param name="RecordedAt">When this gateway recorded it.</param>
public sealed record ChangeRecord(
    long Sequence, string Application, string Channel, long BlockNumber, string TransactionId, int Ordinal, string Kind, string Key, string PayloadJson, DateTimeOffset RecordedAt);

/// <summary>
/// The change feed of every application (table <c>change_feed</c>): appended by the <see cref="ProjectionEngine"/> in the
/// transaction of each block, read by sequence. Sequences come from one counter row held until commit, so a reader that
/// has seen sequence N never later finds a committed change below N (except one a rebuild adds that was never there).
/// </summary>
public sealed class ChangeFeedStore
{
    private const int InsertChunk = 200;

    private readonly GatewayStore _store;
    private string? _epoch;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal ChangeFeedStore(GatewayStore store) => _store = store;

    /// <summary>Completes when this process next commits changes to the feed; take it before reading, then wait on it.</summary>
    public Task Changed => Volatile.Read(ref _changed).Task;

    /// <summary>The feed's identity: a new database has a new one, so cursors of another feed are recognised.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The epoch (16 hex digits).</returns>
    public async Task<string> GetEpochAsync(CancellationToken cancellationToken)
    {
        if (_epoch is { } known)
        {
            return known;
        }

        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE change_feed_head SET epoch = @Epoch WHERE id = 1 AND epoch = ''",
            new { Epoch = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)) }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var epoch = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT epoch FROM change_feed_head WHERE id = 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return _epoch = epoch!;
    }

    /// <summary>The highest sequence written so far (0 for an empty feed).</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The sequence.</returns>
    public async Task<long> GetHeadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT last_seq FROM change_feed_head WHERE id = 1", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Changes of some applications after a sequence, oldest first.</summary>
    /// <param name="applications">The applications wanted (at least one).</param>
    /// <param name="afterSequence">The last sequence already seen, or 0.</param>
    /// <param name="limit">Page size (1..1000).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page.</returns>
    public async Task<StorePage<ChangeRecord>> ReadAsync(IReadOnlyCollection<string> applications, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(applications);
        ArgumentOutOfRangeException.ThrowIfZero(applications.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        // One parameter per application, written out: list expansion differs between the two providers.
        var parameters = new DynamicParameters(new { After = afterSequence, Take = limit + 1 });
        var names = new List<string>(applications.Count);
        foreach (var application in applications)
        {
            var name = "A" + names.Count.ToString(CultureInfo.InvariantCulture);
            parameters.Add(name, application);
            names.Add("@" + name);
        }

        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(
            $"""
            SELECT seq AS Seq, application AS Application, channel AS Channel, block_number AS BlockNumber, transaction_id AS TransactionId,
                   ordinal AS Ordinal, kind AS Kind, change_key AS ChangeKey, payload AS Payload, recorded_at AS RecordedAt
            FROM change_feed
            WHERE seq > @After AND application IN ({string.Join(", ", names)})
            ORDER BY seq
            LIMIT @Take
            """,
            parameters, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var hasMore = rows.Count > limit;
        return new StorePage<ChangeRecord>(rows.Take(limit).Select(r => r.ToRecord()).ToList(), hasMore);
    }

    /// <summary>
    /// Appends a block's changes of one application in the engine's transaction; changes already in the feed (a rebuild
    /// re-applying the block) are skipped, so they keep their sequence.
    /// </summary>
    /// <returns>How many changes were written.</returns>
    internal async Task<int> AppendAsync(
        DbConnection connection, DbTransaction transaction, IChangeFeedSource source, string channel, LedgerBlock block, CancellationToken cancellationToken)
    {
        var changes = source.FeedChanges(channel, block).ToList();
        if (changes.Count == 0)
        {
            return 0;
        }

        var number = (long)block.Number;
        var existing = (await connection.QueryAsync<Existing>(new CommandDefinition(
            "SELECT transaction_id AS TransactionId, ordinal AS Ordinal FROM change_feed WHERE application = @Application AND channel = @Channel AND block_number = @Block",
            new { source.Application, Channel = channel, Block = number }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(e => (e.TransactionId, (int)e.Ordinal)).ToHashSet();
        var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
        var fresh = new List<(FeedChange Change, int Ordinal)>(changes.Count);
        foreach (var change in changes)
        {
            if (change.PayloadJson.AsSpan().TrimStart() is not ['{', ..])
            {
                throw new InvalidDataException($"The {source.Application} change '{change.Kind}' of {change.TransactionId} does not carry a JSON object.");
            }

            var ordinal = ordinals.GetValueOrDefault(change.TransactionId);
            ordinals[change.TransactionId] = ordinal + 1;
            if (!existing.Contains((change.TransactionId, ordinal)))
            {
                fresh.Add((change, ordinal));
            }
        }

        if (fresh.Count == 0)
        {
            return 0;
        }

        // The counter row stays locked until the block's transaction commits: sequences become visible in order.
        var last = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE change_feed_head SET last_seq = last_seq + @Count WHERE id = 1 RETURNING last_seq",
            new { fresh.Count }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var first = last - fresh.Count + 1;
        // Rows go in chunks of one multi-row INSERT each: a bulk EIR report brings thousands of changes in one block.
        var now = _store.NowMs();
        for (var offset = 0; offset < fresh.Count; offset += InsertChunk)
        {
            var chunk = fresh.GetRange(offset, Math.Min(InsertChunk, fresh.Count - offset));
            var parameters = new DynamicParameters(new { source.Application, Channel = channel, Block = number, Now = now });
            var values = new StringBuilder();
            for (var i = 0; i < chunk.Count; i++)
            {
                var n = i.ToString(CultureInfo.InvariantCulture);
                values.Append(i == 0 ? "" : ", ").Append($"(@S{n}, @Application, @Channel, @Block, @T{n}, @O{n}, @K{n}, @Y{n}, @P{n}, @Now)");
                parameters.Add("S" + n, first + offset + i);
                parameters.Add("T" + n, chunk[i].Change.TransactionId);
                parameters.Add("O" + n, chunk[i].Ordinal);
                parameters.Add("K" + n, chunk[i].Change.Kind);
                parameters.Add("Y" + n, chunk[i].Change.Key);
                parameters.Add("P" + n, chunk[i].Change.PayloadJson);
            }

            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO change_feed (seq, application, channel, block_number, transaction_id, ordinal, kind, change_key, payload, recorded_at) VALUES " + values,
                parameters, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        return fresh.Count;
    }

    /// <summary>Wakes everyone waiting on <see cref="Changed"/>; called after a commit that wrote changes.</summary>
    internal void Pulse() => Interlocked.Exchange(ref _changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private sealed class Existing
    {
        public string TransactionId { get; set; } = "";
        public long Ordinal { get; set; }
    }

    private sealed class Row
    {
        public long Seq { get; set; }
        public string Application { get; set; } = "";
        public string Channel { get; set; } = "";
        public long BlockNumber { get; set; }
        public string TransactionId { get; set; } = "";
        public long Ordinal { get; set; }
        public string Kind { get; set; } = "";
        public string ChangeKey { get; set; } = "";
        public string Payload { get; set; } = "";
        public long RecordedAt { get; set; }

        public ChangeRecord ToRecord() => new(
            Seq, Application, Channel, BlockNumber, TransactionId, (int)Ordinal, Kind, ChangeKey, Payload, DateTimeOffset.FromUnixTimeMilliseconds(RecordedAt));
    }
}
