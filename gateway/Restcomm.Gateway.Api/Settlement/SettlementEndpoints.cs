using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;
using Kinds = Restcomm.Gateway.Api.Settlement.SettlementProjection.Kinds;

namespace Restcomm.Gateway.Api.Settlement;

/// <summary>
/// The settlement REST endpoints under <c>/v1/settlement</c>: the RCB token (balances, entries, transfers, allowances,
/// supply governance), statement payments (in RCB, external and confirmed), payment terms, each operator's payment
/// history, multilateral netting and disputes by vote, on this gateway's consortium channel. Reads answer from the
/// settlement and roaming read models with <c>blockHeight</c>; writes call the roaming chaincode's <c>settlement</c>
/// contract and answer once the read models reflect their block. Refusals are <c>settlement-*</c> problems.
/// </summary>
public static class SettlementEndpoints
{
    /// <summary>The settlement contract's own refusal codes and the generic code each answers as.</summary>
    internal static readonly IReadOnlyDictionary<string, string> CodeAliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["insufficient-funds"] = "failed-precondition",
        ["account-closed"] = "failed-precondition",
        ["allowance-exceeded"] = "forbidden",
        ["no-members"] = "failed-precondition",
        ["proposal-executed"] = "conflict",
        ["already-approved"] = "conflict",
        ["statement-settled"] = "conflict",
        ["statement-signed"] = "conflict",
        ["statement-not-signed"] = "failed-precondition",
        ["statement-disputed"] = "failed-precondition",
        ["payment-awaiting-confirmation"] = "conflict",
        ["no-pending-payment"] = "failed-precondition",
        ["terms-mismatch"] = "conflict",
        ["nothing-to-net"] = "failed-precondition",
        ["netting-executed"] = "conflict",
        ["jurors-drawn"] = "conflict",
        ["jurors-not-drawn"] = "failed-precondition",
        ["no-jurors"] = "failed-precondition",
        ["commit-closed"] = "failed-precondition",
        ["reveal-not-open"] = "failed-precondition",
        ["reveal-closed"] = "failed-precondition",
        ["reveal-open"] = "failed-precondition",
        ["commitment-mismatch"] = "conflict",
        ["dispute-resolved"] = "conflict",
    };

    /// <summary>The settlement context's answers to ledger failures (<c>settlement-invalid</c>, <c>-forbidden</c>, <c>-not-found</c>, <c>-conflict</c>, <c>-failed-precondition</c>).</summary>
    internal static readonly LedgerProblemTypes Problems = new("settlement", "settlement", codeAliases: CodeAliases);

    private const string Contract = "settlement:";
    private static readonly TimeSpan ProjectionWait = TimeSpan.FromSeconds(10);

    /// <summary>Maps the read endpoints (scope <c>settlement:read</c>) and the write endpoints (scope <c>settlement:write</c>) under <c>/settlement</c>.</summary>
    /// <param name="v1">The <c>/v1</c> group.</param>
    /// <param name="requireScopes">False only for hosts without API-key authentication (tests).</param>
    /// <returns>The read group and the write group.</returns>
    public static (RouteGroupBuilder Read, RouteGroupBuilder Write) MapSettlementEndpoints(this IEndpointRouteBuilder v1, bool requireScopes = true)
    {
        var read = v1.MapGroup("/settlement").WithTags("Settlement").WithConsortiumChannel();
        var write = v1.MapGroup("/settlement").WithTags("Settlement").WithConsortiumChannel();
        if (requireScopes)
        {
            read.RequireScope(ApiScopes.SettlementRead);
            write.RequireScope(ApiScopes.SettlementWrite);
        }

        read.MapGet("/token", GetToken).WithName("SettlementGetToken").WithSummary("The RCB token: name, symbol, decimals, total supply.");
        read.MapGet("/accounts/{account}", GetBalance).WithName("SettlementGetBalance").WithSummary("An account's balance (MSPID or MSPID/sub-account).");
        read.MapGet("/accounts/{account}/entries", GetEntries).WithName("SettlementGetEntries").WithSummary("An account's movements, newest first.");
        read.MapGet("/statements/{agreementId}/{period}", GetStatement).WithName("SettlementGetStatement")
            .WithSummary("A statement's settlement: its status (signed, settled…) and payment.");
        read.MapGet("/payments", ListPayments).WithName("SettlementListPayments").WithSummary("Statement payments, optionally of one operator (its credit history).");
        read.MapGet("/proposals/{proposalId}", GetProposal).WithName("SettlementGetProposal").WithSummary("A supply change proposal and its approvals.");
        read.MapGet("/nettings/{nettingId}", GetNetting).WithName("SettlementGetNetting").WithSummary("A netting round: positions, transfers, approvals.");
        read.MapGet("/obligations", ListObligations).WithName("SettlementListObligations").WithSummary("Statements entered for netting, optionally of one operator.");
        read.MapGet("/disputes/{disputeId}", GetDispute).WithName("SettlementGetDispute").WithSummary("A dispute: jurors, seed, deadlines, outcome and payouts.");

        write.MapPost("/transfers", Transfer).WithName("SettlementTransfer").ProducesLedgerProblems(Problems)
            .WithSummary("Moves RCB from this organisation's account (or sub-account, or another's within its allowance) to an account.");
        write.MapPost("/allowances", Approve).WithName("SettlementApprove").ProducesLedgerProblems(Problems)
            .WithSummary("Allows another organisation to move up to an amount out of this organisation's account.");
        write.MapPost("/proposals", Propose).WithName("SettlementProposeSupplyChange").ProducesLedgerProblems(Problems)
            .WithSummary("Proposes to mint or burn RCB; carried out when a majority of the channel's members approve.");
        write.MapPost("/proposals/{proposalId}/approve", ApproveProposal).WithName("SettlementApproveSupplyChange").ProducesLedgerProblems(Problems)
            .WithSummary("Approves a supply change with this organisation's identity.");
        write.MapPost("/statements/{agreementId}/{period}/pay", Pay).WithName("SettlementPayStatement").ProducesLedgerProblems(Problems)
            .WithSummary("The net debtor pays a co-signed statement in RCB; the statement is settled in the same transaction.");
        write.MapPost("/statements/{agreementId}/{period}/external-payment", RecordExternal).WithName("SettlementRecordExternalPayment").ProducesLedgerProblems(Problems)
            .WithSummary("The net debtor records a payment made outside the ledger by its reference.");
        write.MapPost("/statements/{agreementId}/{period}/confirm", Confirm).WithName("SettlementConfirmExternalPayment").ProducesLedgerProblems(Problems)
            .WithSummary("The creditor confirms the external payment: the statement is settled.");
        write.MapPost("/statements/{agreementId}/{period}/netting", EnterNetting).WithName("SettlementEnterNetting").ProducesLedgerProblems(Problems)
            .WithSummary("A party enters its co-signed statement for the period's multilateral netting.");
        write.MapPost("/agreements/{agreementId}/payment-terms", ProposeTerms).WithName("SettlementProposePaymentTerms").ProducesLedgerProblems(Problems)
            .WithSummary("Proposes new payment terms (e.g. 15+15) for statements from a period on.");
        write.MapPost("/agreements/{agreementId}/payment-terms/accept", AcceptTerms).WithName("SettlementAcceptPaymentTerms").ProducesLedgerProblems(Problems)
            .WithSummary("The other party accepts the pending payment terms, naming them.");
        write.MapPost("/nettings", ProposeNetting).WithName("SettlementProposeNetting").ProducesLedgerProblems(Problems)
            .WithSummary("Proposes a netting round over a period's entered statements: positions and the fewest transfers.");
        write.MapPost("/nettings/{nettingId}/approve", ApproveNetting).WithName("SettlementApproveNetting").ProducesLedgerProblems(Problems)
            .WithSummary("Approves a netting round; the last affected member's approval executes every transfer atomically.");
        write.MapPost("/disputes", OpenDispute).WithName("SettlementOpenDispute").ProducesLedgerProblems(Problems)
            .WithSummary("Opens a dispute about a statement or against a member, pledging RCB.");
        write.MapPost("/disputes/{disputeId}/draw", Draw).WithName("SettlementDrawJurors").ProducesLedgerProblems(Problems)
            .WithSummary("Another member than the requester draws the jurors (seeded by the opening and drawing transaction IDs).");
        write.MapPost("/disputes/{disputeId}/commit", Commit).WithName("SettlementCommitVote").ProducesLedgerProblems(Problems)
            .WithSummary("A juror commits its sealed vote (the commitment, or vote and salt sealed here) and pays the voting fee.");
        write.MapPost("/disputes/{disputeId}/reveal", Reveal).WithName("SettlementRevealVote").ProducesLedgerProblems(Problems)
            .WithSummary("A juror reveals its vote and salt.");
        write.MapPost("/disputes/{disputeId}/resolve", Resolve).WithName("SettlementResolveDispute").ProducesLedgerProblems(Problems)
            .WithSummary("Tallies the revealed votes after the reveal deadline and pays out the escrow.");
        return (read, write);
    }

    // ---- reads -------------------------------------------------------------------------------------------------

    private static async Task<Results<OkJson<ItemAnswer<TokenInfo>>, ProblemAnswer>> GetToken(SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var found = await readModel.GetAsync<TokenInfo>(ledger.Channel, Kinds.Token, "RCB", cancellationToken).ConfigureAwait(false);
        return Json(new ItemAnswer<TokenInfo>(found.Item ?? new TokenInfo { Name = "Restcomm Consortium Balance", Symbol = "RCB", Decimals = 2, TotalSupply = 0 }, found.BlockHeight));
    }

    private static async Task<Results<OkJson<ItemAnswer<AccountBalance>>, ProblemAnswer>> GetBalance(string account, SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!IsAccount(account))
        {
            return Invalid($"'{account}' is not an account (MSPID or MSPID/sub-account).");
        }

        var found = await readModel.BalanceAsync(ledger.Channel, account, cancellationToken).ConfigureAwait(false);
        return Json(new ItemAnswer<AccountBalance>(found.Item!, found.BlockHeight));
    }

    private static async Task<Results<OkJson<ListAnswer<AccountEntry>>, ProblemAnswer>> GetEntries(string account, int? limit, SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!IsAccount(account))
        {
            return Invalid($"'{account}' is not an account (MSPID or MSPID/sub-account).");
        }

        var found = await readModel.EntriesAsync(ledger.Channel, account, limit ?? 100, cancellationToken).ConfigureAwait(false);
        return Json(new ListAnswer<AccountEntry>(found.Items, found.BlockHeight));
    }

    private static async Task<Results<OkJson<ItemAnswer<StatementState>>, ProblemAnswer>> GetStatement(
        string agreementId, string period, RoamingReadModel roaming, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var found = await roaming.GetStatementAsync(ledger.Channel, agreementId, period, cancellationToken).ConfigureAwait(false);
        return found.Item is { } state
            ? Json(new ItemAnswer<StatementState>(state, found.BlockHeight))
            : NotFound($"No statement of {agreementId} {period} on {ledger.Channel} as of block height {found.BlockHeight}.");
    }

    private static async Task<Results<OkJson<ListAnswer<StatementPayment>>, ProblemAnswer>> ListPayments(
        string? @operator, SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var found = await readModel.ListAsync<StatementPayment>(ledger.Channel, Kinds.Payment, Blank(@operator), cancellationToken).ConfigureAwait(false);
        return Json(new ListAnswer<StatementPayment>(found.Items, found.BlockHeight));
    }

    private static async Task<Results<OkJson<ListAnswer<NettingObligation>>, ProblemAnswer>> ListObligations(
        string? @operator, SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var found = await readModel.ListAsync<NettingObligation>(ledger.Channel, Kinds.Obligation, Blank(@operator), cancellationToken).ConfigureAwait(false);
        return Json(new ListAnswer<NettingObligation>(found.Items, found.BlockHeight));
    }

    private static Task<Results<OkJson<ItemAnswer<SupplyProposal>>, ProblemAnswer>> GetProposal(string proposalId, SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
        => ObjectAsync<SupplyProposal>(readModel, ledger, Kinds.Proposal, proposalId, "supply proposal", cancellationToken);

    private static Task<Results<OkJson<ItemAnswer<NettingRound>>, ProblemAnswer>> GetNetting(string nettingId, SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
        => ObjectAsync<NettingRound>(readModel, ledger, Kinds.Netting, nettingId, "netting round", cancellationToken);

    private static Task<Results<OkJson<ItemAnswer<Dispute>>, ProblemAnswer>> GetDispute(string disputeId, SettlementReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
        => ObjectAsync<Dispute>(readModel, ledger, Kinds.Dispute, disputeId, "dispute", cancellationToken);

    // ---- writes ------------------------------------------------------------------------------------------------

    private static async Task<Results<OkJson<WriteAnswer<IReadOnlyList<AccountEntry>>>, ProblemAnswer>> Transfer(
        TransferRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (Blank(request.To) is not { } to || request.Amount is not > 0)
        {
            return Invalid("The body must be {\"to\":\"account\",\"amount\":N} with a positive amount in RCB minor units (and optionally \"from\").");
        }

        return Blank(request.From) is { } from
            ? await SubmitAsync<IReadOnlyList<AccountEntry>>("TransferFrom", [from, to, Number(request.Amount.Value)], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false)
            : await SubmitAsync<IReadOnlyList<AccountEntry>>("Transfer", [to, Number(request.Amount.Value)], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<OkJson<WriteAnswer<Allowance>>, ProblemAnswer>> Approve(
        AllowanceRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => Blank(request.Spender) is not { } spender || request.Amount is not >= 0
            ? Invalid("The body must be {\"spender\":\"MSPID\",\"amount\":N}.")
            : await SubmitAsync<Allowance>("Approve", [spender, Number(request.Amount.Value)], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static async Task<Results<OkJson<WriteAnswer<SupplyProposal>>, ProblemAnswer>> Propose(
        SupplyRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => Blank(request.Kind) is not ("mint" or "burn") || Blank(request.Account) is not { } account || request.Amount is not > 0 || Blank(request.Reason) is not { } reason
            ? Invalid("The body must be {\"kind\":\"mint|burn\",\"account\":\"…\",\"amount\":N,\"reason\":\"…\"}.")
            : await SubmitAsync<SupplyProposal>("ProposeSupplyChange", [request.Kind!.Trim(), account, Number(request.Amount.Value), reason], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static Task<Results<OkJson<WriteAnswer<SupplyProposal>>, ProblemAnswer>> ApproveProposal(
        string proposalId, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => SubmitAsync<SupplyProposal>("ApproveSupplyChange", [proposalId], null, ledger, readModel, engine, cancellationToken);

    private static async Task<Results<OkJson<WriteAnswer<StatementPayment>>, ProblemAnswer>> Pay(
        string agreementId, string period, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => !IsPeriod(period)
            ? Invalid($"Period '{period}' is not yyyy-MM.")
            : await SubmitAsync<StatementPayment>("PayStatement", [agreementId, period], await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false),
                ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static async Task<Results<OkJson<WriteAnswer<StatementPayment>>, ProblemAnswer>> RecordExternal(
        string agreementId, string period, ExternalPaymentRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => !IsPeriod(period) || Blank(request.Reference) is not { } reference
            ? Invalid("Name a yyyy-MM period in the path and the body must be {\"reference\":\"…\"}.")
            : await SubmitAsync<StatementPayment>("RecordExternalPayment", [agreementId, period, reference], await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false),
                ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static async Task<Results<OkJson<WriteAnswer<StatementPayment>>, ProblemAnswer>> Confirm(
        string agreementId, string period, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => !IsPeriod(period)
            ? Invalid($"Period '{period}' is not yyyy-MM.")
            : await SubmitAsync<StatementPayment>("ConfirmExternalPayment", [agreementId, period], await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false),
                ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static async Task<Results<OkJson<WriteAnswer<NettingObligation>>, ProblemAnswer>> EnterNetting(
        string agreementId, string period, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => !IsPeriod(period)
            ? Invalid($"Period '{period}' is not yyyy-MM.")
            : await SubmitAsync<NettingObligation>("EnterNetting", [agreementId, period], await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false),
                ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static async Task<Results<OkJson<WriteAnswer<PaymentTermsChange>>, ProblemAnswer>> ProposeTerms(
        string agreementId, TermsRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => Blank(request.PaymentTerms) is not { } terms || Blank(request.EffectiveFromPeriod) is not { } from || !IsPeriod(from)
            ? Invalid("The body must be {\"paymentTerms\":\"N+M\",\"effectiveFromPeriod\":\"yyyy-MM\"}.")
            : await SubmitAsync<PaymentTermsChange>("ProposePaymentTerms", [agreementId, terms, from], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static async Task<Results<OkJson<WriteAnswer<PaymentTermsChange>>, ProblemAnswer>> AcceptTerms(
        string agreementId, TermsRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => Blank(request.PaymentTerms) is not { } terms
            ? Invalid("The body must be {\"paymentTerms\":\"N+M\"} naming the terms accepted.")
            : await SubmitAsync<PaymentTermsChange>("AcceptPaymentTerms", [agreementId, terms], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static async Task<Results<OkJson<WriteAnswer<NettingRound>>, ProblemAnswer>> ProposeNetting(
        NettingRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => Blank(request.Period) is not { } period || !IsPeriod(period)
            ? Invalid("The body must be {\"period\":\"yyyy-MM\"}.")
            : await SubmitAsync<NettingRound>("ProposeNetting", [period], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static Task<Results<OkJson<WriteAnswer<NettingRound>>, ProblemAnswer>> ApproveNetting(
        string nettingId, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => SubmitAsync<NettingRound>("ApproveNetting", [nettingId], null, ledger, readModel, engine, cancellationToken);

    private static async Task<Results<OkJson<WriteAnswer<Dispute>>, ProblemAnswer>> OpenDispute(
        DisputeRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => request is null || Blank(request.Respondent) is null || Blank(request.Claim) is null
            ? Invalid("The body must be a dispute request: subject (statement|member), respondent, claim, pledge, commitSeconds, revealSeconds (and agreementId, period for a statement).")
            : await SubmitAsync<Dispute>("OpenDispute", [JsonSerializer.Serialize(request, RoamingJson.Options)], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static Task<Results<OkJson<WriteAnswer<Dispute>>, ProblemAnswer>> Draw(
        string disputeId, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => SubmitAsync<Dispute>("DrawJurors", [disputeId], null, ledger, readModel, engine, cancellationToken);

    private static async Task<Results<OkJson<WriteAnswer<JurorVote>>, ProblemAnswer>> Commit(
        string disputeId, VoteRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        var commitment = Blank(request.Commitment);
        if (commitment is null && request.Vote is { } vote && Blank(request.Salt) is { } salt)
        {
            commitment = DisputeRules.Commitment(disputeId, vote, salt);
        }

        return commitment is null
            ? Invalid("The body must be {\"commitment\":\"64 hex\"} or {\"vote\":\"uphold|reject\",\"salt\":\"…\"} (sealed here; keep the salt to reveal).")
            : await SubmitAsync<JurorVote>("CommitVote", [disputeId, commitment], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<OkJson<WriteAnswer<JurorVote>>, ProblemAnswer>> Reveal(
        string disputeId, VoteRequest request, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => request.Vote is not { } vote || Blank(request.Salt) is not { } salt
            ? Invalid("The body must be {\"vote\":\"uphold|reject\",\"salt\":\"…\"}.")
            : await SubmitAsync<JurorVote>("RevealVote", [disputeId, DisputeRules.VoteName(vote), salt], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);

    private static Task<Results<OkJson<WriteAnswer<Dispute>>, ProblemAnswer>> Resolve(
        string disputeId, RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
        => SubmitAsync<Dispute>("ResolveDispute", [disputeId], null, ledger, readModel, engine, cancellationToken);

    // ---- helpers -----------------------------------------------------------------------------------------------

    /// <summary>
    /// Submits a settlement transaction (endorsed by <paramref name="endorsers"/>, or by the organisations the gateway
    /// picks for public writes) and waits, bounded, for both read models to reach its block.
    /// </summary>
    private static async Task<Results<OkJson<WriteAnswer<T>>, ProblemAnswer>> SubmitAsync<T>(
        string function, IReadOnlyList<string> args, IReadOnlyList<string>? endorsers,
        RoamingLedgerClient ledger, SettlementReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        var c = await ledger.SubmitAsync<T>(Contract + function, args, endorsers, null, cancellationToken).ConfigureAwait(false);
        try
        {
            var wait = Task.WhenAll(
                engine.WaitForHeightAsync("settlement", ledger.Channel, c.BlockNumber + 1, cancellationToken),
                engine.WaitForHeightAsync("roaming", ledger.Channel, c.BlockNumber + 1, cancellationToken));
            await wait.WaitAsync(ProjectionWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Committed; the answer says how far the read model has got.
        }

        var height = await readModel.HeightAsync(ledger.Channel, cancellationToken).ConfigureAwait(false);
        return Json(new WriteAnswer<T>(c.Result, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<ItemAnswer<T>>, ProblemAnswer>> ObjectAsync<T>(
        SettlementReadModel readModel, RoamingLedgerClient ledger, string kind, string id, string what, CancellationToken cancellationToken)
        where T : class
    {
        var found = await readModel.GetAsync<T>(ledger.Channel, kind, id, cancellationToken).ConfigureAwait(false);
        return found.Item is { } item
            ? Json(new ItemAnswer<T>(item, found.BlockHeight))
            : NotFound($"No {what} '{id}' on {ledger.Channel} as of block height {found.BlockHeight}.");
    }

    private static bool IsAccount(string account) => TokenAccounts.IsMemberAccount(account) || account.StartsWith(TokenAccounts.EscrowPrefix, StringComparison.Ordinal);

    private static bool IsPeriod(string period)
        => period.Length == 7 && DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ProblemAnswer Invalid(string detail) => Restcomm.Gateway.Api.Internal.Problems.Result(Problems.InvalidArgument, detail);

    private static ProblemAnswer NotFound(string detail) => Restcomm.Gateway.Api.Internal.Problems.Result(Problems.NotFound, detail);

    private static OkJson<T> Json<T>(T value) => new(value, RoamingJson.Options);

    /// <summary>One read model item and the height it reflects.</summary>
    internal sealed record ItemAnswer<T>(T Item, long BlockHeight);

    /// <summary>A read model list and the height it reflects.</summary>
    internal sealed record ListAnswer<T>(IReadOnlyList<T> Items, long BlockHeight);

    /// <summary>A committed write: the chaincode's answer, its transaction and block, and the read model's height.</summary>
    internal sealed record WriteAnswer<T>(T Result, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>A transfer: to an account, an amount in RCB minor units, optionally from a sub-account or an allowing account.</summary>
    internal sealed record TransferRequest(string? To, long? Amount, string? From);

    /// <summary>An allowance for another organisation.</summary>
    internal sealed record AllowanceRequest(string? Spender, long? Amount);

    /// <summary>A supply change: mint or burn, the account, the amount and why.</summary>
    internal sealed record SupplyRequest(string? Kind, string? Account, long? Amount, string? Reason);

    /// <summary>An external payment's reference.</summary>
    internal sealed record ExternalPaymentRequest(string? Reference);

    /// <summary>Payment terms (and, when proposing, the first period they apply to).</summary>
    internal sealed record TermsRequest(string? PaymentTerms, string? EffectiveFromPeriod);

    /// <summary>The period to net.</summary>
    internal sealed record NettingRequest(string? Period);

    /// <summary>A sealed vote (commitment) or a vote and its salt.</summary>
    internal sealed record VoteRequest(string? Commitment, Vote? Vote, string? Salt);
}
