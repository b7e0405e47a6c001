namespace Restcomm.Roaming.Settlement;

/// <summary>The consortium token's ERC-20 description and supply.</summary>
public sealed record TokenInfo
{
    /// <summary>The token's name.</summary>
    public required string Name { get; init; }

    /// <summary>The token's symbol, <c>RCB</c>.</summary>
    public required string Symbol { get; init; }

    /// <summary>Decimal places of every token amount (amounts are integer minor units).</summary>
    public required int Decimals { get; init; }

    /// <summary>Minted less burnt, in minor units; changed only by executed governance proposals.</summary>
    public required long TotalSupply { get; init; }
}

/// <summary>
/// One movement of one account, written under a key of its own (account, transaction, index): the balance is the sum of
/// an account's entries, so payments to one account from many transactions never write a common key.
/// </summary>
public sealed record AccountEntry
{
    /// <summary>The account: an MSP ID (<c>Org1MSP</c>), a sub-account (<c>Org1MSP/treasury</c>) or a dispute escrow.</summary>
    public required string Account { get; init; }

    /// <summary>Signed amount in minor units: positive credits, negative debits.</summary>
    public required long Amount { get; init; }

    /// <summary>The other side of the movement (null for mint and burn).</summary>
    public string? Counterparty { get; init; }

    /// <summary>Why: <c>transfer</c>, <c>mint</c>, <c>burn</c>, <c>statement</c>, <c>netting</c>, <c>pledge</c>, <c>fee</c>, <c>payout</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>What it is about (a statement <c>agreementId/period</c>, a dispute or proposal ID), if anything.</summary>
    public string? Reference { get; init; }

    /// <summary>The transaction.</summary>
    public required string TxId { get; init; }

    /// <summary>Its timestamp.</summary>
    public required DateTimeOffset At { get; init; }
}

/// <summary>An ERC-20 allowance: how much <see cref="Spender"/> may still move out of <see cref="Owner"/>.</summary>
public sealed record Allowance
{
    /// <summary>The owning account.</summary>
    public required string Owner { get; init; }

    /// <summary>The MSP allowed to spend.</summary>
    public required string Spender { get; init; }

    /// <summary>Remaining minor units.</summary>
    public required long Amount { get; init; }
}

/// <summary>Mint or burn.</summary>
public enum SupplyChangeKind
{
    /// <summary>New tokens credited to an account.</summary>
    Mint = 0,

    /// <summary>Tokens removed from an account (its owner must approve too).</summary>
    Burn = 1,
}

/// <summary>Where a governance proposal stands.</summary>
public enum ProposalStatus
{
    /// <summary>Collecting approvals.</summary>
    Open = 0,

    /// <summary>Approved by a majority of the channel's members and carried out.</summary>
    Executed = 1,
}

/// <summary>A proposal to change the supply, carried out by the approval that makes a majority of the channel's members.</summary>
public sealed record SupplyProposal
{
    /// <summary>The proposal ID (the proposing transaction's ID).</summary>
    public required string ProposalId { get; init; }

    /// <summary>Mint or burn.</summary>
    public required SupplyChangeKind Kind { get; init; }

    /// <summary>The account credited or debited.</summary>
    public required string Account { get; init; }

    /// <summary>Minor units, positive.</summary>
    public required long Amount { get; init; }

    /// <summary>Why.</summary>
    public required string Reason { get; init; }

    /// <summary>The proposing member.</summary>
    public required string ProposedBy { get; init; }

    /// <summary>Members that approved, the proposer first, each with its own identity.</summary>
    public required IReadOnlyList<string> Approvals { get; init; }

    /// <summary>Approvals needed: more than half of the channel's members.</summary>
    public required int Required { get; init; }

    /// <summary>The status.</summary>
    public required ProposalStatus Status { get; init; }

    /// <summary>When it was proposed.</summary>
    public required DateTimeOffset ProposedAt { get; init; }

    /// <summary>The transaction that carried it out.</summary>
    public string? ExecutedTxId { get; init; }
}

/// <summary>How a statement was paid.</summary>
public enum PaymentMethod
{
    /// <summary>In RCB, atomically with the statement becoming settled.</summary>
    Token = 0,

