namespace Restcomm.Numbers;

/// <summary>
/// The country calling codes in service per ITU-T E.164 (the list annexed to the ITU Operational Bulletin): geographic
/// codes and the global services (800 freephone, 808 shared cost, 870 Inmarsat, 878 UPT, 881 GMSS, 882/883
/// international networks, 888 OCHA, 979 premium rate). Spare and reserved codes are refused.
/// </summary>
public static class CountryCallingCodes
{
    private static readonly int[] Assigned =
    [
        1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58,
        60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98,
        211, 212, 213, 216, 218, 220, 221, 222, 223, 224, 225, 226, 227, 228, 229, 230, 231, 232, 233, 234, 235, 236,
        237, 238, 239, 240, 241, 242, 243, 244, 245, 246, 247, 248, 249, 250, 251, 252, 253, 254, 255, 256, 257, 258,
        260, 261, 262, 263, 264, 265, 266, 267, 268, 269, 290, 291, 297, 298, 299,
        350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 370, 371, 372, 373, 374, 375, 376, 377, 378, 380, 381, 382,
        383, 385, 386, 387, 389, 420, 421, 423,
        500, 501, 502, 503, 504, 505, 506, 507, 508, 509, 590, 591, 592, 593, 594, 595, 596, 597, 598, 599,
        670, 672, 673, 674, 675, 676, 677, 678, 679, 680, 681, 682, 683, 685, 686, 687, 688, 689, 690, 691, 692,
        800, 808, 850, 852, 853, 855, 856, 870, 878, 880, 881, 882, 883, 886, 888,
        960, 961, 962, 963, 964, 965, 966, 967, 968, 970, 971, 972, 973, 974, 975, 976, 977, 979,
        992, 993, 994, 995, 996, 998,
    ];

    // 1000 flags: codes are prefix-free (no assigned code is a prefix of another), so the first match is the code.
    private static readonly bool[] IsAssigned = Build();

    /// <summary>Whether <paramref name="code"/> is an assigned country calling code.</summary>
    /// <param name="code">1 to 3 digits.</param>
    /// <returns>True when assigned.</returns>
    public static bool Contains(int code) => code is > 0 and < 1000 && IsAssigned[code];

    /// <summary>All assigned codes, ascending.</summary>
    public static IReadOnlyList<int> All => Assigned;

    /// <summary>The country calling code a number's digits start with, or 0 when none does.</summary>
    /// <param name="value">The digits as a number.</param>
    /// <param name="length">How many digits.</param>
    /// <returns>The code or 0.</returns>
    public static int Of(ulong value, int length)
    {
        var divisor = Pow10(length - 1);
        for (var digits = 1; digits <= 3 && digits <= length; digits++)
        {
            var prefix = (int)(value / divisor);
            if (IsAssigned[prefix])
            {
                return prefix;
            }

            divisor /= 10;
        }

        return 0;
    }

    internal static ulong Pow10(int n)
    {
        ulong p = 1;
        for (var i = 0; i < n; i++)
        {
            p *= 10;
        }

        return p;
    }

    private static bool[] Build()
    {
        var flags = new bool[1000];
        foreach (var code in Assigned)
        {
            flags[code] = true;
        }

        return flags;
    }
}
