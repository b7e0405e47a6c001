using System.Security.Cryptography;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;

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

    public static ChannelHeader ChannelHeader(HeaderType type, string channel, string transactionId) => new()
    {
        Type = (int)type,
        Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
        ChannelId = channel,
        TxId = transactionId,
        Epoch = 0,
    };
}