    /// <summary>Outside the ledger, by a reference the creditor confirmed.</summary>
    External = 1,

    /// <summary>In RCB, as part of a multilateral netting round.</summary>
    Netting = 2,
}

/// <summary>Where a statement's payment stands.</summary>
public enum PaymentStatus
{
    /// <summary>The debtor recorded an external payment; the creditor has not confirmed it.</summary>
    AwaitingConfirmation = 0,

    /// <summary>Paid: the statement is settled.</summary>
    Settled = 1,
}

/// <summary>The payment of a co-signed statement's bilateral net (public: the token movements are public on the channel anyway).</summary>
public sealed record StatementPayment
{
    /// <summary>The agreement.</summary>
    public required string AgreementId { get; init; }

    /// <summary>The period.</summary>
    public required string Period { get; init; }

    /// <summary>The debtor.</summary>
    public required string PayerMspId { get; init; }

    /// <summary>The creditor.</summary>
    public required string PayeeMspId { get; init; }

    /// <summary>The net in the statement's currency and decimals.</summary>
    public required long NetMinor { get; init; }

    /// <summary>The statement's currency.</summary>
    public required string Currency { get; init; }

    /// <summary>The statement's decimal places.</summary>
    public required int DecimalPlaces { get; init; }

    /// <summary>The RCB minor units moved (the net at the token's decimals, rounded up); 0 for an external payment.</summary>
    public required long TokenAmount { get; init; }

    /// <summary>How it was paid.</summary>
    public required PaymentMethod Method { get; init; }

    /// <summary>The status.</summary>
    public required PaymentStatus Status { get; init; }

    /// <summary>The external payment's reference (bank transfer ID…), for <see cref="PaymentMethod.External"/>.</summary>
    public string? ExternalReference { get; init; }

    /// <summary>The payment terms applied (the agreement's, or an upgrade the parties agreed).</summary>
    public required string PaymentTerms { get; init; }

    /// <summary>When the net was due.</summary>
    public required DateOnly DueDate { get; init; }

    /// <summary>The day the debtor paid (for an external payment: the day it recorded the payment).</summary>
    public required DateOnly PaidOn { get; init; }

    /// <summary>Days after the due date (0 when on time).</summary>
    public required int DaysLate { get; init; }

    /// <summary>Whether it was paid after the due date.</summary>
    public bool Late => DaysLate > 0;

    /// <summary>The paying (or recording) transaction.</summary>
    public required string TxId { get; init; }

    /// <summary>The creditor's confirming transaction (external payments).</summary>
    public string? ConfirmedTxId { get; init; }

    /// <summary>The netting round that paid it, for <see cref="PaymentMethod.Netting"/>.</summary>
    public string? NettingId { get; init; }
}

/// <summary>A change of payment terms the two parties of an agreement agree on (e.g. 7+3 → 15+15).</summary>
public sealed record PaymentTermsChange
{
    /// <summary>The agreement.</summary>
    public required string AgreementId { get; init; }

    /// <summary>The new terms, <c>N+M</c>.</summary>
    public required string PaymentTerms { get; init; }

    /// <summary>The first period (<c>yyyy-MM</c>) whose statements the new terms apply to.</summary>
    public required string EffectiveFromPeriod { get; init; }

    /// <summary>The proposing party.</summary>
    public required string ProposedBy { get; init; }

    /// <summary>The accepting party; null while pending.</summary>
    public string? AcceptedBy { get; init; }

    /// <summary>Whether both parties agreed.</summary>
    public bool InForce => AcceptedBy is not null;
}

/// <summary>A co-signed statement's net entered for multilateral netting by one of its parties (public).</summary>
public sealed record NettingObligation
{
    /// <summary>The agreement.</summary>
    public required string AgreementId { get; init; }

    /// <summary>The period.</summary>
    public required string Period { get; init; }

    /// <summary>The debtor.</summary>
    public required string PayerMspId { get; init; }

    /// <summary>The creditor.</summary>
    public required string PayeeMspId { get; init; }

    /// <summary>RCB minor units owed.</summary>
    public required long TokenAmount { get; init; }

    /// <summary>The net in the statement's currency.</summary>
    public required long NetMinor { get; init; }

