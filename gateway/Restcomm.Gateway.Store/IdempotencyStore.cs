using Dapper;

namespace Restcomm.Gateway.Store;

/// <summary>What to do with a request that carries an <c>Idempotency-Key</c>.</summary>
public enum IdempotencyDecision
{
    /// <summary>First time: run it, then <see cref="IdempotencyStore.CompleteAsync"/> or <see cref="IdempotencyStore.AbandonAsync"/>.</summary>
    Proceed,

    /// <summary>Done before with the same request: send the stored response.</summary>
    Replay,

    /// <summary>The key was used before for a different request.</summary>
    Mismatch,

    /// <summary>The same request is still running elsewhere.</summary>
    InProgress,
}

/// <summary>The stored response of a completed request.</summary>
/// <param name="StatusCode">HTTP status.</param>
/// <param name="ContentType">Content type, or null.</param>
/// <param name="Body">Body bytes.</param>
public sealed record IdempotentResponse(int StatusCode, string? ContentType, byte[] Body);

/// <summary>The transaction a claimed request submitted (recorded before it was endorsed).</summary>
/// <param name="Channel">The channel it was submitted on.</param>
/// <param name="TransactionId">Its ID.</param>
public sealed record IdempotentTransaction(string Channel, string TransactionId);

/// <summary>The outcome of <see cref="IdempotencyStore.BeginAsync"/>.</summary>
/// <param name="Decision">What to do.</param>
/// <param name="Response">The response to replay when <see cref="Decision"/> is <see cref="IdempotencyDecision.Replay"/>.</param>
/// <param name="Transaction">
/// For <see cref="IdempotencyDecision.InProgress"/>: the transaction the unfinished request submitted, if it got that far. Its
/// fate on the ledger decides the retry (<see cref="IdempotencyStore.TakeOverAsync"/> or <see cref="IdempotencyStore.AbandonAsync"/>).
/// </param>
/// <param name="ClaimedAt">For <see cref="IdempotencyDecision.InProgress"/>: when the unfinished request claimed the key.</param>
public sealed record IdempotencyClaim(IdempotencyDecision Decision, IdempotentResponse? Response, IdempotentTransaction? Transaction = null, DateTimeOffset? ClaimedAt = null);

/// <summary>
/// Claims idempotency keys and keeps the responses to replay. A claim is a row inserted before the work
/// starts (so two concurrent requests cannot both proceed) and completed with the response afterwards.
/// </summary>
public sealed class IdempotencyStore
{
    private readonly GatewayStore _store;

    internal IdempotencyStore(GatewayStore store) => _store = store;

