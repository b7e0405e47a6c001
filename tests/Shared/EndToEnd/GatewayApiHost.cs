using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Restcomm.Gateway.Store;

namespace Restcomm.Tests.Shared.EndToEnd;

/// <summary>How long a suite's API hosts may take, what their keys are called and what they keep of their logs.</summary>
internal sealed record GatewayApiOptions
{
    /// <summary>The name of the keys the host creates, e.g. <c>roaming-e2e</c>.</summary>
    public required string KeyName { get; init; }

    /// <summary>How long the host may take to start.</summary>
    public required TimeSpan StartTimeout { get; init; }

    /// <summary>How long creating a key in the host's store may take.</summary>
    public required TimeSpan StoreTimeout { get; init; }

    /// <summary>How long one call of a client from <see cref="GatewayApiHost{TEntryPoint}.Client"/> may take.</summary>
    public required TimeSpan RequestTimeout { get; init; }

    /// <summary>Whether the host's log lines (Information and above) are kept in its <c>LogLines</c>.</summary>
    public bool CaptureLogs { get; init; } = true;

    /// <summary>Whether each kept log line starts with the UTC time of day it was written.</summary>
    public bool TimestampLogLines { get; init; }
}

/// <summary>
/// One organisation's real REST API host (the same <c>GatewayHost</c> that <c>make run</c> starts), served by Kestrel on a
/// free 127.0.0.1 port, connected to the dev network through the network.json the network wrote, with its SQLite store in
/// <see cref="DataDirectory"/>. Stopping it and starting another on the same directory is an API restart. A suite derives
/// its host from it, naming the API through one of its public types (<typeparamref name="TEntryPoint"/>) and giving its
/// <see cref="GatewayApiOptions"/>. (One source file linked into each end-to-end suite.)
/// </summary>
internal abstract class GatewayApiHost<TEntryPoint> : WebApplicationFactory<TEntryPoint>
    where TEntryPoint : class
{
    private readonly string _networkJson;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private readonly GatewayApiOptions _options;

    /// <summary>A host of <paramref name="mspId"/>'s API; <paramref name="settings"/> adds configuration after the common settings.</summary>
    protected GatewayApiHost(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings, GatewayApiOptions options)
    {
        MspId = mspId;
        DataDirectory = dataDirectory;
        _networkJson = networkJson;
        _settings = settings;
        _options = options;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string MspId { get; }

    public string DataDirectory { get; }

    /// <summary>http://127.0.0.1:port of the running API.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>What the API logged, when its suite keeps it (<see cref="GatewayApiOptions.CaptureLogs"/>).</summary>
    public ConcurrentQueue<string> LogLines { get; } = new();

    /// <summary>Creates an API key in this API's own store, as <c>restcomm keys create</c> does.</summary>
    public Task<string> CreateKeyAsync(params string[] scopes) => CreateKeyAsync(ApiScopes.DefaultReadOnlyOrganisations, scopes);

    /// <summary>Creates an API key, with <paramref name="readOnlyOrganisations"/> for the store's check (empty to bypass it).</summary>
    public async Task<string> CreateKeyAsync(IReadOnlyCollection<string> readOnlyOrganisations, params string[] scopes)
    {
        var created = await Services.GetRequiredService<GatewayStore>().ApiKeys
            .CreateAsync(MspId, _options.KeyName, scopes, readOnlyOrganisations, CancellationToken.None).WaitAsync(_options.StoreTimeout);
        return created.Token;
    }

    /// <summary>A plain HTTP client (real sockets) to this API, authenticated with <paramref name="apiKey"/>.</summary>
    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = _options.RequestTimeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>Starts <paramref name="api"/>'s server and learns its address; a host that does not start is disposed.</summary>
    protected static async Task<TApi> StartServerAsync<TApi>(TApi api)
        where TApi : GatewayApiHost<TEntryPoint>
    {
        try
        {
            await Task.Run(api.StartServer).WaitAsync(api._options.StartTimeout);
            api.BaseAddress = new Uri(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
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

        if (_options.CaptureLogs)
        {
            builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(LogLines, _options.TimestampLogLines)));
        }
    }

    private sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines, bool timestamps) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines, timestamps);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> lines, bool timestamps) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var line = $"{logLevel} {category}[{eventId.Id}] {formatter(state, exception)} {exception?.Message}";
                lines.Enqueue(timestamps ? $"{DateTime.UtcNow:HH:mm:ss.fff} {line}" : line);
            }
        }
    }
}
