namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// Serves the dashboard (<c>/dashboard</c>): a static page, its script and style, and the chart library, all embedded
/// in the API (no CDN). The page asks for an API key and reads <c>/v1/audit/dashboard</c> with it.
/// </summary>
internal static class DashboardPage
{
    private static readonly Microsoft.AspNetCore.Routing.HttpMethodMetadata ReadOnlyMethods = new(["GET", "HEAD"]);

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/dashboard", () => Serve("index.html", "text/html; charset=utf-8")).ExcludeFromDescription().AllowAnonymous().WithMetadata(ReadOnlyMethods);
        foreach (var (name, type) in new[]
                 {
                     ("dashboard.js", "text/javascript; charset=utf-8"), ("dashboard.css", "text/css; charset=utf-8"), ("chart.umd.min.js", "text/javascript; charset=utf-8"),
                 })
        {
            app.MapGet("/dashboard/" + name, () => Serve(name, type)).ExcludeFromDescription().AllowAnonymous().WithMetadata(ReadOnlyMethods);
        }
    }

    private static IResult Serve(string name, string contentType)
    {
        var stream = typeof(DashboardPage).Assembly.GetManifestResourceStream("Dashboard." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
