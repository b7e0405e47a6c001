using Google.Protobuf;
using Grpc.Core;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Orderer;
using Status = Restcomm.Fabric.Protos.Common.Status;

namespace Restcomm.DevNetwork.Services;

/// <summary>
/// The orderer's <c>AtomicBroadcast/Broadcast</c>, served on every organisation's endpoint (the dev network has no orderer
/// of its own), for what <c>peer channel update</c> sends: a <c>CONFIG_UPDATE</c> envelope. Each envelope is answered with
/// a <see cref="BroadcastResponse"/>: SUCCESS once its config block is committed, BAD_REQUEST or FORBIDDEN with the
/// orderer's reason otherwise (the channel unchanged). Endorsed transactions go through the Gateway's Submit.
/// </summary>
internal sealed partial class BroadcastService(NetworkContext network, ILogger<BroadcastService> logger) : AtomicBroadcast.AtomicBroadcastBase
{
    public override async Task Broadcast(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<BroadcastResponse> responseStream, ServerCallContext context)
    {
        using var call = network.CallOrStopping(context);
        try
        {
            while (await requestStream.MoveNext(call.Token).ConfigureAwait(false))
            {
                await responseStream.WriteAsync(Handle(requestStream.Current), call.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (network.Stopping.IsCancellationRequested)
        {
            throw NetworkContext.ShuttingDown();
        }
    }

    private BroadcastResponse Handle(Envelope envelope)
    {
        ChannelHeader header;
        try
        {
            var payload = Payload.Parser.ParseFrom(envelope.Payload);
            header = ChannelHeader.Parser.ParseFrom(payload.Header?.ChannelHeader ?? ByteString.Empty);
        }
        catch (InvalidProtocolBufferException e)
        {
            return new BroadcastResponse { Status = Status.BadRequest, Info = "bad payload: " + e.Message };
        }

        if (!network.Ledgers.TryGetValue(header.ChannelId, out var ledger))
        {
            return new BroadcastResponse { Status = Status.NotFound, Info = $"channel creation request not allowed because the orderer system channel is not defined (no channel {header.ChannelId})" };
        }

        if (header.Type != (int)HeaderType.ConfigUpdate)
        {
            return new BroadcastResponse { Status = Status.BadRequest, Info = "the dev network orders endorsed transactions through the Gateway's Submit; Broadcast takes CONFIG_UPDATE envelopes" };
        }

        try
        {
            var block = ledger.ApplyConfigUpdate(envelope);
            LogAccepted(logger, header.ChannelId, block);
            return new BroadcastResponse { Status = Status.Success };
        }
        catch (ConfigUpdateRefusedException e)
        {
            LogRefused(logger, header.ChannelId, e.Message);
            return new BroadcastResponse { Status = e.Status, Info = e.Message };
        }
    }

    [LoggerMessage(EventId = 600, Level = LogLevel.Information, Message = "Channel {Channel}: config update accepted in block {Block}")]
    private static partial void LogAccepted(ILogger logger, string channel, ulong block);

    [LoggerMessage(EventId = 601, Level = LogLevel.Information, Message = "Channel {Channel}: config update refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string channel, string reason);
}
