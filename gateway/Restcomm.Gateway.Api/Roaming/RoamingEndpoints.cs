using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Api.Roaming;

/// <summary>
/// The roaming REST endpoints under <c>/v1/roaming</c>: agreements, usage batches, reconciliation and period statements
/// on this gateway's consortium channel (<see cref="RoamingOptions.Channel"/>). Lists and public states answer from the
/// roaming read model; private data (documents, records, proofs, statement figures) from this organisation's own peer.
/// Every answer carries <c>blockHeight</c>: every block below it is in the read model. Writes are endorsed by the two
/// parties, and answer once the read model reflects their block. Refusals are answered by the API's one
/// ledger-failure filter with <see cref="Problems"/> (<c>roaming-*</c>).
/// </summary>
public static class RoamingEndpoints
{
    /// <summary>Most records one <c>POST /v1/roaming/batches</c> takes (the high-rate path is TAP ingestion).</summary>
    public const int MaxRecordsPerBatch = 10_000;

    /// <summary>The roaming chaincode's own refusal codes and the generic code each answers as.</summary>
    internal static readonly IReadOnlyDictionary<string, string> CodeAliases = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["invalid-agreement"] = "invalid-argument",
        ["invalid-amendment"] = "invalid-argument",
        ["amendment-notice"] = "invalid-argument",
        ["rate-variance"] = "invalid-argument",
        ["invalid-payload"] = "invalid-argument",
        ["invalid-record"] = "invalid-argument",
        ["payload-hash-mismatch"] = "invalid-argument",
        ["record-count-mismatch"] = "invalid-argument",
        ["totals-mismatch"] = "invalid-argument",
        ["merkle-root-mismatch"] = "invalid-argument",
        ["amendment-pending"] = "conflict",
        ["document-hash-mismatch"] = "conflict",
        ["batch-conflict"] = "conflict",
        ["statement-hash-mismatch"] = "conflict",
        ["statement-signed"] = "conflict",
        ["statement-disputed"] = "conflict",
        ["period-open"] = "failed-precondition",
        ["unreconciled-batches"] = "failed-precondition",
        ["dispute-window-closed"] = "failed-precondition",
    };

    /// <summary>
    /// The roaming context's answers to ledger failures: <c>roaming-invalid</c> (400), <c>roaming-forbidden</c> (403),
    /// <c>roaming-not-found</c> (404), <c>roaming-conflict</c> (409), <c>roaming-failed-precondition</c> (409); the
    /// chaincode's own code (<c>period-open</c>, <c>batch-conflict</c>, …) is the problem's <c>code</c>.
    /// </summary>
    internal static readonly LedgerProblemTypes Problems = new("roaming", "roaming", codeAliases: CodeAliases);

    private const string ProjectionName = "roaming";
    private const string AgreementList = "roaming-agreements";
    private static readonly TimeSpan ProjectionWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Maps the read endpoints (scope <c>roaming:read</c>) and the write endpoints (scope <c>roaming:submit</c>) under
    /// <c>/roaming</c> of <paramref name="v1"/>.
    /// </summary>
    /// <param name="v1">The <c>/v1</c> group.</param>
    /// <param name="requireScopes">False only for hosts without API-key authentication (tests).</param>
    /// <returns>The read group and the write group.</returns>
    public static (RouteGroupBuilder Read, RouteGroupBuilder Write) MapRoamingEndpoints(this IEndpointRouteBuilder v1, bool requireScopes = true)
    {
        var read = v1.MapGroup("/roaming").WithTags("Roaming").WithConsortiumChannel();
        var write = v1.MapGroup("/roaming").WithTags("Roaming").WithConsortiumChannel();
        if (requireScopes)
        {
            read.RequireScope(ApiScopes.RoamingRead);
            write.RequireScope(ApiScopes.RoamingSubmit);
        }

        read.MapGet("/agreements", ListAgreements).WithName("RoamingListAgreements")
            .WithSummary("Agreements on the channel (public state), by ID, optionally only those a party is in.");
        read.MapGet("/agreements/{agreementId}", GetAgreement).WithName("RoamingGetAgreement")
            .WithSummary("An agreement's public state: parties, status, validity, document hashes.");
        read.MapGet("/agreements/{agreementId}/document", GetDocument).WithName("RoamingGetAgreementDocument").ProducesLedgerProblems(Problems)
            .WithSummary("A version of the agreement document (parties only; default: the newest, else the pending proposal).");
        read.MapGet("/batches", ListBatches).WithName("RoamingListBatches")
            .WithSummary("Usage batch headers in submission order, filtered by agreement, period, status, visited or home operator.");
        read.MapGet("/batches/{fileId}/{batchNumber:int}", GetBatch).WithName("RoamingGetBatch")
            .WithSummary("A usage batch's public state: header, findings (per code: count and record ranges), rejections, accepted usage.");
        read.MapGet("/batches/{fileId}/{batchNumber:int}/records", GetRecords).WithName("RoamingGetBatchRecords").ProducesLedgerProblems(Problems)
            .WithSummary("A batch's records with the re-validation findings at the agreement's rates (parties only).");
        read.MapGet("/batches/{fileId}/{batchNumber:int}/records/{index:int}/proof", GetProof).WithName("RoamingGetRecordProof").ProducesLedgerProblems(Problems)
            .WithSummary("One record with its Merkle inclusion proof, checked against the public header (parties only).");
        read.MapPost("/batches/{fileId}/{batchNumber:int}/proof-verification", VerifyProof).WithName("RoamingVerifyRecordProof").ReadsOnly()
            .WithSummary("Checks a record and its inclusion proof against the batch's public header alone (anyone on the channel).");
        read.MapGet("/batches/{fileId}/{batchNumber:int}/rap", GetRap).WithName("RoamingGetBatchRap").ProducesLedgerProblems(Problems)
            .WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(byte[]), [RapContentType]))
            .WithSummary("The RAP 1.5 ReturnBatch of the batch's rejected records (parties only).");
        read.MapGet("/file-sequences/{senderTadig}/{recipientTadig}", GetSequence).WithName("RoamingGetFileSequence").ProducesLedgerProblems(Problems)
            .WithSummary("Files seen from a sender to a recipient, with missing sequence and batch numbers.");
        read.MapGet("/statements", ListStatements).WithName("RoamingListStatements")
            .WithSummary("Period statements (public state), optionally of one agreement.");
        read.MapGet("/statements/{agreementId}/{period}", GetStatement).WithName("RoamingGetStatement").ProducesLedgerProblems(Problems)
            .WithSummary("A period statement: public state, and for the parties its figures (discounts, payables, bilateral net).");

        TapFiles.TapFileEndpoints.Map(read, write, v1.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<TapFiles.TapUploadOptions>>().Value.MaxBytes);
        write.MapPost("/agreements", Propose).WithName("RoamingProposeAgreement").ProducesLedgerProblems(Problems)
            .WithSummary("Proposes an agreement (the document in the body goes to the pair's collection as transient data).");
        write.MapPost("/agreements/{agreementId}/accept", Accept).WithName("RoamingAcceptAgreement").ProducesLedgerProblems(Problems)
            .WithSummary("The counterparty accepts the proposed agreement, naming the document hash it accepts.");
        write.MapPost("/agreements/{agreementId}/amendments", ProposeAmendment).WithName("RoamingProposeAmendment").ProducesLedgerProblems(Problems)
            .WithSummary("Proposes the next version of an active agreement.");
        write.MapPost("/agreements/{agreementId}/amendments/accept", AcceptAmendment).WithName("RoamingAcceptAmendment").ProducesLedgerProblems(Problems)
            .WithSummary("The counterparty accepts the pending amendment, naming its document hash.");
        write.MapPost("/agreements/{agreementId}/amendments/decline", DeclineAmendment).WithName("RoamingDeclineAmendment").ProducesLedgerProblems(Problems)
            .WithSummary("Either party declines (or withdraws) the pending amendment.");
        write.MapPost("/agreements/{agreementId}/terminate", Terminate).WithName("RoamingTerminateAgreement").ProducesLedgerProblems(Problems)
            .WithSummary("Either party ends an active agreement after a date.");
        write.MapPost("/batches", SubmitBatch).WithName("RoamingSubmitUsageBatch").AcceptsBulkBody().ProducesLedgerProblems(Problems)
            .WithSummary("The visited operator submits a usage batch as JSON records; 201 when new, 200 when already on the ledger.");
        write.MapPost("/batches/{fileId}/{batchNumber:int}/rejections", Reject).WithName("RoamingRejectRecords").ProducesLedgerProblems(Problems)
            .WithSummary("The home operator rejects records with TD.57/RAP error codes.");
        write.MapPost("/batches/{fileId}/{batchNumber:int}/accept", AcceptBatch).WithName("RoamingAcceptBatch").ProducesLedgerProblems(Problems)
            .WithSummary("The home operator accepts the batch: every record not rejected counts in the statement.");
        write.MapPost("/statements", Close).WithName("RoamingCloseStatementPeriod").ProducesLedgerProblems(Problems)
            .WithSummary("Closes a period of an agreement: the statement of both directions, proposed for the other party's signature.");
        write.MapPost("/statements/{agreementId}/{period}/sign", Sign).WithName("RoamingSignStatement").ProducesLedgerProblems(Problems)
            .WithSummary("The counterparty co-signs the statement, naming its hash.");
        write.MapPost("/statements/{agreementId}/{period}/dispute", Dispute).WithName("RoamingDisputeStatement").ProducesLedgerProblems(Problems)
            .WithSummary("Either party disputes the statement inside the dispute window, freezing it.");
        return (read, write);
    }

    /// <summary>Media type of RAP downloads.</summary>
    public const string RapContentType = "application/octet-stream";

    // ---- reads -------------------------------------------------------------------------------------------------

    private static async Task<Results<OkJson<PageAnswer<AgreementState>>, ProblemAnswer>> ListAgreements(
        string? party, int? limit, string? cursor, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryParse(AgreementList, limit, cursor, out var page, out var problem))
        {
            return (ProblemAnswer)problem!;
        }

        var found = await readModel.ListAgreementsAsync(ledger.Channel, Blank(party), page.Limit, page.After, cancellationToken).ConfigureAwait(false);
        var next = found.NextCursor is { } id ? PageRequest.Encode(AgreementList, id) : null;
        return Json(new PageAnswer<AgreementState>(found.Items, next, found.BlockHeight));
    }

    private static async Task<Results<OkJson<AgreementAnswer>, ProblemAnswer>> GetAgreement(
        string agreementId, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var found = await readModel.GetAgreementAsync(ledger.Channel, agreementId, cancellationToken).ConfigureAwait(false);
        return found.Item is { } agreement
            ? Json(new AgreementAnswer(agreement, null, null, null, found.BlockHeight))
            : NotFound($"No agreement '{agreementId}' on {ledger.Channel} as of block height {found.BlockHeight}.");
    }

    private static async Task<Results<OkJson<DocumentAnswer>, ProblemAnswer>> GetDocument(
        string agreementId, int? version, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var height = await readModel.HeightAsync(ledger.Channel, cancellationToken).ConfigureAwait(false);
        var wanted = version;
        if (wanted is null)
        {
            var state = await ledger.EvaluateAsync<AgreementState>("GetAgreement", [agreementId], cancellationToken).ConfigureAwait(false);
            wanted = state.Versions.Count > 0 ? state.Versions[^1].Version : state.Pending?.Version;
            if (wanted is null)
            {
                return NotFound($"Agreement '{agreementId}' has no document.");
            }
        }

        var document = await ledger.EvaluateAsync<AgreementDocument>("GetAgreementDocument", [agreementId, RoamingLedgerClient.Number(wanted.Value)], cancellationToken).ConfigureAwait(false);
        return Json(new DocumentAnswer(document, height));
    }

    private static async Task<Results<OkJson<PageAnswer<UsageBatchState>>, ProblemAnswer>> ListBatches(
        string? agreementId, string? period, string? status, string? visited, string? home, int? limit, string? cursor,
        RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var take = limit ?? PageRequest.DefaultLimit;
        if (take < 1 || take > RoamingReadModel.MaxPageSize)
        {
            return Restcomm.Gateway.Api.Internal.Problems.Validation(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {RoamingReadModel.MaxPageSize}."] });
        }

        if (Blank(period) is { } p && !IsPeriod(p))
        {
            return Invalid($"Period '{p}' is not yyyy-MM.");
        }

        if (Blank(status) is { } s && s is not ("submitted" or "reconciled"))
        {
            return Invalid($"Status '{s}' is not known; use submitted or reconciled.");
        }

        try
        {
            var filter = new BatchFilter(Blank(agreementId), Blank(period), Blank(status), Blank(visited), Blank(home));
            var found = await readModel.ListBatchesAsync(ledger.Channel, filter, take, Blank(cursor), cancellationToken).ConfigureAwait(false);
            return Json(new PageAnswer<UsageBatchState>(found.Items, found.NextCursor, found.BlockHeight));
        }
        catch (FormatException)
        {
            return Restcomm.Gateway.Api.Internal.Problems.Result(ProblemTypes.InvalidCursor, "The cursor was not issued for this list; pass back the 'nextCursor' of the previous page unchanged.");
        }
    }

    private static async Task<Results<OkJson<BatchAnswer>, ProblemAnswer>> GetBatch(
        string fileId, int batchNumber, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var found = await readModel.GetBatchAsync(ledger.Channel, fileId, batchNumber, cancellationToken).ConfigureAwait(false);
        return found.Item is { } batch
            ? Json(new BatchAnswer(batch, null, null, null, found.BlockHeight))
            : NotFound($"No batch {batchNumber} of file '{fileId}' on {ledger.Channel} as of block height {found.BlockHeight}.");
    }

    private static async Task<Results<OkJson<RecordsAnswer>, ProblemAnswer>> GetRecords(
        string fileId, int batchNumber, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (BadBatch(fileId, batchNumber) is { } invalid)
        {
            return invalid;
        }

        var height = await readModel.HeightAsync(ledger.Channel, cancellationToken).ConfigureAwait(false);
        var view = await ledger.EvaluateAsync<UsageRecordsView>("GetUsageRecords", [fileId, RoamingLedgerClient.Number(batchNumber)], cancellationToken).ConfigureAwait(false);
        return Json(new RecordsAnswer(view.Batch, view.Records, view.Findings, height));
    }

    private static async Task<Results<OkJson<ProofAnswer>, ProblemAnswer>> GetProof(
        string fileId, int batchNumber, int index, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (BadBatch(fileId, batchNumber) is { } invalid)
        {
            return invalid;
        }

        var view = await ledger.EvaluateAsync<RecordProofView>(
            "GetRecordProof", [fileId, RoamingLedgerClient.Number(batchNumber), RoamingLedgerClient.Number(index)], cancellationToken).ConfigureAwait(false);
        var header = await readModel.GetBatchAsync(ledger.Channel, fileId, batchNumber, cancellationToken).ConfigureAwait(false);
        var verified = header.Item is { } batch && Check(view.CanonicalRecord, view.Proof, batch.Header) is null;
        return Json(new ProofAnswer(view.FileId, view.BatchNumber, view.Record, view.CanonicalRecord, view.LeafHash, view.Proof, view.MerkleRoot, verified, header.BlockHeight));
    }

    private static async Task<Results<OkJson<VerificationAnswer>, ProblemAnswer>> VerifyProof(
        string fileId, int batchNumber, VerifyProofRequest request, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (request.CanonicalRecord is not { Length: > 0 } record || request.Proof is not { } proof)
        {
            return Invalid("The body must be {\"canonicalRecord\":\"<hex>\",\"proof\":{\"index\":…,\"leafCount\":…,\"siblings\":[…]}}.");
        }

        var found = await readModel.GetBatchAsync(ledger.Channel, fileId, batchNumber, cancellationToken).ConfigureAwait(false);
        if (found.Item is not { } batch)
        {
            return NotFound($"No batch {batchNumber} of file '{fileId}' on {ledger.Channel} as of block height {found.BlockHeight}.");
        }

        var reason = Check(record, proof, batch.Header);
        var leaf = TryHex(record) is { } bytes ? Convert.ToHexStringLower(MerkleTree.LeafHash(bytes)) : null;
        return Json(new VerificationAnswer(reason is null, reason, leaf, batch.Header.MerkleRoot, batch.Header.RecordCount, found.BlockHeight));
    }

    private static async Task<Results<FileContentHttpResult, ProblemAnswer>> GetRap(
        string fileId, int batchNumber, string? sequence, RoamingReadModel readModel, RoamingLedgerClient ledger, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (BadBatch(fileId, batchNumber) is { } invalid)
        {
            return invalid;
        }

        var rapSequence = Blank(sequence) ?? "00001";
        if (rapSequence.Length != 5 || !rapSequence.All(char.IsAsciiDigit))
        {
            return Invalid($"The RAP file sequence number '{rapSequence}' is not five digits.");
        }

        var view = await ledger.EvaluateAsync<UsageRecordsView>("GetUsageRecords", [fileId, RoamingLedgerClient.Number(batchNumber)], cancellationToken).ConfigureAwait(false);
        var rap = RoamingRap.Encode(view.Batch, view.Records, rapSequence, clock.GetUtcNow());
        if (rap is null)
        {
            return Restcomm.Gateway.Api.Internal.Problems.Result(Problems.FailedPrecondition, $"Batch {batchNumber} of '{fileId}' has no rejected records: there is nothing to return in a RAP file.");
        }

        var name = $"RC{view.Batch.Header.RecipientTadig}{view.Batch.Header.SenderTadig}{rapSequence}";
        return TypedResults.File(rap, RapContentType, name);
    }

    private static async Task<OkJson<SequenceAnswer>> GetSequence(
        string senderTadig, string recipientTadig, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var height = await readModel.HeightAsync(ledger.Channel, cancellationToken).ConfigureAwait(false);
        var report = await ledger.EvaluateAsync<FileSequenceReport>("GetFileSequenceReport", [senderTadig, recipientTadig], cancellationToken).ConfigureAwait(false);
        return Json(new SequenceAnswer(report, height));
    }

    private static async Task<OkJson<PageAnswer<StatementState>>> ListStatements(
        string? agreementId, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        var found = await readModel.ListStatementsAsync(ledger.Channel, Blank(agreementId), cancellationToken).ConfigureAwait(false);
        return Json(new PageAnswer<StatementState>(found.Items, null, found.BlockHeight));
    }

    private static async Task<Results<OkJson<StatementAnswer>, ProblemAnswer>> GetStatement(
        string agreementId, string period, RoamingReadModel readModel, RoamingLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!IsPeriod(period))
        {
            return Invalid($"Period '{period}' is not yyyy-MM.");
        }

        var height = await readModel.HeightAsync(ledger.Channel, cancellationToken).ConfigureAwait(false);
        var view = await ledger.EvaluateAsync<StatementView>("GetStatement", [agreementId, period], cancellationToken).ConfigureAwait(false);
        return Json(new StatementAnswer(view.State, view.Statement, null, null, height));
    }

    // ---- writes ------------------------------------------------------------------------------------------------

    private static async Task<Results<CreatedJson<AgreementAnswer>, ProblemAnswer>> Propose(
        AgreementDocument document, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (document.PartyA?.MspId is not { Length: > 0 } a || document.PartyB?.MspId is not { Length: > 0 } b)
        {
            return Invalid("The agreement document names both parties: partyA.mspId and partyB.mspId.");
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, RoamingJson.Options);
        var c = await ledger.SubmitAsync<AgreementState>("ProposeAgreement", [], [a, b], new Dictionary<string, byte[]> { ["agreement"] = bytes }, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return new CreatedJson<AgreementAnswer>(new AgreementAnswer(c.Result, Hash(bytes), c.TransactionId, c.BlockNumber, height), RoamingJson.Options);
    }

    private static async Task<Results<OkJson<AgreementAnswer>, ProblemAnswer>> Accept(
        string agreementId, AcceptRequest? request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        var state = await ledger.EvaluateAsync<AgreementState>("GetAgreement", [agreementId], cancellationToken).ConfigureAwait(false);
        var hash = Blank(request?.DocumentHash) ?? state.Pending?.DocumentHash;
        if (hash is null)
        {
            return Restcomm.Gateway.Api.Internal.Problems.Result(Problems.FailedPrecondition, $"Agreement '{agreementId}' has no proposal waiting to be accepted.");
        }

        return await AgreementWriteAsync("AcceptAgreement", [agreementId, hash], [state.PartyA.MspId, state.PartyB.MspId], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<OkJson<AgreementAnswer>, ProblemAnswer>> ProposeAmendment(
        string agreementId, AgreementDocument document, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (document.AgreementId != agreementId)
        {
            return Invalid($"The document's agreementId '{document.AgreementId}' is not '{agreementId}'.");
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(document, RoamingJson.Options);
        var pair = await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false);
        var c = await ledger.SubmitAsync<AgreementState>("ProposeAmendment", [agreementId], pair, new Dictionary<string, byte[]> { ["agreement"] = bytes }, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new AgreementAnswer(c.Result, Hash(bytes), c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<AgreementAnswer>, ProblemAnswer>> AcceptAmendment(
        string agreementId, AcceptRequest? request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        var state = await ledger.EvaluateAsync<AgreementState>("GetAgreement", [agreementId], cancellationToken).ConfigureAwait(false);
        var hash = Blank(request?.DocumentHash) ?? state.Pending?.DocumentHash;
        if (hash is null)
        {
            return Restcomm.Gateway.Api.Internal.Problems.Result(Problems.FailedPrecondition, $"Agreement '{agreementId}' has no amendment pending.");
        }

        return await AgreementWriteAsync("AcceptAmendment", [agreementId, hash], [state.PartyA.MspId, state.PartyB.MspId], null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<OkJson<AgreementAnswer>, ProblemAnswer>> DeclineAmendment(
        string agreementId, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        var pair = await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false);
        return await AgreementWriteAsync("DeclineAmendment", [agreementId], pair, null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<OkJson<AgreementAnswer>, ProblemAnswer>> Terminate(
        string agreementId, TerminateRequest request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (request.EffectiveTo is not { } effectiveTo || string.IsNullOrWhiteSpace(request.Reason))
        {
            return Invalid("The body must be {\"effectiveTo\":\"yyyy-MM-dd\",\"reason\":\"…\"}.");
        }

        var pair = await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false);
        var date = effectiveTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return await AgreementWriteAsync("TerminateAgreement", [agreementId, date, request.Reason], pair, null, ledger, readModel, engine, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Results<CreatedJson<BatchAnswer>, OkJson<BatchAnswer>, ProblemAnswer>> SubmitBatch(
        SubmitBatchRequest request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (ToBatch(request, out var error) is not { } batch)
        {
            return Invalid(error!);
        }

        var pair = await ledger.PairOfAgreementAsync(batch.Header.AgreementId, cancellationToken).ConfigureAwait(false);
        var c = await ledger.SubmitAsync<SubmitUsageBatchResult>(
            "SubmitUsageBatch", [JsonSerializer.Serialize(batch.Header, RoamingJson.Options)], pair,
            new Dictionary<string, byte[]> { [UsageBatchPayload.TransientKey] = batch.Payload }, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        var answer = new BatchAnswer(c.Result.Batch, c.Result.AlreadySubmitted, c.TransactionId, c.BlockNumber, height);
        return c.Result.AlreadySubmitted ? Json(answer) : new CreatedJson<BatchAnswer>(answer, RoamingJson.Options);
    }

    private static async Task<Results<OkJson<BatchAnswer>, ProblemAnswer>> Reject(
        string fileId, int batchNumber, RejectRequest request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (BadBatch(fileId, batchNumber) is { } invalid)
        {
            return invalid;
        }

        if (request.Rejections is not { Count: > 0 } given)
        {
            return Invalid("The body must be {\"rejections\":[{\"index\":0,\"errorCode\":200,\"reason\":\"…\"}, …]} with at least one rejection.");
        }

        var rejections = new List<RecordRejection>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is not { Index: { } index, ErrorCode: { } code } r)
            {
                return Invalid($"rejections[{i}] needs an index and an errorCode.");
            }

            if (index < 0 || code is < 1 or > 999)
            {
                return Invalid($"rejections[{i}]: the index must be 0 or more and the TD.57/RAP error code 1-999 (got {index}, {code}).");
            }

            rejections.Add(new RecordRejection { Index = index, ErrorCode = code, Reason = Blank(r.Reason) });
        }

        var pair = await ledger.PairOfBatchAsync(fileId, batchNumber, cancellationToken).ConfigureAwait(false);
        var c = await ledger.SubmitAsync<UsageBatchState>(
            "RejectUsageRecords", [fileId, RoamingLedgerClient.Number(batchNumber), JsonSerializer.Serialize(rejections, RoamingJson.Options)], pair, null, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new BatchAnswer(c.Result, null, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<BatchAnswer>, ProblemAnswer>> AcceptBatch(
        string fileId, int batchNumber, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (BadBatch(fileId, batchNumber) is { } invalid)
        {
            return invalid;
        }

        var pair = await ledger.PairOfBatchAsync(fileId, batchNumber, cancellationToken).ConfigureAwait(false);
        var c = await ledger.SubmitAsync<UsageBatchState>("AcceptUsageBatch", [fileId, RoamingLedgerClient.Number(batchNumber)], pair, null, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new BatchAnswer(c.Result, null, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<CreatedJson<StatementAnswer>, ProblemAnswer>> Close(
        CloseRequest request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (Blank(request.AgreementId) is not { } agreementId || Blank(request.Period) is not { } period || !IsPeriod(period))
        {
            return Invalid("The body must be {\"agreementId\":\"…\",\"period\":\"yyyy-MM\"}.");
        }

        var pair = await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false);
        var c = await ledger.SubmitAsync<StatementView>("CloseStatementPeriod", [agreementId, period], pair, null, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return new CreatedJson<StatementAnswer>(new StatementAnswer(c.Result.State, c.Result.Statement, c.TransactionId, c.BlockNumber, height), RoamingJson.Options);
    }

    private static async Task<Results<OkJson<StatementAnswer>, ProblemAnswer>> Sign(
        string agreementId, string period, SignRequest? request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (!IsPeriod(period))
        {
            return Invalid($"Period '{period}' is not yyyy-MM.");
        }

        var hash = Blank(request?.StatementHash);
        if (hash is null)
        {
            var current = await ledger.EvaluateAsync<StatementView>("GetStatement", [agreementId, period], cancellationToken).ConfigureAwait(false);
            hash = current.State.StatementHash;
        }

        var pair = await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false);
        var c = await ledger.SubmitAsync<StatementView>("SignStatement", [agreementId, period, hash], pair, null, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new StatementAnswer(c.Result.State, c.Result.Statement, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<StatementAnswer>, ProblemAnswer>> Dispute(
        string agreementId, string period, DisputeRequest request, RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        if (!IsPeriod(period) || Blank(request.Reason) is not { } reason)
        {
            return Invalid("Name a yyyy-MM period in the path and the body must be {\"reason\":\"…\"}.");
        }

        var pair = await ledger.PairOfAgreementAsync(agreementId, cancellationToken).ConfigureAwait(false);
        var c = await ledger.SubmitAsync<StatementView>("DisputeStatement", [agreementId, period, reason], pair, null, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new StatementAnswer(c.Result.State, c.Result.Statement, c.TransactionId, c.BlockNumber, height));
    }

    // ---- helpers -----------------------------------------------------------------------------------------------

    private static async Task<Results<OkJson<AgreementAnswer>, ProblemAnswer>> AgreementWriteAsync(
        string function, IReadOnlyList<string> args, IReadOnlyList<string> pair, string? documentHash,
        RoamingLedgerClient ledger, RoamingReadModel readModel, ProjectionEngine engine, CancellationToken cancellationToken)
    {
        var c = await ledger.SubmitAsync<AgreementState>(function, args, pair, null, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(engine, readModel, ledger.Channel, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new AgreementAnswer(c.Result, documentHash, c.TransactionId, c.BlockNumber, height));
    }

    /// <summary>Waits (bounded) until the read model reflects the block of a write, so the writer reads it back at once.</summary>
    private static async Task<long> CatchUpAsync(ProjectionEngine engine, RoamingReadModel readModel, string channel, long blockNumber, CancellationToken cancellationToken)
    {
        try
        {
            await engine.WaitForHeightAsync(ProjectionName, channel, blockNumber + 1, cancellationToken).WaitAsync(ProjectionWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The write is committed; the answer says how far the read model has got.
        }

        return await readModel.HeightAsync(channel, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The batch a request asks to submit: its header (totals, Merkle root, payload hash computed here) and payload.</summary>
    private static (UsageBatchHeader Header, byte[] Payload)? ToBatch(SubmitBatchRequest request, out string? error)
    {
        error = null;
        if (Blank(request.AgreementId) is not { } agreementId || Blank(request.SenderTadig) is not { } sender || Blank(request.RecipientTadig) is not { } recipient
            || request.FileSequenceNumber is not { } file || Blank(request.Period) is not { } period)
        {
            error = "The batch needs agreementId, senderTadig, recipientTadig, fileSequenceNumber, period and records (batchNumber defaults to 1, decimalPlaces to the records').";
            return null;
        }

        if (!IsPeriod(period))
        {
            error = $"Period '{period}' is not yyyy-MM.";
            return null;
        }

        if (request.Records is not { Count: > 0 } given)
        {
            error = "The batch needs at least one record.";
            return null;
        }

        if (given.Count > MaxRecordsPerBatch)
        {
            error = $"The batch has {given.Count} records; at most {MaxRecordsPerBatch} fit in one request (send TAP files through ingestion for more).";
            return null;
        }

        if (given.IndexOf(null) is var missing and >= 0)
        {
            error = $"records[{missing}] is null.";
            return null;
        }

        var records = given.Select(r => r!).ToList();
        var template = new UsageBatchHeader
        {
            AgreementId = agreementId,
            SenderTadig = sender,
            RecipientTadig = recipient,
            FileSequenceNumber = file,
            BatchNumber = request.BatchNumber ?? 1,
            Period = period,
            RecordCount = 0,
            DecimalPlaces = request.DecimalPlaces ?? records[0].DecimalPlaces,
            Totals = [],
            MerkleRoot = string.Empty,
            PayloadHash = string.Empty,
        };

        try
        {
            var built = VerifiedUsageBatch.Build(template, records);
            built.Header.Check();
            return built;
        }
        catch (Exception ex) when (ex is RoamingRuleException or ArgumentException or FormatException or InvalidDataException)
        {
            error = ex.Message;
            return null;
        }
    }

    /// <summary>Null when the record and proof lead to the header's Merkle root for its record count, else why not.</summary>
    private static string? Check(string canonicalRecordHex, MerkleProof proof, UsageBatchHeader header)
    {
        if (proof.LeafCount != header.RecordCount)
        {
            return $"The proof is for a tree of {proof.LeafCount} records; the header has {header.RecordCount}.";
        }

        if (TryHex(canonicalRecordHex) is not { } record || TryHex(header.MerkleRoot) is not { } root)
        {
            return "The canonical record (or the header's Merkle root) is not hex.";
        }

        try
        {
            return MerkleTree.Verify(MerkleTree.LeafHash(record), proof, root) ? null : "The record and the proof do not lead to the header's Merkle root.";
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return $"The proof is malformed: {ex.Message}";
        }
    }

    private static byte[]? TryHex(string? hex)
    {
        try
        {
            return string.IsNullOrEmpty(hex) ? null : Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static ProblemAnswer? BadBatch(string fileId, int batchNumber)
        => !FileId.TryParse(fileId, out _, out _, out _)
            ? Invalid($"File ID '{fileId}' is not CD + sender TADIG + recipient TADIG + 5-digit sequence number.")
            : batchNumber < 1 ? Invalid("Batch numbers start at 1.") : null;

    private static bool IsPeriod(string period)
        => period.Length == 7 && DateOnly.TryParseExact(period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    private static ProblemAnswer Invalid(string detail) => Restcomm.Gateway.Api.Internal.Problems.Result(Problems.InvalidArgument, detail);

    private static ProblemAnswer NotFound(string detail) => Restcomm.Gateway.Api.Internal.Problems.Result(Problems.NotFound, detail);

    private static OkJson<T> Json<T>(T value) => new(value, RoamingJson.Options);

    /// <summary>A page of a read model list.</summary>
    internal sealed record PageAnswer<T>(IReadOnlyList<T> Items, string? NextCursor, long BlockHeight);

    /// <summary>An agreement's public state; after a write, its transaction, block and (for a proposal) the document hash to accept.</summary>
    internal sealed record AgreementAnswer(AgreementState Agreement, string? DocumentHash, string? TransactionId, long? BlockNumber, long BlockHeight);

    /// <summary>An agreement document version (parties only).</summary>
    internal sealed record DocumentAnswer(AgreementDocument Document, long BlockHeight);

    /// <summary>A batch's public state; after a write, its transaction and block.</summary>
    internal sealed record BatchAnswer(UsageBatchState Batch, bool? AlreadySubmitted, string? TransactionId, long? BlockNumber, long BlockHeight);

    /// <summary>A batch's records and the findings of re-validating them at the agreement's rates.</summary>
    internal sealed record RecordsAnswer(UsageBatchState Batch, IReadOnlyList<UsageRecord> Records, IReadOnlyList<UsageFinding> Findings, long BlockHeight);

    /// <summary>A record, its inclusion proof and whether it checks against the header in this gateway's read model.</summary>
    internal sealed record ProofAnswer(
        string FileId, int BatchNumber, UsageRecord Record, string CanonicalRecord, string LeafHash, MerkleProof Proof, string MerkleRoot, bool VerifiedAgainstHeader, long BlockHeight);

    /// <summary>The result of checking a record and its proof against the public header.</summary>
    internal sealed record VerificationAnswer(bool Valid, string? Reason, string? LeafHash, string MerkleRoot, int RecordCount, long BlockHeight);

    /// <summary>A sender's file sequence towards a recipient.</summary>
    internal sealed record SequenceAnswer(FileSequenceReport Report, long BlockHeight);

    /// <summary>A statement's public state and, for the parties, its figures; after a write, its transaction and block.</summary>
    internal sealed record StatementAnswer(StatementState State, SettlementStatement? Statement, string? TransactionId, long? BlockNumber, long BlockHeight);

    /// <summary>A record (hex of its canonical encoding) and its inclusion proof, to check against the batch's public header.</summary>
    internal sealed record VerifyProofRequest(string? CanonicalRecord, MerkleProof? Proof);

    /// <summary>Accepting a proposal or an amendment: the SHA-256 of the document accepted (default: the pending one's).</summary>
    internal sealed record AcceptRequest(string? DocumentHash);

    /// <summary>Ending an agreement after <c>effectiveTo</c>, with a reason.</summary>
    internal sealed record TerminateRequest(DateOnly? EffectiveTo, string? Reason);

    /// <summary>
    /// A usage batch as JSON records: the file (sender and recipient TADIG, file sequence number), the batch number
    /// (default 1), the period, the decimal places of the totals (default: the first record's) and the records. The
    /// header's totals, Merkle root and payload hash are computed by the API.
    /// </summary>
    internal sealed record SubmitBatchRequest(
        string? AgreementId, string? SenderTadig, string? RecipientTadig, int? FileSequenceNumber, int? BatchNumber, string? Period, int? DecimalPlaces, List<UsageRecord?>? Records);

    /// <summary>Records to reject with TD.57/RAP error codes.</summary>
    internal sealed record RejectRequest(List<RejectionRequest?>? Rejections);

    /// <summary>One record to reject: its index in the batch, the error code (1-999) and an optional public reason.</summary>
    internal sealed record RejectionRequest(int? Index, int? ErrorCode, string? Reason);

    /// <summary>The agreement and period to close.</summary>
    internal sealed record CloseRequest(string? AgreementId, string? Period);

    /// <summary>Co-signing: the statement hash signed (default: the current one's).</summary>
    internal sealed record SignRequest(string? StatementHash);

    /// <summary>Why the statement is disputed.</summary>
    internal sealed record DisputeRequest(string? Reason);
}