    /// <summary>The statement's currency.</summary>
    public required string Currency { get; init; }

    /// <summary>The statement's decimal places.</summary>
    public required int DecimalPlaces { get; init; }

    /// <summary>The due date under the terms in force.</summary>
    public required DateOnly DueDate { get; init; }

    /// <summary>The terms applied.</summary>
    public required string PaymentTerms { get; init; }

    /// <summary>The co-signed statement's hash.</summary>
    public required string StatementHash { get; init; }

    /// <summary>The party that entered it.</summary>
    public required string EnteredBy { get; init; }

    /// <summary>The netting round it belongs to, once one is proposed.</summary>
    public string? NettingId { get; init; }
}

/// <summary>One transfer of a netting round.</summary>
/// <param name="From">The paying member.</param>
/// <param name="To">The receiving member.</param>
/// <param name="Amount">RCB minor units.</param>
public sealed record NettingTransfer(string From, string To, long Amount);

/// <summary>One member's net position in a netting round: what it is owed less what it owes.</summary>
/// <param name="MspId">The member.</param>
/// <param name="Amount">Positive: it receives; negative: it pays.</param>
public sealed record NetPosition(string MspId, long Amount);

/// <summary>Where a netting round stands.</summary>
public enum NettingStatus
{
    /// <summary>Waiting for every affected member's approval.</summary>
    Proposed = 0,

    /// <summary>Every transfer executed and every statement settled, in one transaction.</summary>
    Executed = 1,
}

/// <summary>A multilateral netting round: the period's entered statements, each member's position and the fewest transfers.</summary>
public sealed record NettingRound
{
    /// <summary>The round ID (the proposing transaction's ID).</summary>
    public required string NettingId { get; init; }

    /// <summary>The period.</summary>
    public required string Period { get; init; }

    /// <summary>The statements netted, as <c>agreementId/period</c>.</summary>
    public required IReadOnlyList<string> Statements { get; init; }

    /// <summary>Each affected member's net position.</summary>
    public required IReadOnlyList<NetPosition> Positions { get; init; }

    /// <summary>The transfers that settle every position.</summary>
    public required IReadOnlyList<NettingTransfer> Transfers { get; init; }

    /// <summary>How the transfers were found: <c>exact</c> (provably fewest) or <c>greedy</c> (at most n − 1).</summary>
    public required string Method { get; init; }

    /// <summary>The members whose approval is needed: every party of a netted statement.</summary>
    public required IReadOnlyList<string> Members { get; init; }

    /// <summary>The members that approved.</summary>
    public required IReadOnlyList<string> Approvals { get; init; }

    /// <summary>The status.</summary>
    public required NettingStatus Status { get; init; }

    /// <summary>The proposing member.</summary>
    public required string ProposedBy { get; init; }

    /// <summary>The executing transaction.</summary>
    public string? ExecutedTxId { get; init; }
}

/// <summary>What a dispute is about.</summary>
public enum DisputeSubject
{
    /// <summary>A roaming statement (<see cref="Dispute.AgreementId"/>, <see cref="Dispute.Period"/>).</summary>
    Statement = 0,

    /// <summary>A request against a member, e.g. closing its account.</summary>
    Member = 1,
}

/// <summary>Where a dispute stands.</summary>
public enum DisputeStatus
{
    /// <summary>Opened, jurors not drawn yet.</summary>
    Open = 0,

    /// <summary>Jurors drawn: commit, then reveal.</summary>
    Voting = 1,

    /// <summary>Tallied and paid out.</summary>
    Resolved = 2,
}

/// <summary>The result of a dispute vote.</summary>
public enum DisputeOutcome
{
    /// <summary>A majority of the revealed votes upheld the request.</summary>
    Upheld = 0,

    /// <summary>A majority of the revealed votes rejected it.</summary>
    Rejected = 1,

    /// <summary>No majority (a tie, or no vote revealed).</summary>
    Tied = 2,
}

/// <summary>A juror's vote.</summary>
public enum Vote
{
    /// <summary>For the requester.</summary>
    Uphold = 0,

    /// <summary>Against the requester.</summary>
    Reject = 1,
}

/// <summary>What a requester submits to open a dispute.</summary>
public sealed record DisputeRequest
{
    /// <summary>What it is about.</summary>
    public required DisputeSubject Subject { get; init; }

