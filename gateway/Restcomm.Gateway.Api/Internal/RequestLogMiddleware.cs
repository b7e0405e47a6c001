using System.Diagnostics;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// One structured line per request with the route template (never the raw path, which may carry an
/// IMEI or a phone number), status, duration and the key ID: no personal data, no secrets.
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
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(unmatched)";
            LogRequest(
                logger,
                context.Request.Method,
                route,
                context.Response.StatusCode,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                context.User.FindFirst(ApiKeyClaims.KeyId)?.Value,
                context.User.FindFirst(ApiKeyClaims.Organisation)?.Value);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "{Method} {Route} -> {StatusCode} in {ElapsedMs:0.0} ms (key {KeyId}, org {Organisation})")]
    private static partial void LogRequest(ILogger logger, string method, string route, int statusCode, double elapsedMs, string? keyId, string? organisation);
}
