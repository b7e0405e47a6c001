using System.Runtime.CompilerServices;
using Google.Protobuf;
using Grpc.Core;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Orderer;
using Restcomm.Fabric.Protos.Peer;
using DeliverResponse = Restcomm.Fabric.Protos.Peer.DeliverResponse;

namespace Restcomm.Fabric.Client;

/// <summary>
/// A signed request for block events from the peer's Deliver service: full blocks (<see cref="Block"/>),
/// filtered blocks (<see cref="FilteredBlock"/>) or blocks with private data (<see cref="BlockAndPrivateData"/>).
/// For offline signing, sign <see cref="GetDigest"/> and recreate it with the gateway's <c>NewSigned…EventsRequest</c>.
/// </summary>
/// <typeparam name="TEvent">The kind of block delivered.</typeparam>
public sealed class BlockEventsRequest<TEvent>
    where TEvent : IMessage<TEvent>
{
    private readonly GatewayContext _context;
    private readonly Envelope _envelope;
    private readonly Func<Deliver.DeliverClient, CallOptions, AsyncDuplexStreamingCall<Envelope, DeliverResponse>> _open;
    private readonly Func<DeliverResponse, TEvent?> _extract;

    private BlockEventsRequest(
        GatewayContext context,
        Envelope envelope,
        Func<Deliver.DeliverClient, CallOptions, AsyncDuplexStreamingCall<Envelope, DeliverResponse>> open,
        Func<DeliverResponse, TEvent?> extract)
    {
        _context = context;
        _envelope = envelope;
        _open = open;
        _extract = extract;
    }

    internal static BlockEventsRequest<TEvent> Full(GatewayContext context, Envelope envelope) =>
        new(context, envelope, static (c, o) => c.Deliver(o), static r => r.TypeCase == DeliverResponse.TypeOneofCase.Block ? (TEvent)(object)r.Block : default);

    internal static BlockEventsRequest<TEvent> Filtered(GatewayContext context, Envelope envelope) =>
        new(context, envelope, static (c, o) => c.DeliverFiltered(o), static r => r.TypeCase == DeliverResponse.TypeOneofCase.FilteredBlock ? (TEvent)(object)r.FilteredBlock : default);

    internal static BlockEventsRequest<TEvent> WithPrivateData(GatewayContext context, Envelope envelope) =>
        new(context, envelope, static (c, o) => c.DeliverWithPrivateData(o), static r => r.TypeCase == DeliverResponse.TypeOneofCase.BlockAndPrivateData ? (TEvent)(object)r.BlockAndPrivateData : default);

    /// <summary>Builds the unsigned <c>DELIVER_SEEK_INFO</c> envelope asking for blocks from the start position onwards, without end.</summary>
    internal static Envelope BuildEnvelope(GatewayContext context, string channelName, EventsOptions? options)
    {
        var start = StartPositions.NextCommit();
        if (options?.StartBlock is { } block)
        {
            start = StartPositions.Specified(block);
        }

        if (options?.Checkpoint?.BlockNumber is { } checkpoint)
        {
            start = StartPositions.Specified(checkpoint);
        }

        return context.Signing.SeekEnvelope(channelName, start, StartPositions.Max(), SeekInfo.Types.SeekBehavior.BlockUntilReady, context.Options.TlsClientCertificateHash.Span);
    }

    /// <summary>The serialized envelope (for an offline signer).</summary>
    public byte[] ToBytes() => _envelope.ToByteArray();

    /// <summary>The digest to sign: the gateway's hash of the envelope payload.</summary>
    public byte[] GetDigest() => _context.Signing.Digest(_envelope.Payload.Span);

    internal void SetSignature(byte[] signature) => _envelope.Signature = ByteString.CopyFrom(signature);

    /// <summary>Streams blocks until <paramref name="cancellationToken"/> is cancelled or the peer ends the stream.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <exception cref="GatewayException">The peer refused the request (e.g. access denied) or the stream broke.</exception>
    public IAsyncEnumerable<TEvent> GetEventsAsync(CancellationToken cancellationToken = default) => GetEventsAsync(null, cancellationToken);

    /// <summary>Streams blocks with this stream's own deadline (none by default): past it the stream ends with DeadlineExceeded.</summary>
    /// <param name="request">The stream's deadline or timeout.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The blocks.</returns>
    /// <exception cref="GatewayException">The peer refused the request (e.g. access denied) or the stream broke.</exception>
    public async IAsyncEnumerable<TEvent> GetEventsAsync(RequestOptions? request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        if (_envelope.Signature.IsEmpty)
        {
            _envelope.Signature = await _context.Signing.SignAsync(_envelope.Payload, cancellationToken).ConfigureAwait(false);
        }

        using var call = _open(_context.Deliver, GatewayContext.CallOptions(Timeout.InfiniteTimeSpan, request, cancellationToken));
        try
        {
            await call.RequestStream.WriteAsync(_envelope, cancellationToken).ConfigureAwait(false);
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw EventStream.Failed(_context, e, started, cancellationToken);
        }

        await foreach (var response in EventStream.ReadAsync(_context, call.ResponseStream, cancellationToken).ConfigureAwait(false))
        {
            if (response.TypeCase == DeliverResponse.TypeOneofCase.Status)
            {
                if (response.Status == Protos.Common.Status.Success)
                {
                    yield break;
                }

                throw new GatewayException(
                    $"The peer ended block delivery with status {(int)response.Status} ({response.Status}).",
                    new Grpc.Core.Status(StatusCode.Aborted, response.Status.ToString()),
                    [],
                    innerException: null);
            }

            var block = _extract(response);
            if (block is not null)
            {
                yield return block;
            }
        }
    }
}
