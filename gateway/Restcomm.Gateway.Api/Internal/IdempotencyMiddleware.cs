using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Every POST to a keyed endpoint carries an <c>Idempotency-Key</c>. The first request with a key runs
/// and its response is stored; a repeat with the same method, path and body gets the stored response
/// (marked <c>Idempotency-Replayed: true</c>) without running again; a repeat with a different request
/// is a 409. Keys are scoped to the API key. Server errors (5xx) are not stored, so they can be retried. A request that
/// submits a transaction records its ID on the key before endorsing; a retry of a request that never answered (the API
/// was killed) asks the ledger what became of it (<see cref="ResolveAsync"/>) rather than waiting for the claim to expire.
/// POSTs that only read (<see cref="ReadOnlyPostMetadata"/>: bulk checks, evaluates) pass straight through: repeating
/// them is harmless, and storing every answer would only fill the store.
/// </summary>
internal sealed partial class IdempotencyMiddleware(RequestDelegate next, GatewayStore store, IOptions<GatewayOptions> options, TimeProvider clock, ILogger<IdempotencyMiddleware> logger)
{
    public const string HeaderName = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    public const int MaxKeyLength = 200;

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (!HttpMethods.IsPost(context.Request.Method) || endpoint?.Metadata.GetMetadata<ScopeMetadata>() is null || endpoint.Metadata.IsReadOnlyPost())
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var key = context.Request.Headers[HeaderName].ToString();
        if (key.Length == 0)
        {
            await Problems.WriteAsync(context, ProblemTypes.MissingIdempotencyKey,
                $"Every POST needs an '{HeaderName}' header (e.g. a UUID); repeating the request with the same key returns the first result.").ConfigureAwait(false);
            return;
        }

        if (key.Length > MaxKeyLength || key.Any(c => c < 0x21 || c > 0x7e))
        {
            await Problems.WriteAsync(context, ProblemTypes.ValidationFailed,
                $"The '{HeaderName}' header must be 1 to {MaxKeyLength} visible ASCII characters.").ConfigureAwait(false);
            return;
        }

        var scope = context.User.FindFirst(ApiKeyClaims.KeyId)?.Value ?? throw new InvalidOperationException("Idempotency runs after authorization.");
        var maxBytes = RequestBodyLimit.For(context, options.Value);
        var hash = await HashRequestAsync(context.Request, maxBytes).ConfigureAwait(false);
        if (hash is null)
        {
            await Problems.WriteAsync(context, ProblemTypes.PayloadTooLarge, $"At most {maxBytes} bytes are accepted.").ConfigureAwait(false);
            return;
        }

