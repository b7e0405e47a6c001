using Microsoft.AspNetCore.Authorization;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Start-up check of the rules every endpoint must follow: it declares a scope (or any-key) via
/// <see cref="ScopeEndpointExtensions"/>; only GET/HEAD endpoints may be anonymous (health, metrics,
/// documentation), so nothing writes anonymously; a POST marked read-only (exempt from Idempotency-Key) needs a read
/// scope, so no write escapes idempotency. A violation stops the host from starting.
/// </summary>
internal static class EndpointAudit
{
    public static IReadOnlyList<string> FindViolations(IEnumerable<Endpoint> endpoints)
    {
        var violations = new List<string>();
        foreach (var endpoint in endpoints.OfType<RouteEndpoint>())
        {
            var route = endpoint.RoutePattern.RawText ?? endpoint.DisplayName ?? "?";
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"];
            var scope = endpoint.Metadata.GetMetadata<ScopeMetadata>();
            var anonymous = endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
            if (scope is { IsWrite: true } && endpoint.Metadata.IsReadOnlyPost())
            {
                violations.Add($"{string.Join(',', methods)} {route} is marked read-only but requires the write scope {scope.Scope}.");
                continue;
            }

            if (scope is not null && !anonymous)
            {
                continue;
            }

            if (scope is not null && anonymous)
            {
                violations.Add($"{string.Join(',', methods)} {route} declares a scope but also allows anonymous access.");
            }
            else if (!anonymous)
            {
                violations.Add($"{string.Join(',', methods)} {route} declares no scope (use RequireScope or RequireApiKey).");
            }
            else if (methods.Any(m => m is not ("GET" or "HEAD")) && !(endpoint.Metadata.GetMetadata<OwnAuthenticationMetadata>() is not null && endpoint.Metadata.IsReadOnlyPost()))
            {
                violations.Add($"{string.Join(',', methods)} {route} is anonymous but not read-only; nothing may write anonymously.");
            }
        }

        return violations;
    }
}
