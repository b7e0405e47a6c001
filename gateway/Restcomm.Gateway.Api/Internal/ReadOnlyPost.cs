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

/// <summary>
/// Marks a POST whose answer holds a secret shown once (a new API key's token, a grant client's secret): the idempotency
/// store keeps that answer with its <c>token</c> and <c>clientSecret</c> set to null, so no secret rests in the store, and a replay says the token is not shown again.
/// </summary>
internal sealed class SecretAnswerMetadata
{
    public static readonly SecretAnswerMetadata Instance = new();

    private SecretAnswerMetadata()
    {
    }
}

internal static class SecretAnswerExtensions
{
    public static TBuilder AnswersWithSecret<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(SecretAnswerMetadata.Instance);

    /// <summary>The answer as the idempotency store may keep it: a JSON object's <c>token</c> set to null.</summary>
    public static byte[] WithoutSecret(byte[] body)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(body) is System.Text.Json.Nodes.JsonObject answer && (answer.ContainsKey("token") || answer.ContainsKey("clientSecret")))
            {
                foreach (var field in new[] { "token", "clientSecret" }.Where(answer.ContainsKey))
                {
                    answer[field] = null;
                }

                return System.Text.Encoding.UTF8.GetBytes(answer.ToJsonString());
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return body;
    }
}

/// <summary>
/// Marks an endpoint that authenticates its caller itself, without an API key: the OAuth token endpoint of peering
/// grants (client credentials checked against the ledger). Anonymous as far as API keys go; allowed as a POST only when
/// it also only reads (<see cref="ReadOnlyPostMetadata"/>).
/// </summary>
internal sealed class OwnAuthenticationMetadata(string how)
{
    /// <summary>How the endpoint authenticates its caller (for the reference and audits).</summary>
    public string How => how;
}

internal static class OwnAuthenticationExtensions
{
    /// <summary>The endpoint authenticates its callers itself (<paramref name="how"/>), not with API keys.</summary>
    public static TBuilder AuthenticatesItself<TBuilder>(this TBuilder builder, string how)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new OwnAuthenticationMetadata(how)).AllowAnonymous();
}
