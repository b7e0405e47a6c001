using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Restcomm.Gateway.Store;

namespace Restcomm.Audit.EndToEnd.Tests.Support;

/// <summary>
/// One organisation's real REST API host (the same <c>GatewayHost</c> that <c>make run</c> starts), served by Kestrel on a
/// free 127.0.0.1 port, connected to the dev network through the network.json the network wrote, with its SQLite store in
/// <see cref="DataDirectory"/>. Its log lines are kept for a failing test's output. (The host is found through one of its
/// public types: <c>Program</c> is ambiguous here, the chaincode hosts referenced have one each.)
/// </summary>
internal sealed class ApiHost : WebApplicationFactory<Restcomm.Gateway.Api.Audit.AuditOptions>
{
    private readonly string _networkJson;
    private readonly IReadOnlyDictionary<string, string> _settings;

    private ApiHost(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings)
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

    public GatewayStore Store => Services.GetRequiredService<GatewayStore>();

    public static async Task<ApiHost> StartAsync(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings)
    {
        var api = new ApiHost(mspId, dataDirectory, networkJson, settings);
        try
        {
            // Several hosts start at once, each with every application's services: a loaded machine needs the longer bound.
            await Task.Run(api.StartServer).WaitAsync(AuditNetwork.RequestTimeout);
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
    public async Task<string> CreateKeyAsync(IReadOnlyCollection<string> scopes)
        => (await Store.ApiKeys.CreateAsync(MspId, "audit-e2e", scopes, ApiScopes.DefaultReadOnlyOrganisations, CancellationToken.None)
            .WaitAsync(AuditNetwork.Timeout)).Token;

    /// <summary>A plain HTTP client (real sockets) to this API, authenticated with <paramref name="apiKey"/>.</summary>
    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = AuditNetwork.RequestTimeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

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
                => lines.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception?.Message}");
        }
    }
}
