using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Restcomm.Gateway.Api.Audit;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Api.Endpoints;
using Restcomm.Gateway.Api.Feeds;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Api.Numbers;
using Restcomm.Gateway.Api.Peering;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Api.Roaming.TapFiles;
using Restcomm.Gateway.Api.Settlement;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api;

/// <summary>Builds the REST API host: services, middleware order and endpoint groups.</summary>
internal static class GatewayHost
{
    // Framework endpoints mapped for every method are narrowed to GET/HEAD: anonymous means read-only.
    private static readonly Microsoft.AspNetCore.Routing.HttpMethodMetadata ReadOnlyMethods = new(["GET", "HEAD"]);

    /// <summary>Why the host could not start, in one line: the address in use, or the message of what failed.</summary>
    public static string DescribeStartupFailure(Exception e)
    {
        if (e is IOException { InnerException: Microsoft.AspNetCore.Connections.AddressInUseException } inUse)
        {
            return inUse.Message + " (another process listens there: choose another port with --urls)";
        }

        // The error itself, not the wrappers around it (a failed service factory, an aggregate of one).
        while (e is AggregateException { InnerExceptions.Count: 1 } or System.Reflection.TargetInvocationException && e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e.Message;
    }

    /// <summary>Builds the host and opens its store (migrations applied) without blocking a thread on it.</summary>
    public static async Task<WebApplication> BuildAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateBuilder(args);
        BuildTimeOpenApi.Configure(builder);
        ConfigureServices(builder);
        var app = builder.Build();
        await app.Services.GetRequiredService<StoreOpener>().OpenAsync(cancellationToken).ConfigureAwait(false);
        ConfigurePipeline(app);
        return app;
    }

