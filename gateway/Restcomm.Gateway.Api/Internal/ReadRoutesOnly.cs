using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Primitives;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// The regulator's API: every application group is mapped as for an operator, then each endpoint that could change
/// anything is taken out of routing (and so out of the OpenAPI document), so a write is not there to be refused and
/// answers 404 or 405. An endpoint stays when it needs no write scope and is a GET/HEAD or a POST marked
/// <see cref="ReadOnlyPostMetadata">read-only</see> (evaluate, bulk lookups, proof checks).
/// </summary>
internal static class ReadRoutesOnly
{
    /// <summary>Replaces each of <paramref name="routes"/>' data sources with one that serves its read endpoints.</summary>
    public static void Apply(IEndpointRouteBuilder routes)
    {
        var sources = routes.DataSources.ToList();
        routes.DataSources.Clear();
        foreach (var source in sources)
        {
            routes.DataSources.Add(new ReadEndpointDataSource(source));
        }
    }

    /// <summary>Whether <paramref name="endpoint"/> only reads.</summary>
    public static bool IsRead(Endpoint endpoint)
    {
        var scope = endpoint.Metadata.GetMetadata<ScopeMetadata>();
        if (scope is { IsWrite: true })
        {
            return false;
        }

        var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods;
        if (methods is null || methods.Count == 0)
        {
            return scope is null && endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null;
        }

        return methods.All(m => m is "GET" or "HEAD") || endpoint.Metadata.IsReadOnlyPost();
    }

    private sealed class ReadEndpointDataSource(EndpointDataSource inner) : EndpointDataSource
    {
        public override IReadOnlyList<Endpoint> Endpoints => inner.Endpoints.Where(IsRead).ToList();

        public override IReadOnlyList<Endpoint> GetGroupedEndpoints(RouteGroupContext context) => inner.GetGroupedEndpoints(context).Where(IsRead).ToList();

        public override IChangeToken GetChangeToken() => inner.GetChangeToken();
    }
}
