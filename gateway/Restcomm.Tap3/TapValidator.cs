using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3;

/// <summary>
/// TD.57 validation. File-level checks (<see cref="ValidateHeader"/>) and the audit comparison
/// (<see cref="ValidateAudit"/>) produce fatal errors; <see cref="ValidateRecord(CallEvent, long, long, TapHeader, Action{TapValidationError})"/> produces severe errors that
/// reject single call events, and warnings. Error codes follow TD.57's numbering: 10 syntax error, 20 value out of
/// range, 30 onwards mandatory item missing within the group, 100 onwards logical checks; the exact assignment is
/// listed in the library README.
/// </summary>
public static class TapValidator
{
    private static readonly string[] KindNames = Enum.GetNames<CallEventKind>();

    /// <summary>Validates a whole in-memory document (header, every record, audit) into a new report.</summary>
    public static TapValidationReport Validate(TapDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var report = new TapValidationReport();
        ValidateHeader(document.Header, report);
        var totals = new TapRunningTotals();
        for (var i = 0; i < document.Events.Count; i++)
        {
            ValidateRecord(document.Events[i], i, -1, document.Header, report.Add);
            totals.Add(document.Events[i]);
        }

        ValidateAudit(document.Header, totals, report);
        return report;
    }

    /// <summary>File-level checks of BatchControlInfo, AccountingInfo and NetworkInfo (or a Notification).</summary>
    public static void ValidateHeader(TapHeader header, TapValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(report);
        if (header.Kind == TapFileKind.Notification)
        {
            var n = header.BatchControl ?? new BatchControl();
            Missing(report, n.Sender, 30, "Notification", "Sender");
            Missing(report, n.Recipient, 31, "Notification", "Recipient");
            Missing(report, n.FileSequenceNumber, 32, "Notification", "FileSequenceNumber");
            if (n.FileAvailableTime is null)
            {
                Fatal(report, 33, "Notification", "FileAvailableTimeStamp", "mandatory item FileAvailableTimeStamp missing within group");
            }

            if (n.SpecificationVersion is null)
            {
                Fatal(report, 34, "Notification", "SpecificationVersionNumber", "mandatory item SpecificationVersionNumber missing within group");
            }

            return;
        }

        const string Tf = "TransferBatch";
        var bc = header.BatchControl;
        if (bc is null)
        {
            Fatal(report, 30, Tf, "BatchControlInfo", "mandatory group BatchControlInfo missing within TransferBatch");
        }
        else
        {
            const string Bc = "BatchControlInfo";
            Missing(report, bc.Sender, 30, Bc, "Sender");
            Missing(report, bc.Recipient, 31, Bc, "Recipient");
            Missing(report, bc.FileSequenceNumber, 32, Bc, "FileSequenceNumber");
            if (bc.FileAvailableTime is null)
            {
                Fatal(report, 33, Bc, "FileAvailableTimeStamp", "mandatory item FileAvailableTimeStamp missing within group");
            }

            if (bc.SpecificationVersion is null)
            {
                Fatal(report, 34, Bc, "SpecificationVersionNumber", "mandatory item SpecificationVersionNumber missing within group");
            }

            if (bc.TransferCutOffTime is null)
            {
                report.Add(new TapValidationError(TapSeverity.Warning, 36, Bc, "TransferCutOffTimeStamp", null, -1,
                    "mandatory item TransferCutOffTimeStamp missing within group"));
            }

            if (bc.FileSequenceNumber is { } fsn && (fsn.Length != 5 || !AllDigits(fsn)))
            {
                Fatal(report, 10, Bc, "FileSequenceNumber", $"FileSequenceNumber '{fsn}' is not five digits");
            }

            if (bc.SpecificationVersion is int spec && (spec != 3 || bc.ReleaseVersion is not (>= 1 and <= 12)))
            {
                Fatal(report, 20, Bc, "ReleaseVersionNumber", $"TAP version {spec}.{bc.ReleaseVersion} is not supported (3.01-3.12)");
            }
        }

        if (header.HasCallEventList && header.Accounting is null)
        {
            Fatal(report, 31, Tf, "AccountingInfo", "mandatory group AccountingInfo missing within TransferBatch although call events are present");
        }

        if (header.HasCallEventList && header.Network is null)
        {
            Fatal(report, 32, Tf, "NetworkInfo", "mandatory group NetworkInfo missing within TransferBatch");
        }

        if (header.Accounting is { } acc)
        {
            const string Ac = "AccountingInfo";
            Missing(report, acc.LocalCurrency, 30, Ac, "LocalCurrency");
            if (acc.TapDecimalPlaces is null)
            {
                Fatal(report, 31, Ac, "TapDecimalPlaces", "mandatory item TapDecimalPlaces missing within group");
            }
            else if (acc.TapDecimalPlaces is < 0 or > 6)
            {
                Fatal(report, 20, Ac, "TapDecimalPlaces", $"TapDecimalPlaces {acc.TapDecimalPlaces} is out of range 0-6");
            }

            var seen = new HashSet<int>();
            foreach (var rate in acc.ExchangeRates)
            {
                const string Cc = "CurrencyConversion";
                if (rate.Code < 0)
                {
                    Fatal(report, 30, Cc, "ExchangeRateCode", "mandatory item ExchangeRateCode missing or negative within group");
                }
                else if (!seen.Add(rate.Code))
                {
                    Fatal(report, 101, Cc, "ExchangeRateCode", $"ExchangeRateCode {rate.Code} is defined more than once");
                }

                if (rate.DecimalPlaces is < 0 or > 9)
                {
                    Fatal(report, 20, Cc, "NumberOfDecimalPlaces", $"NumberOfDecimalPlaces {rate.DecimalPlaces} of exchange rate code {rate.Code} is out of range");
                }

                if (rate.Rate <= 0)
                {
                    Fatal(report, 20, Cc, "ExchangeRate", $"ExchangeRate {rate.Rate} of exchange rate code {rate.Code} is not positive");
                }
            }
        }

        if (header.Network is { } net)
        {
            const string Nw = "NetworkInfo";
            if (net.UtcOffsets.Count == 0)
            {
                Fatal(report, 30, Nw, "UtcTimeOffsetInfoList", "mandatory item UtcTimeOffsetInfo missing within group");
            }

            var seen = new HashSet<int>();
            foreach (var entry in net.UtcOffsets)
            {
                if (!TapTimestamp.TryParseOffset(entry.Offset, out _))
                {
                    Fatal(report, 20, "UtcTimeOffsetInfo", "UtcTimeOffset", $"UtcTimeOffset '{entry.Offset}' of code {entry.Code} is not of the form +hhmm");
                }

                if (!seen.Add(entry.Code))
                {
                    Fatal(report, 101, "UtcTimeOffsetInfo", "UtcTimeOffsetCode", $"UtcTimeOffsetCode {entry.Code} is defined more than once");
                }
            }
        }
    }

