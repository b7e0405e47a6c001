using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Endpoints;

/// <summary>A chaincode call in a request body.</summary>
/// <param name="Function">Function name, optionally <c>contract:function</c>.</param>
/// <param name="Args">String arguments.</param>
/// <param name="Transient">Transient data (private to endorsers), values base64.</param>
/// <param name="EndorsingOrganizations">MSP IDs that must endorse (needed for private data).</param>
internal sealed record ChaincodeCallRequest(string? Function, List<string>? Args, Dictionary<string, string>? Transient, List<string>? EndorsingOrganizations);

/// <summary>The result of an evaluate.</summary>
/// <param name="Result">The payload as UTF-8 text, or null when it is binary.</param>
/// <param name="ResultBase64">The payload bytes.</param>
internal sealed record EvaluateResponse(string? Result, string ResultBase64);

/// <summary>The result of a committed submit.</summary>
internal sealed record SubmitResponse(string TransactionId, long BlockNumber, string? Result, string ResultBase64);

/// <summary>A channel this gateway can use.</summary>
internal sealed record ChannelResponse(string Name, IReadOnlyList<string> Chaincodes);

/// <summary>Who the calling key is.</summary>
internal sealed record WhoAmIResponse(string KeyId, string Organisation, string Name, IReadOnlyList<string> Scopes, string GatewayOrganisation);

/// <summary>A chaincode event this gateway followed.</summary>
/// <param name="Sequence">Position among the events.</param>
/// <param name="Channel">The channel.</param>
/// <param name="Chaincode">The chaincode that set it.</param>
/// <param name="BlockNumber">The block.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="EventName">The event's name.</param>
/// <param name="Data">The payload as JSON when it is JSON (any value), else null: read this one.</param>
/// <param name="Payload">Deprecated: the payload as UTF-8 text (JSON inside a string), kept for existing clients.</param>
/// <param name="PayloadBase64">The payload bytes, whatever they are.</param>
/// <param name="RecordedAt">When this gateway recorded it.</param>
internal sealed record LedgerEventResponse(
    long Sequence, string Channel, string Chaincode, long BlockNumber, string TransactionId, string EventName, JsonElement? Data, string? Payload, string PayloadBase64,
    DateTimeOffset RecordedAt);

