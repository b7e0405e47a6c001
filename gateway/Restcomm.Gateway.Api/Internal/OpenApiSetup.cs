using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Shapes the OpenAPI document: the API-key scheme, and on every operation the scope it requires
/// (as a security requirement and <c>x-required-scope</c>), the Idempotency-Key header on POSTs that change something and the
/// problem responses it can return (with the problem schema, so generated clients read them as typed errors); on
/// schemas, what the JSON converters really write.
/// </summary>
internal static class OpenApiSetup
{
    public const string SchemeName = "apiKey";

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Restcomm gateway API",
                Version = "v1",
                Description = "REST access to the Restcomm consortium ledger for one organisation. Authenticate with an API key " +
                    "('Authorization: Bearer <key>' or 'X-Api-Key: <key>'); each operation names the scope it needs. Every POST that changes " +
                    "something needs an 'Idempotency-Key' header (POSTs that only read, such as bulk checks and evaluates, do not). Errors are application/problem+json with a stable 'type' (urn:restcomm:problem:<name>).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "rck_<id>_<secret>",
                Description = "An API key created with 'restcomm keys create'. Also accepted as the X-Api-Key header.",
            };
            return Task.CompletedTask;
        });

        options.AddDocumentTransformer((document, _, _) =>
        {
            PlainNullableReferences(document);
            return Task.CompletedTask;
        });

        options.AddSchemaTransformer((schema, context, _) =>
        {
            DescribeConvertedValue(schema, context);
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var scope = context.Description.ActionDescriptor.EndpointMetadata.OfType<ScopeMetadata>().LastOrDefault();
            if (scope is null && context.Description.ActionDescriptor.EndpointMetadata.OfType<OwnAuthenticationMetadata>().LastOrDefault() is { } own)
            {
                // No API key: the operation authenticates its caller itself (OAuth client credentials or an access token).
                operation.Security = [];
                operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
                operation.Extensions["x-required-scope"] = new JsonNodeExtension(JsonValue.Create("(none: " + own.How + ")"));
                operation.Description = (operation.Description is { Length: > 0 } d0 ? d0 + "\n\n" : "") + $"No API key: {own.How}.";
                return;
            }

            if (scope is null)
            {
                return;
            }

            var problem = await ProblemSchemaAsync(context, cancellationToken).ConfigureAwait(false);

            var requirement = new OpenApiSecurityRequirement
            {
                [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = scope.Scope is null ? [] : [scope.Scope],
            };
            operation.Security = [requirement];
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-required-scope"] = new JsonNodeExtension(JsonValue.Create(scope.Scope ?? "(any valid key)"));
            operation.Description = (operation.Description is { Length: > 0 } d ? d + "\n\n" : "") +
                (scope.Scope is null ? "Requires any valid API key." : $"Requires scope `{scope.Scope}`.");

            operation.Responses ??= new OpenApiResponses();
            AddProblem(operation, problem, "400", "Malformed or invalid request (problem+json).");
            AddProblem(operation, problem, "401", "No API key, or an unknown/revoked one (problem+json).");
            AddProblem(operation, problem, "403", "The key lacks the scope, belongs to another organisation, or may only read (problem+json).");
            AddProblem(operation, problem, "429", "The key made more requests than its rate limit or daily quota allows; retry after the Retry-After seconds (problem+json).");
            var post = string.Equals(context.Description.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase);
            if (post)
            {
                AddProblem(operation, problem, "413", "The body is too large (problem+json).");
            }

            if (post && !context.Description.ActionDescriptor.EndpointMetadata.OfType<ReadOnlyPostMetadata>().Any())
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = IdempotencyMiddleware.HeaderName,
                    In = ParameterLocation.Header,
                    Required = true,
                    Description = "Unique per request (e.g. a UUID). The same key with the same body returns the first response again; with a different body, 409.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = IdempotencyMiddleware.MaxKeyLength },
                });
                AddProblem(operation, problem, "409", "The Idempotency-Key was used for another request, or its first request is still running (problem+json).");
            }

            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<Roaming.ConsortiumChannelMetadata>().LastOrDefault() is { } consortium)
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = Roaming.ConsortiumChannel.QueryName,
                    In = ParameterLocation.Query,
                    Required = false,
                    Description = consortium.DefaultOnly
                        ? "The consortium channel; this operation acts on the API's configured consortium (Roaming:Channel) only, and refuses another with 400."
                        : "The consortium channel to act on (e.g. roaming-apac), one this organisation is a member of; default: the API's configured consortium (Roaming:Channel, roaming-emea). Another is refused with 404 unknown-consortium.",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^roaming-[a-z0-9-]+$" },
                });
                AddProblem(operation, problem, "404", "No such resource, or a consortium channel this organisation is not a member of (problem+json).");
            }

            // Problem answers declared without a schema (e.g. by Produces) get the problem schema too.
            foreach (var response in operation.Responses.Values)
            {
                if (response.Content?.TryGetValue(Problems.ContentType, out var media) == true && media is OpenApiMediaType { Schema: null } declared)
                {
                    declared.Schema = problem;
                }
            }
        });
    }

    private const string ProblemSchemaName = "ProblemDetails";

    private static readonly JsonSerializerOptions OwnConverters = new(JsonSerializerDefaults.Web);

    /// <summary>A reference to the document's problem schema (RFC 9457 members; the API's own, such as <c>traceId</c> and <c>code</c>, are extensions).</summary>
    private static async Task<IOpenApiSchema> ProblemSchemaAsync(OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(ProblemSchemaName) != true)
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), null, cancellationToken).ConfigureAwait(false);
            document.AddComponent(ProblemSchemaName, schema);
        }

        return new OpenApiSchemaReference(ProblemSchemaName, document);
    }

    /// <summary>
    /// Values written by a custom converter (every string passes <see cref="PrintableStringConverter"/>; IMEIs and EIR
    /// targets have their own) come out of the schema generator as "anything"; they are strings. Enums list the names
    /// the serializer writes, which a converter may spell differently from the members (e.g. <c>stolen</c>).
    /// </summary>
    private static void DescribeConvertedValue(OpenApiSchema schema, OpenApiSchemaTransformerContext context)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type.IsEnum && schema.Enum is { Count: > 0 } names)
        {
            // A type's own converter is how the domain's JSON (the chaincode's and the answers') spells it.
            var writer = type.IsDefined(typeof(System.Text.Json.Serialization.JsonConverterAttribute), inherit: false) ? OwnConverters : context.JsonTypeInfo.Options;
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i] is JsonValue name && name.TryGetValue<string>(out var member) && Enum.TryParse(type, member, out var value))
                {
                    names[i] = JsonNode.Parse(JsonSerializer.Serialize(value, type, writer))!;
                }
            }

            schema.Type ??= JsonSchemaType.String;
            return;
        }

        var untyped = schema.Type is null && schema.Enum is not { Count: > 0 } && schema.Properties is not { Count: > 0 } &&
            schema.OneOf is not { Count: > 0 } && schema.AnyOf is not { Count: > 0 } && schema.AllOf is not { Count: > 0 } && schema.Items is null;
        if (!untyped || context.JsonTypeInfo.Kind != JsonTypeInfoKind.None || type == typeof(object) ||
            type == typeof(JsonElement) || typeof(JsonNode).IsAssignableFrom(type))
        {
            return;
        }

        schema.Type = context.JsonPropertyInfo is { IsGetNullable: true } && !type.IsValueType
            ? JsonSchemaType.String | JsonSchemaType.Null
            : JsonSchemaType.String;
    }

    /// <summary>
    /// A property that may be null and refers to a schema is written <c>oneOf: [{type: null}, {$ref}]</c>; client
    /// generators (NSwag) turn that into an empty class. When the referred schema admits null itself (a nullable enum
    /// lists null), the plain reference says the same, and generators read it.
    /// </summary>
    private static void PlainNullableReferences(OpenApiDocument document)
    {
        foreach (var schema in document.Components?.Schemas?.Values ?? [])
        {
            if (schema is not OpenApiSchema { Properties: { Count: > 0 } properties })
            {
                continue;
            }

            foreach (var (name, property) in properties.ToList())
            {
                if (property.OneOf is { Count: 2 } choices &&
                    choices.Any(c => c is OpenApiSchema { Type: JsonSchemaType.Null }) &&
                    choices.OfType<OpenApiSchemaReference>().FirstOrDefault() is { Reference.Id: { } id, Target: { } target } reference &&
                    (target.Type?.HasFlag(JsonSchemaType.Null) == true || target.Enum?.Any(v => v is null) == true))
                {
                    properties[name] = new OpenApiSchemaReference(id, document) { Description = reference.Description ?? property.Description };
                }
            }
        }
    }

    private static void AddProblem(OpenApiOperation operation, IOpenApiSchema problem, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [Problems.ContentType] = new OpenApiMediaType { Schema = problem } },
        };
    }
}
