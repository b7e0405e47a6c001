using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Restcomm.Eir;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>
/// The EIR REST endpoints under <c>/v1/eir</c>. Writes go to the ledger as this gateway's organisation and
/// answer once the read model reflects their block; checks answer from the in-memory index. Every answer
/// carries <c>blockHeight</c>: every block below it is reflected. Bodies are bound by the framework into the request
/// types below and checked here (<c>eir-invalid</c>); ledger failures are answered by the API's one ledger-failure
/// filter with <see cref="Problems"/>.
/// </summary>
public static class EirEndpoints
{
    /// <summary>Problem type URI of malformed input (an IMEI, target, list, reason, …) and of the chaincode's <c>invalid-argument</c>.</summary>
    public const string InvalidProblem = ProblemTypes.Prefix + "eir-invalid";

    /// <summary>Problem type URI of a change the chaincode refused because the caller may not make it (<c>forbidden</c>).</summary>
    public const string ForbiddenProblem = ProblemTypes.Prefix + "eir-forbidden";

    /// <summary>Problem type URI of a missing entry or delegate (<c>not-found</c>).</summary>
    public const string NotFoundProblem = ProblemTypes.Prefix + "eir-not-found";

    /// <summary>The EIR's answers to ledger failures: <c>eir-invalid</c>, <c>eir-forbidden</c>, <c>eir-not-found</c>, … by code.</summary>
    internal static readonly LedgerProblemTypes Problems = new("eir", "EIR");