        (string Channel, LedgerCommit Commit)? committed = null;
        for (var attempt = 0; ; attempt++)
        {
            var claim = await store.Idempotency.BeginAsync(scope, key, hash, context.RequestAborted).ConfigureAwait(false);
            switch (claim.Decision)
            {
                case IdempotencyDecision.Replay:
                    GatewayMetrics.IdempotentReplays.Add(1);
                    var stored = claim.Response!;
                    context.Response.StatusCode = stored.StatusCode;
                    if (stored.ContentType is not null)
                    {
                        context.Response.ContentType = stored.ContentType;
                    }

                    context.Response.Headers[ReplayedHeader] = "true";
                    await context.Response.Body.WriteAsync(stored.Body, context.RequestAborted).ConfigureAwait(false);
                    return;
                case IdempotencyDecision.Mismatch:
                    await Problems.WriteAsync(context, ProblemTypes.IdempotencyKeyReused,
                        $"The '{HeaderName}' '{key}' was first used for a different request (method, path or body); use a new key for a new request.").ConfigureAwait(false);
                    return;
                case IdempotencyDecision.InProgress:
                    var resolution = attempt < 3 && claim.Transaction is { } submitted
                        ? await ResolveAsync(context, scope, key, claim, submitted).ConfigureAwait(false)
                        : (Resolution.StillRunning, null);
                    if (resolution.Outcome == Resolution.StillRunning)
                    {
                        context.Response.Headers.RetryAfter = "1";
                        await Problems.WriteAsync(context, ProblemTypes.IdempotencyInProgress,
                            "The first request with this key has not finished; retry shortly to get its result.").ConfigureAwait(false);
                        return;
                    }

                    if (resolution.Outcome == Resolution.Committed)
                    {
                        committed = (claim.Transaction!.Channel, resolution.Commit!);
                        break;
                    }

                    continue; // released or taken by another retry meanwhile: claim again
            }

            break;
        }

        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await IdempotentSubmission.RunAsync(store, scope, key, committed, () => next(context)).ConfigureAwait(false);
        }
        catch
        {
            context.Response.Body = original;
            await store.Idempotency.AbandonAsync(scope, key, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        context.Response.Body = original;
        var body = buffer.ToArray();
        if (context.Response.StatusCode >= 500)
        {
            await store.Idempotency.AbandonAsync(scope, key, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            var kept = endpoint.Metadata.GetMetadata<SecretAnswerMetadata>() is null ? body : SecretAnswerExtensions.WithoutSecret(body);
            await store.Idempotency.CompleteAsync(scope, key, new IdempotentResponse(context.Response.StatusCode, context.Response.ContentType, kept), CancellationToken.None).ConfigureAwait(false);
            LogStored(logger, context.Response.StatusCode);
        }

        await original.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private enum Resolution
    {
        /// <summary>The first attempt may still be running: 409 with Retry-After.</summary>
        StillRunning,

        /// <summary>Its transaction committed and this retry now holds the claim: run the endpoint with that transaction.</summary>
        Committed,

        /// <summary>The claim was released (the transaction was invalidated, or never known by its deadline) or changed hands: claim again.</summary>
        ClaimAgain,
    }

    /// <summary>
    /// A key whose first request recorded a transaction but never answered (the API was killed, or is still waiting): the
    /// ledger says what became of it. Committed and valid: this retry takes the claim over and answers with that
    /// transaction. Invalidated: the claim is released, so the retry submits anew. Unknown: still running until the
    /// claim's deadline (<see cref="IdempotencyStore.PendingTimeout"/>), released after it.
    /// </summary>
    private async Task<(Resolution Outcome, LedgerCommit? Commit)> ResolveAsync(HttpContext context, string scope, string key, IdempotencyClaim claim, IdempotentTransaction submitted)
    {
        LedgerTransactionOutcome? outcome;
        try
        {
            outcome = await context.RequestServices.GetRequiredService<ILedger>()
                .FindTransactionAsync(submitted.Channel, submitted.TransactionId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (LedgerException failure)
        {
            LogUnresolved(logger, submitted.TransactionId, failure.Failure);
            outcome = null;
        }

        var claimedAt = claim.ClaimedAt ?? DateTimeOffset.MinValue;
        if (outcome is { IsValid: true })
        {
            LogResolved(logger, submitted.TransactionId, "committed");
            return await store.Idempotency.TakeOverAsync(scope, key, claimedAt, context.RequestAborted).ConfigureAwait(false)
                ? (Resolution.Committed, outcome.ToCommit())
                : (Resolution.ClaimAgain, null);
        }

        var expired = clock.GetUtcNow() - claimedAt > store.Idempotency.PendingTimeout;
        if (outcome is not null || expired)
        {
            LogResolved(logger, submitted.TransactionId, outcome is null ? "unknown after the deadline" : "invalidated " + outcome.ValidationCode);
            await store.Idempotency.AbandonAsync(scope, key, context.RequestAborted).ConfigureAwait(false);
            return (Resolution.ClaimAgain, null);
        }

        return (Resolution.StillRunning, null);
    }

    /// <summary>SHA-256 over method, path, query and body; null when the body exceeds the limit.</summary>
    private static async Task<byte[]?> HashRequestAsync(HttpRequest request, long maxBytes)
    {
        request.EnableBuffering();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}\n{request.QueryString}\n"));
        var chunk = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > maxBytes)
            {
                return null;
            }

            hash.AppendData(chunk, 0, read);
        }

        request.Body.Position = 0;
        return hash.GetHashAndReset();
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Debug, Message = "Stored idempotent response with status {StatusCode}")]
    private static partial void LogStored(ILogger logger, int statusCode);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Unfinished idempotent request's transaction {TransactionId}: {Outcome}")]
    private static partial void LogResolved(ILogger logger, string transactionId, string outcome);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Could not ask the ledger about transaction {TransactionId} of an unfinished idempotent request: {Failure}")]
    private static partial void LogUnresolved(ILogger logger, string transactionId, LedgerFailure failure);
}