    /// <summary>
    /// Record-level checks of one call event. <paramref name="recordIndex"/> is its zero-based position in the file,
    /// <paramref name="offset"/> its byte offset (or -1).
    /// </summary>
    public static void ValidateRecord(CallEvent e, long recordIndex, long offset, TapHeader header, Action<TapValidationError> add)
    {
        ArgumentNullException.ThrowIfNull(e);
        ValidateRecord(FlatRecord.FromCallEvent(e), recordIndex, offset, header, add);
    }

    /// <summary>The record checks on the decoder's flat form (the hot path; no allocation unless something is wrong).</summary>
    internal static void ValidateRecord(FlatRecord e, long recordIndex, long offset, TapHeader header, Action<TapValidationError> add)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(add);
        var kind = e.Kind;
        void Severe(int code, string item, string message) =>
            add(new TapValidationError(TapSeverity.Severe, code, KindNames[(int)kind], item, recordIndex, offset, message));

        const int ImsiId = 1, MsisdnId = 2, DurationId = 5, TeleServiceId = 12, BearerServiceId = 13, SupplServiceId = 14;
        const int ChargingIdId = 18, VolumeInId = 19, VolumeOutId = 20, EventReferenceId = 22;
        var hasImsi = e.Has(ImsiId);
        var needsImsi = kind is not (CallEventKind.LocationService or CallEventKind.ContentTransaction or CallEventKind.ServiceCentreUsage);
        if (needsImsi && !hasImsi)
        {
            Severe(30, "Imsi", "mandatory item Imsi (chargeable subscriber) missing");
        }

