using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Restcomm.Audit;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// The audit channel under <c>/v1/audit</c>, read-only (scope <c>audit:read</c>): anchors from the read model, their
/// verification recomputed from the source ledger, this organisation's anchoring state, and the dashboard's figures.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>The audit context's problem types: <c>audit-invalid</c>, <c>audit-not-found</c>, <c>audit-failed-precondition</c>…</summary>
    internal static readonly LedgerProblemTypes Problems = new("audit", "audit");

    /// <summary>Maps the read endpoints under <c>/audit</c>.</summary>
    /// <param name="v1">The <c>/v1</c> group.</param>
    /// <returns>The group.</returns>
    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder v1)
    {
        var read = v1.MapGroup("/audit").WithTags("Audit").RequireScope(ApiScopes.AuditRead);
        read.MapGet("/anchors", ListAnchors).WithName("AuditListAnchors")
            .WithSummary("Anchors on the audit channel in ledger order (sourceChannel=, kind= narrow it), with this API's latest verification.");
        read.MapGet("/anchors/{id}", GetAnchor).WithName("AuditGetAnchor")
            .WithSummary("One anchor (channel~chaincode~kind~from-to) and its latest verification.");
        read.MapGet("/anchors/{id}/verification", VerifyAnchor).WithName("AuditVerifyAnchor").ProducesLedgerProblems(Problems)
            .WithSummary("Recomputes the anchor's digest from the source channel's blocks and compares it with the anchor and this API's read model; says where they differ.");
        read.MapGet("/anchors/{id}/disclosures", Disclosures).WithName("AuditStatementDisclosures").ProducesLedgerProblems(Problems)
            .WithSummary("What the parties of a signed roaming statement disclosed to the regulators (pair, batches, net), as this API has read it: a read-only organisation's.");
        read.MapGet("/anchoring", Anchoring).WithName("AuditAnchoring")
            .WithSummary("Where this organisation's anchoring of each source stands: next block, blocks applied, pending anchors and conflicts.");
        read.MapGet("/dashboard", Dashboard).WithName("AuditDashboard")
            .WithSummary("The dashboard's figures for from..to (UTC days, yyyy-MM-dd; default the last 30 days): EIR, porting, anchoring lag, verification.");
        return read;
    }

    private static async Task<Results<OkJson<AnchorsAnswer>, ProblemAnswer>> ListAnchors(
        string? sourceChannel, string? kind, int? limit, string? cursor, AuditReadModel readModel, CancellationToken cancellationToken)
    {
        const string list = "audit-anchors";
        if (!PageRequest.TryParse(list, limit, cursor, out var page, out var problem))
        {
            return (ProblemAnswer)problem!;
        }

        (long, string)? after = null;
        if (page.After is { } key)
        {
            var bar = key.IndexOf('|', StringComparison.Ordinal);
            after = (long.Parse(key.AsSpan(0, bar), CultureInfo.InvariantCulture), key[(bar + 1)..]);
        }

        var (items, hasMore) = await readModel.ListAsync(
            string.IsNullOrEmpty(sourceChannel) ? null : sourceChannel, string.IsNullOrEmpty(kind) ? null : kind, after, page.Limit, cancellationToken).ConfigureAwait(false);
        var next = hasMore && items.Count > 0
            ? PageRequest.Encode(list, string.Create(CultureInfo.InvariantCulture, $"{items[^1].BlockNumber}|{items[^1].Anchor.Id}"))
            : null;
        return Json(new AnchorsAnswer(items, next));
    }

    private static async Task<Results<OkJson<AnchorAnswer>, ProblemAnswer>> GetAnchor(string id, AuditReadModel readModel, CancellationToken cancellationToken)
    {
        if (await readModel.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } view)
        {
            return Unknown(id);
        }

        return Json(new AnchorAnswer(view, await readModel.LastVerificationAsync(id, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<Results<OkJson<AnchorVerification>, ProblemAnswer>> VerifyAnchor(
        string id, AuditReadModel readModel, AnchorVerifier verifier, CancellationToken cancellationToken)
    {
        if (await readModel.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } view)
        {
            return Unknown(id);
        }

        try
        {
            return Json(await verifier.VerifyAsync(view.Anchor, cancellationToken).ConfigureAwait(false));
        }
        catch (AnchorNotVerifiableException e)
        {
            return Internal.Problems.Result(Problems.FailedPrecondition, e.Message);
        }
    }

    private static async Task<Results<OkJson<DisclosuresAnswer>, ProblemAnswer>> Disclosures(string id, AuditReadModel readModel, CancellationToken cancellationToken)
    {
        if (await readModel.GetAsync(id, cancellationToken).ConfigureAwait(false) is null)
        {
            return Unknown(id);
        }

        return Json(new DisclosuresAnswer(id, await readModel.DisclosuresAsync(id, cancellationToken).ConfigureAwait(false)));
    }

    private static async Task<OkJson<AnchoringAnswer>> Anchoring(AuditReadModel readModel, AnchoringService anchoring, CancellationToken cancellationToken)
        => Json(new AnchoringAnswer(anchoring.Enabled, await readModel.AnchoringAsync(cancellationToken).ConfigureAwait(false)));

    private static async Task<Results<OkJson<DashboardData>, ProblemAnswer>> Dashboard(
        string? from, string? to, AuditReadModel readModel, TimeProvider clock, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (!TryDay(to, today, out var last) || !TryDay(from, last.AddDays(-29), out var first))
        {
            return Internal.Problems.Result(Problems.InvalidArgument, "from and to are UTC days written yyyy-MM-dd.");
        }

        if (first > last || last.DayNumber - first.DayNumber >= AuditReadModel.MaxDays)
        {
            return Internal.Problems.Result(Problems.InvalidArgument, $"from must not be after to, and the range at most {AuditReadModel.MaxDays} days.");
        }

        return Json(await readModel.DashboardAsync(first, last, cancellationToken).ConfigureAwait(false));
    }

    private static bool TryDay(string? text, DateOnly fallback, out DateOnly day)
    {
        day = fallback;
        return string.IsNullOrEmpty(text) || DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static ProblemAnswer Unknown(string id) => Internal.Problems.Result(Problems.NotFound, $"No anchor {id} on the audit channel (as this API has read it).");

    private static OkJson<T> Json<T>(T value) => new(value, AuditJson.Options);

    /// <summary>A page of anchors.</summary>
    internal sealed record AnchorsAnswer(IReadOnlyList<AnchorView> Items, string? NextCursor);

    /// <summary>An anchor and its latest verification here.</summary>
    internal sealed record AnchorAnswer(AnchorView Anchor, AnchorVerification? LastVerification);

    /// <summary>The disclosures of a statement anchor this API has read.</summary>
    internal sealed record DisclosuresAnswer(string AnchorId, IReadOnlyList<DisclosureView> Disclosures);

    /// <summary>Whether this API anchors, and where each source stands.</summary>
    internal sealed record AnchoringAnswer(bool Enabled, IReadOnlyList<AnchoringState> Sources);
}
