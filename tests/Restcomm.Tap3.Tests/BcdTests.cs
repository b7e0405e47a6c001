using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3.Tests;

public class BcdTests
{
    /// <summary>The BCDString rules written out nibble by nibble: high nibble first, F fillers only at the end.</summary>
    private static string? Reference(byte[] value)
    {
        var nibbles = new List<int>();
        foreach (var b in value)
        {
            nibbles.Add(b >> 4);
            nibbles.Add(b & 0x0F);
        }

        var digits = nibbles.Count;
        if (digits > 0 && nibbles[^1] == 0x0F)
        {
            digits--;
            if (nibbles[^2] == 0x0F)
            {
                digits--;
            }
        }

        var text = new System.Text.StringBuilder();
        for (var i = 0; i < digits; i++)
        {
            var n = nibbles[i];
            if (n == 0x0F)
            {
                return null;
            }

            text.Append(n < 10 ? (char)('0' + n) : "*#abc"[n - 10]);
        }

        return text.ToString();
    }

    private static string? Decode(byte[] value)
    {
        try
        {
            return Ber.ReadBcd(value, 0, "test");
        }
        catch (TapValueException)
        {
            return null;
        }
    }

    [Fact]
    public void Every_one_and_two_byte_bcd_string_decodes_as_the_rules_say()
    {
        for (var a = 0; a < 256; a++)
        {
            Assert.Equal(Reference([(byte)a]), Decode([(byte)a]));
            for (var b = 0; b < 256; b++)
            {
                Assert.Equal(Reference([(byte)a, (byte)b]), Decode([(byte)a, (byte)b]));
            }
        }
    }

    [Fact]
    public void Longer_bcd_strings_decode_as_the_rules_say()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var value = new byte[random.Next(0, 12)];
            random.NextBytes(value);
            if (random.Next(2) == 0)
            {
                // mostly digits, so that the valid path is exercised as much as the malformed one
                for (var j = 0; j < value.Length; j++)
                {
                    value[j] = (byte)((random.Next(10) << 4) | random.Next(10));
                }

                if (value.Length > 0 && random.Next(2) == 0)
                {
                    value[^1] |= 0x0F;
                }
            }

            Assert.Equal(Reference(value), Decode(value));
        }
    }
}