        if (kind == CallEventKind.ContentTransaction && !hasImsi && !e.Has(MsisdnId))
        {
            Severe(30, "ChargedPartyIdentification", "mandatory item ChargedPartyIdentification missing");
        }

        if (hasImsi && e.Text(ImsiId) is var imsi && (imsi.Length is < 6 or > 15 || !AllDigits(imsi)))
        {
            Severe(10, "Imsi", $"IMSI '{e.GetString(ImsiId)}' is not 6-15 digits");
        }

        if (!e.Has(FlatRecord.StartTimeId))
        {
            if (kind is not (CallEventKind.LocationService or CallEventKind.ServiceCentreUsage))
            {
                Severe(31, "CallEventStartTimeStamp", "mandatory item start timestamp missing");
            }
        }
        else if (e.HasStartOffsetCode && !e.HasStartOffsetMinutes)
        {
            Severe(101, "UtcTimeOffsetCode", $"UtcTimeOffsetCode {e.StartOffsetCode} is not defined in NetworkInfo");
        }

        var hasDuration = e.Has(DurationId);
        switch (kind)
        {
            case CallEventKind.MobileOriginatedCall or CallEventKind.MobileTerminatedCall:
                if (!hasDuration)
                {
                    Severe(32, "TotalCallEventDuration", "mandatory item TotalCallEventDuration missing");
                }

                if (!e.Has(TeleServiceId) && !e.Has(BearerServiceId))
                {
                    Severe(33, "BasicServiceUsedList", "mandatory item BasicServiceCode missing");
                }

                break;
            case CallEventKind.GprsCall:
                if (!hasDuration)
                {
                    Severe(32, "TotalCallEventDuration", "mandatory item TotalCallEventDuration missing");
                }

                if (!e.Has(ChargingIdId))
                {
                    Severe(34, "ChargingId", "mandatory item ChargingId missing");
                }

                if (!e.Has(VolumeInId) || !e.Has(VolumeOutId))
                {
                    Severe(35, "GprsServiceUsed", "mandatory item DataVolumeIncoming/DataVolumeOutgoing missing");
                }

                if (e.Has(VolumeInId) && e.Integers[VolumeInId] < 0)
                {
                    Severe(20, "DataVolumeIncoming", $"DataVolumeIncoming {e.Integers[VolumeInId]} is negative");
                }

                if (e.Has(VolumeOutId) && e.Integers[VolumeOutId] < 0)
                {
                    Severe(20, "DataVolumeOutgoing", $"DataVolumeOutgoing {e.Integers[VolumeOutId]} is negative");
                }

                break;
            case CallEventKind.SupplementaryServiceEvent:
                if (!e.Has(SupplServiceId))
                {
                    Severe(36, "SupplServiceCode", "mandatory item SupplServiceCode missing");
                }

                break;
            case CallEventKind.MessagingEvent or CallEventKind.MobileSession:
                if (!e.Has(EventReferenceId))
                {
                    Severe(37, "EventReference", "mandatory item EventReference missing");
                }

                if (e.RecEntityCount == 0)
                {
                    Severe(38, "RecEntityCodeList", "mandatory item RecEntityCodeList missing");
                }

                break;
            case CallEventKind.LocationService:
                if (e.RecEntityCount == 0)
                {
                    Severe(38, "RecEntityCode", "mandatory item RecEntityCode missing");
                }

                break;
            default:
                break;
        }

        if (hasDuration && e.Integers[DurationId] < 0)
        {
            Severe(20, "TotalCallEventDuration", $"TotalCallEventDuration {e.Integers[DurationId]} is negative");
        }

