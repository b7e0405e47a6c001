using System.Collections.Concurrent;
using System.Globalization;
using Restcomm.Hashing;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Ingestion.Internal;

/// <summary>A mapped call event: the canonical record's encoding and figures, or why the event has no roaming service.</summary>
/// <param name="Encoding">The canonical encoding (null when not settled).</param>
/// <param name="Fields">Its figures.</param>
/// <param name="Period">Its settlement period, <c>yyyy-MM</c> of its local date.</param>
/// <param name="Unsettled">Why it maps to no record.</param>
internal readonly record struct MappedRecord(byte[]? Encoding, UsageRecordFields Fields, string? Period, string? Unsettled)
{
    /// <summary>Its size in a batch payload (length prefix included).</summary>
    public int PayloadBytes => 2 + (Encoding?.Length ?? 0);

    /// <summary>The record decoded from <see cref="Encoding"/> (for inspection; the pipeline keeps only the bytes).</summary>
    public UsageRecord? Record => Encoding is null ? null : UsageRecord.Decode(Encoding);
}

/// <summary>
/// TAP call event → canonical <see cref="UsageRecord"/> encoding (the mapping the library README documents):
/// <list type="bullet">
/// <item>MobileOriginatedCall: TeleService 22 (short message MO) → <c>smsMo</c>, quantity 1; TeleService 21 (short
/// message MT) is not a roaming service; otherwise voice, quantity = TotalCallEventDuration, classified by the called
/// number: starting with the home country code → <c>mocHome</c>, with the visited country code → <c>mocLocal</c>,
/// any other → <c>mocInternational</c>. Without a number or a known country: ChargeInformation's CallTypeLevel1
/// (1 national → <c>mocLocal</c>, 2 international → <c>mocInternational</c>); otherwise not settled.</item>
/// <item>MobileTerminatedCall: TeleService 21/22 (short messages) not settled; otherwise <c>mtc</c>, quantity = duration.</item>
/// <item>GprsCall → <c>data</c>, quantity = DataVolumeIncoming + DataVolumeOutgoing bytes; call reference = ChargingId.</item>
/// <item>Other kinds (supplementary services, service-centre usage, content, location, messaging events, mobile
/// sessions) are not settled here: no IOT service of the agreement prices them.</item>
/// </list>
/// Charge = the sum of ChargeDetails of ChargeType <c>00</c> (the total, as the audit sums it), at the file's
/// TapDecimalPlaces. Event time = the start timestamp's UTC instant, with its UTC offset in minutes. IMSI and MSISDN as
/// decoded; the called number only for mobile-originated events; call reference = ChargingId (GPRS). The record's
/// <c>tapRecordSha256</c> is the SHA-256 of the call event's BER bytes as they are in the file.
/// </summary>
internal sealed class UsageRecordMapper(string? visitedCountryCode, string? homeCountryCode, int decimalPlaces)
{
    public MappedRecord Map(CallEvent e, ReadOnlySpan<byte> encoding)
    {
        if (e.StartTime is not { Utc: { } utc, UtcOffsetMinutes: { } offset })
        {
            return Unsettled("no start time with a known UTC offset");
        }

        if (string.IsNullOrEmpty(e.Imsi))
        {
            return Unsettled("no IMSI");
        }

        RoamingService service;
        long quantity;
        string? called = null;
        string? reference = null;
        switch (e.Kind)
        {
            case CallEventKind.MobileOriginatedCall when e.TeleServiceCode == "22":
                service = RoamingService.SmsMo;
                quantity = 1;
                called = e.OtherPartyNumber;
                break;
            case CallEventKind.MobileOriginatedCall when e.TeleServiceCode == "21":
                return Unsettled("short message MT in a mobile-originated call: no roaming service");
            case CallEventKind.MobileOriginatedCall:
                if (Destination(e) is not { } voice)
                {
                    return Unsettled("mobile-originated call to an unknown destination");
                }

                service = voice;
                quantity = e.DurationSeconds ?? 0;
                called = e.OtherPartyNumber;
                break;
            case CallEventKind.MobileTerminatedCall when e.TeleServiceCode is "21" or "22":
                return Unsettled("short message in a mobile-terminated call: no roaming service");
            case CallEventKind.MobileTerminatedCall:
                service = RoamingService.Mtc;
                quantity = e.DurationSeconds ?? 0;
                break;
            case CallEventKind.GprsCall:
                service = RoamingService.Data;
                quantity = checked((e.DataVolumeIncoming ?? 0) + (e.DataVolumeOutgoing ?? 0));
                reference = e.ChargingId?.ToString(CultureInfo.InvariantCulture);
                break;
            default:
                return Unsettled($"{e.Kind}: no roaming service");
        }

        long charge = 0;
        foreach (var info in e.Charges)
        {
            foreach (var detail in info.Details)
            {
                if (detail.ChargeType == "00")
                {
                    charge = checked(charge + detail.Charge);
                }
            }
        }

        if (utc.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return Unsettled("not a valid usage record: eventTimeUtc must be a UTC instant in whole seconds");
        }

        // The canonical encoding is written straight from the call event: no record object, no hex strings.
        Span<byte> hash = stackalloc byte[32];
        ShortSha256.Hash(encoding, hash);
        var fields = new UsageRecordFields(service, new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeSeconds(), offset, quantity, charge, decimalPlaces);
        var msisdn = string.IsNullOrEmpty(e.Msisdn) ? null : e.Msisdn;
        called = string.IsNullOrEmpty(called) ? null : called;
        var bytes = new byte[UsageRecordCodec.EncodedLength(e.Imsi, msisdn, called, reference)];
        try
        {
            UsageRecordCodec.Write(bytes, fields, hash, e.Imsi, msisdn, called, reference);
        }
        catch (RoamingRuleException ex)
        {
            return Unsettled($"not a valid usage record: {ex.Message}");
        }

        return new MappedRecord(bytes, fields, PeriodOf(fields.LocalDate), null);
    }

