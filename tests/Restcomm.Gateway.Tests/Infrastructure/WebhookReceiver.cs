using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>A webhook target on 127.0.0.1: records every POST to <c>/hook</c> and answers the statuses queued, else 200.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedHook> Received { get; } = new();

    /// <summary>Statuses to answer next, in order; 200 once empty.</summary>
    public ConcurrentQueue<int> Answers { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var status = receiver.Answers.TryDequeue(out var queued) ? queued : 200;
            receiver.Received.Enqueue(new ReceivedHook(
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                buffer.ToArray(),
                status,
                DateTimeOffset.UtcNow));
            receiver._arrived.Release();
            return Results.StatusCode(status);
        });
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/hook";
        return receiver;
    }

    /// <summary>Waits until <paramref name="count"/> POSTs in all have arrived.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (Received.Count < count)
        {
            await _arrived.WaitAsync(deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}

/// <summary>One POST a <see cref="WebhookReceiver"/> got.</summary>
internal sealed record ReceivedHook(IReadOnlyDictionary<string, string> Headers, byte[] Body, int AnsweredStatus, DateTimeOffset At);
