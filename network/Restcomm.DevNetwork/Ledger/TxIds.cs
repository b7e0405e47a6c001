using System.Security.Cryptography;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Ledger;

internal static class TxIds
{
    /// <summary>Fabric's transaction ID: lowercase hex of SHA-256(nonce ‖ creator).</summary>
    public static string Compute(ByteString nonce, ByteString creator)
    {
        var length = nonce.Length + creator.Length;
        Span<byte> buffer = length <= 4096 ? stackalloc byte[length] : new byte[length];
        nonce.Span.CopyTo(buffer);
        creator.Span.CopyTo(buffer[nonce.Length..]);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer, digest);
        return Convert.ToHexStringLower(digest);
    }
}

internal static class ProposalHashing
{
    /// <summary>
    /// protoutil.GetProposalHash1: SHA-256 of channel header ‖ signature header ‖ the proposal payload as it goes into
    /// the transaction (without the transient map).
    /// </summary>
    public static byte[] Compute(ByteString channelHeader, ByteString signatureHeader, ByteString proposalPayloadForTx)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(channelHeader.Span);
        sha.AppendData(signatureHeader.Span);
        sha.AppendData(proposalPayloadForTx.Span);
        return sha.GetHashAndReset();
    }

    /// <summary>The ChaincodeProposalPayload without its transient map, as Fabric puts it in the transaction.</summary>
    public static ByteString PayloadForTx(ChaincodeProposalPayload payload) =>
        new ChaincodeProposalPayload { Input = payload.Input }.ToByteString();
}
