namespace Restcomm.Tap3;

/// <summary>TAP specification and release version, as sniffed from BatchControlInfo or Notification.</summary>
/// <param name="Specification">SpecificationVersionNumber (3 for TAP3).</param>
/// <param name="Release">ReleaseVersionNumber (10, 11, 12, …).</param>
public readonly record struct TapVersion(int Specification, int Release)
{
    /// <summary>TAP 3.12, the version the encoder writes.</summary>
    public static TapVersion Tap312 { get; } = new(3, 12);

    /// <inheritdoc />
    public override string ToString() => $"{Specification}.{Release:D2}";
}

/// <summary>Whether the file is a transfer batch or a notification.</summary>
public enum TapFileKind
{
    /// <summary>TransferBatch [APPLICATION 1].</summary>
    TransferBatch,

    /// <summary>Notification [APPLICATION 2] (a "no data" file).</summary>
    Notification,
}

/// <summary>BatchControlInfo, or the equivalent items of a Notification.</summary>
public sealed class BatchControl
{
    /// <summary>Sender TADIG (PLMN) code.</summary>
    public string? Sender { get; set; }

    /// <summary>Recipient TADIG (PLMN) code.</summary>
    public string? Recipient { get; set; }

    /// <summary>FileSequenceNumber (five digits, kept as written).</summary>
    public string? FileSequenceNumber { get; set; }

    /// <summary>FileCreationTimeStamp.</summary>
    public TapTimestamp? FileCreationTime { get; set; }

    /// <summary>TransferCutOffTimeStamp.</summary>
    public TapTimestamp? TransferCutOffTime { get; set; }

    /// <summary>FileAvailableTimeStamp.</summary>
    public TapTimestamp? FileAvailableTime { get; set; }

    /// <summary>SpecificationVersionNumber.</summary>
    public int? SpecificationVersion { get; set; }

    /// <summary>ReleaseVersionNumber.</summary>
    public int? ReleaseVersion { get; set; }

    /// <summary>FileTypeIndicator ("T" for test data); null for live data.</summary>
    public string? FileTypeIndicator { get; set; }

    /// <summary>RapFileSequenceNumber when the batch is resubmitted after a fatal RAP.</summary>
    public string? RapFileSequenceNumber { get; set; }
}

/// <summary>One CurrencyConversion entry: TAP currency amount × <see cref="Rate"/> / 10^<see cref="DecimalPlaces"/> = local amount.</summary>
/// <param name="Code">ExchangeRateCode referenced by charges.</param>
/// <param name="DecimalPlaces">NumberOfDecimalPlaces of the rate.</param>
/// <param name="Rate">ExchangeRate as an integer.</param>
public readonly record struct ExchangeRate(int Code, int DecimalPlaces, long Rate);

/// <summary>An exact amount: <see cref="Units"/> / 10^<see cref="DecimalPlaces"/>.</summary>
/// <param name="Units">The amount in the smallest unit.</param>
/// <param name="DecimalPlaces">Decimal places of <see cref="Units"/>.</param>
public readonly record struct ExactAmount(Int128 Units, int DecimalPlaces)
{
    /// <inheritdoc />
    public override string ToString()
    {
        var negative = Units < 0;
        var digits = Int128.Abs(Units).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(DecimalPlaces + 1, '0');
        var text = DecimalPlaces == 0 ? digits : digits[..^DecimalPlaces] + "." + digits[^DecimalPlaces..];
        return negative ? "-" + text : text;
    }
}

/// <summary>AccountingInfo.</summary>
public sealed class AccountingInfo
{
    /// <summary>LocalCurrency (ISO 4217 code of the sender's currency).</summary>
    public string? LocalCurrency { get; set; }

    /// <summary>TapCurrency; null means SDR.</summary>
    public string? TapCurrency { get; set; }

    /// <summary>TapDecimalPlaces: decimal places of every charge, tax and discount in the file (0–6).</summary>
    public int? TapDecimalPlaces { get; set; }

    /// <summary>The CurrencyConversion table.</summary>
    public IList<ExchangeRate> ExchangeRates { get; set; } = [];

    /// <summary>
    /// Converts a TAP-currency amount to local currency exactly: no rounding, the result has
    /// TapDecimalPlaces + the rate's decimal places. False when the code is not in the table or TapDecimalPlaces is unset.
    /// </summary>
    public bool TryConvertToLocal(long tapAmount, int exchangeRateCode, out ExactAmount local)
    {
        local = default;
        if (TapDecimalPlaces is not int dp)
        {
            return false;
        }

        foreach (var rate in ExchangeRates)
        {
            if (rate.Code == exchangeRateCode)
            {
                local = new ExactAmount((Int128)tapAmount * rate.Rate, dp + rate.DecimalPlaces);
                return true;
            }
        }

        return false;
    }
}

/// <summary>One UtcTimeOffsetInfo entry.</summary>
/// <param name="Code">UtcTimeOffsetCode referenced by call-event timestamps.</param>
/// <param name="Offset">UtcTimeOffset as written (<c>+hhmm</c>).</param>
public readonly record struct UtcOffsetEntry(int Code, string Offset);

/// <summary>One RecEntityInformation entry.</summary>
/// <param name="Code">RecEntityCode.</param>
/// <param name="Type">RecEntityType (1 MSC, 2 SMSC, 3 GGSN/P-GW, 4 SGSN, …).</param>
/// <param name="Id">RecEntityId (an address or name).</param>
public readonly record struct RecEntity(int Code, int? Type, string? Id);

/// <summary>NetworkInfo.</summary>
public sealed class NetworkInfo
{
    /// <summary>The UTC-offset table.</summary>
    public IList<UtcOffsetEntry> UtcOffsets { get; set; } = [];

    /// <summary>The recording entity table.</summary>
    public IList<RecEntity> RecEntities { get; set; } = [];
}

/// <summary>AuditControlInfo.</summary>
public sealed class AuditControl
{
    /// <summary>EarliestCallTimeStamp.</summary>
    public TapTimestamp? EarliestCallTime { get; set; }

    /// <summary>LatestCallTimeStamp.</summary>
    public TapTimestamp? LatestCallTime { get; set; }

    /// <summary>TotalCharge (3.11+), or the sum of the type-00 TotalChargeValue entries of a 3.10 file.</summary>
    public long? TotalCharge { get; set; }

    /// <summary>TotalChargeRefund.</summary>
    public long? TotalChargeRefund { get; set; }

    /// <summary>TotalTaxRefund.</summary>
    public long? TotalTaxRefund { get; set; }

    /// <summary>TotalTaxValue.</summary>
    public long? TotalTaxValue { get; set; }

    /// <summary>TotalDiscountValue.</summary>
    public long? TotalDiscountValue { get; set; }

    /// <summary>TotalDiscountRefund.</summary>
    public long? TotalDiscountRefund { get; set; }

    /// <summary>CallEventDetailsCount.</summary>
    public long? CallEventDetailsCount { get; set; }

    /// <summary>
    /// The OperatorSpecInformation entries of the group's OperatorSpecInfoList, in file order (bilaterally agreed
    /// text outside TD.57); empty when absent.
    /// </summary>
    public IList<string> OperatorSpecInformation { get; set; } = [];
}
