using System.Text.Json;
using Grpc.Core;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;
using Transaction = Restcomm.Fabric.Client.Transaction;
using Restcomm.Roaming;

namespace Restcomm.Ingestion;

/// <summary>
/// The roaming chaincode through the Fabric Gateway client: <c>SubmitUsageBatch</c> endorsed by the pair (whose
/// collection policy requires both), its payload in the transient key <c>records</c>, then ordered and awaited step by
/// step so the outbox can record each step. Errors become <see cref="UsageLedgerException"/>s that say whether a retry
/// may help: unavailable peers, deadlines and resource exhaustion do; a chaincode refusal does not.
/// </summary>
/// <param name="contract">The roaming chaincode on its channel, for the submitting organisation's identity.</param>
/// <param name="mspId">That organisation.</param>
public sealed class FabricUsageBatchLedger(Contract contract, string mspId) : IUsageBatchLedger
{
    /// <inheritdoc />
    public string MspId { get; } = mspId;

    /// <inheritdoc />
    public async Task<AgreementState> GetAgreementAsync(string agreementId, CancellationToken cancellationToken)
    {
        var bytes = await CallAsync(() => contract.EvaluateTransactionAsync("GetAgreement", new ProposalOptions().AddArguments(agreementId), cancellationToken), null).ConfigureAwait(false);
        return JsonSerializer.Deserialize<AgreementState>(bytes, RoamingJson.Options)
            ?? throw new UsageLedgerException($"GetAgreement answered nothing for {agreementId}", isTransient: false);
    }

    /// <inheritdoc />
    public async Task<FileSequenceReport> GetFileSequenceReportAsync(string senderTadig, string recipientTadig, CancellationToken cancellationToken)
    {
        var bytes = await CallAsync(() => contract.EvaluateTransactionAsync("GetFileSequenceReport", new ProposalOptions().AddArguments(senderTadig, recipientTadig), cancellationToken), null).ConfigureAwait(false);
        return JsonSerializer.Deserialize<FileSequenceReport>(bytes, RoamingJson.Options)
            ?? throw new UsageLedgerException("GetFileSequenceReport answered nothing", isTransient: false);
    }

    /// <inheritdoc />
    public async Task<IEndorsedUsageBatch> EndorseAsync(UsageBatchHeader header, ReadOnlyMemory<byte> payload, IReadOnlyList<string> endorsingOrganizations, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(header);
        var options = new ProposalOptions()
            .AddArguments(JsonSerializer.Serialize(header, RoamingJson.Options))
            .PutTransient(UsageBatchPayload.TransientKey, payload.Span)
            .WithEndorsingOrganizations(endorsingOrganizations);
        var proposal = contract.NewProposal("SubmitUsageBatch", options);
        var transaction = await CallAsync(() => proposal.EndorseAsync(cancellationToken), proposal.TransactionId).ConfigureAwait(false);
        var result = JsonSerializer.Deserialize<SubmitUsageBatchResult>(transaction.GetResult(), RoamingJson.Options)
            ?? throw new UsageLedgerException("SubmitUsageBatch answered nothing", isTransient: false, transactionId: transaction.TransactionId);
        return new Endorsed(transaction, result);
    }

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, string? transactionId)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (GatewayException e)
        {
            var chaincode = e.ChaincodeError;
            var id = (e as TransactionException)?.TransactionId ?? transactionId;
            throw chaincode is not null
                ? new UsageLedgerException($"the chaincode refused: {chaincode.Message}", isTransient: false, chaincode.Code, id, e)
                : new UsageLedgerException($"{e.StatusCode}: {e.Message}", IsTransient(e.StatusCode), e.StatusCode.ToString(), id, e);
        }
        catch (RpcException e)
        {
            throw new UsageLedgerException($"{e.StatusCode}: {e.Status.Detail}", IsTransient(e.StatusCode), e.StatusCode.ToString(), transactionId, e);
        }
        catch (HttpRequestException e)
        {
            throw new UsageLedgerException($"the gateway peer could not be reached: {e.Message}", isTransient: true, "Unavailable", transactionId, e);
        }
    }

    // Aborted without a chaincode answer is how the Gateway reports peers that could not endorse (e.g. a chaincode
    // server restarting); Unknown covers transport failures the client could not classify.
    private static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Unknown or StatusCode.Internal;

    private sealed class Endorsed(Transaction transaction, SubmitUsageBatchResult result) : IEndorsedUsageBatch
    {
        private SubmittedTransaction? _submitted;

        public string TransactionId => transaction.TransactionId;

        public SubmitUsageBatchResult Result => result;

        public async Task SubmitAsync(CancellationToken cancellationToken)
            => _submitted = await CallAsync(() => transaction.SubmitAsync(cancellationToken), transaction.TransactionId).ConfigureAwait(false);

        public async Task<UsageBatchCommit> WaitForCommitAsync(CancellationToken cancellationToken)
        {
            var submitted = _submitted ?? throw new InvalidOperationException("submit the transaction first");
            var status = await CallAsync(() => submitted.GetStatusAsync(cancellationToken), transaction.TransactionId).ConfigureAwait(false);
            return new UsageBatchCommit(status.IsSuccessful, CodeName(status.Code), status.BlockNumber,
                status.Code is TxValidationCode.MvccReadConflict or TxValidationCode.PhantomReadConflict);
        }

        private static string CodeName(TxValidationCode code) => code switch
        {
            TxValidationCode.Valid => "VALID",
            TxValidationCode.MvccReadConflict => "MVCC_READ_CONFLICT",
            TxValidationCode.PhantomReadConflict => "PHANTOM_READ_CONFLICT",
            TxValidationCode.EndorsementPolicyFailure => "ENDORSEMENT_POLICY_FAILURE",
            TxValidationCode.DuplicateTxid => "DUPLICATE_TXID",
            _ => code.ToString(),
        };
    }
}
