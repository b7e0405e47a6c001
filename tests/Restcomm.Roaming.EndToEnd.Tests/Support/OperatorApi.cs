using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Store;

namespace Restcomm.Roaming.EndToEnd.Tests.Support;

/// <summary>
/// One operator's real REST API host (the same <c>GatewayHost</c> that <c>make run</c> starts), served by Kestrel on a
/// free 127.0.0.1 port, connected to the dev network through the network.json the network wrote, with its SQLite store
/// in <see cref="DataDirectory"/>. Stopping it and starting another on the same
/// directory is an API restart.
/// </summary>
internal sealed class OperatorApi : WebApplicationFactory<RoamingProjection>
{
    private readonly string _networkJson;
    private readonly IReadOnlyDictionary<string, string> _settings;

    private OperatorApi(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings)
    {
        MspId = mspId;
        DataDirectory = dataDirectory;
        _networkJson = networkJson;
        _settings = settings;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string MspId { get; }

    public string DataDirectory { get; }

    /// <summary>http://127.0.0.1:port of the running API.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public ConcurrentQueue<string> LogLines { get; } = new();

    public ProjectionEngine Projections => Services.GetRequiredService<ProjectionEngine>();

    /// <summary>Starts the API of <paramref name="mspId"/>; <paramref name="settings"/> adds configuration, e.g.
    /// <c>Fabric:ClientCertFile</c> to act as another user than the network file's.</summary>
    public static async Task<OperatorApi> StartAsync(
        string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string>? settings = null)
    {
        var api = new OperatorApi(mspId, dataDirectory, networkJson, settings ?? new Dictionary<string, string>());
        try
        {
            await Task.Run(api.StartServer).WaitAsync(RoamingNetwork.Timeout);
            var address = api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            api.BaseAddress = new Uri(address);
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates an API key in this API's own store, as <c>restcomm keys create</c> does.</summary>
    public Task<string> CreateKeyAsync(params string[] scopes) => CreateKeyAsync(ApiScopes.DefaultReadOnlyOrganisations, scopes);

    /// <summary>Creates an API key, with <paramref name="readOnlyOrganisations"/> for the store's check (empty to bypass it).</summary>
    public async Task<string> CreateKeyAsync(IReadOnlyCollection<string> readOnlyOrganisations, params string[] scopes)
    {
        var created = await Services.GetRequiredService<GatewayStore>().ApiKeys
            .CreateAsync(MspId, "roaming-e2e", scopes, readOnlyOrganisations, CancellationToken.None).WaitAsync(RoamingNetwork.Timeout);
        return created.Token;
    }

    /// <summary>A plain HTTP client (real sockets) to this API, authenticated with <paramref name="apiKey"/>.</summary>
    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = RoamingNetwork.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>Waits until this API's roaming read model reflects every block below <paramref name="blockHeight"/>.</summary>
    public Task CaughtUpAsync(long blockHeight)
        => Projections.WaitForHeightAsync("roaming", RoamingNetwork.Channel, blockHeight, CancellationToken.None).WaitAsync(RoamingNetwork.Timeout);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Gateway:MspId", MspId);
        builder.UseSetting("Gateway:DataDirectory", DataDirectory);
        builder.UseSetting("Gateway:LogFormat", "text");
        builder.UseSetting("Fabric:NetworkFile", _networkJson);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(LogLines)));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => lines.Enqueue($"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception?.Message}");
        }
    }
}
