using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Settlement;

/// <summary>
/// Settlement in the consortium token (RCB), in the roaming chaincode so that paying a statement and marking it
/// settled are one write set in one namespace (see README.md): ERC-20 transfers and allowances over Fabric
/// identities, supply changes by majority governance, statement payments (in RCB or external and confirmed), payment
/// terms changes, payment history, multilateral netting and disputes by vote. Called as <c>settlement:Function</c>.
/// Every change sets the chaincode's one event <c>roaming.changed</c> with <see cref="RoamingChange.Settlement"/>.
/// </summary>
[Contract(Name = "settlement", Title = "Settlement in the consortium token (RCB)", Version = "1.0.0")]
internal sealed class SettlementContract(RoamingPolicy roaming, SettlementPolicy settlement) : ContractBase
{
    /// <summary>The token's name, symbol, decimals and total supply.</summary>
    [EvaluateTransaction]
    public Task<TokenInfo> GetToken(TransactionContext ctx) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).TokenAsync());

    /// <summary>An account's balance (the sum of its entries).</summary>
    [EvaluateTransaction]
    public Task<AccountBalance> BalanceOf(TransactionContext ctx, string account) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).BalanceAsync(account));

    /// <summary>Every movement of an account, oldest first.</summary>
    [EvaluateTransaction]
    public Task<IReadOnlyList<AccountEntry>> GetAccountHistory(TransactionContext ctx, string account) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).HistoryAsync(account));

    /// <summary>ERC-20 transfer from the caller's main account.</summary>
    [SubmitTransaction]
    public Task<IReadOnlyList<AccountEntry>> Transfer(TransactionContext ctx, string to, long amount) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).TransferAsync(to, amount));

    /// <summary>ERC-20 transferFrom: from the caller's own sub-accounts, or another member's account within its allowance.</summary>
    [SubmitTransaction]
    public Task<IReadOnlyList<AccountEntry>> TransferFrom(TransactionContext ctx, string from, string to, long amount)
        => Run(ctx, (tx, policy) => new TokenBook(tx, policy).TransferFromAsync(from, to, amount));

    /// <summary>ERC-20 approve: the caller's main account allows another organisation to move up to the amount.</summary>
    [SubmitTransaction]
    public Task<Allowance> Approve(TransactionContext ctx, string spender, long amount) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).ApproveAsync(spender, amount));

    /// <summary>ERC-20 allowance.</summary>
    [EvaluateTransaction]
    public Task<Allowance> GetAllowance(TransactionContext ctx, string owner, string spender) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).AllowanceAsync(owner, spender));

    /// <summary>A member proposes to mint or burn (its approval counts).</summary>
    [SubmitTransaction]
    public Task<SupplyProposal> ProposeSupplyChange(TransactionContext ctx, SupplyChangeKind kind, string account, long amount, string reason)
        => Run(ctx, (tx, policy) => new TokenBook(tx, policy).ProposeAsync(kind, account, amount, reason));

    /// <summary>A member approves a supply change; a strict majority of the channel's members carries it out.</summary>
    [SubmitTransaction]
    public Task<SupplyProposal> ApproveSupplyChange(TransactionContext ctx, string proposalId) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).ApproveProposalAsync(proposalId));

    /// <summary>A supply change proposal.</summary>
    [EvaluateTransaction]
    public Task<SupplyProposal> GetSupplyProposal(TransactionContext ctx, string proposalId) => Run(ctx, (tx, policy) => new TokenBook(tx, policy).ProposalAsync(proposalId));

    /// <summary>The net debtor pays a co-signed statement in RCB; the statement is settled in the same transaction.</summary>
    [SubmitTransaction]
    public Task<StatementPayment> PayStatement(TransactionContext ctx, string agreementId, string period) => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).PayAsync(agreementId, period));

    /// <summary>The net debtor records an external payment by its reference.</summary>
    [SubmitTransaction]
    public Task<StatementPayment> RecordExternalPayment(TransactionContext ctx, string agreementId, string period, string reference)
        => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).RecordExternalAsync(agreementId, period, reference));

    /// <summary>The creditor confirms the external payment: the statement is settled.</summary>
    [SubmitTransaction]
    public Task<StatementPayment> ConfirmExternalPayment(TransactionContext ctx, string agreementId, string period)
        => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).ConfirmExternalAsync(agreementId, period));

    /// <summary>An operator's statement payments as debtor and creditor, with lateness.</summary>
    [EvaluateTransaction]
    public Task<IReadOnlyList<StatementPayment>> GetPaymentHistory(TransactionContext ctx, string mspId) => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).HistoryAsync(mspId));

    /// <summary>A party proposes new payment terms (e.g. 15+15) for statements from a period on.</summary>
    [SubmitTransaction]
    public Task<PaymentTermsChange> ProposePaymentTerms(TransactionContext ctx, string agreementId, string paymentTerms, string effectiveFromPeriod)
        => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).ProposeTermsAsync(agreementId, paymentTerms, effectiveFromPeriod));

    /// <summary>The other party accepts the pending terms, naming them.</summary>
    [SubmitTransaction]
    public Task<PaymentTermsChange> AcceptPaymentTerms(TransactionContext ctx, string agreementId, string paymentTerms)
        => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).AcceptTermsAsync(agreementId, paymentTerms));

    /// <summary>The agreed payment terms change in force, if any (empty payload when the agreement's own terms apply).</summary>
    [EvaluateTransaction]
    public Task<PaymentTermsChange?> GetPaymentTerms(TransactionContext ctx, string agreementId) => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).TermsAsync(agreementId));

    /// <summary>A party enters its co-signed statement for the period's multilateral netting.</summary>
    [SubmitTransaction]
    public Task<NettingObligation> EnterNetting(TransactionContext ctx, string agreementId, string period)
        => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).EnterNettingAsync(agreementId, period));

    /// <summary>A member proposes a netting round over the period's entered statements.</summary>
    [SubmitTransaction]
    public Task<NettingRound> ProposeNetting(TransactionContext ctx, string period) => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).ProposeNettingAsync(period));

    /// <summary>An affected member approves; the last approval executes every transfer atomically.</summary>
    [SubmitTransaction]
    public Task<NettingRound> ApproveNetting(TransactionContext ctx, string nettingId) => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).ApproveNettingAsync(nettingId));

    /// <summary>A netting round.</summary>
    [EvaluateTransaction]
    public Task<NettingRound> GetNetting(TransactionContext ctx, string nettingId) => Run(ctx, (tx, policy) => new PaymentBook(tx, policy).NettingAsync(nettingId));

    /// <summary>A member opens a dispute, pledging RCB.</summary>
    [SubmitTransaction]
    public Task<Dispute> OpenDispute(TransactionContext ctx, DisputeRequest request) => Run(ctx, (tx, policy) => new DisputeBook(tx, policy).OpenAsync(request));

    /// <summary>Another member draws the jurors (seeded by the opening and this transaction's IDs).</summary>
    [SubmitTransaction]
    public Task<Dispute> DrawJurors(TransactionContext ctx, string disputeId) => Run(ctx, (tx, policy) => new DisputeBook(tx, policy).DrawAsync(disputeId));

    /// <summary>A juror commits SHA-256(<c>disputeId|vote|salt</c>) and pays the voting fee.</summary>
    [SubmitTransaction]
    public Task<JurorVote> CommitVote(TransactionContext ctx, string disputeId, string commitment) => Run(ctx, (tx, policy) => new DisputeBook(tx, policy).CommitAsync(disputeId, commitment));

    /// <summary>A juror reveals its vote and salt.</summary>
    [SubmitTransaction]
    public Task<JurorVote> RevealVote(TransactionContext ctx, string disputeId, Vote vote, string salt) => Run(ctx, (tx, policy) => new DisputeBook(tx, policy).RevealAsync(disputeId, vote, salt));

    /// <summary>Anyone resolves the dispute after the reveal deadline.</summary>
    [SubmitTransaction]
    public Task<Dispute> ResolveDispute(TransactionContext ctx, string disputeId) => Run(ctx, (tx, policy) => new DisputeBook(tx, policy).ResolveAsync(disputeId));

    /// <summary>A dispute.</summary>
    [EvaluateTransaction]
    public Task<Dispute> GetDispute(TransactionContext ctx, string disputeId) => Run(ctx, (tx, policy) => new DisputeBook(tx, policy).GetAsync(disputeId));

    /// <summary>Runs a call with the settlement policy of its channel (each channel has its own members).</summary>
    private async Task<T> Run<T>(TransactionContext ctx, Func<RoamingTransaction, SettlementPolicy, Task<T>> action)
    {
        try
        {
            return await action(new RoamingTransaction(ctx, roaming), settlement.ForChannel(ctx.Stub.ChannelId)).ConfigureAwait(false);
        }
        catch (RoamingRuleException e)
        {
            throw new ChaincodeException(e.Code, e.Message, e.Status);
        }
    }
}
