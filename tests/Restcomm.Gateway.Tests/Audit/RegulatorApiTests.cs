using System.Net;
using System.Text;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Audit;

/// <summary>The same API host started for the regulator (read routes only) and for an operator.</summary>
public sealed class RegulatorApiTests : IAsyncLifetime
{
    private readonly GatewayApiFactory _regulator = new(mspId: "RegulatorMSP");
    private readonly GatewayApiFactory _operator = new(mspId: "Org1MSP");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _regulator.DisposeAsync();
        await _operator.DisposeAsync();
        GatewayApiFactory.DeleteDirectory(_regulator.DataDirectory);
        GatewayApiFactory.DeleteDirectory(_operator.DataDirectory);
    }

    [Theory]
    [InlineData("POST", "/v1/eir/entries")]
    [InlineData("DELETE", "/v1/eir/entries/356044401805781%7Cblack%7CRegulatorMSP")]
    [InlineData("POST", "/v1/numbers")]
    [InlineData("POST", "/v1/roaming/agreements")]
    [InlineData("POST", "/v1/ledger/audit/audit/submit")]
    [InlineData("POST", "/v1/keys")]
    [InlineData("POST", "/v1/webhooks")]
    [InlineData("POST", "/v1/audit/anchors")]
    public async Task A_write_route_does_not_exist_on_the_regulator_api_rather_than_answer_403(string method, string path)
    {
        using var client = await _regulator.ClientWithKeyAsync(ApiScopes.ReadOnly.ToArray());
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());

        using var response = await client.SendAsync(request).WaitAsync(GatewayApiFactory.Timeout);

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
    }

    [Fact]
    public async Task The_regulator_api_serves_its_read_routes_and_the_dashboard_with_its_chart_library()
    {
        using var client = await _regulator.ClientWithKeyAsync(ApiScopes.AuditRead, ApiScopes.EirRead);
        using var anonymous = _regulator.CreateClient();

        var anchors = await client.GetAsync("/v1/audit/anchors").WaitAsync(GatewayApiFactory.Timeout);
        var dashboard = await client.GetAsync("/v1/audit/dashboard?from=2026-01-01&to=2026-01-31").WaitAsync(GatewayApiFactory.Timeout);
        var me = await client.GetAsync("/v1/me").WaitAsync(GatewayApiFactory.Timeout);
        var feed = await client.GetAsync("/v1/eir/changes").WaitAsync(GatewayApiFactory.Timeout);
        var page = await anonymous.GetAsync("/dashboard").WaitAsync(GatewayApiFactory.Timeout);
        var chart = await anonymous.GetStringAsync("/dashboard/chart.umd.min.js").WaitAsync(GatewayApiFactory.Timeout);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (anchors.StatusCode, dashboard.StatusCode, me.StatusCode, feed.StatusCode));
        Assert.Equal(31, System.Text.Json.JsonDocument.Parse(await dashboard.Content.ReadAsStringAsync()).RootElement.GetProperty("days").GetArrayLength());
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("chart.umd.min.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Chart", chart[..Math.Min(chart.Length, 2000)], StringComparison.Ordinal);
        Assert.True(chart.Length > 100_000, "the library itself is served, not a placeholder");
    }

    [Fact]
    public async Task The_regulator_api_has_every_applications_read_routes_and_its_openapi_document_lists_no_write()
    {
        using var client = await _regulator.ClientWithKeyAsync(ApiScopes.ReadOnly.ToArray());

        var eir = await client.GetAsync("/v1/eir/devices/356044401805781").WaitAsync(GatewayApiFactory.Timeout);
        var agreements = await client.GetAsync("/v1/roaming/agreements").WaitAsync(GatewayApiFactory.Timeout);
        var lookup = await client.PostAsync("/v1/numbers/lookup", new StringContent("""{"numbers":["+447700900123"]}""", Encoding.UTF8, "application/json")).WaitAsync(GatewayApiFactory.Timeout);
        var document = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json").WaitAsync(GatewayApiFactory.Timeout)).RootElement;

        Assert.NotEqual(HttpStatusCode.NotFound, eir.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, agreements.StatusCode);
        Assert.NotEqual(HttpStatusCode.NotFound, lookup.StatusCode);
        Assert.NotEqual(HttpStatusCode.MethodNotAllowed, lookup.StatusCode);
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => $"{op.Name.ToUpperInvariant()} {path.Name}"))
            .ToList();
        Assert.Contains("GET /v1/eir/devices/{imei}", operations);
        Assert.Contains("POST /v1/numbers/lookup", operations);
        Assert.Contains("POST /v1/ledger/{channel}/{chaincode}/evaluate", operations);
        Assert.DoesNotContain("POST /v1/ledger/{channel}/{chaincode}/submit", operations);
        Assert.DoesNotContain("POST /v1/eir/entries", operations);
        Assert.DoesNotContain(operations, op => op.StartsWith("DELETE ", StringComparison.Ordinal) || op.StartsWith("PUT ", StringComparison.Ordinal) || op.StartsWith("PATCH ", StringComparison.Ordinal));
        Assert.DoesNotContain(operations, op => op.Contains("/v1/keys", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Audit_reads_need_the_audit_scope_and_bad_dates_or_unknown_anchors_are_4xx()
    {
        using var eirOnly = await _regulator.ClientWithKeyAsync(ApiScopes.EirRead);
        using var client = await _regulator.ClientWithKeyAsync(ApiScopes.AuditRead);

        var refused = await eirOnly.GetAsync("/v1/audit/anchors").WaitAsync(GatewayApiFactory.Timeout);
        var badDate = await client.GetAsync("/v1/audit/dashboard?from=2026-13-01").WaitAsync(GatewayApiFactory.Timeout);
        var reversed = await client.GetAsync("/v1/audit/dashboard?from=2026-02-01&to=2026-01-01").WaitAsync(GatewayApiFactory.Timeout);
        var unknown = await client.GetAsync("/v1/audit/anchors/eir~eir~eir-changes~0-9/verification").WaitAsync(GatewayApiFactory.Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (badDate.StatusCode, reversed.StatusCode));
        Assert.Contains("audit-invalid", await badDate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("audit-not-found", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_api_has_the_audit_reads_and_its_writes_but_no_dashboard()
    {
        using var client = await _operator.ClientWithKeyAsync(ApiScopes.AuditRead);

        var anchors = await client.GetAsync("/v1/audit/anchoring").WaitAsync(GatewayApiFactory.Timeout);
        var page = await client.GetAsync("/dashboard").WaitAsync(GatewayApiFactory.Timeout);

        Assert.Equal(HttpStatusCode.OK, anchors.StatusCode);
        Assert.Contains("\"enabled\":true", await anchors.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
    }
}
