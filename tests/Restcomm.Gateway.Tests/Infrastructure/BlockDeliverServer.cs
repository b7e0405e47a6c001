using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Orderer;
using Restcomm.Fabric.Protos.Peer;
using DeliverResponse = Restcomm.Fabric.Protos.Peer.DeliverResponse;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>
/// A peer's Deliver service (plaintext HTTP/2 on 127.0.0.1) that serves a fixed list of blocks of one channel, with a
/// pause between blocks, from the start position the request's SeekInfo names, as a peer does. Enough to drive the
/// API's projection engine from a separate process.
/// </summary>
public sealed class BlockDeliverServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private BlockDeliverServer(WebApplication app) => _app = app;

    public string Endpoint { get; private set; } = "";

    public static async Task<BlockDeliverServer> StartAsync(IReadOnlyList<LedgerBlock> blocks, TimeSpan pausePerBlock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new DeliverBlocks(blocks, pausePerBlock));
        var app = builder.Build();
        app.MapGrpcService<DeliverBlocks>();
        var server = new BlockDeliverServer(app);
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        server.Endpoint = new Uri(app.Urls.First()).Authority;
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await _app.DisposeAsync();
    }

    private sealed class DeliverBlocks(IReadOnlyList<LedgerBlock> blocks, TimeSpan pausePerBlock) : Deliver.DeliverBase
    {
        public override async Task Deliver(IAsyncStreamReader<Restcomm.Fabric.Protos.Common.Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context)
        {
            if (!await requestStream.MoveNext(context.CancellationToken))
            {
                return;
            }

            var seek = SeekInfo.Parser.ParseFrom(TransactionEnvelope.Read(requestStream.Current).Payload.Data);
            var start = seek.Start?.Specified?.Number ?? 0;
            for (var number = start; number < (ulong)blocks.Count; number++)
            {
                await responseStream.WriteAsync(new DeliverResponse { Block = blocks[(int)number].Block }, context.CancellationToken);
                await Task.Delay(pausePerBlock, context.CancellationToken);
            }

            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }
}
