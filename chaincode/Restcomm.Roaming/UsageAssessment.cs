using System.Globalization;

namespace Restcomm.Roaming;

/// <summary>A service's usage in agreement terms: counts, quantities and the charge at the agreement's decimal places.</summary>
public sealed record ServiceUsage
{
    /// <summary>The service.</summary>
    public required RoamingService Service { get; init; }

    /// <summary>Records.</summary>
    public long Records { get; init; }

    /// <summary>Sum of the records' quantities.</summary>
    public long Quantity { get; init; }

    /// <summary>Sum of the quantities after each record's charging increment and minimum (what discounts count).</summary>
    public long BilledQuantity { get; init; }

    /// <summary>Sum of the visited operator's charges, minor units at the agreement's decimal places.</summary>
    public long ChargeMinor { get; init; }

    /// <summary>Adds two usages of the same service.</summary>
    /// <param name="other">The other usage.</param>
    /// <returns>The sum.</returns>
    public ServiceUsage Plus(ServiceUsage other) => this with
    {
        Records = Records + other.Records,
        Quantity = checked(Quantity + other.Quantity),
        BilledQuantity = checked(BilledQuantity + other.BilledQuantity),
        ChargeMinor = checked(ChargeMinor + other.ChargeMinor),
    };

    /// <summary>Sums usages per service, in service order.</summary>
    /// <param name="usages">Usages.</param>
    /// <returns>One entry per service present.</returns>
    public static IReadOnlyList<ServiceUsage> Sum(IEnumerable<ServiceUsage> usages)
        => [.. usages.GroupBy(u => u.Service).OrderBy(g => g.Key).Select(g => g.Aggregate((a, b) => a.Plus(b)))];
}

/// <summary>
/// A reconciliation finding on one record, computed when the batch is submitted: the home operator sees it and
/// decides (reject the record with a TD.57/RAP code, or accept it). Codes: <c>rate-mismatch</c> (the charge differs
/// from the agreement's rates in force on the event's local date by more than one minor unit, the rounding allowance),
/// <c>outside-validity</c> (no agreement version covers the date), <c>no-rate</c> (the service is not in the agreement).
/// </summary>
public sealed record UsageFinding
{
    /// <summary>The record's index in the batch.</summary>
    public required int Index { get; init; }

    /// <summary>The finding's code.</summary>
    public required string Code { get; init; }

    /// <summary>What was found (left out of the public state: it can reveal rates).</summary>
    public string? Detail { get; init; }

    /// <summary>The charge the agreement gives, minor units at the agreement's decimal places (rate-mismatch only).</summary>
    public long? ExpectedChargeMinor { get; init; }
}

/// <summary>One record seen through the agreement.</summary>
/// <param name="Service">The service.</param>
/// <param name="Quantity">The record's quantity.</param>
/// <param name="BilledQuantity">Billed quantity at the rate in force (the raw quantity when no rate applies).</param>
/// <param name="ChargeMinor">The record's charge at the agreement's decimal places.</param>
public readonly record struct AssessedRecord(RoamingService Service, long Quantity, long BilledQuantity, long ChargeMinor);

/// <summary>Records priced at an agreement's rates: per-record figures and findings.</summary>
public sealed record UsageAssessment
{
    /// <summary>One entry per record, in order.</summary>
    public required IReadOnlyList<AssessedRecord> Records { get; init; }

    /// <summary>The findings, by record index.</summary>
    public required IReadOnlyList<UsageFinding> Findings { get; init; }

    /// <summary>
    /// Prices records in <paramref name="visitedMspId"/>'s direction at the version of the agreement in force on each
    /// record's local date.
    /// </summary>
    /// <param name="records">The records.</param>
    /// <param name="visitedMspId">The visited operator.</param>
    /// <param name="versionOn">The accepted agreement version whose rates apply on a date (null: none).</param>
    /// <param name="decimalPlaces">The agreement's decimal places.</param>
    /// <returns>The assessment.</returns>
    public static UsageAssessment Assess(IReadOnlyList<UsageRecord> records, string visitedMspId, Func<DateOnly, AgreementDocument?> versionOn, int decimalPlaces)
        => Assess([.. records.Select(r => r.Fields)], visitedMspId, versionOn, decimalPlaces);

