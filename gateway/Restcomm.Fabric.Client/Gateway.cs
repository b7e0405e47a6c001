using Grpc.Core;
using Grpc.Net.Client;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client;

/// <summary>
/// A connection to a peer's Fabric Gateway service acting as one client identity. Get a <see cref="Network"/>
/// per channel from it, and a <see cref="Contract"/> per chaincode from that. Thread-safe; create one per
/// identity and endpoint and keep it for the application's lifetime.
/// </summary>
public sealed class Gateway : IDisposable
{
    private readonly GrpcChannel? _ownedChannel;

    private Gateway(CallInvoker invoker, GatewayOptions options, GrpcChannel? ownedChannel)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Identity);
        Context = new GatewayContext(invoker, options.Clone());
        _ownedChannel = ownedChannel;
    }

    /// <summary>The client identity the gateway acts as.</summary>
    public IIdentity Identity => Context.Options.Identity;

    internal GatewayContext Context { get; }

    /// <summary>
    /// Uses an existing gRPC channel (for example one shared by several identities). The channel stays
    /// the caller's: disposing the gateway does not dispose it.
    /// </summary>
    /// <param name="channel">A channel to the peer's Gateway service.</param>
    /// <param name="options">Identity, signer, hash and timeouts.</param>
    public static Gateway Connect(ChannelBase channel, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return new Gateway(channel.CreateCallInvoker(), options, ownedChannel: null);
    }

    /// <summary>Uses a gRPC call invoker (e.g. one with interceptors). The invoker stays the caller's.</summary>
    /// <param name="invoker">The call invoker.</param>
    /// <param name="options">Identity, signer, hash and timeouts.</param>
    public static Gateway Connect(CallInvoker invoker, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        return new Gateway(invoker, options, ownedChannel: null);
    }

    /// <summary>
    /// Opens a gRPC channel with <paramref name="connection"/> and uses it; the channel is disposed with the
    /// gateway. When the connection has a mutual-TLS client certificate, its hash is put into
    /// <see cref="GatewayOptions.TlsClientCertificateHash"/> unless already set.
    /// </summary>
    /// <param name="connection">Endpoint and TLS settings.</param>
    /// <param name="options">Identity, signer, hash and timeouts.</param>
    public static Gateway Connect(ConnectionOptions connection, GatewayOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var effective = options.Clone();
        if (effective.TlsClientCertificateHash.IsEmpty && connection.TlsClientCertificatePem is not null)
        {
            effective.TlsClientCertificateHash = connection.GetTlsClientCertificateHash();
        }

        var channel = connection.CreateChannel();
        return new Gateway(channel.CreateCallInvoker(), effective, channel);
    }

    /// <summary>Returns the network (channel) of that name. Cheap; no call is made.</summary>
    /// <param name="channelName">The channel, e.g. <c>roaming-emea</c>.</param>
    public Network GetNetwork(string channelName)
    {
        ArgumentException.ThrowIfNullOrEmpty(channelName);
        return new Network(Context, channelName);
    }

    /// <summary>Recreates a proposal from <see cref="Proposal.ToBytes"/> with a signature made offline over its <see cref="Proposal.GetDigest"/>.</summary>
    /// <param name="bytes">The proposal's bytes.</param>
    /// <param name="signature">The signature of its digest.</param>
    public Proposal NewSignedProposal(byte[] bytes, byte[] signature)
    {
        var proposed = ProposedTransaction.Parser.ParseFrom(bytes);
        var proposal = new Proposal(Context, proposed, TransactionParser.ProposalChannelName(proposed.Proposal.ProposalBytes));
        proposal.SetSignature(signature);
        return proposal;
    }

    /// <summary>Recreates an endorsed transaction from <see cref="Transaction.ToBytes"/> with a signature made offline over its <see cref="Transaction.GetDigest"/>.</summary>
    /// <param name="bytes">The transaction's bytes.</param>
    /// <param name="signature">The signature of its digest.</param>
    public Transaction NewSignedTransaction(byte[] bytes, byte[] signature)
    {
        var prepared = PreparedTransaction.Parser.ParseFrom(bytes);
        var transaction = new Transaction(Context, prepared, TransactionParser.ChannelName(prepared.Envelope));
        transaction.SetSignature(signature);
        return transaction;
    }

    /// <summary>Recreates a commit status request from <see cref="Commit.ToBytes"/> with a signature made offline over its <see cref="Commit.GetDigest"/>.</summary>
    /// <param name="bytes">The request's bytes.</param>
    /// <param name="signature">The signature of its digest.</param>
    public Commit NewSignedCommit(byte[] bytes, byte[] signature)
    {
        var signed = SignedCommitStatusRequest.Parser.ParseFrom(bytes);
        var request = CommitStatusRequest.Parser.ParseFrom(signed.Request);
        var commit = new Commit(Context, signed, request.ChannelId, request.TransactionId);
        commit.SetSignature(signature);
        return commit;
    }

    /// <summary>Recreates a chaincode events request from <see cref="ChaincodeEventsRequest.ToBytes"/> with a signature made offline.</summary>
    /// <param name="bytes">The request's bytes.</param>
    /// <param name="signature">The signature of its digest.</param>
    public ChaincodeEventsRequest NewSignedChaincodeEventsRequest(byte[] bytes, byte[] signature)
    {
        var request = new ChaincodeEventsRequest(Context, SignedChaincodeEventsRequest.Parser.ParseFrom(bytes));
        request.SetSignature(signature);
        return request;
    }

    /// <summary>Recreates a block events request from <see cref="BlockEventsRequest{TEvent}.ToBytes"/> with a signature made offline.</summary>
    /// <param name="bytes">The request's bytes.</param>
    /// <param name="signature">The signature of its digest.</param>
    public BlockEventsRequest<Block> NewSignedBlockEventsRequest(byte[] bytes, byte[] signature) =>
        Signed(BlockEventsRequest<Block>.Full(Context, Envelope.Parser.ParseFrom(bytes)), signature);

    /// <summary>Recreates a filtered block events request from its bytes with a signature made offline.</summary>
    /// <param name="bytes">The request's bytes.</param>
    /// <param name="signature">The signature of its digest.</param>
    public BlockEventsRequest<FilteredBlock> NewSignedFilteredBlockEventsRequest(byte[] bytes, byte[] signature) =>
        Signed(BlockEventsRequest<FilteredBlock>.Filtered(Context, Envelope.Parser.ParseFrom(bytes)), signature);

    /// <summary>Recreates a block-and-private-data events request from its bytes with a signature made offline.</summary>
    /// <param name="bytes">The request's bytes.</param>
    /// <param name="signature">The signature of its digest.</param>
    public BlockEventsRequest<BlockAndPrivateData> NewSignedBlockAndPrivateDataEventsRequest(byte[] bytes, byte[] signature) =>
        Signed(BlockEventsRequest<BlockAndPrivateData>.WithPrivateData(Context, Envelope.Parser.ParseFrom(bytes)), signature);

    /// <summary>Disposes the gRPC channel if the gateway opened it.</summary>
    public void Dispose() => _ownedChannel?.Dispose();

    private static BlockEventsRequest<T> Signed<T>(BlockEventsRequest<T> request, byte[] signature)
        where T : Google.Protobuf.IMessage<T>
    {
        request.SetSignature(signature);
        return request;
    }
}
