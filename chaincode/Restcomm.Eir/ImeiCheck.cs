namespace Restcomm.Eir;

/// <summary>The answer to a CheckIMEI: the device's status and the entry that decided it.</summary>
/// <param name="Imei">The device.</param>
/// <param name="Status">whiteListed, blackListed or greyListed.</param>
/// <param name="Entry">
/// The deciding entry: the black or grey entry, or the white TAC entry; null when no entry covers the device
/// (such equipment is white-listed: the consortium keeps black and grey lists, not a complete white list).
/// </param>
public readonly record struct ImeiCheck(Imei Imei, EquipmentStatus Status, EirEntry? Entry);

/// <summary>
/// How entries decide a status: an active black entry wins, then an unexpired grey entry, then a white TAC
/// entry; a device no entry covers is white-listed. Among entries of the same list the earliest report
/// decides (ties broken by owner MSP ID), so every reader picks the same entry.
/// </summary>
public static class EquipmentStatusRules
{
    /// <summary>The status of <paramref name="imei"/> at <paramref name="now"/> given the entries covering it.</summary>
    /// <param name="imei">The device.</param>
    /// <param name="entries">Entries to consider; those not covering the IMEI are ignored.</param>
    /// <param name="now">The time against which grey expiries are judged.</param>
    public static ImeiCheck Evaluate(Imei imei, IEnumerable<EirEntry> entries, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var best = new Decision();
        foreach (var entry in entries)
        {
            if (entry.Target.Covers(imei))
            {
                best.Consider(entry, now.UtcTicks);
            }
        }

        return best.ToCheck(imei);
    }

    /// <summary>Keeps the best entry seen so far; a struct so the index's hot path does not allocate.</summary>
    internal struct Decision
    {
        private EirEntry? _entry;

        public void Consider(EirEntry entry, long nowTicks)
        {
            if (entry.ExpiresAt is { } expiry && expiry.UtcTicks <= nowTicks)
            {
                return;
            }

            if (_entry is null || Rank(entry.List) < Rank(_entry.List)
                || (entry.List == _entry.List && Earlier(entry, _entry)))
            {
                _entry = entry;
            }
        }

        public readonly bool IsBlack => _entry?.List == EirList.Black;

        public readonly ImeiCheck ToCheck(Imei imei) => _entry switch
        {
            null => new ImeiCheck(imei, EquipmentStatus.WhiteListed, null),
            { List: EirList.Black } => new ImeiCheck(imei, EquipmentStatus.BlackListed, _entry),
            { List: EirList.Grey } => new ImeiCheck(imei, EquipmentStatus.GreyListed, _entry),
            _ => new ImeiCheck(imei, EquipmentStatus.WhiteListed, _entry),
        };

        private static int Rank(EirList list) => list switch
        {
            EirList.Black => 0,
            EirList.Grey => 1,
            _ => 2,
        };

        private static bool Earlier(EirEntry a, EirEntry b)
        {
            var c = a.ReportedAt.CompareTo(b.ReportedAt);
            return c < 0 || (c == 0 && string.CompareOrdinal(a.Owner, b.Owner) < 0);
        }
    }
}
