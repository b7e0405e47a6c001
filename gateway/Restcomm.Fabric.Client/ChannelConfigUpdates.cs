using Google.Protobuf;
using Grpc.Core;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Orderer;
using DeliverClient = Restcomm.Fabric.Protos.Peer.Deliver.DeliverClient;
using Status = Restcomm.Fabric.Protos.Common.Status;

namespace Restcomm.Fabric.Client;

/// <summary>A config update the ordering service refused, with its status and reason.</summary>
public sealed class ConfigUpdateException(Status status, string info)
    : Exception($"got unexpected status: {Name(status)} -- {info}")
{
    /// <summary>The orderer's status (BAD_REQUEST, FORBIDDEN, NOT_FOUND, …).</summary>
    public Status Status => status;

    /// <summary>The orderer's reason, e.g. <c>… policy requires 2 of the 'Admins' sub-policies to be satisfied</c>.</summary>
    public string Info => info;

    private static string Name(Status status) => status switch
    {
        Status.BadRequest => "BAD_REQUEST",
        Status.Forbidden => "FORBIDDEN",
        Status.NotFound => "NOT_FOUND",
        Status.ServiceUnavailable => "SERVICE_UNAVAILABLE",
        Status.InternalServerError => "INTERNAL_SERVER_ERROR",
        _ => status.ToString().ToUpperInvariant(),
    };
}

/// <summary>
/// The steps of a channel configuration update, as <c>peer channel fetch config</c>, <c>signconfigtx</c> and
/// <c>update</c> take them: read the current configuration from a peer's Deliver service, sign a <c>CONFIG_UPDATE</c>
/// envelope as an admin, and broadcast it to the ordering service (<c>orderer.AtomicBroadcast/Broadcast</c>).
/// </summary>
public static class ChannelConfigUpdates
{
    /// <summary>The channel's current configuration and the number of the block holding it.</summary>
    public static async Task<(Config Config, ulong Block)> FetchConfigAsync(CallInvoker invoker, string channel, IIdentity identity, ISigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        var newest = await FetchBlockAsync(invoker, channel, identity, signer, new SeekPosition { Newest = new SeekNewest() }, cancellationToken).ConfigureAwait(false);
        var index = ChannelConfiguration.LastConfigIndex(newest);
        var block = index == newest.Header.Number
            ? newest
            : await FetchBlockAsync(invoker, channel, identity, signer, new SeekPosition { Specified = new SeekSpecified { Number = index } }, cancellationToken).ConfigureAwait(false);
        var config = ChannelConfiguration.ReadConfigBlock(block)?.Config
            ?? throw new InvalidDataException($"block {index} of channel {channel}, named by LAST_CONFIG, holds no channel configuration");
        return (config, index);
    }

    private static async Task<Block> FetchBlockAsync(CallInvoker invoker, string channel, IIdentity identity, ISigner signer, SeekPosition position, CancellationToken cancellationToken)
    {
        var signing = new SigningIdentity(identity, signer, Hash.Sha256);
        var envelope = signing.SeekEnvelope(channel, position, position, SeekInfo.Types.SeekBehavior.FailIfNotReady);
        envelope.Signature = await signing.SignAsync(envelope.Payload, cancellationToken).ConfigureAwait(false);

        using var call = new DeliverClient(invoker).Deliver(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(envelope, cancellationToken).ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        Block? block = null;
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            var response = call.ResponseStream.Current;
            if (response.TypeCase == Protos.Peer.DeliverResponse.TypeOneofCase.Block)
            {
                block = response.Block;
                continue;
            }

            if (response.Status != Status.Success || block is null)
            {
                throw new ConfigUpdateException(response.Status, $"can't read the block of channel {channel} as {identity.MspId}: deliver answered {response.Status}");
            }

            break;
        }

        return block ?? throw new ConfigUpdateException(Status.Unknown, $"the deliver stream of channel {channel} ended without a block");
    }

    /// <summary>Adds <paramref name="identity"/>'s signature to a <c>CONFIG_UPDATE</c> envelope (<c>peer channel signconfigtx</c>).</summary>
    /// <exception cref="InvalidDataException">The envelope is no config update.</exception>
    public static async Task<Envelope> SignAsync(Envelope envelope, IIdentity identity, ISigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        ArgumentNullException.ThrowIfNull(signer);
        var signing = new SigningIdentity(identity, signer, Hash.Sha256);
        var update = ChannelConfiguration.ReadUpdateEnvelope(envelope);
        var payload = Payload.Parser.ParseFrom(envelope.Payload);
        var header = signing.SignatureHeader(SigningIdentity.NewNonce());
        var signature = await signing.SignAsync(ByteString.CopyFrom(ChannelConfiguration.SignedBytes(header, update.ConfigUpdate)), cancellationToken).ConfigureAwait(false);
        update.Signatures.Add(new ConfigSignature { SignatureHeader = header, Signature = signature });
        payload.Data = update.ToByteString();
        return new Envelope { Payload = payload.ToByteString() };
    }

    /// <summary>
    /// Signs the update as <paramref name="identity"/> (a ConfigSignature, as <c>peer channel update</c> adds its own),
    /// signs the envelope as its submitter and broadcasts it; returns once the orderer answered SUCCESS.
    /// </summary>
    /// <exception cref="ConfigUpdateException">The orderer refused it (the channel is unchanged).</exception>
    public static async Task SubmitAsync(CallInvoker invoker, Envelope envelope, IIdentity identity, ISigner signer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        var signed = await SignAsync(envelope, identity, signer, cancellationToken).ConfigureAwait(false);
        var signing = new SigningIdentity(identity, signer, Hash.Sha256);
        var payload = Payload.Parser.ParseFrom(signed.Payload);
        var channelHeader = ChannelHeader.Parser.ParseFrom(payload.Header.ChannelHeader);
        var nonce = SigningIdentity.NewNonce();
        channelHeader.TxId = signing.TransactionId(nonce);
        payload.Header.ChannelHeader = channelHeader.ToByteString();
        payload.Header.SignatureHeader = signing.SignatureHeader(nonce);
        var submitted = new Envelope { Payload = payload.ToByteString() };
        submitted.Signature = await signing.SignAsync(submitted.Payload, cancellationToken).ConfigureAwait(false);

        using var call = new AtomicBroadcast.AtomicBroadcastClient(invoker).Broadcast(cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(submitted, cancellationToken).ConfigureAwait(false);
        await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        if (!await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            throw new ConfigUpdateException(Status.Unknown, "the ordering service closed the stream without an answer");
        }

        var response = call.ResponseStream.Current;
        if (response.Status != Status.Success)
        {
            throw new ConfigUpdateException(response.Status, response.Info);
        }
    }
}