    private static readonly TimeSpan ProjectionWait = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Maps the read endpoints (checks, status, history; scope <c>eir:read</c>) and the write endpoints (reports,
    /// clearing, delegation; scope <c>eir:write</c>) under <c>/eir</c> of <paramref name="v1"/>.
    /// </summary>
    /// <param name="v1">The <c>/v1</c> group.</param>
    /// <param name="requireScopes">False only for hosts without API-key authentication (tests).</param>
    /// <returns>The read group and the write group.</returns>
    public static (RouteGroupBuilder Read, RouteGroupBuilder Write) MapEirEndpoints(this IEndpointRouteBuilder v1, bool requireScopes = true)
    {
        var read = v1.MapGroup("/eir").WithTags("EIR");
        var write = v1.MapGroup("/eir").WithTags("EIR");
        if (requireScopes)
        {
            read.RequireScope(ApiScopes.EirRead);
            write.RequireScope(ApiScopes.EirWrite);
        }

        read.MapGet("/check/{imei}", CheckOne).WithName("EirCheckImei")
            .WithSummary("Status of one IMEI or IMEISV (CheckIMEI), from the index.");
        read.MapPost("/check", CheckMany).WithName("EirCheckImeis").ReadsOnly().AcceptsBulkBody()
            .WithSummary("Statuses of up to 10,000 IMEIs, in request order, from the index.");
        read.MapGet("/entries", ListEntries).WithName("EirListEntries")
            .WithSummary("Current entries from the read model, by ID, filtered by owner, list, reason and change time; page with cursor.");
        read.MapGet("/devices/{imei}", GetDevice).WithName("EirGetDevice").ProducesLedgerProblems(Problems)
            .WithSummary("A device's status, deciding entry, entries and full history.");
        read.MapGet("/targets/{target}", GetTarget).WithName("EirGetTarget").ProducesLedgerProblems(Problems)
            .WithSummary("A serial range's or TAC's entries and history, from the ledger.");
        read.MapGet("/delegations/{owner}", GetDelegation).WithName("EirGetDelegation").ProducesLedgerProblems(Problems)
            .WithSummary("The organisations that may act for an owner.");

        write.MapPost("/entries", Report).WithName("EirReport").ProducesLedgerProblems(Problems)
            .WithSummary("Reports a device, serial range or TAC; 201 when reported, 200 when updated or unchanged.");
        write.MapPost("/entries/bulk", ReportBulk).WithName("EirReportBulk").AcceptsBulkBody().ProducesLedgerProblems(Problems)
            .WithSummary("Reports up to 10,000 entries in one transaction, all or nothing.");
        write.MapDelete("/entries/{target}", Clear).WithName("EirClear").ProducesLedgerProblems(Problems)
            .WithSummary("Clears the caller's entry, or as a delegate the owner's.");
        write.MapPost("/delegations", Delegate).WithName("EirDelegate").ProducesLedgerProblems(Problems)
            .WithSummary("Lets another organisation change and clear the caller's entries.");
        write.MapDelete("/delegations/{delegate}", Revoke).WithName("EirRevoke").ProducesLedgerProblems(Problems)
            .WithSummary("Withdraws a delegation the caller gave.");
        return (read, write);
    }

    private static Results<OkJson<CheckAnswer>, ProblemAnswer> CheckOne(string imei, ImeiIndex index)
    {
        if (!Imei.TryParse(imei.AsSpan(), out var device, out var problem))
        {
            return Invalid(Imei.Describe(imei, problem));
        }

        var height = index.BlockHeight;
        var check = index.Check(device);
        return Json(new CheckAnswer(check.Imei, check.Status, Reason(check), check.Entry?.Owner, height));
    }

    private static Results<OkJson<BulkCheckAnswer>, ProblemAnswer> CheckMany(BulkCheckRequest request, ImeiIndex index)
    {
        if (request.Imeis is not { Count: > 0 } given)
        {
            return Invalid("The body must be {\"imeis\":[\"…\", …]} with at least one IMEI.");
        }

        if (given.Count > ImeiIndex.MaxBulkCheck)
        {
            return Invalid($"A bulk check takes at most {ImeiIndex.MaxBulkCheck} IMEIs.");
        }

        var imeis = ArrayPool<Imei>.Shared.Rent(given.Count);
        var results = ArrayPool<ImeiCheck>.Shared.Rent(given.Count);
        try
        {
            for (var i = 0; i < given.Count; i++)
            {
                if (given[i] is not { } text)
                {
                    return Invalid($"imeis[{i}] is null; IMEIs are JSON strings of 15 or 16 digits.");
                }

                if (!Imei.TryParse(text.AsSpan(), out imeis[i], out var problem))
                {
                    return Invalid($"imeis[{i}]: {Imei.Describe(text, problem)}");
                }
            }

            var height = index.CheckMany(imeis.AsSpan(0, given.Count), results);
            var answers = new BulkCheckResult[given.Count];
            for (var i = 0; i < answers.Length; i++)
            {
                var r = results[i];
                var reason = Reason(r);
                answers[i] = new BulkCheckResult(r.Imei, r.Status, reason, reason is null ? null : r.Entry!.Owner);
            }

            return Json(new BulkCheckAnswer(height, answers.Length, answers));
        }
        finally
        {
            ArrayPool<Imei>.Shared.Return(imeis);
            ArrayPool<ImeiCheck>.Shared.Return(results);
        }
    }

    private static async Task<Results<OkJson<EntriesPage>, ProblemAnswer>> ListEntries(
        EirEntryQueries queries, string? owner, string? list, string? reason, DateTimeOffset? updatedSince, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        EirList? wantedList = null;
        if (list is not null)
        {
            if (!EirNames.TryParseList(list, out var parsed))
            {
                return Invalid($"list '{list}' is not one of black, grey, white.");
            }

            wantedList = parsed;
        }

        ReasonCode? wantedReason = null;
        if (reason is not null)
        {
            if (!EirNames.TryParseReason(reason, out var parsed))
            {
                return Invalid($"reason '{reason}' is not an EIR reason code.");
            }

            wantedReason = parsed;
        }

        if (!PageRequest.TryParse("eir-entries", limit, cursor, out var page, out var problem))
        {
            return (ProblemAnswer)problem!;
        }

        var (entries, height) = await queries.ListAsync(new EirEntryFilter(owner, wantedList, wantedReason, updatedSince), page.Limit, page.After, cancellationToken).ConfigureAwait(false);
        var items = entries.Take(page.Limit).ToList();
        var next = entries.Count > page.Limit ? PageRequest.Encode("eir-entries", items[^1].Id) : null;
        return Json(new EntriesPage(items, next, height));
    }

    private static async Task<Results<OkJson<DeviceAnswer>, ProblemAnswer>> GetDevice(string imei, ImeiIndex index, IEirLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!Imei.TryParse(imei.AsSpan(), out var device, out var problem))
        {
            return Invalid(Imei.Describe(imei, problem));
        }

        var height = index.BlockHeight;
        var check = index.Check(device);
        var entries = index.EntriesCovering(device);
        var record = await ledger.EvaluateAsync<EirRecord>("Get", device.ToString(), cancellationToken).ConfigureAwait(false);
        return Json(new DeviceAnswer(device, check.Status, check.Entry?.Id, entries, record.History, height));
    }

    private static async Task<Results<OkJson<TargetAnswer>, ProblemAnswer>> GetTarget(string target, ImeiIndex index, IEirLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!EirTarget.TryParse(target, out var parsed, out var error))
        {
            return Invalid(error!);
        }

