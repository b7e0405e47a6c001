using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Tests.Api;

public sealed class OperationsTests : ApiTestBase
{
    [Fact]
    public async Task Healthz_answers_without_a_key_while_the_process_runs()
    {
        Factory.Probe.Problem = "peer down";
        var client = Factory.CreateClient();

        var response = await client.GetAsync("/healthz").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Readyz_fails_with_the_reason_when_the_peer_is_unreachable_and_passes_when_it_is_back()
    {
        var client = Factory.CreateClient();
        Factory.Probe.Problem = "peer 127.0.0.1:7101 is unreachable: ConnectionRefused";

        var down = await client.GetAsync("/readyz").WaitAsync(Timeout);
        var downBody = await down.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Factory.Probe.Problem = null;
        var up = await client.GetAsync("/readyz").WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("ConnectionRefused", downBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, up.StatusCode);
    }

    [Fact]
    public async Task The_tls_probe_reports_a_peer_that_does_not_listen()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var probe = new TlsPeerProbe(new FabricConnection("Org1MSP", $"127.0.0.1:{port}", null, null, "c", "k", []), TimeSpan.FromSeconds(2));

        var problem = await probe.ProbeAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.NotNull(problem);
        Assert.Contains($"127.0.0.1:{port}", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_are_served_in_prometheus_format_with_request_counts_by_route()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerRead);
        await client.GetAsync("/v1/ledger/channels").WaitAsync(Timeout);

        string text = "";
        for (var i = 0; i < 20 && !text.Contains("/v1/ledger/channels", StringComparison.Ordinal); i++)
        {
            // The exporter caches a scrape briefly; ask again until the request shows up.
            await Task.Delay(250);
            text = await Factory.CreateClient().GetStringAsync("/metrics").WaitAsync(Timeout);
        }

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains("http_route=\"/v1/ledger/channels\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_openapi_document_names_the_scope_of_every_keyed_operation()
    {
        var client = Factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json").WaitAsync(Timeout);

        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => (Path: p.Name, Method: o.Name, Op: o.Value)))
            .Where(o => o.Path.StartsWith("/v1/", StringComparison.Ordinal))
            .ToList();
        Assert.NotEmpty(operations);
        Assert.All(operations, o => Assert.True(o.Op.TryGetProperty("x-required-scope", out _), $"{o.Method} {o.Path} has no scope"));
        var submit = document.GetProperty("paths").GetProperty("/v1/ledger/{channel}/{chaincode}/submit").GetProperty("post");
        Assert.Equal("ledger:write", submit.GetProperty("x-required-scope").GetString());
        Assert.Contains(submit.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "Idempotency-Key");
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("apiKey", out _));
    }

    [Fact]
    public async Task The_reference_page_is_served_by_the_app_with_no_external_resources()
    {
        var client = Factory.CreateClient();

        var html = await client.GetStringAsync("/docs").WaitAsync(Timeout);
        var script = await client.GetStringAsync("/docs/reference.js").WaitAsync(Timeout);
        var problems = await client.GetFromJsonAsync<JsonElement>("/problems").WaitAsync(Timeout);

        Assert.Contains("/openapi/v1.json", script, StringComparison.Ordinal);
        Assert.DoesNotContain("http://", html + script, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html + script, StringComparison.Ordinal);
        Assert.Contains(problems.EnumerateArray(), p => p.GetProperty("type").GetString() == "urn:restcomm:problem:insufficient-scope");
    }

    [Fact]
    public void Every_endpoint_of_the_app_declares_a_scope_or_is_an_anonymous_read()
    {
        var endpoints = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints;

        Assert.Empty(EndpointAudit.FindViolations(endpoints));
        Assert.Contains(endpoints.OfType<RouteEndpoint>(), e => e.RoutePattern.RawText == "/v1/ledger/{channel}/{chaincode}/submit" && e.Metadata.GetMetadata<ScopeMetadata>()?.Scope == ApiScopes.LedgerWrite);
    }

    [Fact]
    public void Every_post_that_needs_only_a_read_scope_is_exempt_from_idempotency_keys_and_no_other_is()
    {
        var posts = Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Contains("POST") == true)
            .Select(e => (Route: e.RoutePattern.RawText, Scope: e.Metadata.GetMetadata<ScopeMetadata>(), ReadOnly: e.Metadata.IsReadOnlyPost()))
            .ToList();

        Assert.Contains(posts, p => p.Route == "/v1/eir/check" && p.ReadOnly);
        Assert.Contains(posts, p => p.Route == "/v1/ledger/{channel}/{chaincode}/evaluate" && p.ReadOnly);
        Assert.Contains(posts, p => p.Route == "/v1/eir/entries" && !p.ReadOnly);
        // POSTs open to any key of the organisation (webhook subscriptions) declare for themselves: those that change the
        // store take an Idempotency-Key like any write; the audit keeps a write scope from ever being read-only.
        Assert.All(posts.Where(p => p.Scope is { Scope: not null }), p => Assert.True(p.ReadOnly == p.Scope is { IsWrite: false }, $"POST {p.Route} (scope {p.Scope?.Scope}) read-only: {p.ReadOnly}"));
        Assert.Contains(posts, p => p.Route == "/v1/webhooks/" && !p.ReadOnly);
        Assert.Contains(posts, p => p.Route == "/v1/webhooks/{id}/ping" && p.ReadOnly);
    }

    [Fact]
    public async Task The_openapi_document_asks_for_an_idempotency_key_only_on_posts_that_change_something()
    {
        var client = Factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json").WaitAsync(Timeout);

        static bool AsksForKey(JsonElement operation) => operation.TryGetProperty("parameters", out var parameters)
            && parameters.EnumerateArray().Any(p => p.GetProperty("name").GetString() == "Idempotency-Key");
        var paths = document.GetProperty("paths");
        Assert.False(AsksForKey(paths.GetProperty("/v1/eir/check").GetProperty("post")));
        Assert.False(AsksForKey(paths.GetProperty("/v1/ledger/{channel}/{chaincode}/evaluate").GetProperty("post")));
        Assert.True(AsksForKey(paths.GetProperty("/v1/eir/entries").GetProperty("post")));
    }

    [Fact]
    public void The_endpoint_audit_refuses_a_write_marked_read_only()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.MapPost("/v1/sneaky", () => "x").RequireScope(ApiScopes.EirWrite).ReadsOnly();
        app.MapPost("/v1/query", () => "x").RequireScope(ApiScopes.EirRead).ReadsOnly();

        var violations = EndpointAudit.FindViolations(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints));

        var violation = Assert.Single(violations);
        Assert.Contains("/v1/sneaky", violation, StringComparison.Ordinal);
        Assert.Contains("eir:write", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void The_endpoint_audit_refuses_anonymous_writes_and_undeclared_scopes()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddAuthorization();
        var app = builder.Build();
        app.MapPost("/v1/open-door", () => "x").AllowAnonymous();
        app.MapGet("/v1/forgotten", () => "x");
        app.MapGet("/v1/fine", () => "x").RequireScope(ApiScopes.EirRead);

        var violations = EndpointAudit.FindViolations(((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints));

        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.Contains("/v1/open-door", StringComparison.Ordinal) && v.Contains("write anonymously", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("/v1/forgotten", StringComparison.Ordinal) && v.Contains("no scope", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_post_to_an_anonymous_health_endpoint_is_refused()
    {
        var client = Factory.CreateClient();

        var response = await client.PostAsync("/healthz", new StringContent("{}")).WaitAsync(Timeout);

        await ReadProblemAsync(response, 405, "method-not-allowed");
    }
}
