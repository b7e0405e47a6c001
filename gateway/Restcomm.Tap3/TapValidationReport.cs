namespace Restcomm.Tap3;

/// <summary>TD.57 severity of a validation error.</summary>
public enum TapSeverity
{
    /// <summary>Reported, the data is accepted.</summary>
    Warning,

    /// <summary>The call event is rejected (returned in a RAP SevereReturn); the rest of the file is accepted.</summary>
    Severe,

    /// <summary>The whole file is rejected (returned in a RAP FatalReturn).</summary>
    Fatal,
}

/// <summary>
/// One validation finding. <see cref="Code"/> is the TD.57 error code of the item (10 syntax error, 20 value out of
/// range, 30+ mandatory item missing within the group, 100+ logical checks); <see cref="Context"/> names the group
/// it was found in, as TD.57 and RAP's ErrorContext do.
/// </summary>
/// <param name="Severity">Fatal, severe or warning.</param>
/// <param name="Code">TD.57 error code.</param>
/// <param name="Context">The group (e.g. "BatchControlInfo", "AuditControlInfo", "MobileOriginatedCall").</param>
/// <param name="Item">The item concerned (e.g. "TapDecimalPlaces").</param>
/// <param name="RecordIndex">Zero-based index of the call event in the file, for record-level errors.</param>
/// <param name="Offset">Byte offset of the element in the file, when known; -1 otherwise.</param>
/// <param name="Message">What is wrong, in words.</param>
public sealed record TapValidationError(
    TapSeverity Severity,
    int Code,
    string Context,
    string Item,
    long? RecordIndex,
    long Offset,
    string Message);

/// <summary>
/// The outcome of TD.57 validation. Fatal errors refuse the file; severe errors remove individual call events;
/// warnings are informational. Shaped so that it maps directly onto a RAP ReturnBatch
/// (see <see cref="ToReturnDetails"/>).
/// </summary>
public sealed class TapValidationReport
{
    /// <summary>At most this many errors are kept; the rest are only counted (memory stays flat on huge files).</summary>
    public const int MaxKeptErrors = 10_000;

    private readonly List<TapValidationError> _errors = [];
    private readonly SortedSet<long> _severeRecords = [];

    /// <summary>The kept errors, in the order found (file-level, then records in file order, then audit).</summary>
    public IReadOnlyList<TapValidationError> Errors => _errors;

    /// <summary>Number of errors found, including those not kept.</summary>
    public long TotalErrors { get; private set; }

    /// <summary>Number of fatal errors.</summary>
    public long FatalCount { get; private set; }

    /// <summary>Number of severe errors.</summary>
    public long SevereCount { get; private set; }

    /// <summary>Number of warnings.</summary>
    public long WarningCount { get; private set; }

    /// <summary>True when any fatal error was found: the file must be refused.</summary>
    public bool IsFatal => FatalCount > 0;

    /// <summary>Indexes of call events with at least one severe error (capped like <see cref="Errors"/>).</summary>
    public IReadOnlyCollection<long> SevereRecordIndexes => _severeRecords;

    /// <summary>Number of call events rejected with severe errors.</summary>
    public long RejectedRecordCount { get; private set; }

    /// <summary>Adds a finding.</summary>
    public void Add(TapValidationError error)
    {
        ArgumentNullException.ThrowIfNull(error);
        TotalErrors++;
        switch (error.Severity)
        {
            case TapSeverity.Fatal:
                FatalCount++;
                break;
            case TapSeverity.Severe:
                SevereCount++;
                if (error.RecordIndex is long index && !_severeRecords.Contains(index))
                {
                    RejectedRecordCount++;
                    if (_severeRecords.Count < MaxKeptErrors)
                    {
                        _severeRecords.Add(index);
                    }
                }

                break;
            default:
                WarningCount++;
                break;
        }

        if (_errors.Count < MaxKeptErrors)
        {
            _errors.Add(error);
        }
    }

    /// <summary>
    /// Groups the findings the way a RAP ReturnBatch carries them: one FatalReturn per group with fatal errors, one
    /// SevereReturn per rejected call event. Warnings are not returned in RAP.
    /// </summary>
    public IReadOnlyList<RapReturnDetail> ToReturnDetails()
    {
        var result = new List<RapReturnDetail>();
        var fatalByContext = new Dictionary<string, List<TapValidationError>>(StringComparer.Ordinal);
        var severeByRecord = new SortedDictionary<long, List<TapValidationError>>();
        foreach (var error in _errors)
        {
            if (error.Severity == TapSeverity.Fatal)
            {
                if (!fatalByContext.TryGetValue(error.Context, out var list))
                {
                    fatalByContext[error.Context] = list = [];
                }

                list.Add(error);
            }
            else if (error.Severity == TapSeverity.Severe && error.RecordIndex is long index)
            {
                if (!severeByRecord.TryGetValue(index, out var list))
                {
                    severeByRecord[index] = list = [];
                }

                list.Add(error);
            }
        }

        foreach (var (context, errors) in fatalByContext)
        {
            result.Add(new RapReturnDetail(RapReturnKind.Fatal, context, null, errors));
        }

        foreach (var (index, errors) in severeByRecord)
        {
            result.Add(new RapReturnDetail(RapReturnKind.Severe, errors[0].Context, index, errors));
        }

        return result;
    }
}

/// <summary>RAP ReturnDetail alternatives this codec produces.</summary>
public enum RapReturnKind
{
    /// <summary>FatalReturn: the whole transfer batch is returned.</summary>
    Fatal,

    /// <summary>SevereReturn: one call event is returned.</summary>
    Severe,
}

/// <summary>One RAP ReturnDetail: its kind, the TAP group (FatalReturn's xxxError item) or record, and its ErrorDetails.</summary>
/// <param name="Kind">Fatal or severe.</param>
/// <param name="Context">The TAP group the errors belong to.</param>
/// <param name="RecordIndex">For severe returns, the index of the returned call event.</param>
/// <param name="Errors">The errors (RAP ErrorDetail: error code + context).</param>
public sealed record RapReturnDetail(RapReturnKind Kind, string Context, long? RecordIndex, IReadOnlyList<TapValidationError> Errors);
