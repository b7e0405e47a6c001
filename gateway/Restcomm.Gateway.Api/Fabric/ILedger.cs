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

/// <summary>
/// The ledger as the REST endpoints see it: evaluate and submit on behalf of this instance's
/// organisation. Implemented over the Fabric Gateway client; replaced by fakes in tests.
/// </summary>
internal interface ILedger
{
    /// <summary>Runs a query on a peer; nothing is ordered or committed.</summary>
    Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken);

    /// <summary>Endorses, orders and waits for the commit of a transaction.</summary>
    Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken);
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
    /// <summary>The peer cannot be reached or is not configured (503).</summary>
    Unavailable,

    /// <summary>The chaincode refused the call, e.g. bad arguments or a business rule (422).</summary>
    Rejected,

    /// <summary>The transaction was ordered but invalidated at commit, e.g. an MVCC conflict (409).</summary>
    NotCommitted,

    /// <summary>The deadline passed; the transaction may or may not commit (504).</summary>
    Timeout,
}

/// <summary>A ledger call that failed; <see cref="Exception.Message"/> is safe to show the caller.</summary>
internal sealed class LedgerException(LedgerFailure failure, string message, string? transactionId = null, Exception? inner = null)
    : Exception(message, inner)
{
    public LedgerFailure Failure { get; } = failure;

    public string? TransactionId { get; } = transactionId;
}

/// <summary>Stands in when no Fabric connection is configured: every call says so.</summary>
internal sealed class UnconfiguredLedger : ILedger, IPeerProbe
{
    public const string Message = "No Fabric connection is configured: set Fabric:NetworkFile (e.g. .run/network.json) or Fabric:GatewayEndpoint with the identity files.";

    public Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken) =>
        throw new LedgerException(LedgerFailure.Unavailable, Message);

    public Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken) =>
        throw new LedgerException(LedgerFailure.Unavailable, Message);

    public Task<string?> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(Message);
}
