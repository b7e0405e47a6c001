using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming;

/// <summary>
/// Bilateral roaming clearing: agreements, usage batches, reconciliation and period statements (see README.md).
/// Parameters are typed (JSON or bare text); private data (agreement documents, usage records) travels only in the
/// transient map. The caller's organisation and roles come from its certificate, never from arguments. Refusals are
/// coded <see cref="ChaincodeException"/>s. Each change sets one chaincode event <c>roaming.changed</c>.
/// </summary>
[Contract(Name = "roaming", IsDefault = true, Title = "Roaming clearing and settlement", Version = "1.0.0")]
internal sealed class RoamingContract(RoamingPolicy policy) : ContractBase
{
    /// <summary>Proposes an agreement; the document (JSON <see cref="AgreementDocument"/>, version 1) is the transient entry <c>agreement</c>.</summary>
    [SubmitTransaction]
    public Task<AgreementState> ProposeAgreement(TransactionContext ctx)
        => Run(ctx, tx => new AgreementBook(tx).ProposeAsync());

    /// <summary>The counterparty accepts the proposed agreement, naming the SHA-256 of the document it accepts.</summary>
    [SubmitTransaction]
    public Task<AgreementState> AcceptAgreement(TransactionContext ctx, string agreementId, string documentHash)
        => Run(ctx, tx => new AgreementBook(tx).AcceptAsync(agreementId, documentHash));

    /// <summary>Proposes the next version of an active agreement (transient <c>agreement</c>); at most one may be pending.</summary>
    [SubmitTransaction]
    public Task<AgreementState> ProposeAmendment(TransactionContext ctx, string agreementId)
        => Run(ctx, tx => new AgreementBook(tx).ProposeAmendmentAsync(agreementId));

    /// <summary>The counterparty accepts the pending amendment, naming its document hash.</summary>
    [SubmitTransaction]
    public Task<AgreementState> AcceptAmendment(TransactionContext ctx, string agreementId, string documentHash)
        => Run(ctx, tx => new AgreementBook(tx).AcceptAmendmentAsync(agreementId, documentHash));

    /// <summary>Either party declines (or withdraws) the pending amendment.</summary>
    [SubmitTransaction]
    public Task<AgreementState> DeclineAmendment(TransactionContext ctx, string agreementId)
        => Run(ctx, tx => new AgreementBook(tx).DeclineAmendmentAsync(agreementId));

    /// <summary>Either party ends an active agreement after <paramref name="effectiveTo"/> (not before today).</summary>
    [SubmitTransaction]
    public Task<AgreementState> TerminateAgreement(TransactionContext ctx, string agreementId, DateOnly effectiveTo, string reason)
        => Run(ctx, tx => new AgreementBook(tx).TerminateAsync(agreementId, effectiveTo, reason));

    /// <summary>An agreement's public state.</summary>
    [EvaluateTransaction]
    public Task<AgreementState> GetAgreement(TransactionContext ctx, string agreementId)
        => Run(ctx, tx => tx.AgreementAsync(agreementId));

    /// <summary>A version of an agreement's document (parties only; read from the pair's collection).</summary>
    [EvaluateTransaction]
    public Task<AgreementDocument> GetAgreementDocument(TransactionContext ctx, string agreementId, int version)
        => Run(ctx, tx => new AgreementBook(tx).DocumentAsync(agreementId, version));

    /// <summary>
    /// The visited operator submits a batch: the public header as the argument, the payload (<see cref="UsageBatchPayload"/>)
    /// as the transient entry <c>records</c>. The same batch again returns the original and writes nothing.
    /// </summary>
    [SubmitTransaction]
    public Task<SubmitUsageBatchResult> SubmitUsageBatch(TransactionContext ctx, UsageBatchHeader header)
        => Run(ctx, tx => new UsageBook(tx).SubmitAsync(header));

    /// <summary>A batch's public state.</summary>
    [EvaluateTransaction]
    public Task<UsageBatchState> GetUsageBatch(TransactionContext ctx, string fileId, int batchNumber)
        => Run(ctx, tx => new UsageBook(tx).GetAsync(fileId, batchNumber));

    /// <summary>A batch's records and detailed findings (parties only).</summary>
    [EvaluateTransaction]
    public Task<UsageRecordsView> GetUsageRecords(TransactionContext ctx, string fileId, int batchNumber)
        => Run(ctx, tx => new UsageBook(tx).RecordsAsync(fileId, batchNumber));

    /// <summary>One record with its Merkle inclusion proof (parties only; anyone can verify it against the public header).</summary>
    [EvaluateTransaction]
    public Task<RecordProofView> GetRecordProof(TransactionContext ctx, string fileId, int batchNumber, int index)
        => Run(ctx, tx => new UsageBook(tx).ProofAsync(fileId, batchNumber, index));

    /// <summary>The home operator rejects records of a batch with TD.57/RAP error codes (before accepting the rest).</summary>
    [SubmitTransaction]
    public Task<UsageBatchState> RejectUsageRecords(TransactionContext ctx, string fileId, int batchNumber, IReadOnlyList<RecordRejection> rejections)
        => Run(ctx, tx => new UsageBook(tx).RejectAsync(fileId, batchNumber, rejections));

    /// <summary>The home operator accepts a batch: every record not rejected counts in the period's statement.</summary>
    [SubmitTransaction]
    public Task<UsageBatchState> AcceptUsageBatch(TransactionContext ctx, string fileId, int batchNumber)
        => Run(ctx, tx => new UsageBook(tx).AcceptAsync(fileId, batchNumber));

    /// <summary>Files seen from a sender to a recipient, with missing sequence numbers and batches.</summary>
    [EvaluateTransaction]
    public Task<FileSequenceReport> GetFileSequenceReport(TransactionContext ctx, string senderTadig, string recipientTadig)
        => Run(ctx, tx => new UsageBook(tx).SequenceReportAsync(senderTadig, recipientTadig));

    /// <summary>Either party closes a period: the statement of both directions, proposed for the other's signature.</summary>
    [SubmitTransaction]
    public Task<StatementView> CloseStatementPeriod(TransactionContext ctx, string agreementId, string period)
        => Run(ctx, tx => new StatementBook(tx).CloseAsync(agreementId, period));

    /// <summary>The counterparty co-signs the statement, naming its hash; signed statements are immutable.</summary>
    [SubmitTransaction]
    public Task<StatementView> SignStatement(TransactionContext ctx, string agreementId, string period, string statementHash)
        => Run(ctx, tx => new StatementBook(tx).SignAsync(agreementId, period, statementHash));

    /// <summary>Either party disputes the statement inside the dispute window, freezing it.</summary>
    [SubmitTransaction]
    public Task<StatementView> DisputeStatement(TransactionContext ctx, string agreementId, string period, string reason)
        => Run(ctx, tx => new StatementBook(tx).DisputeAsync(agreementId, period, reason));

    /// <summary>A statement: its public state, and the figures for the parties.</summary>
    [EvaluateTransaction]
    public Task<StatementView> GetStatement(TransactionContext ctx, string agreementId, string period)
        => Run(ctx, tx => new StatementBook(tx).GetAsync(agreementId, period));

    private async Task<T> Run<T>(TransactionContext ctx, Func<RoamingTransaction, Task<T>> action)
    {
        try
        {
            return await action(new RoamingTransaction(ctx, policy)).ConfigureAwait(false);
        }
        catch (RoamingRuleException e)
        {
            throw new ChaincodeException(e.Code, e.Message, e.Status);
        }
    }
}
