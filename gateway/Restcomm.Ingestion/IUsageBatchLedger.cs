using Restcomm.Roaming;

namespace Restcomm.Ingestion;

/// <summary>
/// The roaming chaincode as the ingestion sees it: read the agreement, endorse a usage batch, submit it, await its
/// commit. <see cref="FabricUsageBatchLedger"/> is the Fabric Gateway implementation.
/// </summary>
public interface IUsageBatchLedger
{
    /// <summary>The organisation that signs (the visited operator).</summary>
    string MspId { get; }

    /// <summary>The agreement's public state (<c>GetAgreement</c>).</summary>
    /// <param name="agreementId">The agreement.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Its state.</returns>
    /// <exception cref="UsageLedgerException">The call failed.</exception>
    Task<AgreementState> GetAgreementAsync(string agreementId, CancellationToken cancellationToken);

    /// <summary>Endorses <c>SubmitUsageBatch</c> with the payload in the transient map, on the given organisations' peers.</summary>
    /// <param name="header">The batch header.</param>
    /// <param name="payload">The batch payload.</param>
    /// <param name="endorsingOrganizations">The pair.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endorsed transaction, not yet ordered.</returns>
    /// <exception cref="UsageLedgerException">The endorsement failed.</exception>
    Task<IEndorsedUsageBatch> EndorseAsync(UsageBatchHeader header, ReadOnlyMemory<byte> payload, IReadOnlyList<string> endorsingOrganizations, CancellationToken cancellationToken);

    /// <summary>The sender's files to the recipient seen on the ledger, with gaps (<c>GetFileSequenceReport</c>).</summary>
    /// <param name="senderTadig">Sender.</param>
    /// <param name="recipientTadig">Recipient.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The report.</returns>
    /// <exception cref="UsageLedgerException">The call failed.</exception>
    Task<FileSequenceReport> GetFileSequenceReportAsync(string senderTadig, string recipientTadig, CancellationToken cancellationToken);
}

/// <summary>An endorsed <c>SubmitUsageBatch</c> transaction.</summary>
public interface IEndorsedUsageBatch
{
    /// <summary>The transaction ID.</summary>
    string TransactionId { get; }

    /// <summary>The chaincode's answer (<see cref="SubmitUsageBatchResult.AlreadySubmitted"/>: the batch is already there).</summary>
    SubmitUsageBatchResult Result { get; }

    /// <summary>Hands the transaction to ordering.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>When ordering took it.</returns>
    /// <exception cref="UsageLedgerException">Ordering refused it or did not answer.</exception>
    Task SubmitAsync(CancellationToken cancellationToken);

    /// <summary>Waits for the transaction's commit.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The validation code and block.</returns>
    /// <exception cref="UsageLedgerException">The status could not be obtained.</exception>
    Task<UsageBatchCommit> WaitForCommitAsync(CancellationToken cancellationToken);
}

/// <summary>How a batch transaction committed.</summary>
/// <param name="IsValid">True when it committed valid.</param>
/// <param name="Code">Fabric's validation code (e.g. <c>VALID</c>, <c>MVCC_READ_CONFLICT</c>).</param>
/// <param name="BlockNumber">The block.</param>
/// <param name="IsTransient">True when submitting the batch again may succeed (an MVCC or phantom read conflict).</param>
public sealed record UsageBatchCommit(bool IsValid, string Code, ulong BlockNumber, bool IsTransient);

/// <summary>A ledger call failed.</summary>
public sealed class UsageLedgerException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="isTransient">True when the same call may succeed later (unavailable, timeout, conflict).</param>
    /// <param name="code">The chaincode's or Fabric's code, when there is one.</param>
    /// <param name="transactionId">The transaction, when there is one.</param>
    /// <param name="innerException">The cause.</param>
    public UsageLedgerException(string message, bool isTransient, string? code = null, string? transactionId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
        Code = code;
        TransactionId = transactionId;
    }

    /// <summary>Creates the exception.</summary>
    public UsageLedgerException()
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    public UsageLedgerException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="innerException">The cause.</param>
    public UsageLedgerException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>True when the same call may succeed later (unavailable, timeout, MVCC conflict).</summary>
    public bool IsTransient { get; }

    /// <summary>The chaincode's error code (e.g. <c>batch-conflict</c>) or Fabric's status, when there is one.</summary>
    public string? Code { get; }

    /// <summary>The transaction, when there is one.</summary>
    public string? TransactionId { get; }
}
