using System.Buffers;
using System.Text.Json;
using Restcomm.Eir;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>
/// The EIR REST endpoints under <c>/v1/eir</c>. Writes go to the ledger as this gateway's organisation and
/// answer once the read model reflects their block; checks answer from the in-memory index. Every answer
/// carries <c>blockHeight</c>: every block below it is reflected.
/// </summary>
public static class EirEndpoints
{
    /// <summary>Problem type URI of malformed input (an IMEI, target, list, reason, …).</summary>
    public const string InvalidProblem = ProblemTypes.Prefix + "eir-invalid";

    /// <summary>Problem type URI of a change the chaincode refused because the caller may not make it.</summary>
    public const string ForbiddenProblem = ProblemTypes.Prefix + "eir-forbidden";

    /// <summary>Problem type URI of a missing entry.</summary>
    public const string NotFoundProblem = ProblemTypes.Prefix + "eir-not-found";

    private static readonly ProblemType InvalidType = new("eir-invalid", 400, "Invalid EIR request");
    private static readonly ProblemType ForbiddenType = new("eir-forbidden", 403, "Not allowed by the EIR chaincode");
    private static readonly ProblemType NotFoundType = new("eir-not-found", 404, "No such EIR entry");

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

        read.MapGet("/check/{imei}", CheckOne).WithName("EirCheckImei");
        read.MapPost("/check", CheckMany).WithName("EirCheckImeis").ReadsOnly().AcceptsBulkBody();
        read.MapGet("/devices/{imei}", GetDevice).WithName("EirGetDevice");
        read.MapGet("/targets/{target}", GetTarget).WithName("EirGetTarget");
        read.MapGet("/delegations/{owner}", GetDelegation).WithName("EirGetDelegation");

