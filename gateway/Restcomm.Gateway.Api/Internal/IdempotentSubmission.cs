using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// What the idempotency layer tells the ledger about the request it is running, whatever the endpoint group: record the
/// transaction ID on the Idempotency-Key before endorsing (so a retry after a crash can ask the ledger what became of
/// it), and, on such a retry whose transaction had committed, answer the endpoint's submit with that transaction instead
/// of submitting again — the endpoint then builds the answer it would have given the first time. It flows with the
/// request's async context, so endpoints and their ledger clients need not pass it along.
/// </summary>
internal sealed class IdempotentSubmission
{
    private static readonly AsyncLocal<IdempotentSubmission?> Ambient = new();

    private readonly GatewayStore _store;
    private readonly string _scope;
    private readonly string _key;
    private LedgerCommit? _committed;
    private string? _committedChannel;

    private IdempotentSubmission(GatewayStore store, string scope, string key, string? committedChannel, LedgerCommit? committed)
    {
        _store = store;
        _scope = scope;
        _key = key;
        _committedChannel = committedChannel;
        _committed = committed;
    }

    /// <summary>Runs <paramref name="request"/> as the holder of an Idempotency-Key claim.</summary>
    /// <param name="store">Where the claim is kept.</param>
    /// <param name="scope">The claim's scope (the API key ID).</param>
    /// <param name="key">The Idempotency-Key.</param>
    /// <param name="committed">On a retry: the transaction the first attempt committed, which the endpoint's submit returns.</param>
    /// <param name="request">The rest of the pipeline.</param>
    public static async Task RunAsync(GatewayStore store, string scope, string key, (string Channel, LedgerCommit Commit)? committed, Func<Task> request)
    {
        var previous = Ambient.Value;
        Ambient.Value = new IdempotentSubmission(store, scope, key, committed?.Channel, committed?.Commit);
        try
        {
            await request().ConfigureAwait(false);
        }
        finally
        {
            Ambient.Value = previous;
        }
    }

    /// <summary>The transaction an earlier attempt of this request committed on <paramref name="channel"/>, once; null to submit.</summary>
    public static LedgerCommit? TakeCommitted(string channel)
    {
        if (Ambient.Value is not { } current || !string.Equals(current._committedChannel, channel, StringComparison.Ordinal))
        {
            return null;
        }

        var committed = Interlocked.Exchange(ref current._committed, null);
        current._committedChannel = null;
        return committed;
    }

    /// <summary>Records the transaction about to be endorsed on the request's Idempotency-Key (nothing outside such a request).</summary>
    public static Task BeforeEndorseAsync(string channel, string transactionId, CancellationToken cancellationToken)
        => Ambient.Value is { } current
            ? current._store.Idempotency.RecordTransactionAsync(current._scope, current._key, new IdempotentTransaction(channel, transactionId), cancellationToken)
            : Task.CompletedTask;
}
