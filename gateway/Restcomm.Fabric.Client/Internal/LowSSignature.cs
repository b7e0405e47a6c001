using System.Formats.Asn1;
using System.Numerics;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>
/// Turns a fixed-width <c>r || s</c> ECDSA signature (P-256 or P-384) into the form Fabric's MSPs accept: DER
/// <c>SEQUENCE { r, s }</c> with S in the lower half of the curve order.
/// </summary>
internal static class LowSSignature
{
    public static readonly BigInteger P256Order = BigInteger.Parse(
        "0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);

    public static readonly BigInteger P384Order = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", System.Globalization.NumberStyles.HexNumber);

    /// <summary>The curve order for a field of <paramref name="fieldBytes"/> bytes (32: P-256, 48: P-384).</summary>
    public static BigInteger Order(int fieldBytes) => fieldBytes switch
    {
        32 => P256Order,
        48 => P384Order,
        _ => throw new ArgumentOutOfRangeException(nameof(fieldBytes), fieldBytes, "Only P-256 and P-384 are supported."),
    };

    /// <summary>DER of <c>(r, low s)</c> from <paramref name="rs"/>, two big-endian halves of equal width.</summary>
    public static byte[] FromFixed(ReadOnlySpan<byte> rs)
    {
        var fieldBytes = rs.Length / 2;
        var order = Order(fieldBytes);
        var r = new BigInteger(rs[..fieldBytes], isUnsigned: true, isBigEndian: true);
        var s = new BigInteger(rs[fieldBytes..], isUnsigned: true, isBigEndian: true);
        if (s > order / 2)
        {
            s = order - s;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(s);
        }

        return writer.Encode();
    }
}
