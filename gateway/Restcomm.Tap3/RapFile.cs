namespace Restcomm.Tap3;

/// <summary>A decoded RAP 1.5 file (TD.32 RapDataInterChange): either a ReturnBatch or an Acknowledgement.</summary>
public sealed class RapFile
{
    /// <summary>The ReturnBatch, when the file is one.</summary>
    public RapReturnBatch? ReturnBatch { get; set; }

    /// <summary>The Acknowledgement, when the file is one.</summary>
    public RapAcknowledgement? Acknowledgement { get; set; }
}

/// <summary>The items RapBatchControlInfo and Acknowledgement share.</summary>
public abstract class RapFileControl
{
    /// <summary>Sender (TADIG code) of the RAP file.</summary>
    public string? Sender { get; set; }

    /// <summary>Recipient (TADIG code) of the RAP file.</summary>
    public string? Recipient { get; set; }

    /// <summary>RapFileSequenceNumber: of this RAP file, or of the acknowledged one in an Acknowledgement.</summary>
    public string? RapFileSequenceNumber { get; set; }

    /// <summary>RapFileCreationTimeStamp (AckFileCreationTimeStamp in an Acknowledgement).</summary>
    public TapTimestamp? CreationTime { get; set; }

    /// <summary>RapFileAvailableTimeStamp (AckFileAvailableTimeStamp in an Acknowledgement).</summary>
    public TapTimestamp? AvailableTime { get; set; }

    /// <summary>FileTypeIndicator ("T" test), when present.</summary>
    public string? FileTypeIndicator { get; set; }
}

/// <summary>RAP Acknowledgement: the receipt of a RAP file, sent back by its recipient.</summary>
public sealed class RapAcknowledgement : RapFileControl;

/// <summary>RAP ReturnBatch: RapBatchControlInfo, the ReturnDetailList and RapAuditControlInfo.</summary>
public sealed class RapReturnBatch
{
    /// <summary>RapBatchControlInfo.</summary>
    public RapBatchControl BatchControl { get; set; } = new();

    /// <summary>The ReturnDetailList, in file order (FatalReturn and SevereReturn; other alternatives are skipped when decoding).</summary>
    public IList<RapReturn> Returns { get; set; } = [];

    /// <summary>RapAuditControlInfo.TotalSevereReturnValue: the charges of the returned call events, TAP decimal places.</summary>
    public long? TotalSevereReturnValue { get; set; }

    /// <summary>RapAuditControlInfo.TotalSevereReturnTax: the taxes of the returned call events, TAP decimal places.</summary>
    public long? TotalSevereReturnTax { get; set; }

    /// <summary>RapAuditControlInfo.ReturnDetailsCount: the number of ReturnDetails.</summary>
    public long? ReturnDetailsCount { get; set; }
}

/// <summary>
/// RapBatchControlInfo. Sender and recipient are swapped relative to the returned TAP file (TD.32): the RAP sender is
/// the TAP recipient.
/// </summary>
public sealed class RapBatchControl : RapFileControl
{
    /// <summary>SpecificationVersionNumber of the returned TAP file.</summary>
    public int? SpecificationVersion { get; set; }

    /// <summary>ReleaseVersionNumber of the returned TAP file.</summary>
    public int? ReleaseVersion { get; set; }

    /// <summary>RapSpecificationVersionNumber (1 for RAP 1.5).</summary>
    public int? RapSpecificationVersion { get; set; }

    /// <summary>RapReleaseVersionNumber (5 for RAP 1.5).</summary>
    public int? RapReleaseVersion { get; set; }

    /// <summary>RoamingPartner, when present.</summary>
    public string? RoamingPartner { get; set; }

    /// <summary>TapDecimalPlaces of the amounts in the RAP audit (those of the returned TAP file).</summary>
    public int? TapDecimalPlaces { get; set; }

    /// <summary>TapCurrency, when present.</summary>
    public string? TapCurrency { get; set; }
}

