using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Metadata;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// A JSON answer written with a bounded context's own serializer settings (e.g. the EIR's: nulls left out, as on the
/// ledger) that, like <see cref="Microsoft.AspNetCore.Http.HttpResults.Ok{TValue}"/>, declares its status and schema to
/// the OpenAPI document when it appears in a handler's <c>Results&lt;…&gt;</c>.
/// </summary>
internal abstract class JsonAnswer<TValue>(TValue value, JsonSerializerOptions options, int status)
    : IResult, IStatusCodeHttpResult, IValueHttpResult<TValue>, IValueHttpResult, IContentTypeHttpResult
{
    public TValue Value => value;

    object? IValueHttpResult.Value => value;

    public int? StatusCode => status;

    public string ContentType => "application/json; charset=utf-8";

    public virtual Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = status;
        return httpContext.Response.WriteAsJsonAsync(value, options, ContentType, httpContext.RequestAborted);
    }

    protected static void Describe(EndpointBuilder builder, int status)
        => builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(TValue), ["application/json"]));
}

/// <summary>200 with a JSON body in the context's settings.</summary>
internal sealed class OkJson<TValue>(TValue value, JsonSerializerOptions options)
    : JsonAnswer<TValue>(value, options, StatusCodes.Status200OK), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status200OK);
}

/// <summary>201 with a JSON body in the context's settings.</summary>
internal sealed class CreatedJson<TValue>(TValue value, JsonSerializerOptions options)
    : JsonAnswer<TValue>(value, options, StatusCodes.Status201Created), IEndpointMetadataProvider
{
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status201Created);
}

/// <summary>202 with a JSON body in the context's settings and a <c>Location</c> to follow the work it accepted.</summary>
internal sealed class AcceptedJson<TValue>(string location, TValue value, JsonSerializerOptions options)
    : JsonAnswer<TValue>(value, options, StatusCodes.Status202Accepted), IEndpointMetadataProvider
{
    /// <summary>Where the accepted work can be followed.</summary>
    public string Location => location;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) => Describe(builder, StatusCodes.Status202Accepted);

    public override Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.Headers.Location = location;
        return base.ExecuteAsync(httpContext);
    }
}
