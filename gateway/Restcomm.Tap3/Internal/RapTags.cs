namespace Restcomm.Tap3.Internal;

/// <summary>RAP 1.5 APPLICATION tag numbers (TD.32 RAP0105.asn, implicit tags). TAP items it imports use <see cref="TapTags"/>.</summary>
internal static class RapTags
{
    public const int ReturnBatch = 534;
    public const int Acknowledgement = 535;
    public const int ReturnDetailList = 536;
    public const int RapBatchControlInfo = 537;
    public const int MissingReturn = 538;
    public const int FatalReturn = 539;
    public const int SevereReturn = 540;
    public const int RapAuditControlInfo = 541;
    public const int TransferBatchError = 542;
    public const int RapReleaseVersionNumber = 543;
    public const int RapSpecificationVersionNumber = 544;
    public const int ErrorContext = 545;
    public const int PathItemId = 546;
    public const int ItemOccurrence = 547;
    public const int ItemLevel = 548;
    public const int ErrorContextList = 549;
    public const int RoamingPartner = 550;
    public const int OperatorSpecList = 551;
    public const int NotificationError = 552;
    public const int TotalSevereReturnTax = 553;
    public const int StopReturn = 554;
    public const int AccountingInfoError = 512;
    public const int AuditControlInfoError = 513;
    public const int AckFileAvailableTimeStamp = 515;
    public const int AckFileCreationTimeStamp = 516;
    public const int BatchControlError = 517;
    public const int ErrorCode = 519;
    public const int ErrorDetailList = 520;
    public const int ErrorDetail = 521;
    public const int MessageDescriptionError = 522;
    public const int NetworkInfoError = 523;
    public const int ItemOffset = 524;
    public const int RapFileAvailableTimeStamp = 525;
    public const int RapFileCreationTimeStamp = 526;
    public const int ReturnDetailsCount = 528;
    public const int TotalSevereReturnValue = 533;

    /// <summary>The FatalReturn item that carries errors of <paramref name="group"/>.</summary>
    public static int GroupErrorTag(RapFatalGroup group) => group switch
    {
        RapFatalGroup.TransferBatch => TransferBatchError,
        RapFatalGroup.Notification => NotificationError,
        RapFatalGroup.BatchControl => BatchControlError,
        RapFatalGroup.AccountingInfo => AccountingInfoError,
        RapFatalGroup.NetworkInfo => NetworkInfoError,
        RapFatalGroup.MessageDescription => MessageDescriptionError,
        RapFatalGroup.AuditControlInfo => AuditControlInfoError,
        _ => throw new ArgumentOutOfRangeException(nameof(group), group, null),
    };

    /// <summary>The group of a FatalReturn item tag; null for other tags.</summary>
    public static RapFatalGroup? GroupOf(int tag) => tag switch
    {
        TransferBatchError => RapFatalGroup.TransferBatch,
        NotificationError => RapFatalGroup.Notification,
        BatchControlError => RapFatalGroup.BatchControl,
        AccountingInfoError => RapFatalGroup.AccountingInfo,
        NetworkInfoError => RapFatalGroup.NetworkInfo,
        MessageDescriptionError => RapFatalGroup.MessageDescription,
        AuditControlInfoError => RapFatalGroup.AuditControlInfo,
        _ => null,
    };
}