    /// <summary>
    /// Prices records' figures in <paramref name="visitedMspId"/>'s direction at the version of the agreement in force
    /// on each record's local date (<paramref name="versionOn"/> is asked once per distinct date).
    /// </summary>
    /// <param name="records">The records' figures.</param>
    /// <param name="visitedMspId">The visited operator.</param>
    /// <param name="versionOn">The accepted agreement version whose rates apply on a date (null: none).</param>
    /// <param name="decimalPlaces">The agreement's decimal places.</param>
    /// <param name="details">Whether findings carry their <see cref="UsageFinding.Detail"/> (the public state leaves it out).</param>
    /// <returns>The assessment.</returns>
    public static UsageAssessment Assess(IReadOnlyList<UsageRecordFields> records, string visitedMspId, Func<DateOnly, AgreementDocument?> versionOn, int decimalPlaces, bool details = true)
    {
        var assessed = new AssessedRecord[records.Count];
        var findings = new List<UsageFinding>();
        var versions = new Dictionary<int, AgreementDocument?>();
        var rates = new Dictionary<(int Version, RoamingService Service), ServiceRate?>();
        for (var i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var charge = Rating.Rescale(record.ChargeMinor, record.DecimalPlaces, decimalPlaces);
            var day = record.LocalDayNumber;
            if (!versions.TryGetValue(day, out var version))
            {
                var date = DateOnly.FromDayNumber(day);
                version = versionOn(date) is { } found && found.IsValidOn(date) ? found : null;
                versions[day] = version;
            }

            if (version is null)
            {
                findings.Add(new UsageFinding { Index = i, Code = "outside-validity", Detail = details ? $"no agreement version is in force on {record.LocalDate:yyyy-MM-dd}" : null });
                assessed[i] = new AssessedRecord(record.Service, record.Quantity, record.Quantity, charge);
                continue;
            }

            if (!rates.TryGetValue((version.Version, record.Service), out var rate))
            {
                rate = version.Direction(visitedMspId).Rate(record.Service);
                rates[(version.Version, record.Service)] = rate;
            }

            if (rate is null)
            {
                findings.Add(new UsageFinding { Index = i, Code = "no-rate", Detail = details ? $"the agreement has no rate for {record.Service}" : null });
                assessed[i] = new AssessedRecord(record.Service, record.Quantity, record.Quantity, charge);
                continue;
            }

            var rated = Rating.Price(rate, record.Quantity);
            if (Math.Abs(rated.ChargeMinor - charge) > 1)
            {
                findings.Add(new UsageFinding
                {
                    Index = i,
                    Code = "rate-mismatch",
                    Detail = details
                        ? string.Create(CultureInfo.InvariantCulture,
                            $"charged {charge}, version {version.Version}'s rate gives {rated.ChargeMinor} for {rated.BilledQuantity} {record.Service.QuantityUnit()}s")
                        : null,
                    ExpectedChargeMinor = rated.ChargeMinor,
                });
            }

            assessed[i] = new AssessedRecord(record.Service, record.Quantity, rated.BilledQuantity, charge);
        }

        return new UsageAssessment { Records = assessed, Findings = findings };
    }

    /// <summary>Per-service usage of every record except the excluded indices.</summary>
    /// <param name="excluded">Indices to leave out (e.g. rejected records).</param>
    /// <returns>The usage, in service order.</returns>
    public IReadOnlyList<ServiceUsage> Usage(IReadOnlySet<int>? excluded = null)
    {
        var services = RoamingServices.All.Count;
        var count = new long[services];
        var quantity = new long[services];
        var billed = new long[services];
        var charge = new long[services];
        for (var i = 0; i < Records.Count; i++)
        {
            if (excluded is not null && excluded.Contains(i))
            {
                continue;
            }

            var r = Records[i];
            var s = (int)r.Service;
            count[s]++;
            quantity[s] = checked(quantity[s] + r.Quantity);
            billed[s] = checked(billed[s] + r.BilledQuantity);
            charge[s] = checked(charge[s] + r.ChargeMinor);
        }

        return [.. RoamingServices.All.Where(s => count[(int)s] > 0).Select(s => new ServiceUsage
        {
            Service = s,
            Records = count[(int)s],
            Quantity = quantity[(int)s],
            BilledQuantity = billed[(int)s],
            ChargeMinor = charge[(int)s],
        })];
    }
}
