using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Tests.Roaming;

/// <summary>One operator's real API host whose ledger is the in-process one, signing as <paramref name="identity"/>.</summary>
internal sealed class RoamingOperatorApi(InProcessRoamingLedger ledger, string mspId, TestIdentity identity) : WebApplicationFactory<RoamingProjection>
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("roaming-host-").FullName;

    public async Task<HttpClient> ClientAsync(params string[] scopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await KeyAsync(scopes));
        return client;
    }

    /// <summary>A new API key of this operator with <paramref name="scopes"/>.</summary>
    public async Task<string> KeyAsync(params string[] scopes)
    {
        var store = Services.GetRequiredService<GatewayStore>();
        return (await store.ApiKeys.CreateAsync(mspId, "test", scopes, [], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Token;
    }

    public Task CaughtUpAsync(long height)
        => Services.GetRequiredService<ProjectionEngine>().WaitForHeightAsync("roaming", InProcessRoamingLedger.Channel, height, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

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
        builder.UseSetting("Fabric:NetworkFile", Path.Combine(_dataDirectory, "no-network.json"));

        // A connection on the roaming channel whose blocks and answers come from the in-process ledger (no peer is dialled).
        builder.UseSetting("Fabric:GatewayEndpoint", "127.0.0.1:1");
        builder.UseSetting("Fabric:ClientCertFile", Path.Combine(_dataDirectory, "cert.pem"));
        builder.UseSetting("Fabric:ClientKeyFile", Path.Combine(_dataDirectory, "key.pem"));
        builder.UseSetting("Fabric:Channels:0:Name", InProcessRoamingLedger.Channel);
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(ledger.As(identity));
            services.AddSingleton<IBlockFeed>(ledger);
            services.AddSingleton<TimeProvider>(TimeProvider.System);
        });
    }
}
