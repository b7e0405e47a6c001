using Dapper;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Store.Feeds;

/// <summary>A webhook subscription: where one organisation's API posts the changes of some applications.</summary>
/// <param name="Id">Identifier (<c>wh_</c> and 16 hex digits).</param>
/// <param name="Url">The target (http or https).</param>
/// <param name="Applications">The applications whose changes it receives.</param>
/// <param name="Secret">The signing secret, as issued.</param>
/// <param name="Description">Free text, or null.</param>
/// <param name="CreatedByKey">ID of the API key that created it.</param>
/// <param name="CreatedAt">When it was created.</param>
/// <param name="CursorSequence">The last sequence the target acknowledged.</param>
/// <param name="Attempts">Failed attempts of the batch being retried (0 when none).</param>
/// <param name="NextAttemptAt">When the next delivery may be tried.</param>
/// <param name="LastError">What the last failed attempt met, or null.</param>
/// <param name="LastDeliveredAt">When a batch was last acknowledged, or null.</param>
public sealed record WebhookSubscription(
    string Id,
    string Url,
    IReadOnlyList<string> Applications,
    string Secret,
    string? Description,
    string CreatedByKey,
    DateTimeOffset CreatedAt,
    long CursorSequence,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastError,
    DateTimeOffset? LastDeliveredAt);

/// <summary>A batch a target did not take after the last attempt.</summary>
/// <param name="Id">Identifier within the store.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="FirstSequence">Sequence of its first change.</param>
/// <param name="LastSequence">Sequence of its last change.</param>
/// <param name="ChangeCount">How many changes it holds.</param>
/// <param name="Body">The exact JSON body last sent.</param>
/// <param name="Attempts">Attempts made (delivery and redeliveries).</param>
/// <param name="LastStatus">The target's last HTTP status, or null when it gave none.</param>
/// <param name="LastError">What the last attempt met.</param>
/// <param name="CreatedAt">When it was given up.</param>
/// <param name="RedeliveredAt">When a redelivery succeeded, or null.</param>
public sealed record WebhookDeadLetter(
    long Id, string SubscriptionId, long FirstSequence, long LastSequence, int ChangeCount, string Body, int Attempts, int? LastStatus, string LastError,
    DateTimeOffset CreatedAt, DateTimeOffset? RedeliveredAt);

/// <summary>Webhook subscriptions, their delivery cursors and dead letters (tables <c>webhook_subscriptions</c>, <c>webhook_dead_letters</c>).</summary>
public sealed class WebhookStore
{
    private const string SelectSubscription =
        """
        SELECT id AS Id, url AS Url, applications AS Applications, secret AS Secret, description AS Description, created_by_key AS CreatedByKey,
               created_at AS CreatedAt, cursor_seq AS CursorSeq, attempts AS Attempts, next_attempt_at AS NextAttemptAt, last_error AS LastError,
               last_delivered_at AS LastDeliveredAt
        FROM webhook_subscriptions
        """;

    private const string SelectDeadLetter =
        """
        SELECT id AS Id, subscription_id AS SubscriptionId, first_seq AS FirstSeq, last_seq AS LastSeq, change_count AS ChangeCount, body AS Body,
               attempts AS Attempts, last_status AS LastStatus, last_error AS LastError, created_at AS CreatedAt, redelivered_at AS RedeliveredAt
        FROM webhook_dead_letters
        """;

    private readonly GatewayStore _store;

    internal WebhookStore(GatewayStore store) => _store = store;

