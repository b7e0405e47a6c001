using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Peer;
using GatewayService = Restcomm.Fabric.Protos.Gateway.Gateway;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>
/// A Fabric Gateway service (plaintext HTTP/2 on 127.0.0.1) that only serves ChaincodeEvents: one event
/// per block for blocks 1..<see cref="Blocks"/>, handed out with a pause between blocks, honouring the
/// start block and after-transaction checkpoint exactly as a peer does. Enough to drive the API's
/// projections from a separate process.
/// </summary>
public sealed class EventGatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EventGatewayServer(WebApplication app, int blocks)
    {
        _app = app;
        Blocks = blocks;
    }

    public int Blocks { get; }

    public string Endpoint { get; private set; } = "";

    public static string TransactionId(int block) => $"tx-{block:D5}";

    public static async Task<EventGatewayServer> StartAsync(int blocks, TimeSpan pausePerBlock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new EventsService(blocks, pausePerBlock));
        var app = builder.Build();
        app.MapGrpcService<EventsService>();
        var server = new EventGatewayServer(app, blocks);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        server.Endpoint = new Uri(app.Urls.First()).Authority;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private sealed class EventsService(int blocks, TimeSpan pausePerBlock) : GatewayService.GatewayBase
    {
        public override async Task ChaincodeEvents(SignedChaincodeEventsRequest request, IServerStreamWriter<ChaincodeEventsResponse> responseStream, ServerCallContext context)
        {
            var events = ChaincodeEventsRequest.Parser.ParseFrom(request.Request);
            var start = events.StartPosition?.Specified?.Number ?? (ulong)blocks + 1;
            for (var block = Math.Max(start, 1UL); block <= (ulong)blocks; block++)
            {
                var txId = TransactionId((int)block);
                if (block == start && events.AfterTransactionId.Length > 0)
                {
                    // One event per block: the checkpointed transaction is the whole block.
                    continue;
                }

                var response = new ChaincodeEventsResponse { BlockNumber = block };
                response.Events.Add(new ChaincodeEvent
                {
                    ChaincodeId = events.ChaincodeId,
                    TxId = txId,
                    EventName = "Changed",
                    Payload = Google.Protobuf.ByteString.CopyFromUtf8($"{{\"block\":{block}}}"),
                });
                await responseStream.WriteAsync(response, context.CancellationToken);
                await Task.Delay(pausePerBlock, context.CancellationToken);
            }

            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }
}
