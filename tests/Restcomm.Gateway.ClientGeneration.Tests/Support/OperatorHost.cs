using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.ClientGeneration.Tests.Support;

/// <summary>
/// One organisation's real API host (API keys, scopes, idempotency, store, projection) in memory, its EIR calls going
/// to a ledger in the test process and its blocks coming from that ledger.
/// </summary>
internal sealed class OperatorHost(IEirLedgerClient ledger, IBlockFeed blocks, string mspId) : WebApplicationFactory<EirProjection>
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("client-generation-").FullName;

    /// <summary>An HTTP client carrying a new key of this organisation with <paramref name="scopes"/>.</summary>
    public async Task<HttpClient> HttpClientAsync(params string[] scopes)
    {
        var store = Services.GetRequiredService<GatewayStore>();
        var key = await store.ApiKeys.CreateAsync(mspId, "generated-client", scopes, [], CancellationToken.None).WaitAsync(Timeout);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Token);
        client.Timeout = Timeout;
        return client;
    }

    /// <summary>Waits until the read model reflects every block below <paramref name="height"/>.</summary>
    public Task CaughtUpAsync(long height)
        => Services.GetRequiredService<EirProjection>().WaitForHeightAsync(height, CancellationToken.None).WaitAsync(Timeout);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Gateway:DataDirectory", _dataDirectory);
        builder.UseSetting("Gateway:MspId", mspId);
        builder.UseSetting("Gateway:LogFormat", "text");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Fabric:NetworkFile", Path.Combine(_dataDirectory, "no-network.json"));

        // A connection on the eir channel whose blocks come from the in-process ledger (no peer is dialled).
        builder.UseSetting("Fabric:GatewayEndpoint", "127.0.0.1:1");
        builder.UseSetting("Fabric:ClientCertFile", Path.Combine(_dataDirectory, "cert.pem"));
        builder.UseSetting("Fabric:ClientKeyFile", Path.Combine(_dataDirectory, "key.pem"));
        builder.UseSetting("Fabric:Channels:0:Name", "eir");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(ledger);
            services.AddSingleton(blocks);
        });
    }
}