    /// <summary>Stores a new subscription.</summary>
    /// <param name="subscription">The subscription (its attempt fields are ignored).</param>
    /// <param name="cancellationToken">Cancels the insert.</param>
    /// <returns>A task.</returns>
    public async Task CreateAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_subscriptions (id, url, applications, secret, description, created_by_key, created_at, cursor_seq, attempts, next_attempt_at)
            VALUES (@Id, @Url, @Applications, @Secret, @Description, @CreatedByKey, @CreatedAt, @Cursor, 0, 0)
            """,
            new
            {
                subscription.Id,
                subscription.Url,
                Applications = string.Join(',', subscription.Applications),
                subscription.Secret,
                subscription.Description,
                subscription.CreatedByKey,
                CreatedAt = subscription.CreatedAt.ToUnixTimeMilliseconds(),
                Cursor = subscription.CursorSequence,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Every subscription, oldest first.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The subscriptions.</returns>
    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(
            SelectSubscription + " ORDER BY created_at, id", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToSubscription()).ToList();
    }

    /// <summary>One subscription, or null.</summary>
    /// <param name="id">Its ID.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The subscription or null.</returns>
    public async Task<WebhookSubscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<SubscriptionRow>(new CommandDefinition(
            SelectSubscription + " WHERE id = @Id", new { Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToSubscription();
    }

    /// <summary>Deletes a subscription and its dead letters.</summary>
    /// <param name="id">Its ID.</param>
    /// <param name="cancellationToken">Cancels the delete.</param>
    /// <returns>Whether it existed.</returns>
    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhook_dead_letters WHERE subscription_id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM webhook_subscriptions WHERE id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return deleted == 1;
    }

    /// <summary>Subscriptions whose next attempt is due.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The subscriptions.</returns>
    public async Task<IReadOnlyList<WebhookSubscription>> DueAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SubscriptionRow>(new CommandDefinition(
            SelectSubscription + " WHERE next_attempt_at <= @Now ORDER BY id", new { Now = now.ToUnixTimeMilliseconds() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToSubscription()).ToList();
    }

    /// <summary>Records that the target took every change up to <paramref name="lastSequence"/>.</summary>
    /// <param name="id">The subscription.</param>
    /// <param name="expectedCursor">The cursor the batch started after; nothing moves when it was moved meanwhile.</param>
    /// <param name="lastSequence">The batch's last sequence.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether the cursor moved.</returns>
    public async Task<bool> AcknowledgeAsync(string id, long expectedCursor, long lastSequence, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_subscriptions SET cursor_seq = @Last, attempts = 0, next_attempt_at = 0, last_error = NULL, last_delivered_at = @Now
            WHERE id = @Id AND cursor_seq = @Expected
            """,
            new { Id = id, Expected = expectedCursor, Last = lastSequence, Now = _store.NowMs() }, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;
    }

    /// <summary>Records a failed attempt and when to try again.</summary>
    /// <param name="id">The subscription.</param>
    /// <param name="attempts">Failed attempts so far for this batch.</param>
    /// <param name="nextAttemptAt">When to try again.</param>
    /// <param name="error">What the attempt met.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task.</returns>
    public async Task RecordFailureAsync(string id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_subscriptions SET attempts = @Attempts, next_attempt_at = @Next, last_error = @Error WHERE id = @Id",
            new { Id = id, Attempts = attempts, Next = nextAttemptAt.ToUnixTimeMilliseconds(), Error = error }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Gives a batch up: stores it as a dead letter and moves the cursor past it, in one transaction.</summary>
    /// <param name="letter">The dead letter (its ID and times are assigned here).</param>
    /// <param name="expectedCursor">The cursor the batch started after.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>Whether it was stored (false when the cursor moved meanwhile).</returns>
    public async Task<bool> DeadLetterAsync(WebhookDeadLetter letter, long expectedCursor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letter);
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var moved = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE webhook_subscriptions SET cursor_seq = @Last, attempts = 0, next_attempt_at = 0, last_error = @Error WHERE id = @Id AND cursor_seq = @Expected",
            new { Id = letter.SubscriptionId, Expected = expectedCursor, Last = letter.LastSequence, Error = letter.LastError }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (moved != 1)
        {
            return false;
        }

        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO webhook_dead_letters (subscription_id, first_seq, last_seq, change_count, body, attempts, last_status, last_error, created_at)
            VALUES (@SubscriptionId, @FirstSequence, @LastSequence, @ChangeCount, @Body, @Attempts, @LastStatus, @LastError, @Now)
            """,
            new { letter.SubscriptionId, letter.FirstSequence, letter.LastSequence, letter.ChangeCount, letter.Body, letter.Attempts, letter.LastStatus, letter.LastError, Now = _store.NowMs() },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>A subscription's dead letters after <paramref name="afterId"/>, oldest first.</summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="afterId">The last ID already seen, or 0.</param>
    /// <param name="limit">Page size (1..1000).</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The page.</returns>
    public async Task<StorePage<WebhookDeadLetter>> ListDeadLettersAsync(string subscriptionId, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<DeadLetterRow>(new CommandDefinition(
            SelectDeadLetter + " WHERE subscription_id = @Id AND id > @After ORDER BY id LIMIT @Take",
            new { Id = subscriptionId, After = afterId, Take = limit + 1 }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        return new StorePage<WebhookDeadLetter>(rows.Take(limit).Select(r => r.ToLetter()).ToList(), rows.Count > limit);
    }

    /// <summary>One dead letter of a subscription, or null.</summary>
    /// <param name="subscriptionId">The subscription.</param>
    /// <param name="id">The dead letter.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The dead letter or null.</returns>
    public async Task<WebhookDeadLetter?> GetDeadLetterAsync(string subscriptionId, long id, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<DeadLetterRow>(new CommandDefinition(
            SelectDeadLetter + " WHERE subscription_id = @SubscriptionId AND id = @Id", new { SubscriptionId = subscriptionId, Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToLetter();
    }

    /// <summary>Records a redelivery attempt of a dead letter.</summary>
    /// <param name="id">The dead letter.</param>
    /// <param name="delivered">Whether the target took it.</param>
    /// <param name="status">The target's HTTP status, or null.</param>
    /// <param name="error">What the attempt met when it failed.</param>
    /// <param name="cancellationToken">Cancels the update.</param>
    /// <returns>A task.</returns>
    public async Task RecordRedeliveryAsync(long id, bool delivered, int? status, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE webhook_dead_letters SET attempts = attempts + 1, last_status = @Status,
                last_error = CASE WHEN @Delivered = 1 THEN last_error ELSE @Error END,
                redelivered_at = CASE WHEN @Delivered = 1 THEN @Now ELSE redelivered_at END
            WHERE id = @Id
            """,
            new { Id = id, Delivered = delivered ? 1 : 0, Status = status, Error = error ?? "", Now = _store.NowMs() }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private sealed class SubscriptionRow
    {
        public string Id { get; set; } = "";
        public string Url { get; set; } = "";
        public string Applications { get; set; } = "";
        public string Secret { get; set; } = "";
        public string? Description { get; set; }
        public string CreatedByKey { get; set; } = "";
        public long CreatedAt { get; set; }
        public long CursorSeq { get; set; }
        public long Attempts { get; set; }
        public long NextAttemptAt { get; set; }
        public string? LastError { get; set; }
        public long? LastDeliveredAt { get; set; }

        public WebhookSubscription ToSubscription() => new(
            Id, Url, Applications.Split(',', StringSplitOptions.RemoveEmptyEntries), Secret, Description, CreatedByKey,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), CursorSeq, (int)Attempts, DateTimeOffset.FromUnixTimeMilliseconds(NextAttemptAt), LastError,
            LastDeliveredAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null);
    }

    private sealed class DeadLetterRow
    {
        public long Id { get; set; }
        public string SubscriptionId { get; set; } = "";
        public long FirstSeq { get; set; }
        public long LastSeq { get; set; }
        public long ChangeCount { get; set; }
        public string Body { get; set; } = "";
        public long Attempts { get; set; }
        public long? LastStatus { get; set; }
        public string LastError { get; set; } = "";
        public long CreatedAt { get; set; }
        public long? RedeliveredAt { get; set; }

        public WebhookDeadLetter ToLetter() => new(
            Id, SubscriptionId, FirstSeq, LastSeq, (int)ChangeCount, Body, (int)Attempts, LastStatus is { } s ? (int)s : null, LastError,
            DateTimeOffset.FromUnixTimeMilliseconds(CreatedAt), RedeliveredAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null);
    }
}
