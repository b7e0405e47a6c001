namespace Restcomm.Ingestion.Internal;

/// <summary>
/// E.164 country codes by ISO 3166 alpha-3 code: a TADIG code starts with its country's alpha-3 code (GBRCN, DEUD1),
/// which is how the visited and home countries of a TAP file are found when they are not given.
/// </summary>
internal static class CountryCodes
{
    private static readonly Dictionary<string, string> ByIso3 = new(StringComparer.Ordinal)
    {
        ["ALB"] = "355", ["AND"] = "376", ["ARE"] = "971", ["ARG"] = "54", ["ARM"] = "374", ["AUS"] = "61", ["AUT"] = "43",
        ["AZE"] = "994", ["BEL"] = "32", ["BGR"] = "359", ["BIH"] = "387", ["BLR"] = "375", ["BRA"] = "55", ["CAN"] = "1",
        ["CHE"] = "41", ["CHL"] = "56", ["CHN"] = "86", ["COL"] = "57", ["CYP"] = "357", ["CZE"] = "420", ["DEU"] = "49",
        ["DNK"] = "45", ["EGY"] = "20", ["ESP"] = "34", ["EST"] = "372", ["FIN"] = "358", ["FRA"] = "33", ["GBR"] = "44",
        ["GEO"] = "995", ["GRC"] = "30", ["HKG"] = "852", ["HRV"] = "385", ["HUN"] = "36", ["IDN"] = "62", ["IND"] = "91",
        ["IRL"] = "353", ["ISL"] = "354", ["ISR"] = "972", ["ITA"] = "39", ["JPN"] = "81", ["KAZ"] = "7", ["KOR"] = "82",
        ["LIE"] = "423", ["LTU"] = "370", ["LUX"] = "352", ["LVA"] = "371", ["MAR"] = "212", ["MCO"] = "377", ["MDA"] = "373",
        ["MEX"] = "52", ["MKD"] = "389", ["MLT"] = "356", ["MNE"] = "382", ["MYS"] = "60", ["NGA"] = "234", ["NLD"] = "31",
        ["NOR"] = "47", ["NZL"] = "64", ["PHL"] = "63", ["POL"] = "48", ["PRT"] = "351", ["QAT"] = "974", ["ROU"] = "40",
        ["RUS"] = "7", ["SAU"] = "966", ["SGP"] = "65", ["SMR"] = "378", ["SRB"] = "381", ["SVK"] = "421", ["SVN"] = "386",
        ["SWE"] = "46", ["THA"] = "66", ["TUN"] = "216", ["TUR"] = "90", ["UKR"] = "380", ["USA"] = "1", ["VNM"] = "84",
        ["ZAF"] = "27",
    };

    /// <summary>The E.164 country code of a TADIG code's country, or null when its prefix is not a known country.</summary>
    public static string? ForTadig(string? tadig)
        => tadig is { Length: >= 3 } && ByIso3.TryGetValue(tadig[..3], out var code) ? code : null;
}
