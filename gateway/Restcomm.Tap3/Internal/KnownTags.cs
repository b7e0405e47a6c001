namespace Restcomm.Tap3.Internal;

/// <summary>
/// The APPLICATION tags TD.57 defines (every type of the TAP 3.12 ASN.1 module, plus the 3.10 audit items the reader
/// still accepts), and the ones that carry money into the audit totals. The call-event decoder asks this when it skips
/// an element: a tag defined here is a TD.57 item it does not model (CAMEL, third party, …); any other tag is unknown
/// to TAP, and is looked into only then, to find a charge that would otherwise vanish without a finding.
/// </summary>
internal static class KnownTags
{
    private const int TableSize = 512;

    private static readonly bool[] Defined = Build(
    [
        1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 15, 16, 17, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 55, 56, 57,
        58, 59, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 79, 80, 87, 88, 89, 90, 91, 92, 94, 95,
        96, 98, 101, 103, 104, 105, 106, 107, 108, 109, 110, 111, 113, 114, 115, 116, 117, 118, 121, 122, 123, 128,
        129, 133, 135, 136, 138, 141, 142, 143, 144, 145, 146, 147, 152, 153, 156, 159, 162, 163, 164, 165, 166,
        167, 169, 170, 181, 182, 183, 184, 185, 186, 188, 189, 191, 192, 193, 195, 196, 198, 199, 200, 201, 204,
        206, 208, 209, 210, 211, 212, 213, 214, 215, 216, 217, 218, 219, 223, 225, 226, 227, 228, 231, 232, 233,
        234, 244, 245, 250, 251, 253, 254, 255, 256, 258, 259, 260, 261, 262, 279, 280, 281, 285, 286, 287, 288,
        289, 290, 291, 292, 293, 294, 295, 297, 298, 299, 300, 301, 302, 303, 304, 305, 309, 310, 311, 313, 314,
        315, 320, 321, 322, 323, 324, 327, 328, 329, 330, 331, 332, 333, 334, 335, 336, 337, 338, 339, 340, 341,
        342, 343, 344, 345, 346, 347, 348, 349, 350, 351, 352, 353, 354, 355, 356, 357, 358, 359, 360, 361, 362,
        363, 364, 365, 366, 367, 368, 369, 370, 371, 372, 373, 374, 375, 376, 377, 378, 379, 380, 381, 382, 383,
        384, 385, 386, 387, 388, 389, 390, 391, 392, 393, 394, 395, 396, 397, 398, 400, 402, 403, 404, 405, 407,
        410, 411, 412, 413, 414, 415, 416, 417, 418, 419, 420, 421, 422, 423, 424, 425, 426, 427, 428, 429, 430,
        431, 432, 433, 434, 435, 436, 437, 438, 439, 440, 441, 442, 443, 444, 445, 446, 447, 448, 449,
        TapTags.TotalChargeValue, TapTags.TotalChargeValueList, TapTags.AbsoluteAmount310,
    ]);

    /// <summary>
    /// Items whose values feed TotalCharge, TotalTaxValue or TotalDiscountValue, and the groups that hold them: finding
    /// one inside an unknown element means money the decoder cannot account for.
    /// </summary>
    private static readonly bool[] Money = Build(
    [
        TapTags.Charge, TapTags.ChargeDetail, TapTags.ChargeDetailList, TapTags.ChargeInformation, TapTags.ChargeInformationList,
        TapTags.TaxInformation, TapTags.TaxInformationList, TapTags.TaxValue, TapTags.DiscountInformation, TapTags.Discount,
        TapTags.SessionChargeInformation, TapTags.SessionChargeInfoList,
    ]);

    /// <summary>True when <paramref name="tag"/> (as folded by <see cref="Ber"/>) is an APPLICATION tag TD.57 defines.</summary>
    public static bool IsDefined(int tag) => (uint)tag < TableSize && Defined[tag];

    /// <summary>True when <paramref name="tag"/> is a money item or a group holding money items.</summary>
    public static bool IsMoney(int tag) => (uint)tag < TableSize && Money[tag];

    private static bool[] Build(int[] tags)
    {
        var table = new bool[TableSize];
        foreach (var tag in tags)
        {
            table[tag] = true;
        }

        return table;
    }
}
