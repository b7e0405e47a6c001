namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Marks a POST that only reads (a bulk check, a chaincode evaluate): it carries its question in the body because a
/// URL cannot, and changes nothing, so it needs no <c>Idempotency-Key</c> and none of its answers are stored.
/// </summary>
internal sealed class ReadOnlyPostMetadata
{
    public static readonly ReadOnlyPostMetadata Instance = new();

    private ReadOnlyPostMetadata()
    {
    }
}

/// <summary>Declares endpoints as <see cref="ReadOnlyPostMetadata">read-only POSTs</see>.</summary>
internal static class ReadOnlyPostExtensions
{
    /// <summary>The POST only reads: repeating it is harmless, so no Idempotency-Key is asked for.</summary>
    public static TBuilder ReadsOnly<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ReadOnlyPostMetadata.Instance);

    public static bool IsReadOnlyPost(this EndpointMetadataCollection metadata) => metadata.GetMetadata<ReadOnlyPostMetadata>() is not null;
}
