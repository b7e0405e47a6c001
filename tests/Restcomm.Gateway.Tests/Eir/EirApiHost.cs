using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Eir;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Tests.Eir;

/// <summary>One organisation's REST API with the EIR endpoints, in-process, over a SQLite store file.</summary>
internal sealed class EirApiHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly GatewayStore _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _projections;

    private EirApiHost(WebApplication app, GatewayStore store, IBlockFeed blocks)
    {
        _app = app;
        _store = store;
        var engine = new ProjectionEngine(store, blocks, app.Services.GetServices<IProjection>());
        _projections = engine.RunChannelAsync(EirProjection.Channel, _stop.Token);
        Client = app.GetTestClient();
        Client.Timeout = TimeSpan.FromSeconds(30);
    }

    public HttpClient Client { get; }

    public ImeiIndex Index => _app.Services.GetRequiredService<ImeiIndex>();

    /// <summary>Starts the host; its projection engine follows <paramref name="blocks"/> into the store at <paramref name="storeFile"/>.</summary>
    public static async Task<EirApiHost> StartAsync(IEirLedgerClient ledger, IBlockFeed blocks, string storeFile, TimeProvider clock)
    {
        var store = await GatewayStore.OpenAsync(StoreLocation.Sqlite(storeFile), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(ledger);
        builder.Services.AddSingleton(store);
        builder.Services.AddEir();
        var app = builder.Build();
        app.MapGroup("/v1").MapEirEndpoints(requireScopes: false);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new EirApiHost(app, store, blocks);
    }

    /// <summary>Waits until the index reflects every block below <paramref name="height"/>.</summary>
    public Task CaughtUpAsync(long height)
        => _app.Services.GetRequiredService<EirProjection>().WaitForHeightAsync(height, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _projections.ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
        _stop.Dispose();
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
        await _store.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
