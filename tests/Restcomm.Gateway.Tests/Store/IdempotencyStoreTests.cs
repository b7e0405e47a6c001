using System.Text;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Store;

public abstract class IdempotencyStoreTests<TDatabase>(TDatabase database) : StoreTestBase<TDatabase>(database)
    where TDatabase : TestDatabase
{
    private static readonly byte[] HashA = [1, 2, 3];
    private static readonly byte[] HashB = [4, 5, 6];

    [SkippableFact]
    public async Task The_first_request_with_a_key_proceeds()
    {
        var store = await NewStoreAsync();

        var claim = await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IdempotencyDecision.Proceed, claim.Decision);
    }

    [SkippableFact]
    public async Task A_completed_request_repeated_with_the_same_body_replays_the_stored_response()
    {
        var store = await NewStoreAsync();
        await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);
        var body = Encoding.UTF8.GetBytes("{\"id\":42}");
        await store.Idempotency.CompleteAsync("key1", "k-1", new IdempotentResponse(201, "application/json", body), CancellationToken.None).WaitAsync(Timeout);

        var claim = await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IdempotencyDecision.Replay, claim.Decision);
        Assert.NotNull(claim.Response);
        Assert.Equal(201, claim.Response.StatusCode);
        Assert.Equal("application/json", claim.Response.ContentType);
        Assert.Equal(body, claim.Response.Body);
    }

    [SkippableFact]
    public async Task Reusing_a_key_for_a_different_body_is_a_mismatch_even_while_pending()
    {
        var store = await NewStoreAsync();
        await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);

        var whilePending = await store.Idempotency.BeginAsync("key1", "k-1", HashB, CancellationToken.None).WaitAsync(Timeout);
        await store.Idempotency.CompleteAsync("key1", "k-1", new IdempotentResponse(200, null, []), CancellationToken.None).WaitAsync(Timeout);
        var afterwards = await store.Idempotency.BeginAsync("key1", "k-1", HashB, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IdempotencyDecision.Mismatch, whilePending.Decision);
        Assert.Equal(IdempotencyDecision.Mismatch, afterwards.Decision);
    }

    [SkippableFact]
    public async Task The_same_key_under_another_api_key_is_independent()
    {
        var store = await NewStoreAsync();
        await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);

        var other = await store.Idempotency.BeginAsync("key2", "k-1", HashB, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IdempotencyDecision.Proceed, other.Decision);
    }

    [SkippableFact]
    public async Task A_repeat_while_the_first_is_running_is_told_it_is_in_progress_until_the_claim_goes_stale()
    {
        var store = await NewStoreAsync();
        await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);

        var running = await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);
        Clock.Advance(store.Idempotency.PendingTimeout + TimeSpan.FromSeconds(1));
        var stale = await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);
        var againAfterTakeover = await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IdempotencyDecision.InProgress, running.Decision);
        Assert.Equal(IdempotencyDecision.Proceed, stale.Decision);
        Assert.Equal(IdempotencyDecision.InProgress, againAfterTakeover.Decision);
    }

    [SkippableFact]
    public async Task An_abandoned_claim_lets_the_next_attempt_proceed()
    {
        var store = await NewStoreAsync();
        await store.Idempotency.BeginAsync("key1", "k-1", HashA, CancellationToken.None).WaitAsync(Timeout);

        await store.Idempotency.AbandonAsync("key1", "k-1", CancellationToken.None).WaitAsync(Timeout);
        var retry = await store.Idempotency.BeginAsync("key1", "k-1", HashB, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IdempotencyDecision.Proceed, retry.Decision);
    }

    [SkippableFact]
    public async Task Of_many_concurrent_first_requests_exactly_one_proceeds()
    {
        var store = await NewStoreAsync();

        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            Task.Run(() => store.Idempotency.BeginAsync("key1", "k-race", HashA, CancellationToken.None)))).WaitAsync(Timeout);

        Assert.Single(claims, c => c.Decision == IdempotencyDecision.Proceed);
        Assert.All(claims.Where(c => c.Decision != IdempotencyDecision.Proceed), c => Assert.Equal(IdempotencyDecision.InProgress, c.Decision));
    }

    [SkippableFact]
    public async Task A_claim_that_recorded_its_transaction_is_not_taken_over_blindly_after_the_timeout_but_can_be_taken_over_once()
    {
        var store = await NewStoreAsync();
        await store.Idempotency.BeginAsync("key1", "k-tx", HashA, CancellationToken.None).WaitAsync(Timeout);
        await store.Idempotency.RecordTransactionAsync("key1", "k-tx", new IdempotentTransaction("eir", "tx-7"), CancellationToken.None).WaitAsync(Timeout);
        Clock.Advance(store.Idempotency.PendingTimeout + TimeSpan.FromSeconds(1));

        var pending = await store.Idempotency.BeginAsync("key1", "k-tx", HashA, CancellationToken.None).WaitAsync(Timeout);
        var first = await store.Idempotency.TakeOverAsync("key1", "k-tx", pending.ClaimedAt!.Value, CancellationToken.None).WaitAsync(Timeout);
        var second = await store.Idempotency.TakeOverAsync("key1", "k-tx", pending.ClaimedAt!.Value, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(IdempotencyDecision.InProgress, pending.Decision);
        Assert.Equal(new IdempotentTransaction("eir", "tx-7"), pending.Transaction);
        Assert.True(first);
        Assert.False(second);
    }

    [SkippableFact]
    public async Task Purge_forgets_records_older_than_the_cutoff()
    {
        var store = await NewStoreAsync();
        await store.Idempotency.BeginAsync("key1", "old", HashA, CancellationToken.None).WaitAsync(Timeout);
        Clock.Advance(TimeSpan.FromHours(25));
        await store.Idempotency.BeginAsync("key1", "new", HashA, CancellationToken.None).WaitAsync(Timeout);

        var removed = await store.Idempotency.PurgeAsync(Clock.GetUtcNow() - TimeSpan.FromHours(24), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1, removed);
        Assert.Equal(IdempotencyDecision.Proceed, (await store.Idempotency.BeginAsync("key1", "old", HashB, CancellationToken.None).WaitAsync(Timeout)).Decision);
    }
}

public sealed class SqliteIdempotencyStoreTests(SqliteDatabase database) : IdempotencyStoreTests<SqliteDatabase>(database);

public sealed class PostgresIdempotencyStoreTests(PostgresDatabase database) : IdempotencyStoreTests<PostgresDatabase>(database);
