using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Numbers;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Numbers;

/// <summary>One provider's real API host whose ledger is the in-process one, signing as <paramref name="identity"/>, on the test's clock.</summary>
internal sealed class NumbersOperatorApi(InProcessNumbersLedger ledger, string mspId, TestIdentity identity, ManualClock clock) : WebApplicationFactory<NumbersProjection>
{
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("numbers-host-").FullName;

    public async Task<HttpClient> ClientAsync(params string[] scopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await KeyAsync(scopes));
        return client;
    }

    /// <summary>A new API key of this provider with <paramref name="scopes"/>.</summary>
    public async Task<string> KeyAsync(params string[] scopes)
        => (await Services.GetRequiredService<GatewayStore>().ApiKeys.CreateAsync(mspId, "test", scopes, [], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))).Token;

    public Task CaughtUpAsync(long height)
        => Services.GetRequiredService<ProjectionEngine>().WaitForHeightAsync("numbers", InProcessNumbersLedger.Channel, height, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    /// <summary>One round of the port activator (the background loop is off in these hosts so tests drive it).</summary>
    public Task<int> ActivateDuePortsAsync() => Services.GetRequiredService<PortActivator>().ActivateDueAsync(CancellationToken.None);

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
        builder.UseSetting("Fabric:GatewayEndpoint", "127.0.0.1:1");
        builder.UseSetting("Fabric:ClientCertFile", Path.Combine(_dataDirectory, "cert.pem"));
        builder.UseSetting("Fabric:ClientKeyFile", Path.Combine(_dataDirectory, "key.pem"));
        builder.UseSetting("Fabric:Channels:0:Name", InProcessNumbersLedger.Channel);
        builder.UseSetting("Numbers:ActivateDuePorts", "false");
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton(ledger.As(identity));
            services.AddSingleton<IBlockFeed>(ledger);
            services.AddSingleton<TimeProvider>(clock);
        });
    }
}