    /// <summary><c>yyyy-MM</c> of a date, one string per month (the mapper runs on several threads).</summary>
    private static string PeriodOf(DateOnly date)
        => Periods.GetOrAdd((date.Year * 12) + date.Month - 1, static key => string.Create(CultureInfo.InvariantCulture, $"{key / 12:D4}-{(key % 12) + 1:D2}"));

    private RoamingService? Destination(CallEvent e)
    {
        var number = e.OtherPartyNumber;
        if (!string.IsNullOrEmpty(number) && visitedCountryCode is not null && homeCountryCode is not null)
        {
            // The longer code first: a short code (1, 7) must not claim the numbers of a longer one starting alike.
            foreach (var (code, service) in Ordered())
            {
                if (number.StartsWith(code, StringComparison.Ordinal))
                {
                    return service;
                }
            }

            return RoamingService.MocInternational;
        }

        foreach (var info in e.Charges)
        {
            switch (info.CallTypeLevel1)
            {
                case 1:
                    return RoamingService.MocLocal;
                case 2:
                    return RoamingService.MocInternational;
                default:
                    break;
            }
        }

        return null;
    }

    private IEnumerable<(string Code, RoamingService Service)> Ordered()
    {
        // Equal codes (national roaming): home first, as a call home is what the agreement prices as home.
        if (homeCountryCode!.Length >= visitedCountryCode!.Length)
        {
            yield return (homeCountryCode, RoamingService.MocHome);
            yield return (visitedCountryCode, RoamingService.MocLocal);
        }
        else
        {
            yield return (visitedCountryCode, RoamingService.MocLocal);
            yield return (homeCountryCode, RoamingService.MocHome);
        }
    }

    private static readonly ConcurrentDictionary<int, string> Periods = new();

    private static MappedRecord Unsettled(string reason) => new(null, default, null, reason);
}
