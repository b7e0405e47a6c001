using System.Globalization;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>
/// The settlement contract's keys. Token movements are one key per account, transaction and index
/// (<c>settlement.entry</c>): a credit writes a new key and reads nothing of the payee, so payments to one account from
/// any number of transactions never conflict; a debit reads the payer's whole range, so two debits of one account in
/// one block conflict (a phantom read) instead of spending the same balance twice.
/// </summary>
internal static class SettlementKeys
{
    /// <summary><c>settlement.token</c> → <c>TokenInfo</c>.</summary>
    public const string Token = "settlement.token";

    /// <summary><c>settlement.entry</c> [account, txid, index 4 digits] → <c>AccountEntry</c>.</summary>
    public const string Entry = "settlement.entry";

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
