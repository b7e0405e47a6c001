using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Internal;

internal static class ApiKeyClaims
{
    public const string Scheme = "ApiKey";
    public const string Organisation = "org";
    public const string KeyId = "key_id";
    public const string Scope = "scope";
    public const string HeaderName = "X-Api-Key";

    public static string? ReadToken(HttpRequest request)
    {
        if (request.Headers.TryGetValue(HeaderName, out var header) && !string.IsNullOrWhiteSpace(header))
        {
            return header.ToString().Trim();
        }

        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;
    }
}

/// <summary>Authenticates <c>Authorization: Bearer rck_...</c> or <c>X-Api-Key: rck_...</c> against the store (through <see cref="ApiKeyCache"/>).</summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyCache keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ApiKeyClaims.ReadToken(Request);
        if (token is null)
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.VerifyAsync(token, Context.RequestAborted).ConfigureAwait(false);
        if (key is null)
        {
            return AuthenticateResult.Fail("The API key is unknown, revoked or malformed.");
        }

        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, key.Id),
            new(ApiKeyClaims.KeyId, key.Id),
            new(ApiKeyClaims.Organisation, key.Organisation),
            new(ClaimTypes.Name, key.Name),
        };
        claims.AddRange(key.Scopes.Select(s => new Claim(ApiKeyClaims.Scope, s)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, ApiKeyClaims.Scheme));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, ApiKeyClaims.Scheme));
    }
}

/// <summary>What an endpoint requires: a scope, or (when <see cref="Scope"/> is null) any valid key.</summary>
internal sealed record ScopeMetadata(string? Scope)
{
    public bool IsWrite => Scope is not null && ApiScopes.IsWrite(Scope);
}

internal sealed record ScopeRequirement(string? Scope) : IAuthorizationRequirement;

/// <summary>
/// Grants a request when the key belongs to this instance's organisation and holds the scope; a write
/// scope is never honoured for a read-only organisation (the regulator), whatever the key says.
/// </summary>
internal sealed class ScopeAuthorizationHandler(IOptions<GatewayOptions> options) : AuthorizationHandler<ScopeRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ScopeRequirement requirement)
    {
        var gateway = options.Value;
        var org = context.User.FindFirst(ApiKeyClaims.Organisation)?.Value;
        if (org is null)
        {
            return Task.CompletedTask;
        }

        if (!string.Equals(org, gateway.MspId, StringComparison.Ordinal))
        {
            context.Fail(new AuthorizationFailureReason(this, $"{ProblemTypes.WrongOrganisation.Slug}|The key belongs to {org}; this gateway acts for {gateway.MspId}."));
            return Task.CompletedTask;
        }

        if (requirement.Scope is null)
        {
            context.Succeed(requirement);
            return Task.CompletedTask;
        }

        if (ApiScopes.IsWrite(requirement.Scope) && (gateway.IsReadOnly(org) || gateway.IsReadOnly(gateway.MspId)))
        {
            context.Fail(new AuthorizationFailureReason(this, $"{ProblemTypes.ReadOnlyOrganisation.Slug}|{org} may only read; '{requirement.Scope}' is a write scope."));
            return Task.CompletedTask;
        }

        if (context.User.HasClaim(ApiKeyClaims.Scope, requirement.Scope))
        {
            context.Succeed(requirement);
        }
        else
        {
            context.Fail(new AuthorizationFailureReason(this, $"{ProblemTypes.InsufficientScope.Slug}|This endpoint requires the scope '{requirement.Scope}'."));
        }

        return Task.CompletedTask;
    }
}

/// <summary>Answers failed authentication and authorization with problem documents instead of empty 401/403s.</summary>
internal sealed class ProblemAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"restcomm\"";
            if (ApiKeyClaims.ReadToken(context.Request) is null)
            {
                await Problems.WriteAsync(context, ProblemTypes.MissingApiKey,
                    $"Send an API key as 'Authorization: Bearer <key>' or '{ApiKeyClaims.HeaderName}: <key>' (create one with 'restcomm keys create').").ConfigureAwait(false);
            }
            else
            {
                await Problems.WriteAsync(context, ProblemTypes.InvalidApiKey, "The API key is unknown, revoked or malformed.").ConfigureAwait(false);
            }

            return;
        }

        if (authorizeResult.Forbidden)
        {
            var reason = authorizeResult.AuthorizationFailure?.FailureReasons.FirstOrDefault()?.Message ?? $"{ProblemTypes.InsufficientScope.Slug}|The API key may not use this endpoint.";
            var split = reason.IndexOf('|', StringComparison.Ordinal);
            var slug = reason[..split];
            var type = ProblemTypes.All.FirstOrDefault(t => t.Slug == slug) ?? ProblemTypes.InsufficientScope;
            await Problems.WriteAsync(context, type, reason[(split + 1)..]).ConfigureAwait(false);
            return;
        }

        await _default.HandleAsync(next, context, policy, authorizeResult).ConfigureAwait(false);
    }
}

/// <summary>Declares what each endpoint needs; see <see cref="ScopeMetadata"/>.</summary>
internal static class ScopeEndpointExtensions
{
    /// <summary>The endpoint needs a key of this instance's organisation holding <paramref name="scope"/>.</summary>
    public static TBuilder RequireScope<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder => Require(builder, scope);

    /// <summary>The endpoint needs any valid key of this instance's organisation.</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => Require(builder, null);

    private static TBuilder Require<TBuilder>(TBuilder builder, string? scope)
        where TBuilder : IEndpointConventionBuilder
    {
        var policy = new AuthorizationPolicyBuilder(ApiKeyClaims.Scheme)
            .RequireAuthenticatedUser()
            .AddRequirements(new ScopeRequirement(scope))
            .Build();
        builder.WithMetadata(new ScopeMetadata(scope));
        builder.RequireAuthorization(policy);
        return builder;
    }
}