    /// <summary>The member the request is against (for a statement: the other party).</summary>
    public required string Respondent { get; init; }

    /// <summary>The statement's agreement (statement disputes).</summary>
    public string? AgreementId { get; init; }

    /// <summary>The statement's period (statement disputes).</summary>
    public string? Period { get; init; }

    /// <summary>What is asked, e.g. <c>account-closure</c> or the correction of a statement.</summary>
    public required string Claim { get; init; }

    /// <summary>RCB minor units pledged by the requester.</summary>
    public required long Pledge { get; init; }

    /// <summary>Seconds from the draw during which jurors commit their votes.</summary>
    public required int CommitSeconds { get; init; }

    /// <summary>Seconds after the commit deadline during which jurors reveal.</summary>
    public required int RevealSeconds { get; init; }
}

/// <summary>A juror's sealed and revealed vote (kept under its own key, so jurors vote concurrently).</summary>
public sealed record JurorVote
{
    /// <summary>The dispute.</summary>
    public required string DisputeId { get; init; }

    /// <summary>The juror.</summary>
    public required string Juror { get; init; }

    /// <summary>SHA-256 hex of <c>disputeId|vote|salt</c> (see <see cref="DisputeRules.Commitment"/>).</summary>
    public required string Commitment { get; init; }

    /// <summary>The voting fee paid into the escrow.</summary>
    public required long Fee { get; init; }

    /// <summary>The revealed vote, null until revealed.</summary>
    public Vote? Revealed { get; init; }
}

/// <summary>A dispute settled by a vote of jurors drawn from the token holders.</summary>
public sealed record Dispute
{
    /// <summary>The dispute ID (the opening transaction's ID).</summary>
    public required string DisputeId { get; init; }

    /// <summary>The request.</summary>
    public required DisputeSubject Subject { get; init; }

    /// <summary>The requester (its pledge is in the escrow).</summary>
    public required string Requester { get; init; }

    /// <summary>The member the request is against.</summary>
    public required string Respondent { get; init; }

    /// <summary>The statement's agreement.</summary>
    public string? AgreementId { get; init; }

    /// <summary>The statement's period.</summary>
    public string? Period { get; init; }

    /// <summary>What is asked.</summary>
    public required string Claim { get; init; }

    /// <summary>The pledge.</summary>
    public required long Pledge { get; init; }

    /// <summary>Each juror's voting fee.</summary>
    public required long VotingFee { get; init; }

    /// <summary>The escrow account holding pledge and fees.</summary>
    public required string Escrow { get; init; }

    /// <summary>The status.</summary>
    public required DisputeStatus Status { get; init; }

    /// <summary>When it was opened.</summary>
    public required DateTimeOffset OpenedAt { get; init; }

    /// <summary>Commit window length.</summary>
    public required int CommitSeconds { get; init; }

    /// <summary>Reveal window length.</summary>
    public required int RevealSeconds { get; init; }

    /// <summary>The drawing transaction (its ID is the second half of the seed).</summary>
    public string? DrawTxId { get; init; }

    /// <summary>SHA-256 hex of the opening and drawing transaction IDs (<see cref="JurorDraw.Seed"/>).</summary>
    public string? Seed { get; init; }

    /// <summary>The candidates the jurors were drawn from, in the order the draw used.</summary>
    public IReadOnlyList<string>? Candidates { get; init; }

    /// <summary>The jurors, in draw order.</summary>
    public IReadOnlyList<string>? Jurors { get; init; }

    /// <summary>Last instant a commitment is accepted.</summary>
    public DateTimeOffset? CommitDeadline { get; init; }

    /// <summary>Last instant a reveal is accepted.</summary>
    public DateTimeOffset? RevealDeadline { get; init; }

    /// <summary>The outcome, once resolved.</summary>
    public DisputeOutcome? Outcome { get; init; }

    /// <summary>Revealed votes for the requester.</summary>
    public int? UpholdVotes { get; init; }

    /// <summary>Revealed votes against.</summary>
    public int? RejectVotes { get; init; }

    /// <summary>Jurors that committed but did not reveal in time (their fees are forfeited).</summary>
    public IReadOnlyList<string>? Unrevealed { get; init; }