    /// <summary>
    /// A claim left pending longer than this (its process died) may be taken over; one that recorded a transaction is
    /// not taken over blindly: the caller asks the ledger first (<see cref="IdempotencyClaim.Transaction"/>).
    /// </summary>
    public TimeSpan PendingTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Claims <paramref name="key"/> for a request, or says why not.</summary>
    /// <param name="scope">Whose key space it is (the API key id).</param>
    /// <param name="key">The <c>Idempotency-Key</c> header value.</param>
    /// <param name="requestHash">Hash of what identifies the request (method, path, body).</param>
    /// <param name="cancellationToken">Cancels the claim.</param>
    /// <returns>The decision.</returns>
    public async Task<IdempotencyClaim> BeginAsync(string scope, string key, byte[] requestHash, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var now = _store.NowMs();
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO idempotency_records (scope, idempotency_key, request_hash, created_at) VALUES (@Scope, @Key, @Hash, @Now) ON CONFLICT (scope, idempotency_key) DO NOTHING",
            new { Scope = scope, Key = key, Hash = requestHash, Now = now }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (inserted == 1)
        {
            return new IdempotencyClaim(IdempotencyDecision.Proceed, null);
        }

        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT request_hash AS RequestHash, status_code AS StatusCode, content_type AS ContentType, response_body AS ResponseBody, created_at AS CreatedAt, completed_at AS CompletedAt, " +
            "ledger_channel AS LedgerChannel, transaction_id AS TransactionId FROM idempotency_records WHERE scope = @Scope AND idempotency_key = @Key",
            new { Scope = scope, Key = key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (row is null)
        {
            // Purged between the insert and the select: try once more.
            return await BeginAsync(scope, key, requestHash, cancellationToken).ConfigureAwait(false);
        }

        if (!row.RequestHash.AsSpan().SequenceEqual(requestHash))
        {
            return new IdempotencyClaim(IdempotencyDecision.Mismatch, null);
        }

        if (row.CompletedAt is not null)
        {
            return new IdempotencyClaim(IdempotencyDecision.Replay, new IdempotentResponse((int)(row.StatusCode ?? 200), row.ContentType, row.ResponseBody ?? []));
        }

        if (row is { LedgerChannel: { } channel, TransactionId: { } transactionId })
        {
            return new IdempotencyClaim(IdempotencyDecision.InProgress, null, new IdempotentTransaction(channel, transactionId),
                DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt));
        }

        if (now - row.CreatedAt > (long)PendingTimeout.TotalMilliseconds)
        {
            var taken = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE idempotency_records SET created_at = @Now WHERE scope = @Scope AND idempotency_key = @Key AND completed_at IS NULL AND created_at = @Was",
                new { Scope = scope, Key = key, Now = now, Was = row.CreatedAt }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (taken == 1)
            {
                return new IdempotencyClaim(IdempotencyDecision.Proceed, null);
            }
        }

        return new IdempotencyClaim(IdempotencyDecision.InProgress, null, null, DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt));
    }

    /// <summary>Records the transaction a claimed request is about to endorse, so a retry can learn its fate from the ledger.</summary>
    /// <param name="scope">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="key">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="transaction">The channel and transaction ID.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task.</returns>
    public async Task RecordTransactionAsync(string scope, string key, IdempotentTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_records SET ledger_channel = @Channel, transaction_id = @TransactionId WHERE scope = @Scope AND idempotency_key = @Key AND completed_at IS NULL",
            new { Scope = scope, Key = key, transaction.Channel, transaction.TransactionId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes over an unfinished claim seen by <see cref="BeginAsync"/> (its transaction committed, so the retry answers in
    /// its place); false when another retry took it first or it finished meanwhile.
    /// </summary>
    /// <param name="scope">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="key">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="claimedAt">The claim's <see cref="IdempotencyClaim.ClaimedAt"/>.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether this caller now holds the claim.</returns>
    public async Task<bool> TakeOverAsync(string scope, string key, DateTimeOffset claimedAt, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var taken = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_records SET created_at = @Now WHERE scope = @Scope AND idempotency_key = @Key AND completed_at IS NULL AND created_at = @Was",
            new { Scope = scope, Key = key, Now = Math.Max(_store.NowMs(), claimedAt.ToUnixTimeMilliseconds() + 1), Was = claimedAt.ToUnixTimeMilliseconds() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return taken == 1;
    }

    /// <summary>Stores the response of a claimed request so that repeats replay it.</summary>
    /// <param name="scope">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="key">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="response">The response sent.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task.</returns>
    public async Task CompleteAsync(string scope, string key, IdempotentResponse response, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE idempotency_records SET status_code = @Status, content_type = @ContentType, response_body = @Body, completed_at = @Now WHERE scope = @Scope AND idempotency_key = @Key",
            new { Scope = scope, Key = key, Status = response.StatusCode, response.ContentType, response.Body, Now = _store.NowMs() },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Releases a claim whose request failed in a way worth retrying (a 5xx or an exception).</summary>
    /// <param name="scope">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="key">As given to <see cref="BeginAsync"/>.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>A task.</returns>
    public async Task AbandonAsync(string scope, string key, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE scope = @Scope AND idempotency_key = @Key AND completed_at IS NULL",
            new { Scope = scope, Key = key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Forgets records created before <paramref name="cutoff"/>.</summary>
    /// <param name="cutoff">Oldest creation time to keep.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>How many records were removed.</returns>
    public async Task<int> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM idempotency_records WHERE created_at < @Cutoff",
            new { Cutoff = cutoff.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class Row
    {
        public byte[] RequestHash { get; set; } = [];
        public long? StatusCode { get; set; }
        public string? ContentType { get; set; }
        public byte[]? ResponseBody { get; set; }
        public long CreatedAt { get; set; }
        public long? CompletedAt { get; set; }
        public string? LedgerChannel { get; set; }
        public string? TransactionId { get; set; }
    }
}
