using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Refuses bodies over the endpoint's limit (<see cref="GatewayOptions.MaxRequestBodyBytes"/>, or
/// <see cref="GatewayOptions.MaxBulkRequestBodyBytes"/> for bulk endpoints) up front when the length is
/// declared, and caps the server's body reader for chunked bodies. Runs after routing, to know the endpoint.
/// </summary>
internal sealed class RequestLimitsMiddleware(RequestDelegate next, IOptions<GatewayOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var max = RequestBodyLimit.For(context, options.Value);
        if (context.Request.ContentLength > max)
        {
            await Problems.WriteAsync(context, ProblemTypes.PayloadTooLarge, $"The body has {context.Request.ContentLength} bytes; at most {max} are accepted.").ConfigureAwait(false);
            return;
        }

        var feature = context.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = max;
        }

        await next(context).ConfigureAwait(false);
    }
}