        var height = index.BlockHeight;
        var record = await ledger.EvaluateAsync<EirRecord>("Get", parsed.ToString(), cancellationToken).ConfigureAwait(false);
        return Json(new TargetAnswer(record, height));
    }

    private static async Task<OkJson<EirDelegation>> GetDelegation(string owner, IEirLedgerClient ledger, CancellationToken cancellationToken)
        => Json(await ledger.EvaluateAsync<EirDelegation>("GetDelegation", owner, cancellationToken).ConfigureAwait(false));

    private static async Task<Results<CreatedJson<ReportAnswer>, OkJson<ReportAnswer>, ProblemAnswer>> Report(
        ReportRequest request, IEirLedgerClient ledger, EirProjection projection, ImeiIndex index, CancellationToken cancellationToken)
    {
        if (ToValidReport(request, index.Clock.GetUtcNow(), out var invalid) is not { } report)
        {
            return Invalid(invalid!);
        }

        var c = await ledger.SubmitAsync<EirReportResult>("Report", System.Text.Json.JsonSerializer.Serialize(report, EirJson.Options), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        var answer = new ReportAnswer(c.Result.Outcome, c.Result.Entry, c.TransactionId, c.BlockNumber, height);
        return c.Result.Outcome == EirReportOutcome.Reported ? new CreatedJson<ReportAnswer>(answer, EirJson.Options) : Json(answer);
    }

    private static async Task<Results<OkJson<BulkReportAnswer>, ProblemAnswer>> ReportBulk(
        BulkReportRequest request, IEirLedgerClient ledger, EirProjection projection, ImeiIndex index, CancellationToken cancellationToken)
    {
        if (request.Reports is not { Count: > 0 } given)
        {
            return Invalid("The bulk report needs a non-empty \"reports\" array.");
        }

        if (given.Count > EirReport.MaxBulk)
        {
            return Invalid($"The bulk report has {given.Count} reports; at most {EirReport.MaxBulk} fit in one transaction.");
        }

        var now = index.Clock.GetUtcNow();
        var reports = new List<EirReport>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is null)
            {
                return Invalid($"Report {i} is null; give a report object.");
            }

            if (ToValidReport(given[i]!, now, out var invalid) is not { } report)
            {
                return Invalid($"Report {i} ({given[i]!.Target}): {invalid}");
            }

            reports.Add(report);
        }

        var c = await ledger.SubmitAsync<EirBulkReportResult>("ReportBulk", System.Text.Json.JsonSerializer.Serialize(reports, EirJson.Options), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new BulkReportAnswer(c.Result.Reported, c.Result.Updated, c.Result.Unchanged, c.Result.Outcomes, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<ClearAnswer>, ProblemAnswer>> Clear(
        string target, string? list, string? owner, string? note, IEirLedgerClient ledger, EirProjection projection, ImeiIndex index, CancellationToken cancellationToken)
    {
        if (!EirTarget.TryParse(target, out var parsed, out var error))
        {
            return Invalid(error!);
        }

        var kind = EirList.Black;
        if (list is not null && !EirNames.TryParseList(list, out kind))
        {
            return Invalid($"List '{list}' is not known; use black, grey or white.");
        }

        var request = new EirClearRequest { Target = parsed, List = kind, Owner = string.IsNullOrEmpty(owner) ? null : owner, Note = note };
        var c = await ledger.SubmitAsync<EirClearResult>("Clear", System.Text.Json.JsonSerializer.Serialize(request, EirJson.Options), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new ClearAnswer(c.Result.Entry, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<EirDelegation>, ProblemAnswer>> Delegate(
        DelegateRequest request, IEirLedgerClient ledger, HttpContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Delegate))
        {
            return Invalid("Name the delegate: {\"delegate\":\"Org3MSP\"}.");
        }

        if (!MspIds.IsWellFormed(request.Delegate))
        {
            return Invalid($"The delegate is not an MSP ID ({MspIds.Rule}).");
        }

        // The chaincode refuses non-members on its own; answering here says which members there are.
        var members = context.RequestServices.GetService<Fabric.FabricConnectionHolder>()?.Connection?.Channels
            .FirstOrDefault(c => c.Name == FabricEirLedgerClient.Channel)?.Members;
        if (members is { Count: > 0 } && !members.Contains(request.Delegate, StringComparer.Ordinal))
        {
            return Invalid($"{request.Delegate} is not a member of the {FabricEirLedgerClient.Channel} channel; a delegate is one of {string.Join(", ", members)}.");
        }

        var committed = await ledger.SubmitAsync<EirDelegation>("Delegate", request.Delegate, cancellationToken).ConfigureAwait(false);
        return Json(committed.Result);
    }

    private static async Task<OkJson<EirDelegation>> Revoke(string @delegate, IEirLedgerClient ledger, CancellationToken cancellationToken)
        => Json((await ledger.SubmitAsync<EirDelegation>("Revoke", @delegate, cancellationToken).ConfigureAwait(false)).Result);

    /// <summary>Waits (bounded) until the index reflects the block of a write, so the writer reads it back at once.</summary>
    private static async Task<long> CatchUpAsync(EirProjection projection, ImeiIndex index, long blockNumber, CancellationToken cancellationToken)
    {
        try
        {
            await projection.WaitForHeightAsync(blockNumber + 1, cancellationToken).WaitAsync(ProjectionWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The write is committed; the answer says how far the read model has got.
        }

        return index.BlockHeight;
    }

    /// <summary>The report a request asks for, checked by the EIR's rules; null with the problem when it is not valid.</summary>
    private static EirReport? ToValidReport(ReportRequest request, DateTimeOffset now, out string? error)
    {
        if (!EirTarget.TryParse(request.Target, out var target, out error))
        {
            return null;
        }

        var list = EirList.Black;
        if (request.List is not null && !EirNames.TryParseList(request.List, out list))
        {
            error = $"List '{request.List}' is not known; use black, grey or white.";
            return null;
        }

        ReasonCode? reason = null;
        if (request.Reason is not null)
        {
            if (!EirNames.TryParseReason(request.Reason, out var parsed))
            {
                error = $"Reason '{request.Reason}' is not known; use stolen, lost, fraud, duplicate, faulty or other.";
                return null;
            }

            reason = parsed;
        }

        var report = new EirReport
        {
            Target = target,
            List = list,
            Reason = reason,
            ExpiresAt = request.ExpiresAt,
            EvidenceHash = request.EvidenceHash,
            Note = request.Note,
            OnBehalfOf = request.OnBehalfOf,
        };
        return report.Validate(now, out error);
    }

    private static ProblemAnswer Invalid(string detail) => Restcomm.Gateway.Api.Internal.Problems.Result(Problems.InvalidArgument, detail);

    private static OkJson<T> Json<T>(T value) => new(value, EirJson.Options);

    private static string? Reason(ImeiCheck check)
        => check.Entry is { Reason: { } reason } && check.Status != EquipmentStatus.WhiteListed ? EirNames.Of(reason) : null;

    /// <summary>The status of one IMEI.</summary>
    internal sealed record CheckAnswer(Imei Imei, EquipmentStatus Status, string? Reason, string? Owner, long BlockHeight);

    /// <summary>A page of current entries and the height the read model reflected.</summary>
    internal sealed record EntriesPage(IReadOnlyList<EirEntry> Items, string? NextCursor, long BlockHeight);

    /// <summary>IMEIs to check.</summary>
    /// <param name="Imeis">Up to 10,000 IMEIs or IMEISVs (JSON strings of 15 or 16 digits).</param>
    internal sealed record BulkCheckRequest(List<string?>? Imeis);

    /// <summary>One IMEI of a bulk check.</summary>
    internal sealed record BulkCheckResult(Imei Imei, EquipmentStatus Status, string? Reason, string? Owner);

    /// <summary>The statuses of a bulk check, in request order.</summary>
    internal sealed record BulkCheckAnswer(long BlockHeight, int Count, IReadOnlyList<BulkCheckResult> Results);

    /// <summary>A device's status, entries and history.</summary>
    internal sealed record DeviceAnswer(Imei Imei, EquipmentStatus Status, string? DecidingEntryId, IReadOnlyList<EirEntry> Entries, IReadOnlyList<EirChange> History, long BlockHeight);

    /// <summary>A target's record from the ledger.</summary>
    internal sealed record TargetAnswer(EirRecord Record, long BlockHeight);

    /// <summary>
    /// A report: <c>target</c> is an IMEI, IMEISV, TAC or <c>TAC:FIRST-LAST</c>; <c>list</c> black (default), grey or white;
    /// <c>reason</c> stolen, lost, fraud, duplicate, faulty or other (required on black and grey); <c>expiresAt</c> only
    /// on grey; <c>evidenceHash</c> 64 hex digits; <c>onBehalfOf</c> the owner when reporting as its delegate.
    /// </summary>
    internal sealed record ReportRequest(
        string? Target, string? List, string? Reason, DateTimeOffset? ExpiresAt, string? EvidenceHash, string? Note, string? OnBehalfOf);

    /// <summary>What a report did.</summary>
    internal sealed record ReportAnswer(EirReportOutcome Outcome, EirEntry Entry, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>Up to 10,000 reports, one transaction.</summary>
    internal sealed record BulkReportRequest(List<ReportRequest?>? Reports);

    /// <summary>What a bulk report did, per report in order.</summary>
    internal sealed record BulkReportAnswer(int Reported, int Updated, int Unchanged, IReadOnlyList<EirReportOutcome> Outcomes, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>The entry as it was before it was cleared.</summary>
    internal sealed record ClearAnswer(EirEntry Entry, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>The organisation to delegate to.</summary>
    internal sealed record DelegateRequest(string? Delegate);
}
