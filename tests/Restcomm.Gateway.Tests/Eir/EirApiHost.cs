using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Eir;
using Restcomm.Gateway.Api.Eir;

namespace Restcomm.Gateway.Tests.Eir;

/// <summary>One organisation's REST API with the EIR endpoints, in-process, over a SQLite store file.</summary>
internal sealed class EirApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EirApiHost(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
        Client.Timeout = TimeSpan.FromSeconds(30);
    }

    public HttpClient Client { get; }

    public ImeiIndex Index => _app.Services.GetRequiredService<ImeiIndex>();

    public static async Task<EirApiHost> StartAsync(IEirLedgerClient ledger, string storeFile, TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(ledger);
        builder.Services.AddEir(async (_, ct) =>
        {
            var connection = new SqliteConnection($"Data Source={storeFile};Pooling=False");
            await connection.OpenAsync(ct);
            return connection;
        });
        var app = builder.Build();
        app.MapGroup("/v1").MapEirEndpoints(requireScopes: false);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new EirApiHost(app);
    }

    /// <summary>Waits until the index reflects every block below <paramref name="height"/>.</summary>
    public Task CaughtUpAsync(long height)
        => _app.Services.GetRequiredService<EirProjection>().WaitForHeightAsync(height, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }
}
