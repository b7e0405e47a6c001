namespace Restcomm.Fabric.Client.Internal;

/// <summary>
/// Turns a fixed-width <c>r || s</c> ECDSA signature (P-256 or P-384) into the form Fabric's MSPs accept: DER
/// <c>SEQUENCE { r, s }</c> with S in the lower half of the curve order.
/// </summary>
/// <remarks>
/// Every transaction is signed three times, so this works on the big-endian bytes in place (compare with half the
/// order, subtract from the order, minimal DER integers) instead of going through <c>BigInteger</c> and an ASN.1
/// writer; the output is the same DER those produce.
/// </remarks>
internal static class LowSSignature
{
    private static ReadOnlySpan<byte> P256Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xBC, 0xE6, 0xFA, 0xAD, 0xA7, 0x17, 0x9E, 0x84, 0xF3, 0xB9, 0xCA, 0xC2, 0xFC, 0x63, 0x25, 0x51,
    ];

    private static ReadOnlySpan<byte> P256HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0x80, 0x00, 0x00, 0x00, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xDE, 0x73, 0x7D, 0x56, 0xD3, 0x8B, 0xCF, 0x42, 0x79, 0xDC, 0xE5, 0x61, 0x7E, 0x31, 0x92, 0xA8,
    ];

    private static ReadOnlySpan<byte> P384Order =>
    [
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xC7, 0x63, 0x4D, 0x81, 0xF4, 0x37, 0x2D, 0xDF,
        0x58, 0x1A, 0x0D, 0xB2, 0x48, 0xB0, 0xA7, 0x7A, 0xEC, 0xEC, 0x19, 0x6A, 0xCC, 0xC5, 0x29, 0x73,
    ];

    private static ReadOnlySpan<byte> P384HalfOrder =>
    [
        0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xE3, 0xB1, 0xA6, 0xC0, 0xFA, 0x1B, 0x96, 0xEF,
        0xAC, 0x0D, 0x06, 0xD9, 0x24, 0x58, 0x53, 0xBD, 0x76, 0x76, 0x0C, 0xB5, 0x66, 0x62, 0x94, 0xB9,
    ];

    /// <summary>The curve order, big-endian, for a field of <paramref name="fieldBytes"/> bytes (32: P-256, 48: P-384).</summary>
    public static ReadOnlySpan<byte> Order(int fieldBytes) => fieldBytes switch
    {
        32 => P256Order,
        48 => P384Order,
        _ => throw new ArgumentOutOfRangeException(nameof(fieldBytes), fieldBytes, "Only P-256 and P-384 are supported."),
    };

    /// <summary>Half the curve order (rounded down), big-endian: the largest S a peer accepts.</summary>
    public static ReadOnlySpan<byte> HalfOrder(int fieldBytes) => fieldBytes switch
    {
        32 => P256HalfOrder,
        48 => P384HalfOrder,
        _ => throw new ArgumentOutOfRangeException(nameof(fieldBytes), fieldBytes, "Only P-256 and P-384 are supported."),
    };

    /// <summary>DER of <c>(r, low s)</c> from <paramref name="rs"/>, two big-endian halves of equal width.</summary>
    public static byte[] FromFixed(ReadOnlySpan<byte> rs)
    {
        var fieldBytes = rs.Length / 2;
        var order = Order(fieldBytes);
        var r = rs[..fieldBytes];
        Span<byte> s = stackalloc byte[48];
        s = s[..fieldBytes];
        rs[fieldBytes..].CopyTo(s);
        if (s.SequenceCompareTo(HalfOrder(fieldBytes)) > 0)
        {
            Subtract(order, s);
        }

        // Both integers are below 2^384, so every length fits DER's one-byte short form.
        var rLength = IntegerLength(r);
        var sLength = IntegerLength(s);
        var der = new byte[2 + rLength + sLength];
        der[0] = 0x30;
        der[1] = (byte)(rLength + sLength);
        WriteInteger(r, der.AsSpan(2, rLength));
        WriteInteger(s, der.AsSpan(2 + rLength, sLength));
        return der;
    }

    /// <summary><paramref name="value"/> := <paramref name="minuend"/> − <paramref name="value"/>, both big-endian of one width.</summary>
    private static void Subtract(ReadOnlySpan<byte> minuend, Span<byte> value)
    {
        var borrow = 0;
        for (var i = value.Length - 1; i >= 0; i--)
        {
            var difference = minuend[i] - value[i] - borrow;
            borrow = difference < 0 ? 1 : 0;
            value[i] = (byte)difference;
        }
    }

    /// <summary>The encoded length of a non-negative DER INTEGER (tag, length, minimal two's complement content).</summary>
    private static int IntegerLength(ReadOnlySpan<byte> magnitude)
    {
        var content = Minimal(magnitude);
        return 2 + content.Length + (content[0] >= 0x80 ? 1 : 0);
    }

    private static void WriteInteger(ReadOnlySpan<byte> magnitude, Span<byte> destination)
    {
        var content = Minimal(magnitude);
        var pad = content[0] >= 0x80 ? 1 : 0;
        destination[0] = 0x02;
        destination[1] = (byte)(content.Length + pad);
        destination[2] = 0;
        content.CopyTo(destination[(2 + pad)..]);
    }

    /// <summary>The magnitude without leading zero bytes, keeping one byte for zero.</summary>
    private static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> magnitude)
    {
        var start = magnitude.IndexOfAnyExcept((byte)0);
        return start < 0 ? magnitude[^1..] : magnitude[start..];
    }
}
