using Restcomm.Eir;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>A committed EIR transaction: the chaincode's answer and where it landed.</summary>
/// <typeparam name="T">The answer type.</typeparam>
/// <param name="Result">The chaincode's answer.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="BlockNumber">The block that committed it.</param>
public sealed record EirCommitted<T>(T Result, string TransactionId, long BlockNumber);

/// <summary>One block of the <c>eir</c> channel with the EIR changes of its valid transactions, in order.</summary>
/// <param name="Number">The block number.</param>
/// <param name="ChangeSets">The <c>eir.changed</c> events of its valid transactions.</param>
public sealed record EirBlock(long Number, IReadOnlyList<EirChangeSet> ChangeSets);

/// <summary>
/// How the EIR endpoints reach the ledger: submit and evaluate the <c>eir</c> chaincode as this gateway's
/// organisation, and read the channel's blocks. Failures surface as <c>LedgerException</c>s (internal to the API): a
/// chaincode refusal as <c>LedgerFailure.Rejected</c> with the chaincode's code and message.
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

    /// <summary>Every block from <paramref name="fromBlock"/> on, waiting for new ones until cancelled.</summary>
    /// <param name="fromBlock">The first block wanted.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    IAsyncEnumerable<EirBlock> ReadBlocksAsync(long fromBlock, CancellationToken cancellationToken);
}
