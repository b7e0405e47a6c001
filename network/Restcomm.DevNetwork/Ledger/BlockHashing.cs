using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using Restcomm.Fabric.Protos.Common;

namespace Restcomm.DevNetwork.Ledger;

/// <summary>Fabric's block hashes: data hash = SHA-256 of the concatenated envelopes; header hash = SHA-256 of the ASN.1 DER header.</summary>
internal static class BlockHashing
{
    public static byte[] DataHash(BlockData data)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var d in data.Data)
        {
            sha.AppendData(d.Span);
        }
        return sha.GetHashAndReset();
    }

    /// <summary>SHA-256 over SEQUENCE { INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash } (protoutil.BlockHeaderBytes).</summary>
    public static byte[] HeaderHash(BlockHeader header)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(new BigInteger(header.Number));
            writer.WriteOctetString(header.PreviousHash.Span);
            writer.WriteOctetString(header.DataHash.Span);
        }
        return SHA256.HashData(writer.Encode());
    }
}