    private static void ConfigureServices(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.Section));
        services.AddOptions<FabricOptions>().Bind(builder.Configuration.GetSection(FabricOptions.Section));
        var gateway = builder.Configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();

        ConfigureLogging(builder, gateway);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // RequestLimitsMiddleware narrows this per request to the endpoint's own limit.
            kestrel.Limits.MaxRequestBodySize = Math.Max(gateway.MaxRequestBodyBytes, gateway.MaxBulkRequestBodyBytes);
            kestrel.Limits.MaxRequestHeadersTotalSize = RequestEnvelopeMiddleware.ServerHeaderLimit;
            kestrel.Limits.MaxRequestLineSize = RequestEnvelopeMiddleware.ServerRequestLineLimit;
        });

        services.AddSingleton(TimeProvider.System);
        // The store is opened (and migrated) asynchronously by BuildAsync before anything resolves it.
        services.AddSingleton<StoreOpener>();
        services.AddSingleton(sp => sp.GetRequiredService<StoreOpener>().Store);

        // Fabric: resolved once; without a connection the API still serves keys, docs and health (not ready).
        services.AddSingleton(sp => new FabricConnectionHolder(FabricConnection.Resolve(
            sp.GetRequiredService<IOptions<FabricOptions>>().Value,
            sp.GetRequiredService<IOptions<GatewayOptions>>().Value.MspId,
            builder.Environment.ContentRootPath)));
        FabricServices.Add(services);
        services.AddEir();
        services.AddSingleton<IEirLedgerClient, FabricEirLedgerClient>();

        // Read models: one engine follows each channel's blocks for every projection (see gateway/README.md).
        services.AddSingleton<IProjection, LedgerEventsProjection>();
        services.AddSingleton<IProjection, RoamingProjection>();
        services.AddSingleton<RoamingReadModel>();
        services.AddOptions<RoamingOptions>().Bind(builder.Configuration.GetSection(RoamingOptions.Section));
        services.AddScoped<RoamingConsortium>();
        services.AddScoped<RoamingLedgerClient>();
        services.AddTapUploads(builder.Configuration);
        services.AddSingleton<IProjection, SettlementProjection>();
        services.AddSingleton<SettlementReadModel>();
        services.AddNumbers(builder.Configuration);
        services.AddAudit(builder.Configuration);
        if (gateway.IsRegulatorProfile)
        {
            // A reader activates nothing: ports are the providers' to activate.
            services.PostConfigure<NumbersOptions>(o => o.ActivateDuePorts = false);
        }

        services.AddPeering(builder.Configuration);
        services.AddSingleton(sp => new ProjectionEngine(sp.GetRequiredService<GatewayStore>(), sp.GetRequiredService<IBlockFeed>(), sp.GetServices<IProjection>()));
        services.AddHostedService<ProjectionService>();
        services.AddHostedService<IdempotencyPurgeService>();
        services.AddChangeFeeds(builder.Configuration);

        services.AddSingleton<ApiKeyCache>();
        services.AddOptions<RateLimitOptions>().Bind(builder.Configuration.GetSection(RateLimitOptions.Section));
        services.AddAuthentication(ApiKeyClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyClaims.Scheme, null);
        services.AddAuthorization();
        services.AddSingleton<IAuthorizationHandler, ScopeAuthorizationHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, ProblemAuthorizationResultHandler>();

        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new PrintableStringConverter());
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        });
        services.AddProblemDetails();
        services.AddOpenApi("v1", OpenApiSetup.Configure);

        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: ["ready"])
            .AddCheck<PeerHealthCheck>("peer", tags: ["ready"]);

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("restcomm-gateway-api", serviceInstanceId: gateway.MspId))
            .WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(GatewayMetrics.MeterName, ProjectionEngine.MeterName)
            .AddPrometheusExporter());
    }

    private static void ConfigureLogging(WebApplicationBuilder builder, GatewayOptions gateway)
    {
        builder.Logging.ClearProviders();
        if (string.Equals(gateway.LogFormat, "text", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }
        else
        {
            builder.Logging.AddJsonConsole(o =>
            {
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        }

        // The framework's request lines carry raw paths and query strings, which may hold IMEIs or
        // numbers; RequestLogMiddleware logs route templates instead.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Mvc", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Authentication", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Authorization", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Result", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Diagnostics.ExceptionHandlerMiddleware", LogLevel.Critical);
    }

    private static void ConfigurePipeline(WebApplication app)
    {
        app.UseMiddleware<RequestEnvelopeMiddleware>();
        app.UseMiddleware<RequestLogMiddleware>();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = ExceptionMapping.HandleAsync,
            SuppressDiagnosticsCallback = c => c.Exception is BadHttpRequestException or LedgerException,
        });
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            if (http.Response.ContentLength is null or 0 && string.IsNullOrEmpty(http.Response.ContentType))
            {
                var type = ProblemTypes.ForStatus(http.Response.StatusCode);
                await Problems.WriteAsync(http, type, type.Status switch
                {
                    404 => $"Nothing is served at {http.Request.Path}; see /docs for the API reference.",
                    405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
                    _ => type.Title + ".",
                }).ConfigureAwait(false);
            }
        });
        app.UseRouting();
        app.UseMiddleware<RequestLimitsMiddleware>();
        app.UseAuthentication();
        app.UseMiddleware<RateLimitMiddleware>();
        app.UseAuthorization();
        app.UseMiddleware<IdempotencyMiddleware>();

        var v1 = app.MapGroup("/v1");
        v1.AddEndpointFilter(LedgerProblemExtensions.AnswerLedgerFailuresAsProblems);
        LedgerEndpoints.Map(v1);
        KeyEndpoints.Map(v1);
        v1.MapEirEndpoints();
        v1.MapRoamingEndpoints();
        v1.MapSettlementEndpoints();
        v1.MapNumbersEndpoints();
        v1.MapAuditEndpoints();
        v1.MapPeeringEndpoints();
        v1.MapChangeFeeds();
        v1.MapWebhookEndpoints();
        if (app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.IsRegulatorProfile)
        {
            // The regulator's API: the same read routes, no write route at all (404/405 rather than 403), and the dashboard.
            ReadRoutesOnly.Apply(app);
            DashboardPage.Map(app);
        }

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        ReferencePage.Map(app);
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous().WithMetadata(ReadOnlyMethods);
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = HealthResponse.WriteAsync }).AllowAnonymous().WithMetadata(ReadOnlyMethods);
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous().WithMetadata(ReadOnlyMethods);

        var violations = EndpointAudit.FindViolations(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints));
        if (violations.Count > 0)
        {
            throw new InvalidOperationException("Endpoint rules violated:\n" + string.Join('\n', violations));
        }
    }
}

/// <summary>Opens the configured store once, asynchronously, at start-up; the store is then a plain singleton.</summary>
internal sealed class StoreOpener(IOptions<GatewayOptions> options, TimeProvider clock, IHostEnvironment environment)
{
    private GatewayStore? _store;

    public GatewayStore Store => _store ?? throw new InvalidOperationException("The gateway store is opened by GatewayHost.BuildAsync before the host starts.");

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var dataDirectory = Path.GetFullPath(options.Value.DataDirectory, environment.ContentRootPath);
        var location = StoreLocation.Parse(options.Value.Store, dataDirectory);
        _store = await GatewayStore.OpenAsync(location, cancellationToken, clock).ConfigureAwait(false);
    }
}
