using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Restcomm.Gateway.Api.Numbers;
using Restcomm.Gateway.Store;

namespace Restcomm.Numbers.EndToEnd.Tests.Support;

/// <summary>
/// One provider's real REST API host (the same <c>GatewayHost</c> that <c>make run</c> starts), served by Kestrel on a
/// free 127.0.0.1 port, connected to the dev network through the network.json the network wrote, with its SQLite store
/// in its own folder and its port activator looking for due ports every <see cref="NumbersNetwork.ActivationInterval"/>.
/// </summary>
internal sealed class ProviderApi : WebApplicationFactory<NumbersProjection>
{
    private readonly string _networkJson;

    private ProviderApi(string mspId, string dataDirectory, string networkJson)
    {
        MspId = mspId;
        DataDirectory = dataDirectory;
        _networkJson = networkJson;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string MspId { get; }

    public string DataDirectory { get; }

    /// <summary>http://127.0.0.1:port of the running API.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<ProviderApi> StartAsync(string mspId, string dataDirectory, string networkJson)
    {
        var api = new ProviderApi(mspId, dataDirectory, networkJson);
        try
        {
            await Task.Run(api.StartServer).WaitAsync(NumbersNetwork.Timeout);
            api.BaseAddress = new Uri(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an API key in this API's own store, as <c>restcomm keys create</c> does.</summary>
    public async Task<string> CreateKeyAsync(params string[] scopes)
        => (await Services.GetRequiredService<GatewayStore>().ApiKeys
            .CreateAsync(MspId, "numbers-e2e", scopes, ApiScopes.DefaultReadOnlyOrganisations, CancellationToken.None).WaitAsync(NumbersNetwork.Timeout)).Token;

    /// <summary>A plain HTTP client (real sockets) to this API, authenticated with <paramref name="apiKey"/>.</summary>
    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = NumbersNetwork.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Waits until this API's index reflects every block below <paramref name="blockHeight"/>.</summary>
    public Task CaughtUpAsync(long blockHeight)
        => Services.GetRequiredService<NumbersProjection>().WaitForHeightAsync(blockHeight, CancellationToken.None).WaitAsync(NumbersNetwork.Timeout);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Gateway:MspId", MspId);
        builder.UseSetting("Gateway:DataDirectory", DataDirectory);
        builder.UseSetting("Gateway:LogFormat", "text");
        builder.UseSetting("Fabric:NetworkFile", _networkJson);
        builder.UseSetting("Numbers:PortActivationInterval", NumbersNetwork.ActivationInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
