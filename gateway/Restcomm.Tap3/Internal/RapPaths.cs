namespace Restcomm.Tap3.Internal;

/// <summary>
/// RAP ErrorContext paths for validation findings: from the TAP root (level 1) down to the group with the error, then
/// the item itself when it is present in the file (TD.57 codes 30-39 mean the item is missing, so the path ends at
/// the group that should contain it).
/// </summary>
internal static class RapPaths
{
    /// <summary>The FatalReturn group and the path of a fatal error.</summary>
    public static (RapFatalGroup Group, IReadOnlyList<RapErrorContext> Path) Fatal(TapValidationError error, TapHeader header)
    {
        if (header.Kind == TapFileKind.Notification)
        {
            return (RapFatalGroup.Notification, WithItem([Step(TapTags.Notification, 1)], error));
        }

        RapErrorContext root = Step(TapTags.TransferBatch, 1);
        var (group, groupPath) = error.Context switch
        {
            "BatchControlInfo" when header.BatchControl is not null => (RapFatalGroup.BatchControl, Path(root, TapTags.BatchControlInfo)),
            "AccountingInfo" when header.Accounting is not null => (RapFatalGroup.AccountingInfo, Path(root, TapTags.AccountingInfo)),
            "CurrencyConversion" when header.Accounting is not null =>
                (RapFatalGroup.AccountingInfo, Path(root, TapTags.AccountingInfo, TapTags.CurrencyConversionList, TapTags.CurrencyConversion)),
            "NetworkInfo" when header.Network is not null => (RapFatalGroup.NetworkInfo, Path(root, TapTags.NetworkInfo)),
            "UtcTimeOffsetInfo" when header.Network is not null =>
                (RapFatalGroup.NetworkInfo, Path(root, TapTags.NetworkInfo, TapTags.UtcTimeOffsetInfoList, TapTags.UtcTimeOffsetInfo)),
            "AuditControlInfo" when header.Audit is not null => (RapFatalGroup.AuditControlInfo, Path(root, TapTags.AuditControlInfo)),
            _ => (RapFatalGroup.TransferBatch, [root]),
        };

        return (group, WithItem(groupPath, error));
    }

    /// <summary>The path of a severe error: TransferBatch, CallEventDetailList, the call event (its 1-based occurrence).</summary>
    public static IReadOnlyList<RapErrorContext> CallEvent(int callEventTag, long recordIndex) =>
    [
        Step(TapTags.TransferBatch, 1),
        Step(TapTags.CallEventDetailList, 2),
        new RapErrorContext(callEventTag, checked((int)(recordIndex + 1)), 3),
    ];

    /// <summary>The tag of the BER element at the start of <paramref name="element"/>.</summary>
    public static int TagOf(ReadOnlySpan<byte> element)
    {
        var pos = 0;
        return Ber.Read(element, ref pos, element.Length, 0, 1, Ber.DefaultMaxDepth).Tag;
    }

    private static RapErrorContext Step(int tag, int level) => new(tag, null, level);

    private static List<RapErrorContext> Path(RapErrorContext root, params int[] tags)
    {
        var path = new List<RapErrorContext> { root };
        foreach (var tag in tags)
        {
            path.Add(Step(tag, path.Count + 1));
        }

        return path;
    }

    private static List<RapErrorContext> WithItem(List<RapErrorContext> path, TapValidationError error)
    {
        var missing = error.Code is >= 30 and <= 39;
        if (!missing && TapTags.TryGetTag(error.Item, out var tag) && tag != path[^1].PathItemId)
        {
            path.Add(Step(tag, path.Count + 1));
        }

        return path;
    }
}