    /// <summary>What the escrow paid to whom.</summary>
    public IReadOnlyList<Payout>? Payouts { get; init; }
}

/// <summary>An amount paid out of a dispute's escrow.</summary>
/// <param name="Account">The receiving account.</param>
/// <param name="Amount">RCB minor units.</param>
public sealed record Payout(string Account, long Amount);

/// <summary>What a settlement transaction changed; carried in <see cref="RoamingChange.Settlement"/>.</summary>
public sealed record SettlementChange
{
    /// <summary>Account entries written (every token movement of the transaction).</summary>
    public IReadOnlyList<AccountEntry>? Entries { get; init; }

    /// <summary>The token after a supply change.</summary>
    public TokenInfo? Token { get; init; }

    /// <summary>An allowance after a change.</summary>
    public Allowance? Allowance { get; init; }

    /// <summary>A governance proposal after a change.</summary>
    public SupplyProposal? Proposal { get; init; }

    /// <summary>Statement payments after a change.</summary>
    public IReadOnlyList<StatementPayment>? Payments { get; init; }

    /// <summary>Payment terms after a change.</summary>
    public PaymentTermsChange? Terms { get; init; }

    /// <summary>An obligation entered for netting.</summary>
    public NettingObligation? Obligation { get; init; }

    /// <summary>A netting round after a change.</summary>
    public NettingRound? Netting { get; init; }

    /// <summary>A dispute after a change.</summary>
    public Dispute? Dispute { get; init; }

    /// <summary>Statements whose public state changed besides <see cref="RoamingChange.Statement"/> (a netting round settles several).</summary>
    public IReadOnlyList<StatementState>? Statements { get; init; }
}

/// <summary>The change names of settlement transactions (the event is still <see cref="RoamingEvents.Name"/>).</summary>
public static class SettlementEvents
{
    /// <summary>Tokens moved between accounts.</summary>
    public const string Transferred = "settlement.transferred";

    /// <summary>An allowance was set.</summary>
    public const string Approved = "settlement.approved";

    /// <summary>A supply change was proposed.</summary>
    public const string SupplyProposed = "settlement.supply-proposed";

    /// <summary>A member approved a supply change (it may have executed).</summary>
    public const string SupplyApproved = "settlement.supply-approved";

    /// <summary>A statement was paid in RCB and settled.</summary>
    public const string StatementPaid = "settlement.statement-paid";

    /// <summary>The debtor recorded an external payment.</summary>
    public const string ExternalPaymentRecorded = "settlement.external-payment-recorded";

    /// <summary>The creditor confirmed an external payment: the statement is settled.</summary>
    public const string ExternalPaymentConfirmed = "settlement.external-payment-confirmed";

    /// <summary>A party proposed new payment terms.</summary>
    public const string TermsProposed = "settlement.terms-proposed";

    /// <summary>The other party accepted them.</summary>
    public const string TermsAccepted = "settlement.terms-accepted";

    /// <summary>A statement was entered for netting.</summary>
    public const string NettingEntered = "settlement.netting-entered";

    /// <summary>A netting round was proposed.</summary>
    public const string NettingProposed = "settlement.netting-proposed";

    /// <summary>A member approved a netting round (it may have executed).</summary>
    public const string NettingApproved = "settlement.netting-approved";

    /// <summary>A dispute was opened.</summary>
    public const string DisputeOpened = "settlement.dispute-opened";

    /// <summary>Its jurors were drawn.</summary>
    public const string JurorsDrawn = "settlement.jurors-drawn";

    /// <summary>A juror committed a sealed vote.</summary>
    public const string VoteCommitted = "settlement.vote-committed";

    /// <summary>A juror revealed its vote.</summary>
    public const string VoteRevealed = "settlement.vote-revealed";

    /// <summary>The dispute was tallied and paid out.</summary>
    public const string DisputeResolved = "settlement.dispute-resolved";
}

/// <summary>An account's balance.</summary>
/// <param name="Account">The account.</param>
/// <param name="Balance">RCB minor units (the sum of its entries).</param>
/// <param name="Entries">How many entries it has.</param>
public sealed record AccountBalance(string Account, long Balance, int Entries);
