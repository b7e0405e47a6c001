using System.Diagnostics;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// One structured line per request with the route template (never the raw path, which may carry an
/// IMEI or a phone number), status, duration and the key ID: no personal data, no secrets.
/// Writes and failures are logged at Information; successful reads (GET, HEAD and read-only POSTs such as
/// the bulk IMEI check, which can see tens of thousands a second) at Debug, so they cost nothing unless
/// the category is turned up to Debug. Their counts and latencies are always in <c>/metrics</c>.
/// </summary>
internal sealed partial class RequestLogMiddleware(RequestDelegate next, ILogger<RequestLogMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var level = IsSuccessfulRead(context) ? LogLevel.Debug : LogLevel.Information;
            if (logger.IsEnabled(level))
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
                LogRequest(
                    logger,
                    level,
                    context.Request.Method,
                    route,
                    context.Response.StatusCode,
                    Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                    context.User.FindFirst(ApiKeyClaims.KeyId)?.Value,
                    context.User.FindFirst(ApiKeyClaims.Organisation)?.Value);
            }
        }
    }

    private static bool IsSuccessfulRead(HttpContext context)
        => context.Response.StatusCode < 400
           && (HttpMethods.IsGet(context.Request.Method)
               || HttpMethods.IsHead(context.Request.Method)
               || context.GetEndpoint()?.Metadata.IsReadOnlyPost() == true);

    [LoggerMessage(EventId = 1001, Message = "{Method} {Route} -> {StatusCode} in {ElapsedMs:0.0} ms (key {KeyId}, org {Organisation})")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string route, int statusCode, double elapsedMs, string? keyId, string? organisation);
}
