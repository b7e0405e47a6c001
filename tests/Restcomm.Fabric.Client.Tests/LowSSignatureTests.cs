using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using Restcomm.Fabric.Client.Internal;

namespace Restcomm.Fabric.Client.Tests;

public sealed class LowSSignatureTests
{
    private static readonly BigInteger P256Order = BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber);
    private static readonly BigInteger P384Order = BigInteger.Parse(
        "0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", System.Globalization.NumberStyles.HexNumber);

    public static TheoryData<int> Fields => new() { 32, 48 };

    [Theory]
    [MemberData(nameof(Fields))]
    public void Random_signatures_encode_exactly_as_biginteger_and_the_asn1_writer_do(int fieldBytes)
    {
        for (var i = 0; i < 2000; i++)
        {
            var rs = RandomNumberGenerator.GetBytes(2 * fieldBytes);
            // Short integers too: a leading zero byte (or several) must be dropped, as DER's minimal encoding wants.
            if (i % 7 == 0)
            {
                rs[0] = 0;
                rs[fieldBytes] = 0;
            }

            if (i % 11 == 0)
            {
                rs.AsSpan(0, 3).Clear();
                rs.AsSpan(fieldBytes, 2).Clear();
            }

            Assert.Equal(Reference(rs), LowSSignature.FromFixed(rs));
        }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Edge_values_of_s_encode_exactly_as_biginteger_and_the_asn1_writer_do(int fieldBytes)
    {
        var order = fieldBytes == 32 ? P256Order : P384Order;
        var half = order / 2;
        BigInteger[] values = [BigInteger.Zero, BigInteger.One, 0x7F, 0x80, 0xFF, half - 1, half, half + 1, order - 1, (BigInteger.One << (8 * fieldBytes - 1)) - 1, BigInteger.One << (8 * fieldBytes - 1)];
        foreach (var r in values)
        {
            foreach (var s in values)
            {
                var rs = new byte[2 * fieldBytes];
                r.TryWriteBytes(rs.AsSpan(fieldBytes - r.GetByteCount(isUnsigned: true), fieldBytes), out _, isUnsigned: true, isBigEndian: true);
                s.TryWriteBytes(rs.AsSpan(2 * fieldBytes - s.GetByteCount(isUnsigned: true)), out _, isUnsigned: true, isBigEndian: true);

                Assert.Equal(Reference(rs), LowSSignature.FromFixed(rs));
            }
        }
    }

    [Fact]
    public void A_signature_of_another_width_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => LowSSignature.FromFixed(new byte[64 + 2]));

    /// <summary>The straightforward construction: <c>BigInteger</c> arithmetic and the ASN.1 writer's DER.</summary>
    private static byte[] Reference(ReadOnlySpan<byte> rs)
    {
        var fieldBytes = rs.Length / 2;
        var order = fieldBytes == 32 ? P256Order : P384Order;
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
