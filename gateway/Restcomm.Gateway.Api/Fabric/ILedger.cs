using Restcomm.Fabric.Ledger;

namespace Restcomm.Gateway.Api.Fabric;

/// <summary>A chaincode call as the REST layer asks for it.</summary>
internal sealed record LedgerCall(
    string Channel,
    string Chaincode,
    string Function,
    IReadOnlyList<string> Args,
    IReadOnlyDictionary<string, byte[]>? Transient = null,
    IReadOnlyList<string>? EndorsingOrganisations = null);

/// <summary>What a committed transaction returned.</summary>
internal sealed record LedgerCommit(string TransactionId, long BlockNumber, ReadOnlyMemory<byte> Result);

/// <summary>What became of a transaction submitted earlier: valid with its result, or invalidated with its validation code.</summary>
internal sealed record LedgerTransactionOutcome(string TransactionId, long BlockNumber, bool IsValid, string ValidationCode, ReadOnlyMemory<byte> Result)
{
    public LedgerCommit ToCommit() => new(TransactionId, BlockNumber, Result);
}

/// <summary>
/// The ledger as the REST endpoints see it: evaluate and submit on behalf of this instance's
/// organisation. Implemented over the Fabric Gateway client; replaced by fakes in tests.
/// </summary>
internal interface ILedger
{
    /// <summary>Runs a query on a peer; nothing is ordered or committed.</summary>
    Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken);

    /// <summary>
    /// Endorses, orders and waits for the commit of a transaction. Inside a request holding an Idempotency-Key, the
    /// transaction ID is recorded before endorsement and a transaction an earlier attempt committed is returned instead
    /// of a new one (<see cref="Internal.IdempotentSubmission"/>).
    /// </summary>
    Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken);

    /// <summary>
    /// Endorses a transaction and orders it only when its endorsed answer says it changes the ledger
    /// (<paramref name="changes"/>); returns the committed answer, or the endorsed one when nothing was ordered. A
    /// transaction that writes nothing need not be ordered, and must not be when it was endorsed for a collection's own
    /// policy: Fabric holds a transaction without writes to the chaincode's endorsement policy at commit. This default
    /// evaluates first and then submits; a Fabric connection endorses once.
    /// </summary>
    async Task<ReadOnlyMemory<byte>> SubmitIfChangedAsync(LedgerCall call, Func<ReadOnlyMemory<byte>, bool> changes, CancellationToken cancellationToken)
    {
        var preview = await EvaluateAsync(call, cancellationToken).ConfigureAwait(false);
        return changes(preview) ? (await SubmitAsync(call, cancellationToken).ConfigureAwait(false)).Result : preview;
    }

    /// <summary>
    /// What became of a transaction submitted earlier (e.g. by an API process that was killed before it answered); null
    /// while the ledger does not know it within a short wait (not committed yet, or never ordered).
    /// </summary>
    Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken);
}

/// <summary>Reports whether the gateway peer can be reached (readiness).</summary>
internal interface IPeerProbe
{
    /// <summary>Null when reachable, otherwise what went wrong.</summary>
    Task<string?> ProbeAsync(CancellationToken cancellationToken);
}

/// <summary>Why a ledger call failed, in terms a REST caller can act on.</summary>
internal enum LedgerFailure
{
    /// <summary>
    /// Nothing was refused: the peer cannot be reached or is not configured, or no peer got an answer from the chaincode
    /// (not running, unreachable, timed out). The caller should retry (503).
    /// </summary>
    Unavailable,

    /// <summary>
    /// The call was refused, by the chaincode (<see cref="LedgerException.Refusal"/>) or by the gateway for a reason the
    /// caller must fix (no access to the channel, no such channel or chaincode). <see cref="LedgerException.Code"/> says why.
    /// </summary>
    Rejected,

    /// <summary>The transaction was ordered but invalidated at commit, e.g. an MVCC conflict (409).</summary>
    NotCommitted,

    /// <summary>The deadline passed; the transaction may or may not commit (504).</summary>
    Timeout,
}

/// <summary>
/// A ledger call that failed, classified by what the caller can do about it. A rejection carries a machine-readable
/// <see cref="Code"/> (<see cref="ChaincodeErrorCodes"/>: <c>invalid-argument</c>, <c>forbidden</c>, <c>not-found</c>,
/// <c>conflict</c>, <c>failed-precondition</c>, or a chaincode's own); the REST layer maps it to a problem type with
/// <see cref="Internal.LedgerProblemTypes"/>. <see cref="Exception.Message"/> is for logs and for callers of the generic
/// ledger endpoints; domain endpoints show a refusal's own message only when the chaincode coded it.
/// </summary>
internal sealed class LedgerException : Exception
{
    /// <summary>A failure without a code: unavailable, not committed or timed out (or a rejection coded by <paramref name="code"/>).</summary>
    public LedgerException(LedgerFailure failure, string message, string? transactionId = null, Exception? inner = null, string? code = null)
        : base(message, inner)
    {
        Failure = failure;
        TransactionId = transactionId;
        Code = failure == LedgerFailure.Rejected ? code ?? ChaincodeErrorCodes.Internal : null;
    }

    /// <summary>The chaincode's refusal: <see cref="LedgerFailure.Rejected"/> with the refusal's code and message.</summary>
    public LedgerException(ChaincodeError refusal, string? transactionId = null, Exception? inner = null)
        : base(refusal.Message, inner)
    {
        Failure = LedgerFailure.Rejected;
        TransactionId = transactionId;
        Refusal = refusal;
        Code = refusal.Code;
    }

    public LedgerFailure Failure { get; }

    public string? TransactionId { get; }

    /// <summary>The chaincode's refusal (status, code, message) when the chaincode gave one; null otherwise.</summary>
    public ChaincodeError? Refusal { get; }

    /// <summary>The machine-readable reason of a <see cref="LedgerFailure.Rejected"/> failure; null for the others.</summary>
    public string? Code { get; }
}

/// <summary>Stands in when no Fabric connection is configured: every call says so.</summary>
internal sealed class UnconfiguredLedger : ILedger, IPeerProbe
{
    public const string Message = "No Fabric connection is configured: set Fabric:NetworkFile (e.g. .run/network.json) or Fabric:GatewayEndpoint with the identity files.";

    public Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken) =>
        throw new LedgerException(LedgerFailure.Unavailable, Message);

    public Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken) =>
        throw new LedgerException(LedgerFailure.Unavailable, Message);

    public Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken) =>
        throw new LedgerException(LedgerFailure.Unavailable, Message);

    public Task<string?> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(Message);
}