        var rates = header.Accounting?.ExchangeRates;
        for (var c = 0; c < e.ChargeCount; c++)
        {
            ref readonly var charge = ref e.Charges[c];
            var details = 0;
            var hasPositive = false;
            var hasNegative = false;
            for (var d = 0; d < e.DetailCount; d++)
            {
                ref readonly var detail = ref e.Details[d];
                if (detail.Charge == c)
                {
                    details++;
                    hasPositive |= detail.Amount > 0;
                    hasNegative |= detail.Amount < 0;
                }
            }

            if (details == 0)
            {
                Severe(39, "ChargeDetailList", "mandatory item ChargeDetail missing within ChargeInformation");
            }

            for (var d = 0; hasNegative && d < e.DetailCount; d++)
            {
                ref readonly var detail = ref e.Details[d];
                if (detail.Charge == c && detail.Amount < 0)
                {
                    Severe(20, "Charge", $"Charge {detail.Amount} is negative");
                }
            }

            if ((charge.Flags & ChargeSlot.HasExchangeRateCode) != 0)
            {
                if (!ContainsRate(rates, charge.ExchangeRateCode))
                {
                    Severe(102, "ExchangeRateCode", $"ExchangeRateCode {charge.ExchangeRateCode} is not defined in AccountingInfo");
                }
            }
            else if (hasPositive && rates is { Count: > 0 })
            {
                add(new TapValidationError(TapSeverity.Warning, 103, KindNames[(int)kind], "ExchangeRateCode", recordIndex, offset,
                    "a charge is present but no ExchangeRateCode refers to the currency conversion table"));
            }
        }
    }

    /// <summary>Compares AuditControlInfo with totals computed from the call events; mismatches are fatal.</summary>
    public static void ValidateAudit(TapHeader header, TapRunningTotals totals, TapValidationReport report)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(report);
        if (header.Kind == TapFileKind.Notification)
        {
            return;
        }

        const string Au = "AuditControlInfo";
        if (header.Audit is not { } audit)
        {
            Fatal(report, 33, "TransferBatch", Au, "mandatory group AuditControlInfo missing within TransferBatch");
            return;
        }

        Compare(report, audit.TotalCharge, totals.TotalCharge, 30, "TotalCharge", "the calculated sum of non-refund charges {0}");
        Compare(report, audit.TotalTaxValue, totals.TotalTax, 31, "TotalTaxValue", "the calculated sum of taxes {0}");
        Compare(report, audit.TotalDiscountValue, totals.TotalDiscount, 32, "TotalDiscountValue", "the calculated sum of discounts {0}");
        Compare(report, audit.CallEventDetailsCount, totals.RecordCount, 33, "CallEventDetailsCount", "the {0} call events in the file");
    }

    /// <summary>One AuditControlInfo item against its computed value: missing (code) or different (100), both fatal.</summary>
    private static void Compare(TapValidationReport report, long? declared, long computed, int missingCode, string item, string computedText)
    {
        const string Au = "AuditControlInfo";
        if (declared is not long value)
        {
            Fatal(report, missingCode, Au, item, $"mandatory item {item} missing within group");
        }
        else if (value != computed)
        {
            var what = string.Format(System.Globalization.CultureInfo.InvariantCulture, computedText, computed);
            Fatal(report, 100, Au, item, $"{item} {value} does not match {what}");
        }
    }

    private static bool ContainsRate(IList<ExchangeRate>? rates, int code)
    {
        if (rates is null)
        {
            return false;
        }

        for (var i = 0; i < rates.Count; i++)
        {
            if (rates[i].Code == code)
            {
                return true;
            }
        }

        return false;
    }

    private static void Missing(TapValidationReport report, string? value, int code, string context, string item)
    {
        if (string.IsNullOrEmpty(value))
        {
            Fatal(report, code, context, item, $"mandatory item {item} missing within group");
        }
    }

    private static void Fatal(TapValidationReport report, int code, string context, string item, string message) =>
        report.Add(new TapValidationError(TapSeverity.Fatal, code, context, item, null, -1, message));

    private static bool AllDigits(ReadOnlySpan<byte> s)
    {
        foreach (var c in s)
        {
            if (c is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return true;
    }

    private static bool AllDigits(string s)
    {
        foreach (var c in s)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>Totals over call events, compared with AuditControlInfo; also what the ingestion path aggregates.</summary>
public sealed class TapRunningTotals
{
    /// <summary>Call events counted (including those with severe errors, as TD.57 requires).</summary>
    public long RecordCount { get; private set; }

    /// <summary>Sum of ChargeType "00" charges (minor units).</summary>
    public long TotalCharge { get; private set; }

    /// <summary>Sum of tax values.</summary>
    public long TotalTax { get; private set; }

    /// <summary>Sum of discount values.</summary>
    public long TotalDiscount { get; private set; }

    private bool _hasRange;
    private long _earliestTicks;
    private long _latestTicks;

    /// <summary>Earliest start time (UTC) seen.</summary>
    public DateTime? EarliestUtc => _hasRange ? new DateTime(_earliestTicks, DateTimeKind.Utc) : null;

    /// <summary>Latest start time (UTC) seen.</summary>
    public DateTime? LatestUtc => _hasRange ? new DateTime(_latestTicks, DateTimeKind.Utc) : null;

    /// <summary>Counts one call event that could not be decoded (it still counts towards CallEventDetailsCount).</summary>
    public void AddUndecodable() => RecordCount++;

    /// <summary>Adds one call event.</summary>
    public void Add(CallEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        Add(FlatRecord.FromCallEvent(e));
    }

    /// <summary>Adds one decoded record (the hot path).</summary>
    internal void Add(FlatRecord e)
    {
        RecordCount++;
        for (var d = 0; d < e.DetailCount; d++)
        {
            ref readonly var detail = ref e.Details[d];
            if (e.IsTotalCharge(detail))
            {
                TotalCharge = checked(TotalCharge + detail.Amount);
            }
        }

        for (var t = 0; t < e.TaxCount; t++)
        {
            TotalTax = checked(TotalTax + e.Taxes[t].Value);
        }

        for (var c = 0; c < e.ChargeCount; c++)
        {
            if ((e.Charges[c].Flags & ChargeSlot.HasDiscount) != 0)
            {
                TotalDiscount = checked(TotalDiscount + e.Charges[c].Discount);
            }
        }

        if (e.Has(FlatRecord.StartTimeId) && e.HasStartOffsetMinutes)
        {
            var utc = e.StartTicks - (e.StartOffsetMinutes * TimeSpan.TicksPerMinute);
            if (utc is < 0 or > 3155378975999999999 /* DateTime.MaxValue.Ticks */)
            {
                return;
            }

            if (!_hasRange || utc < _earliestTicks)
            {
                _earliestTicks = utc;
            }

            if (!_hasRange || utc > _latestTicks)
            {
                _latestTicks = utc;
            }

            _hasRange = true;
        }
    }

    /// <summary>Adds another set of totals (merging per-chunk totals).</summary>
    public void Add(TapRunningTotals other)
    {
        ArgumentNullException.ThrowIfNull(other);
        RecordCount += other.RecordCount;
        TotalCharge = checked(TotalCharge + other.TotalCharge);
        TotalTax = checked(TotalTax + other.TotalTax);
        TotalDiscount = checked(TotalDiscount + other.TotalDiscount);
        if (other._hasRange)
        {
            _earliestTicks = _hasRange ? Math.Min(_earliestTicks, other._earliestTicks) : other._earliestTicks;
            _latestTicks = _hasRange ? Math.Max(_latestTicks, other._latestTicks) : other._latestTicks;
            _hasRange = true;
        }
    }

    /// <summary>Clears the totals for reuse.</summary>
    public void Reset()
    {
        RecordCount = TotalCharge = TotalTax = TotalDiscount = 0;
        _hasRange = false;
        _earliestTicks = _latestTicks = 0;
    }
}