        write.MapPost("/entries", Report).WithName("EirReport");
        write.MapPost("/entries/bulk", ReportBulk).WithName("EirReportBulk").AcceptsBulkBody();
        write.MapDelete("/entries/{target}", Clear).WithName("EirClear");
        write.MapPost("/delegations", Delegate).WithName("EirDelegate");
        write.MapDelete("/delegations/{delegate}", Revoke).WithName("EirRevoke");
        return (read, write);
    }

    private static IResult CheckOne(string imei, ImeiIndex index)
    {
        if (!Imei.TryParse(imei.AsSpan(), out var device, out var problem))
        {
            return Invalid(Imei.Describe(imei, problem));
        }

        var height = index.BlockHeight;
        var check = index.Check(device);
        return Json(new CheckAnswer(check.Imei, check.Status, Reason(check), check.Entry?.Owner, height));
    }

    private static async Task CheckMany(HttpContext http, ImeiIndex index)
    {
        var body = await ReadBodyAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
        var imeis = ArrayPool<Imei>.Shared.Rent(ImeiIndex.MaxBulkCheck);
        var results = ArrayPool<ImeiCheck>.Shared.Rent(ImeiIndex.MaxBulkCheck);
        try
        {
            if (!TryReadImeis(body.Span, imeis, out var count, out var error))
            {
                await Invalid(error!).ExecuteAsync(http).ConfigureAwait(false);
                return;
            }

            var height = index.CheckMany(imeis.AsSpan(0, count), results);
            // The whole answer is built first and sent with a Content-Length: one large write instead of a
            // chunked stream of small ones, which on loopback cost more than the checks themselves.
            var buffer = new ArrayBufferWriter<byte>(64 + (count * 72));
            await using var writer = new Utf8JsonWriter(buffer);
            writer.WriteStartObject();
            writer.WriteNumber("blockHeight", height);
            writer.WriteNumber("count", count);
            writer.WriteStartArray("results");
            Span<char> digits = stackalloc char[Imei.Length];
            for (var i = 0; i < count; i++)
            {
                var r = results[i];
                writer.WriteStartObject();
                r.Imei.TryFormat(digits, out _, default, null);
                writer.WriteString("imei", digits);
                writer.WriteString("status", EirNames.Of(r.Status));
                if (Reason(r) is { } reason)
                {
                    writer.WriteString("reason", reason);
                    writer.WriteString("owner", r.Entry!.Owner);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            await writer.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            http.Response.ContentType = "application/json; charset=utf-8";
            http.Response.ContentLength = buffer.WrittenCount;
            await http.Response.Body.WriteAsync(buffer.WrittenMemory, http.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<Imei>.Shared.Return(imeis);
            ArrayPool<ImeiCheck>.Shared.Return(results);
        }
    }

    private static async Task<IResult> GetDevice(string imei, ImeiIndex index, IEirLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!Imei.TryParse(imei.AsSpan(), out var device, out var problem))
        {
            return Invalid(Imei.Describe(imei, problem));
        }

        var height = index.BlockHeight;
        var check = index.Check(device);
        var entries = index.EntriesCovering(device);
        var record = await Ledger(() => ledger.EvaluateAsync<EirRecord>("Get", device.ToString(), cancellationToken)).ConfigureAwait(false);
        return record.Problem ?? Json(new DeviceAnswer(device, check.Status, check.Entry?.Id, entries, record.Value!.History, height));
    }

    private static async Task<IResult> GetTarget(string target, ImeiIndex index, IEirLedgerClient ledger, CancellationToken cancellationToken)
    {
        if (!EirTarget.TryParse(target, out var parsed, out var error))
        {
            return Invalid(error!);
        }

        var height = index.BlockHeight;
        var record = await Ledger(() => ledger.EvaluateAsync<EirRecord>("Get", parsed.ToString(), cancellationToken)).ConfigureAwait(false);
        return record.Problem ?? Json(new TargetAnswer(record.Value!, height));
    }

    private static async Task<IResult> GetDelegation(string owner, IEirLedgerClient ledger, CancellationToken cancellationToken)
    {
        var answer = await Ledger(() => ledger.EvaluateAsync<EirDelegation>("GetDelegation", owner, cancellationToken)).ConfigureAwait(false);
        return answer.Problem ?? Json(answer.Value);
    }

    private static async Task<IResult> Report(HttpRequest request, IEirLedgerClient ledger, EirProjection projection, ImeiIndex index, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (!TryParse<EirReport>(body, out var report, out var error))
        {
            return Invalid(error!);
        }

        if (report!.Validate(index.Clock.GetUtcNow(), out var invalid) is null)
        {
            return Invalid(invalid!);
        }

        var committed = await Ledger(() => ledger.SubmitAsync<EirReportResult>("Report", JsonSerializer.Serialize(report, EirJson.Options), cancellationToken)).ConfigureAwait(false);
        if (committed.Problem is { } problem)
        {
            return problem;
        }

        var c = committed.Value!;
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        var answer = new ReportAnswer(c.Result.Outcome, c.Result.Entry, c.TransactionId, c.BlockNumber, height);
        return Json(answer, c.Result.Outcome == EirReportOutcome.Reported ? StatusCodes.Status201Created : StatusCodes.Status200OK);
    }

    private static async Task<IResult> ReportBulk(HttpRequest request, IEirLedgerClient ledger, EirProjection projection, ImeiIndex index, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (!TryParse<BulkReportRequest>(body, out var bulk, out var error))
        {
            return Invalid(error!);
        }

        if (bulk!.Reports is not { Count: > 0 } reports)
        {
            return Invalid("The bulk report needs a non-empty \"reports\" array.");
        }

        if (reports.Count > EirReport.MaxBulk)
        {
            return Invalid($"The bulk report has {reports.Count} reports; at most {EirReport.MaxBulk} fit in one transaction.");
        }

        var now = index.Clock.GetUtcNow();
        for (var i = 0; i < reports.Count; i++)
        {
            if (reports[i].Validate(now, out var invalid) is null)
            {
                return Invalid($"Report {i} ({reports[i].Target}): {invalid}");
            }
        }

        var committed = await Ledger(() => ledger.SubmitAsync<EirBulkReportResult>("ReportBulk", JsonSerializer.Serialize(reports, EirJson.Options), cancellationToken)).ConfigureAwait(false);
        if (committed.Problem is { } problem)
        {
            return problem;
        }

        var c = committed.Value!;
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new BulkReportAnswer(c.Result.Reported, c.Result.Updated, c.Result.Unchanged, c.Result.Outcomes, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<IResult> Clear(
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
        var committed = await Ledger(() => ledger.SubmitAsync<EirClearResult>("Clear", JsonSerializer.Serialize(request, EirJson.Options), cancellationToken)).ConfigureAwait(false);
        if (committed.Problem is { } problem)
        {
            return problem;
        }

        var c = committed.Value!;
        var height = await CatchUpAsync(projection, index, c.BlockNumber, cancellationToken).ConfigureAwait(false);
        return Json(new ClearAnswer(c.Result.Entry, c.TransactionId, c.BlockNumber, height));
    }

    private static async Task<IResult> Delegate(HttpRequest request, IEirLedgerClient ledger, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken).ConfigureAwait(false);
        if (!TryParse<DelegateRequest>(body, out var delegation, out var error) || string.IsNullOrWhiteSpace(delegation?.Delegate))
        {
            return Invalid(error ?? "Name the delegate: {\"delegate\":\"Org3MSP\"}.");
        }

        var committed = await Ledger(() => ledger.SubmitAsync<EirDelegation>("Delegate", delegation.Delegate, cancellationToken)).ConfigureAwait(false);
        return committed.Problem ?? Json(committed.Value!.Result);
    }

    private static async Task<IResult> Revoke(string @delegate, IEirLedgerClient ledger, CancellationToken cancellationToken)
    {
        var committed = await Ledger(() => ledger.SubmitAsync<EirDelegation>("Revoke", @delegate, cancellationToken)).ConfigureAwait(false);
        return committed.Problem ?? Json(committed.Value!.Result);
    }

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

    private static async Task<(T? Value, IResult? Problem)> Ledger<T>(Func<Task<T>> call)
    {
        try
        {
            return (await call().ConfigureAwait(false), null);
        }
        catch (EirException e)
        {
            return (default, e.Kind switch
            {
                EirErrorKind.Forbidden => Problems.Result(ForbiddenType, e.Message),
                EirErrorKind.NotFound => Problems.Result(NotFoundType, e.Message),
                _ => Invalid(e.Message),
            });
        }
    }

    private static IResult Invalid(string detail) => Problems.Result(InvalidType, detail);

    private static IResult Json<T>(T value, int status = StatusCodes.Status200OK) => Results.Json(value, EirJson.Options, statusCode: status);

    private static string? Reason(ImeiCheck check)
        => check.Entry is { Reason: { } reason } && check.Status != EquipmentStatus.WhiteListed ? EirNames.Of(reason) : null;

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream(request.ContentLength is > 0 and < int.MaxValue ? (int)request.ContentLength.Value : 4096);
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    private static bool TryParse<T>(ReadOnlyMemory<byte> body, out T? value, out string? error)
    {
        value = default;
        try
        {
            value = JsonSerializer.Deserialize<T>(body.Span, EirJson.Options);
            error = value is null ? "The request body is empty." : null;
            return value is not null;
        }
        catch (JsonException e)
        {
            error = e.Message;
            return false;
        }
        catch (FormatException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>Reads <c>{"imeis":["…", …]}</c> without allocating per IMEI.</summary>
    private static bool TryReadImeis(ReadOnlySpan<byte> body, Imei[] into, out int count, out string? error)
    {
        count = 0;
        error = null;
        var reader = new Utf8JsonReader(body);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                error = "The body must be {\"imeis\":[\"…\", …]}.";
                return false;
            }

            var seen = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("imeis"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                seen = true;
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                {
                    error = "\"imeis\" must be an array of strings.";
                    return false;
                }

                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        error = $"imeis[{count}] is not a string; IMEIs are JSON strings of 15 or 16 digits.";
                        return false;
                    }

                    if (count == ImeiIndex.MaxBulkCheck)
                    {
                        error = $"A bulk check takes at most {ImeiIndex.MaxBulkCheck} IMEIs.";
                        return false;
                    }

                    var raw = reader.HasValueSequence || reader.ValueIsEscaped ? System.Text.Encoding.UTF8.GetBytes(reader.GetString()!) : reader.ValueSpan;
                    if (!Imei.TryParse(raw, out into[count], out var problem))
                    {
                        error = $"imeis[{count}]: {Imei.Describe(System.Text.Encoding.UTF8.GetString(raw), problem)}";
                        return false;
                    }

                    count++;
                }
            }

            if (!seen || count == 0)
            {
                error = "The body must be {\"imeis\":[\"…\", …]} with at least one IMEI.";
                return false;
            }

            return true;
        }
        catch (JsonException e)
        {
            error = $"The body is not valid JSON: {e.Message}";
            return false;
        }
    }

    private sealed record CheckAnswer(Imei Imei, EquipmentStatus Status, string? Reason, string? Owner, long BlockHeight);

    private sealed record DeviceAnswer(Imei Imei, EquipmentStatus Status, string? DecidingEntryId, IReadOnlyList<EirEntry> Entries, IReadOnlyList<EirChange> History, long BlockHeight);

    private sealed record TargetAnswer(EirRecord Record, long BlockHeight);

    private sealed record ReportAnswer(EirReportOutcome Outcome, EirEntry Entry, string TransactionId, long BlockNumber, long BlockHeight);

    private sealed record BulkReportAnswer(int Reported, int Updated, int Unchanged, IReadOnlyList<EirReportOutcome> Outcomes, string TransactionId, long BlockNumber, long BlockHeight);

    private sealed record ClearAnswer(EirEntry Entry, string TransactionId, long BlockNumber, long BlockHeight);

    private sealed record BulkReportRequest(List<EirReport>? Reports);

    private sealed record DelegateRequest(string? Delegate);
}
