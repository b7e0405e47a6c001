using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;

namespace Restcomm.DevNetwork.Crypto;

/// <summary>ECDSA over SHA-256 with DER signatures, refusing high-S values as Fabric's BCCSP does.</summary>
internal static class EcdsaSignatures
{
    private static readonly BigInteger P256Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger P384Order = BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", System.Globalization.NumberStyles.HexNumber);

    public static BigInteger Order(int keySizeBits) => keySizeBits switch
    {
        256 => P256Order,
        384 => P384Order,
        _ => throw new CryptographicException($"unsupported curve size {keySizeBits}"),
    };

    /// <summary>True when <paramref name="signature"/> is a valid low-S DER signature of <paramref name="data"/>.</summary>
    public static bool Verify(ECParameters publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        using var ecdsa = ECDsa.Create(publicKey);
        return Verify(ecdsa, data, signature);
    }

    /// <summary>True when <paramref name="signature"/> is a valid low-S DER signature of <paramref name="data"/>.</summary>
    public static bool Verify(ECDsa publicKey, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (!TryReadDer(signature, out _, out var s) || s.Sign <= 0 || s > Order(publicKey.KeySize) >> 1)
        {
            return false;
        }
        return publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    /// <summary>Signs the SHA-256 digest of <paramref name="data"/>, returning a low-S DER signature.</summary>
    public static byte[] Sign(ECDsa key, ReadOnlySpan<byte> data)
    {
        var raw = key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var half = raw.Length / 2;
        var r = new BigInteger(raw.AsSpan(0, half), isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(raw.AsSpan(half), isUnsigned: true, isBigEndian: true);
        var n = Order(half * 8);
        if (s > n >> 1)
        {
            s = n - s;
        }
        return WriteDer(r, s);
    }

    public static byte[] WriteDer(BigInteger r, BigInteger s)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(s);
        }
        return writer.Encode();
    }

    public static bool TryReadDer(ReadOnlySpan<byte> der, out BigInteger r, out BigInteger s)
    {
        r = s = default;
        try
        {
            var reader = new AsnReader(der.ToArray(), AsnEncodingRules.DER);
            var seq = reader.ReadSequence();
            r = seq.ReadInteger();
            s = seq.ReadInteger();
            seq.ThrowIfNotEmpty();
            reader.ThrowIfNotEmpty();
            return r.Sign > 0;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
