using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Api.Numbers;

/// <summary>
/// The telephone-number registry under <c>/v1/numbers</c>. Lookups (single, bulk, CNAM) answer from the in-memory
/// <see cref="NumberIndex"/>; history and port states from the ledger; the change feed from the read model. Every
/// index answer carries <c>blockHeight</c>: every block below it is reflected. Writes go to the ledger as this gateway's
/// organisation and answer once the index reflects their block. Bodies are bound into the request types below and
/// checked here (<c>numbers-invalid</c>); ledger failures are answered by the API's one ledger-failure filter with
/// <see cref="Problems"/>.
/// </summary>
public static class NumbersEndpoints
{
    /// <summary>The chaincode's own refusal codes and the generic code each answers as.</summary>
    internal static readonly IReadOnlyDictionary<string, string> CodeAliases = NumberRuleException.GenericCodes;

    /// <summary>The registry's answers to ledger failures: <c>numbers-invalid</c>, <c>numbers-forbidden</c>, <c>numbers-not-found</c>, … by code.</summary>
    internal static readonly LedgerProblemTypes Problems = new("numbers", "numbers", codeAliases: CodeAliases);

    private static readonly TimeSpan ProjectionWait = TimeSpan.FromSeconds(10);

    /// <summary>Maps the read endpoints (scope <c>numbers:read</c>) and the write endpoints (scope <c>numbers:write</c>) under <c>/numbers</c>.</summary>
    /// <param name="v1">The <c>/v1</c> group.</param>
    /// <param name="requireScopes">False only for hosts without API-key authentication (tests).</param>
    /// <returns>The read group and the write group.</returns>
    public static (RouteGroupBuilder Read, RouteGroupBuilder Write) MapNumbersEndpoints(this IEndpointRouteBuilder v1, bool requireScopes = true)
    {
        var read = v1.MapGroup("/numbers").WithTags("Numbers");
        var write = v1.MapGroup("/numbers").WithTags("Numbers");
        if (requireScopes)
        {
            read.RequireScope(ApiScopes.NumbersRead);
            write.RequireScope(ApiScopes.NumbersWrite);
        }

        read.MapGet("/ports", ListPorts).WithName("NumbersListPorts")
            .WithSummary("Ports this organisation is donor or recipient of, from the read model (open=true: only open ones).");
        read.MapGet("/ports/{portId}", GetPort).WithName("NumbersGetPort").ProducesLedgerProblems(Problems)
            .WithSummary("A port's state, from the ledger.");
        read.MapPost("/lookup", LookupMany).WithName("NumbersLookupMany").ReadsOnly().AcceptsBulkBody()
            .WithSummary("Serving provider, line type, capabilities and caller name of up to 10,000 numbers, in request order, from the index.");
        read.MapGet("/{e164}", Lookup).WithName("NumbersLookup")
            .WithSummary("Serving provider, line type, capabilities (consent still valid) and caller name (restriction honoured), from the index.");
        read.MapGet("/{e164}/cnam", Cnam).WithName("NumbersCnam")
            .WithSummary("The caller name from the provider of record; a restricted name answers its presentation only.");
        read.MapGet("/{e164}/history", History).WithName("NumbersHistory").ProducesLedgerProblems(Problems)
            .WithSummary("Every write of the number's record and ports, from the ledger.");
        read.MapGet("/blocks/{blockId}", GetBlock).WithName("NumbersGetBlock").ProducesLedgerProblems(Problems)
            .WithSummary("A block of numbers, from the ledger.");

        write.MapPost("", Publish).WithName("NumbersPublish").ProducesLedgerProblems(Problems)
            .WithSummary("Publishes or updates one number as its serving provider; 201 when published, 200 when updated or unchanged.");
        write.MapPost("/bulk", PublishBulk).WithName("NumbersPublishBulk").AcceptsBulkBody().ProducesLedgerProblems(Problems)
            .WithSummary("Publishes or updates up to 1,000 numbers in one transaction, all or nothing.");
        write.MapDelete("/{e164}", Withdraw).WithName("NumbersWithdraw").ProducesLedgerProblems(Problems)
            .WithSummary("Withdraws a number's own record (a number of a block falls back to the block).");
        write.MapPost("/withdraw", WithdrawBulk).WithName("NumbersWithdrawBulk").ProducesLedgerProblems(Problems)
            .WithSummary("Withdraws up to 1,000 records in one transaction.");
        write.MapPost("/blocks", PublishBlock).WithName("NumbersPublishBlock").ProducesLedgerProblems(Problems)
            .WithSummary("Publishes or updates a block of 10 to 10,000 numbers (+44207946xxxx).");
        write.MapDelete("/blocks/{blockId}", WithdrawBlock).WithName("NumbersWithdrawBlock").ProducesLedgerProblems(Problems)
            .WithSummary("Withdraws a block.");
        write.MapPost("/ports", RequestPort).WithName("NumbersRequestPort").ProducesLedgerProblems(Problems)
            .WithSummary("As recipient, asks to port a number here with the SHA-256 of the subscriber's letter of authorisation.");
        write.MapPost("/ports/{portId}/concur", (string portId, NumbersLedgerClient l, NumbersProjection p, NumberIndex i, CancellationToken c) => PortStep("ConcurPort", portId, l, p, i, c))
            .WithName("NumbersConcurPort").ProducesLedgerProblems(Problems).WithSummary("As donor, agrees to the port (also settling a conflict).");
        write.MapPost("/ports/{portId}/conflict", ConflictPort).WithName("NumbersConflictPort").ProducesLedgerProblems(Problems)
            .WithSummary("As donor, objects with a reason before the due time.");
        write.MapPost("/ports/{portId}/cancel", (string portId, NumbersLedgerClient l, NumbersProjection p, NumberIndex i, CancellationToken c) => PortStep("CancelPort", portId, l, p, i, c))
            .WithName("NumbersCancelPort").ProducesLedgerProblems(Problems).WithSummary("As recipient, cancels an open port; as donor, one held in conflict.");
        write.MapPost("/ports/{portId}/activate", (string portId, NumbersLedgerClient l, NumbersProjection p, NumberIndex i, CancellationToken c) => PortStep("ActivatePort", portId, l, p, i, c))
            .WithName("NumbersActivatePort").ProducesLedgerProblems(Problems)
            .WithSummary("As recipient, activates after concurrence or from the due time (the gateway also does this by itself when due).");
        return (read, write);
    }

