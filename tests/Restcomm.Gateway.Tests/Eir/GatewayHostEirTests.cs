using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Tests.Eir;

/// <summary>
/// The real API host (API keys, scopes, store, projection) of two operators, in memory, over one in-process
/// ledger running the real eir contract.
/// </summary>
public sealed class GatewayHostEirTests : IAsyncLifetime
{
    private const string Device = "352099001761481";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly InProcessEirLedger _ledger;
    private readonly OperatorApi _operatorA;
    private readonly OperatorApi _operatorB;

    public GatewayHostEirTests()
    {
        _ledger = new InProcessEirLedger(_clock);
        _operatorA = new OperatorApi(_ledger.As(TestIdentity.Create("Org1MSP")), _ledger, "Org1MSP");
        _operatorB = new OperatorApi(_ledger.As(TestIdentity.Create("Org2MSP")), _ledger, "Org2MSP");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _operatorA.DisposeAsync();
        await _operatorB.DisposeAsync();
    }

    [Fact]
    public async Task Check_without_an_api_key_is_401()
    {
        using var client = _operatorA.CreateClient();

        using var response = await client.GetAsync(new Uri($"/v1/eir/check/{Device}", UriKind.Relative)).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Read_only_key_cannot_report()
    {
        using var client = await _operatorA.ClientAsync("eir:read");

        using var response = await client.PostAsJsonAsync("/v1/eir/entries", new { target = Device, reason = "stolen" }).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, _ledger.Height - 1);
    }

    [Fact]
    public async Task Operator_A_reports_B_sees_it_black_listed_B_cannot_clear_it_A_can()
    {
        using var a = await _operatorA.ClientAsync("eir:read", "eir:write");
        using var b = await _operatorB.ClientAsync("eir:read", "eir:write");

        using var reported = await a.PostAsJsonAsync("/v1/eir/entries", new { target = Device, reason = "stolen" }).WaitAsync(Timeout);
        await _operatorB.CaughtUpAsync(_ledger.Height);
        var seen = await Json(await b.GetAsync(new Uri($"/v1/eir/check/{Device}", UriKind.Relative)).WaitAsync(Timeout));
        using var refused = await b.DeleteAsync(new Uri($"/v1/eir/entries/{Device}", UriKind.Relative)).WaitAsync(Timeout);
        var refusal = await Json(refused);
        using var cleared = await a.DeleteAsync(new Uri($"/v1/eir/entries/{Device}", UriKind.Relative)).WaitAsync(Timeout);
        await _operatorB.CaughtUpAsync(_ledger.Height);
        var after = await Json(await b.GetAsync(new Uri($"/v1/eir/check/{Device}", UriKind.Relative)).WaitAsync(Timeout));

        Assert.Equal(HttpStatusCode.Created, reported.StatusCode);
        Assert.Equal("blackListed", (string?)seen["status"]);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(EirEndpoints.ForbiddenProblem, (string?)refusal["type"]);
        Assert.Contains("owned by Org1MSP", (string?)refusal["detail"], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        Assert.Equal("whiteListed", (string?)after["status"]);
    }

    [Theory]
    [InlineData("Org2MSP' OR 1=1--", "not an MSP ID")]
    [InlineData("Org9MSP", "not a member of the eir channel")]
    public async Task Delegating_to_a_non_member_is_400_and_nothing_reaches_the_ledger(string candidate, string why)
    {
        using var a = await _operatorA.ClientAsync("eir:read", "eir:write");
        var height = _ledger.Height;

        using var refused = await a.PostAsJsonAsync("/v1/eir/delegations", new { @delegate = candidate }).WaitAsync(Timeout);
        var problem = await Json(refused);

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(EirEndpoints.InvalidProblem, (string?)problem["type"]);
        Assert.Contains(why, (string?)problem["detail"], StringComparison.Ordinal);
        Assert.Equal(height, _ledger.Height);
    }

    private static async Task<JsonNode> Json(HttpResponseMessage response)
    {
        using (response)
        {
            return JsonNode.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Timeout))!;
        }
    }

    /// <summary>Gives every POST a fresh Idempotency-Key, as the API requires.</summary>
    private sealed class IdempotencyKeys : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post)
            {
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            }

            return base.SendAsync(request, cancellationToken);
        }
    }

    private sealed class OperatorApi(IEirLedgerClient ledger, IBlockFeed blocks, string mspId) : WebApplicationFactory<EirProjection>
    {
        private readonly string _dataDirectory = Directory.CreateTempSubdirectory("eir-host-").FullName;

        public async Task<HttpClient> ClientAsync(params string[] scopes)
        {
            var store = Services.GetRequiredService<GatewayStore>();
            var key = await store.ApiKeys.CreateAsync(mspId, "test", scopes, [], CancellationToken.None).WaitAsync(Timeout);
            var client = CreateDefaultClient(new IdempotencyKeys());
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Token);
            return client;
        }

        public Task CaughtUpAsync(long height)
            => Services.GetRequiredService<EirProjection>().WaitForHeightAsync(height, CancellationToken.None).WaitAsync(Timeout);

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Directory.Delete(_dataDirectory, recursive: true);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Gateway:DataDirectory", _dataDirectory);
            builder.UseSetting("Gateway:MspId", mspId);
            builder.UseSetting("Gateway:LogFormat", "text");
            builder.UseSetting("Fabric:NetworkFile", Path.Combine(_dataDirectory, "no-network.json"));

            // A connection on the eir channel whose blocks come from the in-process ledger (no peer is dialled).
            builder.UseSetting("Fabric:GatewayEndpoint", "127.0.0.1:1");
            builder.UseSetting("Fabric:ClientCertFile", Path.Combine(_dataDirectory, "cert.pem"));
            builder.UseSetting("Fabric:ClientKeyFile", Path.Combine(_dataDirectory, "key.pem"));
            builder.UseSetting("Fabric:Channels:0:Name", "eir");
            builder.UseSetting("Fabric:Channels:0:Members:0", "Org1MSP");
            builder.UseSetting("Fabric:Channels:0:Members:1", "Org2MSP");
            builder.UseSetting("Fabric:Channels:0:Members:2", "Org3MSP");
            builder.ConfigureTestServices(services =>
            {
                services.AddSingleton(ledger);
                services.AddSingleton(blocks);
            });
        }
    }
}
