namespace Restcomm.Gateway.Api.Eir;

/// <summary>A committed EIR transaction: the chaincode's answer and where it landed.</summary>
/// <typeparam name="T">The answer type.</typeparam>
/// <param name="Result">The chaincode's answer.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="BlockNumber">The block that committed it.</param>
public sealed record EirCommitted<T>(T Result, string TransactionId, long BlockNumber);

/// <summary>
/// How the EIR endpoints reach the ledger: submit and evaluate the <c>eir</c> chaincode as this gateway's
/// organisation (its blocks reach the read model through the projection engine). Failures surface as
/// <c>LedgerException</c>s (internal to the API): a chaincode refusal as <c>LedgerFailure.Rejected</c> with the
/// chaincode's code and message.
/// </summary>
public interface IEirLedgerClient
{
    /// <summary>Endorses, orders and waits for the commit of a transaction; returns its answer and block.</summary>
    /// <typeparam name="T">The answer type (JSON).</typeparam>
    /// <param name="function">The transaction function.</param>
    /// <param name="argument">Its single argument.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<EirCommitted<T>> SubmitAsync<T>(string function, string argument, CancellationToken cancellationToken);

    /// <summary>Runs a read-only transaction on a peer.</summary>
    /// <typeparam name="T">The answer type (JSON).</typeparam>
    /// <param name="function">The transaction function.</param>
    /// <param name="argument">Its single argument.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    Task<T> EvaluateAsync<T>(string function, string argument, CancellationToken cancellationToken);
}
