using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Shapes the OpenAPI document: the API-key scheme, and on every operation the scope it requires
/// (as a security requirement and <c>x-required-scope</c>), the Idempotency-Key header on POSTs that change something and the
/// problem responses it can return.
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

        options.AddOperationTransformer((operation, context, _) =>
        {
            var scope = context.Description.ActionDescriptor.EndpointMetadata.OfType<ScopeMetadata>().LastOrDefault();
            if (scope is null)
            {
                return Task.CompletedTask;
            }

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
            AddProblem(operation, "400", "Malformed or invalid request (problem+json).");
            AddProblem(operation, "401", "No API key, or an unknown/revoked one (problem+json).");
            AddProblem(operation, "403", "The key lacks the scope, belongs to another organisation, or may only read (problem+json).");
            var post = string.Equals(context.Description.HttpMethod, "POST", StringComparison.OrdinalIgnoreCase);
            if (post)
            {
                AddProblem(operation, "413", "The body is too large (problem+json).");
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
                AddProblem(operation, "409", "The Idempotency-Key was used for another request, or its first request is still running (problem+json).");
            }

            return Task.CompletedTask;
        });
    }

    private static void AddProblem(OpenApiOperation operation, string status, string description)
    {
        if (operation.Responses!.ContainsKey(status))
        {
            return;
        }

        operation.Responses[status] = new OpenApiResponse
        {
            Description = description,
            Content = new Dictionary<string, OpenApiMediaType> { [Problems.ContentType] = new OpenApiMediaType() },
        };
    }
}
