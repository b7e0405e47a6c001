using System.Runtime.CompilerServices;
using Google.Protobuf;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Orderer;

namespace Restcomm.Fabric.Client;

/// <summary>
/// A signed request for a chaincode's events. For offline signing, sign <see cref="GetDigest"/> and recreate it
/// with <see cref="Gateway.NewSignedChaincodeEventsRequest"/>.
/// </summary>
public sealed class ChaincodeEventsRequest
{
    private readonly GatewayContext _context;
    private readonly SignedChaincodeEventsRequest _signed;

    internal ChaincodeEventsRequest(GatewayContext context, SignedChaincodeEventsRequest signed)
    {
        _context = context;
        _signed = signed;
    }

    internal static ChaincodeEventsRequest Create(GatewayContext context, string channelName, string chaincodeName, EventsOptions options)
    {
        var request = new Protos.Gateway.ChaincodeEventsRequest
        {
            ChannelId = channelName,
            ChaincodeId = chaincodeName,
            Identity = context.Signing.Creator,
            StartPosition = StartPositions.NextCommit(),
        };
        if (options.StartBlock is { } start)
        {
            request.StartPosition = StartPositions.Specified(start);
        }

        if (options.Checkpoint?.BlockNumber is { } block)
        {
            request.StartPosition = StartPositions.Specified(block);
            request.AfterTransactionId = options.Checkpoint.TransactionId ?? string.Empty;
        }

        return new ChaincodeEventsRequest(context, new SignedChaincodeEventsRequest { Request = request.ToByteString() });
    }

    /// <summary>The serialized request (for an offline signer).</summary>
    public byte[] ToBytes() => _signed.ToByteArray();

    /// <summary>The digest to sign: the gateway's hash of the request.</summary>
    public byte[] GetDigest() => _context.Signing.Digest(_signed.Request.Span);

    internal void SetSignature(byte[] signature) => _signed.Signature = ByteString.CopyFrom(signature);

    /// <summary>Streams the events until <paramref name="cancellationToken"/> is cancelled or the connection fails.</summary>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <exception cref="GatewayException">The Gateway refused the request or the stream broke.</exception>
    public IAsyncEnumerable<CommittedChaincodeEvent> GetEventsAsync(CancellationToken cancellationToken = default) => GetEventsAsync(null, cancellationToken);

    /// <summary>Streams the chaincode's events with this stream's own deadline (none by default).</summary>
    /// <param name="request">The stream's deadline or timeout.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events, in commit order.</returns>
    /// <exception cref="GatewayException">The peer refused the request or the stream broke.</exception>
    public async IAsyncEnumerable<CommittedChaincodeEvent> GetEventsAsync(RequestOptions? request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (_signed.Signature.IsEmpty)
        {
            _signed.Signature = await _context.Signing.SignAsync(_signed.Request, cancellationToken).ConfigureAwait(false);
        }

        using var call = _context.Gateway.ChaincodeEvents(_signed, GatewayContext.CallOptions(Timeout.InfiniteTimeSpan, request, cancellationToken));
        await foreach (var response in EventStream.ReadAsync(_context, call.ResponseStream, cancellationToken).ConfigureAwait(false))
        {
            foreach (var e in response.Events)
            {
                yield return new CommittedChaincodeEvent(response.BlockNumber, e.TxId, e.ChaincodeId, e.EventName, e.Payload.Memory);
            }
        }
    }
}

internal static class StartPositions
{
    public static SeekPosition NextCommit() => new() { NextCommit = new SeekNextCommit() };

    public static SeekPosition Specified(ulong block) => new() { Specified = new SeekSpecified { Number = block } };

    public static SeekPosition Max() => Specified(ulong.MaxValue);
}