    private static Results<OkJson<NumberAnswer>, ProblemAnswer> Lookup(string e164, NumberIndex index)
    {
        if (!E164Number.TryParse(e164, out var number, out var error))
        {
            return Invalid($"'{e164}' is not an E.164 number: {error}");
        }

        var (lookup, height) = index.Lookup(number);
        return lookup.Found
            ? Json(new NumberAnswer(number, lookup.Provider!, lookup.LineType!.Value, lookup.Capabilities, lookup.Cnam, lookup.Block?.ToString(), height))
            : NotInRegistry(number, height);
    }

    private static Results<OkJson<BulkLookupAnswer>, ProblemAnswer> LookupMany(NumbersRequest request, NumberIndex index)
    {
        if (request.Numbers is not { Count: > 0 } given)
        {
            return Invalid("The body must be {\"numbers\":[\"+…\", …]} with at least one number.");
        }

        if (given.Count > NumberIndex.MaxBulkLookup)
        {
            return Invalid($"A bulk lookup takes at most {NumberIndex.MaxBulkLookup} numbers, not {given.Count}.");
        }

        var numbers = ArrayPool<E164Number>.Shared.Rent(given.Count);
        var lookups = ArrayPool<NumberLookup>.Shared.Rent(given.Count);
        try
        {
            for (var i = 0; i < given.Count; i++)
            {
                if (given[i] is not { } text || !E164Number.TryParse(text, out numbers[i], out var error))
                {
                    return Invalid($"numbers[{i}] ('{given[i]}') is not an E.164 number.");
                }
            }

            var height = index.LookupMany(numbers.AsSpan(0, given.Count), lookups);
            var results = new BulkLookupResult[given.Count];
            var found = 0;
            for (var i = 0; i < results.Length; i++)
            {
                var l = lookups[i];
                found += l.Found ? 1 : 0;
                results[i] = l.Found
                    ? new BulkLookupResult(l.E164, true, l.Provider, l.LineType, l.Capabilities, l.Cnam, l.Block?.ToString())
                    : new BulkLookupResult(l.E164, false, null, null, null, null, null);
            }

            return Json(new BulkLookupAnswer(height, results.Length, found, results));
        }
        finally
        {
            ArrayPool<E164Number>.Shared.Return(numbers);
            ArrayPool<NumberLookup>.Shared.Return(lookups, clearArray: true);
        }
    }

