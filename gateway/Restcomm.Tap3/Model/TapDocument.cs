namespace Restcomm.Tap3;

/// <summary>
/// The file-level parts of a TAP file: everything except the call events, which stream separately.
/// </summary>
public sealed class TapHeader
{
    /// <summary>Transfer batch or notification.</summary>
    public TapFileKind Kind { get; set; }

    /// <summary>Version from BatchControlInfo (or the Notification); default when absent.</summary>
    public TapVersion Version { get; set; }

    /// <summary>BatchControlInfo (or the Notification's equivalent items).</summary>
    public BatchControl? BatchControl { get; set; }

    /// <summary>AccountingInfo.</summary>
    public AccountingInfo? Accounting { get; set; }

    /// <summary>NetworkInfo.</summary>
    public NetworkInfo? Network { get; set; }

    /// <summary>AuditControlInfo (known only after all call events were read).</summary>
    public AuditControl? Audit { get; set; }

    /// <summary>True when the file contains a CallEventDetailList.</summary>
    public bool HasCallEventList { get; set; }
}

/// <summary>A whole TAP file in memory: header, call events and the validation report.</summary>
public sealed class TapDocument
{
    /// <summary>The file-level parts.</summary>
    public TapHeader Header { get; set; } = new();

    /// <summary>The decoded call events, in file order (records with severe errors included, flagged in the report).</summary>
    public IList<CallEvent> Events { get; set; } = [];

    /// <summary>The TD.57 validation report (empty when the document was built in memory).</summary>
    public TapValidationReport Validation { get; set; } = new();
}
