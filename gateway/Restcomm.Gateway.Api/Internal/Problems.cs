using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Every error the API returns is <c>application/problem+json</c> with one of these stable <c>type</c>
/// URIs; clients branch on the type, humans read <c>title</c> and <c>detail</c>.
/// </summary>
internal static class ProblemTypes
{
    public const string Prefix = "urn:restcomm:problem:";

    public static readonly ProblemType MissingApiKey = new("missing-api-key", 401, "An API key is required");
    public static readonly ProblemType InvalidApiKey = new("invalid-api-key", 401, "The API key is not valid");
    public static readonly ProblemType InsufficientScope = new("insufficient-scope", 403, "The API key lacks the required scope");
    public static readonly ProblemType ReadOnlyOrganisation = new("read-only-organisation", 403, "This organisation may only read");
    public static readonly ProblemType WrongOrganisation = new("wrong-organisation", 403, "The API key belongs to another organisation");
    public static readonly ProblemType MalformedRequest = new("malformed-request", 400, "The request could not be read");
    public static readonly ProblemType ValidationFailed = new("validation-failed", 400, "The request is not valid");
    public static readonly ProblemType InvalidCursor = new("invalid-cursor", 400, "The pagination cursor is not valid");
    public static readonly ProblemType CursorExpired = new("cursor-expired", 410, "The change-feed cursor belongs to an earlier feed");
    public static readonly ProblemType MissingIdempotencyKey = new("missing-idempotency-key", 400, "An Idempotency-Key header is required");
    public static readonly ProblemType IdempotencyKeyReused = new("idempotency-key-reused", 409, "The Idempotency-Key was used for a different request");
    public static readonly ProblemType IdempotencyInProgress = new("idempotency-in-progress", 409, "A request with this Idempotency-Key is still running");
    public static readonly ProblemType NotFound = new("not-found", 404, "No such resource");
    public static readonly ProblemType MethodNotAllowed = new("method-not-allowed", 405, "The method is not allowed on this resource");
    public static readonly ProblemType PayloadTooLarge = new("payload-too-large", 413, "The request body is too large");
    public static readonly ProblemType UnsupportedMediaType = new("unsupported-media-type", 415, "The request body must be JSON");
    public static readonly ProblemType RateLimited = new("rate-limited", 429, "Too many requests for this API key");
    public static readonly ProblemType UriTooLong = new("uri-too-long", 414, "The URL is too long");
    public static readonly ProblemType HeadersTooLarge = new("headers-too-large", 431, "The request headers are too large");
    public static readonly ProblemType ChaincodeRejected = new("chaincode-rejected", 422, "The chaincode refused the request");
    public static readonly ProblemType TransactionNotCommitted = new("transaction-not-committed", 409, "The transaction was not committed");
    public static readonly ProblemType PeerUnavailable = new("peer-unavailable", 503, "The Fabric peer is unavailable");
    public static readonly ProblemType LedgerTimeout = new("ledger-timeout", 504, "The ledger did not answer in time");
    public static readonly ProblemType Internal = new("internal-error", 500, "Internal error");
    public static readonly ProblemType UnknownConsortium = new("unknown-consortium", 404, "This organisation is not a member of that consortium channel");

    public static IReadOnlyList<ProblemType> All { get; } =
    [
        MissingApiKey, InvalidApiKey, InsufficientScope, ReadOnlyOrganisation, WrongOrganisation, MalformedRequest, ValidationFailed,
        InvalidCursor, CursorExpired, MissingIdempotencyKey, IdempotencyKeyReused, IdempotencyInProgress, NotFound, MethodNotAllowed, PayloadTooLarge,
        UnsupportedMediaType, UriTooLong, HeadersTooLarge, ChaincodeRejected, TransactionNotCommitted, PeerUnavailable, LedgerTimeout, Internal,
        UnknownConsortium,
    ];

    /// <summary>The type for a bare status code (404 from routing, 405, 415 ...).</summary>
    public static ProblemType ForStatus(int status) => status switch
    {
        400 => MalformedRequest,
        401 => MissingApiKey,
        403 => InsufficientScope,
        404 => NotFound,
        405 => MethodNotAllowed,
        413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
        414 => UriTooLong,
        429 => RateLimited,
        431 => HeadersTooLarge,
        503 => PeerUnavailable,
        _ => new ProblemType("http-" + status, status, "HTTP " + status),
    };
}

internal sealed record ProblemType(string Slug, int Status, string Title)
{
    public string Uri => ProblemTypes.Prefix + Slug;
}

/// <summary>Writes problem documents.</summary>
internal static class Problems
{
    public const string ContentType = "application/problem+json";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static ProblemDetails Create(ProblemType type, string detail, HttpContext? context = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails
        {
            Type = type.Uri,
            Title = type.Title,
            Status = type.Status,
            Detail = detail,
            Instance = context?.Request.Path.Value,
        };
        if (context is not null)
        {
            // The request's ID (X-Request-Id, echoed on the answer), so a caller can quote it.
            problem.Extensions["traceId"] = context.TraceIdentifier;
        }

        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return problem;
    }

    /// <summary>A typed result for endpoint handlers.</summary>
    public static ProblemAnswer Result(ProblemType type, string detail, IDictionary<string, object?>? extensions = null) =>
        new(type, detail, extensions);

    /// <summary>400 validation-failed with the failing fields.</summary>
    public static ProblemAnswer Validation(IDictionary<string, string[]> errors) =>
        new(ProblemTypes.ValidationFailed, "See 'errors' for what is wrong with each field.", new Dictionary<string, object?> { ["errors"] = errors });

    public static async Task WriteAsync(HttpContext context, ProblemType type, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = Create(type, detail, context, extensions);
        context.Response.StatusCode = type.Status;
        context.Response.ContentType = ContentType;
        await context.Response.WriteAsync(JsonSerializer.Serialize(problem, Json), context.RequestAborted).ConfigureAwait(false);
    }
}

/// <summary>A problem answer (<c>application/problem+json</c>) as a typed result handlers can declare in <c>Results&lt;…&gt;</c>.</summary>
internal sealed class ProblemAnswer(ProblemType type, string detail, IDictionary<string, object?>? extensions) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public ProblemType Type => type;

    public string Detail => detail;

    public int? StatusCode => type.Status;

    public string ContentType => Problems.ContentType;

    public Task ExecuteAsync(HttpContext httpContext) => Problems.WriteAsync(httpContext, type, detail, extensions);
}
