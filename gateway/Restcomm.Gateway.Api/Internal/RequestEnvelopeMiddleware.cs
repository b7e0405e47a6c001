using System.Security.Cryptography;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// What every request gets before anything else: an <c>X-Request-Id</c> (the caller's, when it is a short printable
/// token, else a new one) echoed on the response and used as the trace identifier in logs and problem bodies; and
/// problem answers for a URL or header block over the API's limits (414, 431), which the server would otherwise refuse
/// with an empty body. The server's own limits sit above these, so the API answers first.
/// </summary>
internal sealed class RequestEnvelopeMiddleware(RequestDelegate next)
{
    /// <summary>The header carrying the request's ID.</summary>
    public const string RequestIdHeader = "X-Request-Id";

    /// <summary>Longest path and query the API reads.</summary>
    public const int MaxUrlLength = 8 * 1024;

    /// <summary>Largest header block (names and values) the API reads.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>The server's limits: above the API's, so that its problem answers come first.</summary>
    public const int ServerRequestLineLimit = 2 * MaxUrlLength;

    /// <inheritdoc cref="ServerRequestLineLimit"/>
    public const int ServerHeaderLimit = 2 * MaxHeaderBytes;

    public Task InvokeAsync(HttpContext context)
    {
        var id = context.Request.Headers[RequestIdHeader].ToString();
        if (!IsToken(id))
        {
            id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        }

        context.TraceIdentifier = id;
        context.Response.OnStarting(static state =>
        {
            var http = (HttpContext)state;
            http.Response.Headers[RequestIdHeader] = http.TraceIdentifier;
            return Task.CompletedTask;
        }, context);

        var url = context.Request.Path.Value?.Length + context.Request.QueryString.Value?.Length ?? 0;
        if (url > MaxUrlLength)
        {
            return Problems.WriteAsync(context, ProblemTypes.UriTooLong, $"The path and query have {url} characters; at most {MaxUrlLength} are read.");
        }

        var headers = 0L;
        foreach (var (name, values) in context.Request.Headers)
        {
            headers += name.Length;
            foreach (var value in values)
            {
                headers += value?.Length ?? 0;
            }
        }

        if (headers > MaxHeaderBytes)
        {
            return Problems.WriteAsync(context, ProblemTypes.HeadersTooLarge, $"The headers hold {headers} bytes; at most {MaxHeaderBytes} are read.");
        }

        return next(context);
    }

    /// <summary>1 to 128 characters of letters, digits and <c>- _ . : /</c>.</summary>
    private static bool IsToken(string value)
    {
        if (value.Length is 0 or > 128)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':' or '/'))
            {
                return false;
            }
        }

        return true;
    }
}