    private static Results<OkJson<CnamAnswer>, ProblemAnswer> Cnam(string e164, NumberIndex index)
    {
        if (!E164Number.TryParse(e164, out var number, out var error))
        {
            return Invalid($"'{e164}' is not an E.164 number: {error}");
        }

        var (lookup, height) = index.Lookup(number);
        return lookup.Found
            ? Json(new CnamAnswer(number, lookup.Provider!, lookup.Cnam?.Name, lookup.Cnam?.Presentation, height))
            : NotInRegistry(number, height);
    }

    private static async Task<Results<OkJson<HistoryAnswer>, ProblemAnswer>> History(string e164, NumbersLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!E164Number.TryParse(e164, out var number, out var error))
        {
            return Invalid($"'{e164}' is not an E.164 number: {error}");
        }

        var history = await ledger.EvaluateAsync<List<NumberHistoryEntry>>("GetHistory", number.ToString(), cancellationToken).ConfigureAwait(false);
        return Json(new HistoryAnswer(number, history));
    }

    private static async Task<Results<OkJson<NumberBlock>, ProblemAnswer>> GetBlock(string blockId, NumbersLedgerClient ledger, CancellationToken cancellationToken)
        => NumberBlockId.TryParse(blockId, out var id, out var error)
            ? Json(await ledger.EvaluateAsync<NumberBlock>("GetBlock", id.ToString(), cancellationToken).ConfigureAwait(false))
            : Invalid($"'{blockId}' is not a number block: {error}");

    private static async Task<Results<OkJson<PortRequest>, ProblemAnswer>> GetPort(string portId, NumbersLedgerClient ledger, CancellationToken cancellationToken)
        => PortRequest.TryParseId(portId, out _, out _)
            ? Json(await ledger.EvaluateAsync<PortRequest>("GetPort", portId, cancellationToken).ConfigureAwait(false))
            : Invalid($"'{portId}' is not a port ID (the number's digits, '-', a sequence).");

    private static async Task<OkJson<PortsAnswer>> ListPorts(
        bool? open, int? limit, NumbersReadModel readModel, NumberIndex index, Microsoft.Extensions.Options.IOptions<GatewayOptions> gateway, CancellationToken cancellationToken)
    {
        var height = index.BlockHeight;
        var ports = await readModel.PortsAsync(gateway.Value.MspId, open ?? false, Math.Clamp(limit ?? 100, 1, 500), cancellationToken).ConfigureAwait(false);
        return Json(new PortsAnswer(ports, height));
    }

    private static async Task<Results<CreatedJson<PublishAnswer>, OkJson<PublishAnswer>, ProblemAnswer>> Publish(
        PublishRequest request, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (!TryPublication(request, out var publication, out var invalid))
        {
            return Invalid(invalid);
        }

        var c = await ledger.SubmitAsync<PublishResult>("Publish", NumbersLedgerClient.Json(publication), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        var answer = new PublishAnswer(c.Result.Outcome, c.Result.Record, c.TransactionId, c.BlockNumber, height);
        return c.Result.Outcome == PublishOutcome.Published ? new CreatedJson<PublishAnswer>(answer, NumbersJson.Options) : Json(answer);
    }

    private static async Task<Results<OkJson<BulkPublishAnswer>, ProblemAnswer>> PublishBulk(
        BulkPublishRequest request, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (request.Numbers is not { Count: > 0 and <= 1_000 } given)
        {
            return Invalid("The body must be {\"numbers\":[{…}, …]} with 1 to 1,000 publications.");
        }

        var publications = new List<NumberPublication>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is not { } one || !TryPublication(one, out var publication, out var invalid))
            {
                return Invalid($"numbers[{i}]: {(given[i] is null ? "null" : Describe(given[i]!))}");
            }

            publications.Add(publication);
        }

        var c = await ledger.SubmitAsync<BulkPublishResult>("PublishBulk", NumbersLedgerClient.Json(publications), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new BulkPublishAnswer(c.Result.Published, c.Result.Updated, c.Result.Unchanged, c.Result.Outcomes, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<WithdrawAnswer>, ProblemAnswer>> Withdraw(
        string e164, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (!E164Number.TryParse(e164, out var number, out var error))
        {
            return Invalid($"'{e164}' is not an E.164 number: {error}");
        }

        var c = await ledger.SubmitAsync<NumberRecord>("Withdraw", number.ToString(), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new WithdrawAnswer([c.Result], c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<WithdrawAnswer>, ProblemAnswer>> WithdrawBulk(
        NumbersRequest request, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (request.Numbers is not { Count: > 0 and <= 1_000 } given)
        {
            return Invalid("The body must be {\"numbers\":[\"+…\", …]} with 1 to 1,000 numbers.");
        }

        var numbers = new List<string>(given.Count);
        for (var i = 0; i < given.Count; i++)
        {
            if (given[i] is not { } text || !E164Number.TryParse(text, out var number, out _))
            {
                return Invalid($"numbers[{i}] ('{given[i]}') is not an E.164 number.");
            }

            numbers.Add(number.ToString());
        }

        var c = await ledger.SubmitAsync<BulkWithdrawResult>("WithdrawBulk", NumbersLedgerClient.Json(numbers), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new WithdrawAnswer(c.Result.Withdrawn, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<CreatedJson<BlockAnswer>, OkJson<BlockAnswer>, ProblemAnswer>> PublishBlock(
        BlockRequest request, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (request.Id is null)
        {
            return Invalid("Give the block's id, e.g. {\"id\":\"+44207946xxxx\"}.");
        }

        if (!NumberBlockId.TryParse(request.Id, out var id, out var error))
        {
            return Invalid($"id '{request.Id}' is not a number block: {error}");
        }

        if (!TryProfile(request.LineType, request.Capabilities, request.Cnam, out var profile, out var invalid))
        {
            return Invalid(invalid);
        }

        var c = await ledger.SubmitAsync<BlockPublishResult>("PublishBlock", NumbersLedgerClient.Json(new BlockPublication { Id = id, Profile = profile }), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        var answer = new BlockAnswer(c.Result.Outcome, c.Result.Block, c.TransactionId, c.BlockNumber, height);
        return c.Result.Outcome == PublishOutcome.Published ? new CreatedJson<BlockAnswer>(answer, NumbersJson.Options) : Json(answer);
    }

    private static async Task<Results<OkJson<BlockAnswer>, ProblemAnswer>> WithdrawBlock(
        string blockId, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (!NumberBlockId.TryParse(blockId, out var id, out var error))
        {
            return Invalid($"'{blockId}' is not a number block: {error}");
        }

        var c = await ledger.SubmitAsync<NumberBlock>("WithdrawBlock", id.ToString(), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new BlockAnswer(null, c.Result, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<CreatedJson<PortAnswer>, ProblemAnswer>> RequestPort(
        PortRequestBody request, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (request.E164 is null || !E164Number.TryParse(request.E164, out var number, out var error))
        {
            return Invalid($"e164 '{request.E164}' is not an E.164 number.");
        }

        if (!NumberRules.IsSha256Hex(request.ConsentHash))
        {
            return Invalid("consentHash must be the SHA-256 (64 hex digits) of the subscriber's signed letter of authorisation.");
        }

        var input = new PortRequestInput { E164 = number, ConsentHash = request.ConsentHash!, DueAt = request.DueAt };
        var c = await ledger.SubmitAsync<PortRequest>("RequestPort", NumbersLedgerClient.Json(input), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return new CreatedJson<PortAnswer>(new PortAnswer(c.Result, c.TransactionId, c.BlockNumber, height), NumbersJson.Options);
    }

    private static async Task<Results<OkJson<PortAnswer>, ProblemAnswer>> ConflictPort(
        string portId, ConflictRequest request, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (!TryEnum<ConflictReason>(request.Reason, out var reason))
        {
            return Invalid($"reason '{request.Reason}' is not one of {Names<ConflictReason>()}.");
        }

        if (!PortRequest.TryParseId(portId, out _, out _))
        {
            return Invalid($"'{portId}' is not a port ID.");
        }

        var c = await ledger.SubmitAsync<PortRequest>("ConflictPort", NumbersLedgerClient.Json(new PortConflictInput { PortId = portId, Reason = reason }), cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new PortAnswer(c.Result, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<Results<OkJson<PortAnswer>, ProblemAnswer>> PortStep(
        string function, string portId, NumbersLedgerClient ledger, NumbersProjection projection, NumberIndex index, CancellationToken cancellationToken)
    {
        if (!PortRequest.TryParseId(portId, out _, out _))
        {
            return Invalid($"'{portId}' is not a port ID (the number's digits, '-', a sequence).");
        }

        var c = await ledger.SubmitAsync<PortRequest>(function, portId, cancellationToken).ConfigureAwait(false);
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new PortAnswer(c.Result, c.TransactionId, c.BlockNumber, height));
    }

    /// <summary>Waits (bounded) until the index reflects the block of a write, so the writer reads it back at once.</summary>
    private static async Task<long> CatchUpAsync(NumbersProjection projection, NumberIndex index, long blockNumber, CancellationToken cancellationToken)
    {
        try
        {
            await projection.WaitForHeightAsync(blockNumber + 1, cancellationToken).WaitAsync(ProjectionWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The write is committed; the answer says how far the index has got.
        }

        return index.BlockHeight;
    }

    private static bool TryPublication(PublishRequest request, out NumberPublication publication, out string invalid)
    {
        publication = null!;
        invalid = "";
        if (request.E164 is null || !E164Number.TryParse(request.E164, out var number, out var error))
        {
            invalid = $"e164 '{request.E164}' is not an E.164 number" + (request.E164 is null ? "." : ".");
            return false;
        }

        if (!TryProfile(request.LineType, request.Capabilities, request.Cnam, out var profile, out invalid))
        {
            invalid = $"{number}: {invalid}";
            return false;
        }

        publication = new NumberPublication { E164 = number, Profile = profile };
        return true;
    }

    private static string Describe(PublishRequest request) => TryPublication(request, out _, out var invalid) ? "valid" : invalid;

    private static bool TryProfile(string? lineType, List<CapabilityRequest?>? capabilities, CnamRequest? cnam, out NumberProfile profile, out string invalid)
    {
        profile = null!;
        invalid = "";
        var type = LineType.Mobile;
        if (lineType is not null && !TryEnum(lineType, out type))
        {
            invalid = $"lineType '{lineType}' is not one of {Names<LineType>()}.";
            return false;
        }

        var list = new List<Capability>();
        foreach (var c in capabilities ?? [])
        {
            if (c is null || c.Name is null || c.ConsentHash is null || c.ConsentAt is null)
            {
                invalid = "each capability needs name, consentHash and consentAt.";
                return false;
            }

            list.Add(new Capability { Name = c.Name, Uri = c.Uri, ConsentHash = c.ConsentHash, ConsentAt = c.ConsentAt.Value, ConsentExpires = c.ConsentExpires });
        }

        CallerName? name = null;
        if (cnam is not null)
        {
            var presentation = CnamPresentation.Allowed;
            if (cnam.Presentation is not null && !TryEnum(cnam.Presentation, out presentation))
            {
                invalid = $"cnam.presentation '{cnam.Presentation}' is not allowed or restricted.";
                return false;
            }

            name = new CallerName { Name = cnam.Name ?? "", Presentation = presentation };
        }

        try
        {
            // The chaincode checks again; checking here answers bad input without a ledger round trip.
            profile = NumberRules.Validate(new NumberProfile { LineType = type, Capabilities = list, Cnam = name }, DateTimeOffset.UtcNow);
            return true;
        }
        catch (NumberRuleException e)
        {
            invalid = e.Message;
            return false;
        }
    }

    private static bool TryEnum<T>(string? text, out T value)
        where T : struct, Enum
    {
        value = default;
        return text is { Length: > 0 } && char.IsLetter(text[0]) && Enum.TryParse(text, ignoreCase: true, out value) && Enum.IsDefined(value);
    }

    private static string Names<T>()
        where T : struct, Enum
        => string.Join(", ", Enum.GetNames<T>().Select(JsonNamingPolicy.CamelCase.ConvertName));

    private static ProblemAnswer NotInRegistry(E164Number number, long height)
        => Internal.Problems.Result(Problems.NotFound, $"{number} is not in the registry (as of block height {height}).", new Dictionary<string, object?> { ["blockHeight"] = height });

    private static ProblemAnswer Invalid(string detail) => Internal.Problems.Result(Problems.InvalidArgument, detail);

    private static OkJson<T> Json<T>(T value) => new(value, NumbersJson.Options);

    /// <summary>One number's lookup.</summary>
    internal sealed record NumberAnswer(E164Number E164, string Provider, LineType LineType, IReadOnlyList<CapabilityView> Capabilities, CallerNameView? Cnam, string? Block, long BlockHeight);

    /// <summary>Numbers to look up or withdraw.</summary>
    /// <param name="Numbers">E.164 numbers (JSON strings).</param>
    internal sealed record NumbersRequest(List<string?>? Numbers);

    /// <summary>One number of a bulk lookup; <c>found</c> false when the registry does not know it.</summary>
    internal sealed record BulkLookupResult(E164Number E164, bool Found, string? Provider, LineType? LineType, IReadOnlyList<CapabilityView>? Capabilities, CallerNameView? Cnam, string? Block);

    /// <summary>A bulk lookup, in request order.</summary>
    internal sealed record BulkLookupAnswer(long BlockHeight, int Count, int Found, IReadOnlyList<BulkLookupResult> Results);

    /// <summary>A caller name; <c>name</c> absent when restricted or not published.</summary>
    internal sealed record CnamAnswer(E164Number E164, string Provider, string? Name, CnamPresentation? Presentation, long BlockHeight);

    /// <summary>A number's history from the ledger.</summary>
    internal sealed record HistoryAnswer(E164Number E164, IReadOnlyList<NumberHistoryEntry> History);

    /// <summary>Ports of this organisation.</summary>
    internal sealed record PortsAnswer(IReadOnlyList<PortRequest> Items, long BlockHeight);

    /// <summary>One capability: <c>name</c>, optional routing <c>uri</c>, <c>consentHash</c> (SHA-256), <c>consentAt</c>, optional <c>consentExpires</c>.</summary>
    internal sealed record CapabilityRequest(string? Name, string? Uri, string? ConsentHash, DateTimeOffset? ConsentAt, DateTimeOffset? ConsentExpires);

    /// <summary>A caller name: 1-15 printable ASCII characters, presentation <c>allowed</c> (default) or <c>restricted</c>.</summary>
    internal sealed record CnamRequest(string? Name, string? Presentation);

    /// <summary>A number to publish: <c>e164</c>, <c>lineType</c> (default mobile), <c>capabilities</c>, <c>cnam</c>.</summary>
    internal sealed record PublishRequest(string? E164, string? LineType, List<CapabilityRequest?>? Capabilities, CnamRequest? Cnam);

    /// <summary>Up to 1,000 publications, one transaction.</summary>
    internal sealed record BulkPublishRequest(List<PublishRequest?>? Numbers);

    /// <summary>A block to publish: <c>id</c> such as <c>+44207946xxxx</c> and the profile of its numbers.</summary>
    internal sealed record BlockRequest(string? Id, string? LineType, List<CapabilityRequest?>? Capabilities, CnamRequest? Cnam);

    /// <summary>A port request: the number, the SHA-256 of the letter of authorisation, optionally a later due time.</summary>
    internal sealed record PortRequestBody(string? E164, string? ConsentHash, DateTimeOffset? DueAt);

    /// <summary>A donor's conflict reason.</summary>
    internal sealed record ConflictRequest(string? Reason);

    /// <summary>What a publication did.</summary>
    internal sealed record PublishAnswer(PublishOutcome Outcome, NumberRecord Record, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>What a bulk publication did.</summary>
    internal sealed record BulkPublishAnswer(int Published, int Updated, int Unchanged, IReadOnlyList<PublishOutcome> Outcomes, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>The records as they were before withdrawal.</summary>
    internal sealed record WithdrawAnswer(IReadOnlyList<NumberRecord> Withdrawn, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>A block after publication or as it was before withdrawal.</summary>
    internal sealed record BlockAnswer(PublishOutcome? Outcome, NumberBlock Block, string TransactionId, long BlockNumber, long BlockHeight);

    /// <summary>A port after a step.</summary>
    internal sealed record PortAnswer(PortRequest Port, string TransactionId, long BlockNumber, long BlockHeight);
}