/// <summary>
/// Generic ledger access for integrators and operators: evaluate or submit any chaincode function, and
/// follow committed chaincode events. Domain endpoints (EIR, roaming, numbers) live in their own groups.
/// </summary>
internal static class LedgerEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        MapWhoAmI(v1);
        MapLedger(v1);
    }

    /// <summary><c>GET /v1/me</c>: every profile has it.</summary>
    private static void MapWhoAmI(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/me", (HttpContext context, IOptions<GatewayOptions> options) => TypedResults.Ok(new WhoAmIResponse(
                context.User.FindFirst(ApiKeyClaims.KeyId)!.Value,
                context.User.FindFirst(ApiKeyClaims.Organisation)!.Value,
                context.User.Identity?.Name ?? "",
                context.User.FindAll(ApiKeyClaims.Scope).Select(c => c.Value).ToList(),
                options.Value.MspId)))
            .Produces<WhoAmIResponse>().WithName("WhoAmI").WithTags("Keys").WithSummary("The calling API key: organisation and scopes.")
            .RequireApiKey();
    }

    private static void MapLedger(IEndpointRouteBuilder v1)
    {
        var ledger = v1.MapGroup("/ledger").WithTags("Ledger");

        ledger.MapGet("/channels", (FabricConnectionHolder holder) => TypedResults.Ok(
                (holder.Connection?.Channels ?? []).Select(c => new ChannelResponse(c.Name, c.Chaincodes)).ToList()))
            .Produces<List<ChannelResponse>>().WithName("ListChannels").WithSummary("Channels and chaincodes this gateway's organisation uses.")
            .RequireScope(ApiScopes.LedgerRead);

        ledger.MapPost("/{channel}/{chaincode}/evaluate", EvaluateAsync)
            .WithName("Evaluate").WithSummary("Runs a chaincode function on a peer without committing anything.")
            .ProducesLedgerProblems(LedgerProblemTypes.Chaincode)
            .RequireScope(ApiScopes.LedgerRead).ReadsOnly();

        ledger.MapPost("/{channel}/{chaincode}/submit", SubmitAsync)
            .WithName("Submit").WithSummary("Endorses, orders and commits a chaincode transaction; answers once it is committed.")
            .ProducesLedgerProblems(LedgerProblemTypes.Chaincode)
            .RequireScope(ApiScopes.LedgerWrite);

        v1.MapGet("/events", ListEventsAsync)
            .WithName("ListEvents").WithTags("Ledger")
            .WithSummary("Committed chaincode events followed by this gateway, oldest first; 'data' is the payload as JSON (per-application change feeds: /v1/{app}/changes).")
            .RequireScope(ApiScopes.LedgerRead);
    }

    private static async Task<Results<Ok<EvaluateResponse>, ProblemAnswer>> EvaluateAsync(
        string channel, string chaincode, ChaincodeCallRequest request, ILedger ledger, FabricConnectionHolder connection, CancellationToken cancellationToken)
    {
        if (!TryBuildCall(channel, chaincode, request, connection, out var call, out var problem))
        {
            return problem!;
        }

        var started = Stopwatch.GetTimestamp();
        var result = await ledger.EvaluateAsync(call, cancellationToken).ConfigureAwait(false);
        Record("evaluate", started);
        return TypedResults.Ok(new EvaluateResponse(Utf8Text.TryDecode(result.Span), Convert.ToBase64String(result.Span)));
    }

    private static async Task<Results<Ok<SubmitResponse>, ProblemAnswer>> SubmitAsync(
        string channel, string chaincode, ChaincodeCallRequest request, ILedger ledger, FabricConnectionHolder connection, CancellationToken cancellationToken)
    {
        if (!TryBuildCall(channel, chaincode, request, connection, out var call, out var problem))
        {
            return problem!;
        }

        var started = Stopwatch.GetTimestamp();
        var commit = await ledger.SubmitAsync(call, cancellationToken).ConfigureAwait(false);
        Record("submit", started);
        return TypedResults.Ok(new SubmitResponse(commit.TransactionId, commit.BlockNumber, Utf8Text.TryDecode(commit.Result.Span), Convert.ToBase64String(commit.Result.Span)));
    }

    private static async Task<Results<Ok<Page<LedgerEventResponse>>, ProblemAnswer>> ListEventsAsync(GatewayStore store, string? channel, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        const string list = "events";
        if (!PageRequest.TryParse(list, limit, cursor, out var page, out var problem))
        {
            return (ProblemAnswer)problem!;
        }

        var after = page.After is null ? 0 : long.Parse(page.After, System.Globalization.CultureInfo.InvariantCulture);
        var rows = await store.LedgerEvents.ListAsync(string.IsNullOrEmpty(channel) ? null : channel, after, page.Limit, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(rows.Items.ToPage(rows.HasMore, list, r => r.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture), ToResponse));
    }

    private static LedgerEventResponse ToResponse(RecordedLedgerEvent r) => new(
        r.Sequence, r.Event.Channel, r.Event.Chaincode, r.Event.BlockNumber, r.Event.TransactionId, r.Event.EventName,
        TryParseJson(r.Event.Payload), Utf8Text.TryDecode(r.Event.Payload.Span), Convert.ToBase64String(r.Event.Payload.Span), r.RecordedAt);

    private static JsonElement? TryParseJson(ReadOnlyMemory<byte> payload)
    {
        if (payload.IsEmpty)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool TryBuildCall(
        string channel, string chaincode, ChaincodeCallRequest request, FabricConnectionHolder connection, out LedgerCall call, out ProblemAnswer? problem)
    {
        call = null!;
        problem = null;
        // A channel of the network this organisation is not on (the regulator on a roaming channel) is forbidden to it;
        // one the network does not have is no resource of this API (404). Either way no peer is asked.
        if (connection.Connection is { } known && known.OtherChannels.Contains(channel, StringComparer.Ordinal))
        {
            problem = Problems.Result(LedgerProblemTypes.Chaincode.Forbidden, $"{known.MspId} is not a member of channel '{channel}'; GET /v1/ledger/channels lists its channels.");
            return false;
        }

        if (connection.Connection is { Channels: { Count: > 0 } channels } && !channels.Any(c => c.Name == channel))
        {
            problem = Problems.Result(ProblemTypes.NotFound, $"This organisation is on no channel '{channel}'; GET /v1/ledger/channels lists its channels.");
            return false;
        }

        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Function))
        {
            errors["function"] = ["function is required, e.g. \"ReadAsset\" or \"contract:function\"."];
        }

        if (request.Args?.Any(a => a is null) == true)
        {
            errors["args"] = ["args must be an array of strings (no nulls)."];
        }

        var transient = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Transient ?? [])
        {
            var bytes = new byte[((value?.Length ?? 0) * 3 / 4) + 3];
            if (value is null || !Convert.TryFromBase64String(value, bytes, out var written))
            {
                errors[$"transient.{key}"] = ["transient values must be base64."];
                continue;
            }

            transient[key] = bytes[..written];
        }

        if (errors.Count > 0)
        {
            problem = Problems.Validation(errors);
            return false;
        }

        call = new LedgerCall(channel, chaincode, request.Function!, request.Args ?? [], transient.Count == 0 ? null : transient,
            request.EndorsingOrganizations is { Count: > 0 } orgs ? orgs : null);
        return true;
    }

    private static void Record(string operation, long started)
    {
        var tag = new KeyValuePair<string, object?>("operation", operation);
        GatewayMetrics.LedgerCalls.Add(1, tag);
        GatewayMetrics.LedgerDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tag);
    }
}
