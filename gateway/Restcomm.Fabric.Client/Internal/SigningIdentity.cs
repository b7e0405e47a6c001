using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;
using Restcomm.Fabric.Protos.Orderer;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>The client's identity, hash and signer, and the headers every signed request starts with.</summary>
internal sealed class SigningIdentity
{
    private const int NonceLength = 24;

    public SigningIdentity(IIdentity identity, ISigner? signer, Hash hash)
    {
        Identity = identity;
        Signer = signer;
        Hash = hash;
        Creator = new SerializedIdentity
        {
            Mspid = identity.MspId,
            IdBytes = ByteString.CopyFrom(identity.Credentials.Span),
        }.ToByteString();
    }

    public IIdentity Identity { get; }

    public ISigner? Signer { get; }

    public Hash Hash { get; }

    /// <summary>The serialized <c>SerializedIdentity</c>: the creator in every header.</summary>
    public ByteString Creator { get; }

    public byte[] Digest(ReadOnlySpan<byte> message) => Hash.Compute(message);

    public async ValueTask<ByteString> SignAsync(ByteString message, CancellationToken cancellationToken)
    {
        if (Signer is null)
        {
            throw new InvalidOperationException(
                "The gateway has no signer: sign the message's digest yourself and pass the signature to the gateway's NewSigned… method.");
        }

        var signature = await Signer.SignAsync(Digest(message.Span), cancellationToken).ConfigureAwait(false);
        return ByteString.CopyFrom(signature);
    }

    public static byte[] NewNonce() => RandomNumberGenerator.GetBytes(NonceLength);

    /// <summary>Fabric's transaction ID: lowercase hex SHA-256 of the nonce followed by the serialized creator.</summary>
    public string TransactionId(ReadOnlySpan<byte> nonce)
    {
        var buffer = new byte[nonce.Length + Creator.Length];
        nonce.CopyTo(buffer);
        Creator.Span.CopyTo(buffer.AsSpan(nonce.Length));
        return Convert.ToHexStringLower(SHA256.HashData(buffer));
    }

    public ByteString SignatureHeader(byte[] nonce) => new SignatureHeader
    {
        Creator = Creator,
        Nonce = ByteString.CopyFrom(nonce),
    }.ToByteString();

    /// <summary>
    /// The unsigned <c>DELIVER_SEEK_INFO</c> envelope a Deliver stream starts with: blocks from <paramref name="start"/>
    /// to <paramref name="stop"/>, the channel header bound to the client's TLS certificate when its hash is given.
    /// </summary>
    public Envelope SeekEnvelope(string channel, SeekPosition start, SeekPosition stop, SeekInfo.Types.SeekBehavior behavior, ReadOnlySpan<byte> tlsCertificateHash = default)
    {
        var nonce = NewNonce();
        var channelHeader = ChannelHeader(HeaderType.DeliverSeekInfo, channel, TransactionId(nonce));
        if (!tlsCertificateHash.IsEmpty)
        {
            channelHeader.TlsCertHash = ByteString.CopyFrom(tlsCertificateHash);
        }

        var payload = new Payload
        {
            Header = new Header { ChannelHeader = channelHeader.ToByteString(), SignatureHeader = SignatureHeader(nonce) },
            Data = new SeekInfo { Start = start, Stop = stop, Behavior = behavior }.ToByteString(),
        };
        return new Envelope { Payload = payload.ToByteString() };
    }

    public static ChannelHeader ChannelHeader(HeaderType type, string channel, string transactionId) => new()
    {
        Type = (int)type,
        Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
        ChannelId = channel,
        TxId = transactionId,
        Epoch = 0,
    };
}
