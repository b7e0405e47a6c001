using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Restcomm.Eir.EndToEnd.Tests.Support;

/// <summary>A carrier's webhook endpoint on a free 127.0.0.1 port: keeps every POST's signature header and body, answers 200.</summary>
internal sealed class WebhookTarget : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookTarget(WebApplication app) => _app = app;

    public ConcurrentQueue<(string Signature, byte[] Body)> Received { get; } = new();

    public string Url { get; private set; } = "";

    public static async Task<WebhookTarget> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var target = new WebhookTarget(app);
        app.MapPost("/restcomm", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            target.Received.Enqueue((context.Request.Headers["X-Restcomm-Signature"].ToString(), body.ToArray()));
            return Results.Ok();
        });
        await app.StartAsync().WaitAsync(EirNetwork.Timeout);
        target.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/restcomm";
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
