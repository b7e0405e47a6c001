using System.Text;

namespace Restcomm.Tap3.Internal;

/// <summary>
/// Reuses the strings of short, endlessly repeated TAP values (currencies, charge types, service codes, TADIGs)
/// so decoding millions of records does not allocate them again. A lossy table: a miss simply allocates.
/// </summary>
internal static class TextCache
{
    private const int Size = 4096;
    private static readonly string?[] Entries = new string?[Size];

    public static string Get(ReadOnlySpan<byte> value)
    {
        if (value.Length > 8)
        {
            return Encoding.Latin1.GetString(value);
        }

        ulong key = 0;
        for (var i = 0; i < value.Length; i++)
        {
            key = (key << 8) | value[i];
        }

        var slot = (int)((key * 0x9E3779B97F4A7C15UL) >> 52) & (Size - 1);
        var existing = Volatile.Read(ref Entries[slot]);
        if (existing is not null && Matches(existing, value))
        {
            return existing;
        }

        var created = Encoding.Latin1.GetString(value);
        Volatile.Write(ref Entries[slot], created);
        return created;
    }

    private static bool Matches(string s, ReadOnlySpan<byte> value)
    {
        if (s.Length != value.Length)
        {
            return false;
        }

        for (var i = 0; i < value.Length; i++)
        {
            if (s[i] != value[i])
            {
                return false;
            }
        }

        return true;
    }
}
