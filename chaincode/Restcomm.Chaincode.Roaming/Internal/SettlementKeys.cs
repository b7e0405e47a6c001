using System.Globalization;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>
/// The settlement contract's keys. Token movements are one key per account, transaction and index
/// (<c>settlement.entry</c>, the account's history): a credit writes new keys and reads nothing of the payee, so payments
/// to one account from any number of transactions never conflict. An account's balance is its folded balance
/// (<c>settlement.balance</c>, written only by the account's own debits) plus the credits received since
/// (<c>settlement.credit</c>, one key per credit, folded and deleted by the next debit); an account never debited since
/// folding began has no folded balance and sums its history. A debit reads and rewrites the folded balance and reads the
/// credits' range, so two debits of one account in one block conflict (an MVCC or phantom read conflict) instead of
/// spending the same balance twice, and a debit reads only what arrived since the account's last one.
/// </summary>
internal static class SettlementKeys
{
    /// <summary><c>settlement.token</c> → <c>TokenInfo</c>.</summary>
    public const string Token = "settlement.token";

    /// <summary><c>settlement.entry</c> [account, txid, index 4 digits] → <c>AccountEntry</c>.</summary>
    public const string Entry = "settlement.entry";

    /// <summary><c>settlement.balance</c> [account] → the folded balance in minor units (decimal text).</summary>
    public const string Balance = "settlement.balance";

    /// <summary><c>settlement.credit</c> [account, txid, index 4 digits] → a credit not yet folded, in minor units (decimal text).</summary>
    public const string Credit = "settlement.credit";

    /// <summary><c>settlement.allowance</c> [owner, spender] → <c>Allowance</c>.</summary>
    public const string Allowance = "settlement.allowance";

    /// <summary><c>settlement.proposal</c> [id] → <c>SupplyProposal</c>.</summary>
    public const string Proposal = "settlement.proposal";

    /// <summary><c>settlement.terms</c> [agreementId, current|pending] → <c>PaymentTermsChange</c>.</summary>
    public const string Terms = "settlement.terms";

    /// <summary><c>settlement.history</c> [mspId, agreementId, period] → <c>StatementPayment</c> (each operator's payment history).</summary>
    public const string History = "settlement.history";

    /// <summary><c>settlement.obligation</c> [period, agreementId] → <c>NettingObligation</c>.</summary>
    public const string Obligation = "settlement.obligation";

    /// <summary><c>settlement.netting</c> [id] → <c>NettingRound</c>.</summary>
    public const string Netting = "settlement.netting";

    /// <summary><c>settlement.dispute</c> [id] → <c>Dispute</c>.</summary>
    public const string Dispute = "settlement.dispute";

    /// <summary><c>settlement.vote</c> [disputeId, juror] → <c>JurorVote</c>.</summary>
    public const string Vote = "settlement.vote";

    /// <summary><c>settlement.closed</c> [mspId] → the dispute that closed the member's accounts.</summary>
    public const string Closed = "settlement.closed";

    public static string TokenKey(IChaincodeStub stub) => stub.CreateCompositeKey(Token, []);

    public static string EntryKey(IChaincodeStub stub, string account, string txId, int index)
        => stub.CreateCompositeKey(Entry, account, txId, index.ToString("D4", CultureInfo.InvariantCulture));

    public static string BalanceKey(IChaincodeStub stub, string account) => stub.CreateCompositeKey(Balance, account);

    public static string CreditKey(IChaincodeStub stub, string account, string txId, int index)
        => stub.CreateCompositeKey(Credit, account, txId, index.ToString("D4", CultureInfo.InvariantCulture));

    public static string AllowanceKey(IChaincodeStub stub, string owner, string spender) => stub.CreateCompositeKey(Allowance, owner, spender);

    public static string ProposalKey(IChaincodeStub stub, string id) => stub.CreateCompositeKey(Proposal, id);

    public static string TermsKey(IChaincodeStub stub, string agreementId, bool pending) => stub.CreateCompositeKey(Terms, agreementId, pending ? "pending" : "current");

    public static string HistoryKey(IChaincodeStub stub, string mspId, string agreementId, string period) => stub.CreateCompositeKey(History, mspId, agreementId, period);

    public static string ObligationKey(IChaincodeStub stub, string period, string agreementId) => stub.CreateCompositeKey(Obligation, period, agreementId);

    public static string NettingKey(IChaincodeStub stub, string id) => stub.CreateCompositeKey(Netting, id);

    public static string DisputeKey(IChaincodeStub stub, string id) => stub.CreateCompositeKey(Dispute, id);

    public static string VoteKey(IChaincodeStub stub, string disputeId, string juror) => stub.CreateCompositeKey(Vote, disputeId, juror);

    public static string ClosedKey(IChaincodeStub stub, string mspId) => stub.CreateCompositeKey(Closed, mspId);
}