/// <summary>RAP ErrorContext: one step of the path from the TAP root to the item in error.</summary>
/// <param name="PathItemId">The TAP application tag of the item at this step.</param>
/// <param name="ItemOccurrence">1-based position of the item among its repeated siblings, when it repeats.</param>
/// <param name="ItemLevel">Depth of the item, the TAP root (TransferBatch or Notification) being 1.</param>
public sealed record RapErrorContext(int PathItemId, int? ItemOccurrence, int ItemLevel);

/// <summary>RAP ErrorDetail: an error code with where it was found.</summary>
/// <param name="ErrorCode">The TD.57 error code.</param>
/// <param name="ItemOffset">Byte offset of the erroneous element in the returned TAP file, when known.</param>
/// <param name="Context">The ErrorContextList, root first (empty when absent).</param>
public sealed record RapErrorDetail(int ErrorCode, long? ItemOffset, IReadOnlyList<RapErrorContext> Context);

/// <summary>The TAP group of a FatalReturn error (which xxxError item of FatalReturn carries it).</summary>
public enum RapFatalGroup
{
    /// <summary>TransferBatchError: errors of the batch as a whole (e.g. a missing group); carries no TAP data.</summary>
    TransferBatch,

    /// <summary>NotificationError, with the Notification.</summary>
    Notification,

    /// <summary>BatchControlError, with the BatchControlInfo.</summary>
    BatchControl,

    /// <summary>AccountingInfoError, with the AccountingInfo.</summary>
    AccountingInfo,

    /// <summary>NetworkInfoError, with the NetworkInfo.</summary>
    NetworkInfo,

    /// <summary>MessageDescriptionError (decoded only; this codec does not model MessageDescriptionInfo).</summary>
    MessageDescription,

    /// <summary>AuditControlInfoError, with the AuditControlInfo.</summary>
    AuditControlInfo,
}

/// <summary>One errored group of a FatalReturn.</summary>
/// <param name="Group">Which group.</param>
/// <param name="GroupData">The TAP group as returned (its BER element, definite lengths); empty for TransferBatchError.</param>
/// <param name="Errors">The ErrorDetailList.</param>
public sealed record RapGroupError(RapFatalGroup Group, ReadOnlyMemory<byte> GroupData, IReadOnlyList<RapErrorDetail> Errors);

/// <summary>A ReturnDetail of a RAP ReturnBatch.</summary>
/// <param name="FileSequenceNumber">FileSequenceNumber of the TAP file the return belongs to.</param>
public abstract record RapReturn(string FileSequenceNumber);

/// <summary>FatalReturn: the whole TAP file is returned, with the errored groups.</summary>
/// <param name="FileSequenceNumber">FileSequenceNumber of the returned TAP file.</param>
/// <param name="Groups">One entry per errored group, in the ASN.1 order of FatalReturn.</param>
public sealed record RapFatalReturn(string FileSequenceNumber, IReadOnlyList<RapGroupError> Groups) : RapReturn(FileSequenceNumber);

/// <summary>SevereReturn: one rejected call event with its errors.</summary>
/// <param name="FileSequenceNumber">FileSequenceNumber of the TAP file the call event came from.</param>
/// <param name="CallEventData">The CallEventDetail as returned (its BER element, definite lengths).</param>
/// <param name="Errors">The ErrorDetailList.</param>
public sealed record RapSevereReturn(string FileSequenceNumber, ReadOnlyMemory<byte> CallEventData, IReadOnlyList<RapErrorDetail> Errors)
    : RapReturn(FileSequenceNumber)
{
    /// <summary>
    /// The call event decoded from <see cref="CallEventData"/> when reading a RAP file (timestamps keep their UTC-offset
    /// code unresolved: RAP carries no NetworkInfo); null when it could not be decoded, or when building.
    /// </summary>
    public CallEvent? CallEvent { get; init; }

    /// <summary>1-based position of the call event in the returned TAP file (the ItemOccurrence of its ErrorContext), when known.</summary>
    public long? Occurrence => Errors.Count > 0 && Errors[0].Context.Count >= 3 ? Errors[0].Context[2].ItemOccurrence : null;
}
