namespace Restcomm.Gateway.Api.Internal;

/// <summary>Serves the browsable API reference (<c>/docs</c>) from embedded files and the problem-type list.</summary>
internal static class ReferencePage
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => Results.Redirect("/docs")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/docs", () => Serve("index.html", "text/html; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/docs/reference.js", () => Serve("reference.js", "text/javascript; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/docs/reference.css", () => Serve("reference.css", "text/css; charset=utf-8")).ExcludeFromDescription().AllowAnonymous();
        app.MapGet("/problems", (EndpointDataSource endpoints) => TypedResults.Ok(
                LedgerProblemExtensions.AllProblemTypes(endpoints.Endpoints).Select(t => new ProblemTypeResponse(t.Uri, t.Status, t.Title)).ToList()))
            .WithName("ListProblemTypes").WithTags("Reference").WithSummary("Every problem type the API can return.").AllowAnonymous();
    }

    /// <summary>A problem type: its URI, the status it comes with and its title.</summary>
    internal sealed record ProblemTypeResponse(string Type, int Status, string Title);

    private static IResult Serve(string name, string contentType)
    {
        var stream = typeof(ReferencePage).Assembly.GetManifestResourceStream("Reference." + name);
        return stream is null ? Results.NotFound() : Results.Stream(stream, contentType);
    }
}
