using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Endpoints;

/// <summary>A new key and its token, which is shown this once and never stored.</summary>
internal sealed record CreatedKeyResponse(KeyResponse Key, string? Token);

/// <summary>A key as stored: never its secret.</summary>
internal sealed record KeyResponse(string Id, string Organisation, string Name, IReadOnlyList<string> Scopes, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt)
{
    public static KeyResponse From(ApiKey key) => new(key.Id, key.Organisation, key.Name, key.Scopes, key.CreatedAt, key.RevokedAt);
}

/// <summary>A key to create: a label and the scopes it holds.</summary>
internal sealed record CreateKeyRequest(string? Name, List<string>? Scopes);

/// <summary>The scopes a key holds from now on.</summary>
internal sealed record SetScopesRequest(List<string>? Scopes);

/// <summary>
/// This organisation's API keys, managed through the API with the <c>keys:admin</c> scope (the CLI's <c>restcomm keys</c>
/// does the same on the store): create (the token is answered once), list and get (never a secret), rotate (a new
/// secret, same id and scopes), set scopes, revoke. Keys of other organisations in a shared store are invisible here.
/// A revoked or rotated-away token stops working once the API's key cache entry expires (<c>Gateway:ApiKeyCacheTtl</c>).
/// </summary>
internal static class KeyEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        var keys = v1.MapGroup("/keys").WithTags("Keys").RequireScope(ApiScopes.KeysAdmin);
        keys.MapPost("/", CreateAsync).WithName("CreateKey").AnswersWithSecret()
            .WithSummary("Creates a key of this organisation; its token is in this answer only (a replay with the same Idempotency-Key answers token: null).");
        keys.MapGet("/", ListAsync).WithName("ListKeys").WithSummary("This organisation's keys, newest first, revoked ones included; no secrets.");
        keys.MapGet("/{id}", GetAsync).WithName("GetKey").WithSummary("One key; no secret.");
        keys.MapPut("/{id}/scopes", SetScopesAsync).WithName("SetKeyScopes").WithSummary("Replaces a key's scopes.");
        keys.MapPost("/{id}/rotate", RotateAsync).WithName("RotateKey").AnswersWithSecret()
            .WithSummary("Gives a key a new secret; the old token stops working. The new token is in this answer only (a replay answers token: null).");
        keys.MapDelete("/{id}", RevokeAsync).WithName("RevokeKey").WithSummary("Revokes a key.");
    }

    private static async Task<Results<Created<CreatedKeyResponse>, ProblemAnswer>> CreateAsync(
        CreateKeyRequest request, GatewayStore store, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        var gateway = options.Value;
        try
        {
            var created = await store.ApiKeys.CreateAsync(gateway.MspId, request.Name, request.Scopes ?? [], gateway.ReadOnlyOrganisations, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/v1/keys/{created.Key.Id}", new CreatedKeyResponse(KeyResponse.From(created.Key), created.Token));
        }
        catch (ArgumentException invalid)
        {
            return Invalid(invalid);
        }
    }

    private static async Task<Ok<List<KeyResponse>>> ListAsync(GatewayStore store, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
        => TypedResults.Ok((await store.ApiKeys.ListAsync(cancellationToken).ConfigureAwait(false))
            .Where(k => k.Organisation == options.Value.MspId).Select(KeyResponse.From).ToList());

    private static async Task<Results<Ok<KeyResponse>, ProblemAnswer>> GetAsync(string id, GatewayStore store, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
        => await OwnAsync(id, store, options.Value, cancellationToken).ConfigureAwait(false) is { } key ? TypedResults.Ok(KeyResponse.From(key)) : NotFound(id);

    private static async Task<Results<Ok<KeyResponse>, ProblemAnswer>> SetScopesAsync(
        string id, SetScopesRequest request, GatewayStore store, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        if (await OwnAsync(id, store, options.Value, cancellationToken).ConfigureAwait(false) is not { IsRevoked: false })
        {
            return NotFound(id);
        }

        try
        {
            return await store.ApiKeys.SetScopesAsync(id, request.Scopes ?? [], options.Value.ReadOnlyOrganisations, cancellationToken).ConfigureAwait(false) is { } changed
                ? TypedResults.Ok(KeyResponse.From(changed))
                : NotFound(id);
        }
        catch (ArgumentException invalid)
        {
            return Invalid(invalid);
        }
    }

    private static async Task<Results<Ok<CreatedKeyResponse>, ProblemAnswer>> RotateAsync(string id, GatewayStore store, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        if (await OwnAsync(id, store, options.Value, cancellationToken).ConfigureAwait(false) is not { IsRevoked: false })
        {
            return NotFound(id);
        }

        return await store.ApiKeys.RotateAsync(id, cancellationToken).ConfigureAwait(false) is { } rotated
            ? TypedResults.Ok(new CreatedKeyResponse(KeyResponse.From(rotated.Key), rotated.Token))
            : NotFound(id);
    }

    private static async Task<Results<Ok<KeyResponse>, ProblemAnswer>> RevokeAsync(string id, GatewayStore store, IOptions<GatewayOptions> options, CancellationToken cancellationToken)
    {
        if (await OwnAsync(id, store, options.Value, cancellationToken).ConfigureAwait(false) is not { IsRevoked: false })
        {
            return NotFound(id);
        }

        await store.ApiKeys.RevokeAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(KeyResponse.From((await store.ApiKeys.GetAsync(id, cancellationToken).ConfigureAwait(false))!));
    }

    /// <summary>The key when it belongs to this organisation; another organisation's key is as good as absent.</summary>
    private static async Task<ApiKey?> OwnAsync(string id, GatewayStore store, GatewayOptions gateway, CancellationToken cancellationToken)
        => await store.ApiKeys.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } key && key.Organisation == gateway.MspId ? key : null;

    private static ProblemAnswer NotFound(string id) => Problems.Result(ProblemTypes.NotFound, $"This organisation has no valid key '{id}'.");

    private static ProblemAnswer Invalid(ArgumentException invalid)
        => Problems.Validation(new Dictionary<string, string[]> { ["scopes"] = [invalid.Message[..(invalid.Message.IndexOf(" (Parameter", StringComparison.Ordinal) is var cut and >= 0 ? cut : invalid.Message.Length)]] });
}
