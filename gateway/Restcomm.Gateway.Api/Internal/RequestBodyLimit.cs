namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Marks an endpoint that takes a bulk body (thousands of reports or IMEIs in one request): it accepts up to
/// <see cref="GatewayOptions.MaxBulkRequestBodyBytes"/> instead of <see cref="GatewayOptions.MaxRequestBodyBytes"/>,
/// so the largest bulk its contract allows fits.
/// </summary>
internal sealed class BulkBodyMetadata
{
    public static readonly BulkBodyMetadata Instance = new();

    private BulkBodyMetadata()
    {
    }
}

/// <summary>Which body limit applies to a request (a file upload's own limit, a bulk endpoint's, or the default).</summary>
internal static class RequestBodyLimit
{
    /// <summary>The endpoint takes a bulk body; see <see cref="BulkBodyMetadata"/>.</summary>
    public static TBuilder AcceptsBulkBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(BulkBodyMetadata.Instance);

    /// <summary>The largest body the request's endpoint accepts (routing must have run).</summary>
    public static long For(HttpContext context, GatewayOptions options)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<Roaming.TapFiles.UploadBodyMetadata>() is { } upload)
        {
            return upload.MaxBytes;
        }

        return metadata?.GetMetadata<BulkBodyMetadata>() is null
            ? options.MaxRequestBodyBytes
            : Math.Max(options.MaxRequestBodyBytes, options.MaxBulkRequestBodyBytes);
    }
}
