using System.Security.Cryptography;
using Restcomm.Ingestion.Internal;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Ingestion.Tests;

/// <summary>The TAP call event → canonical usage record mapping (visited network: UK, 44; home: Germany, 49).</summary>
public sealed class UsageRecordMapperTests
{
    private static readonly byte[] Ber = [0x69, 0x03, 0x01, 0x02, 0x03];
    private readonly UsageRecordMapper _mapper = new("44", "49", decimalPlaces: 3);

    private static CallEvent Call(CallEventKind kind, string? teleService = "11", string? other = null, params long[] totalCharges)
    {
        var e = new CallEvent
        {
            Kind = kind,
            Imsi = "262011234567890",
            Msisdn = "491701234567",
            StartTime = new TapTimestamp(new DateTime(2026, 3, 31, 23, 30, 0), 1, 120),
            DurationSeconds = 61,
            TeleServiceCode = teleService,
            OtherPartyNumber = other,
        };
        foreach (var charge in totalCharges)
        {
            e.Charges.Add(new ChargeInformation { CallTypeLevel1 = 2, Details = [new ChargeDetail("00", charge, 61, 61), new ChargeDetail("01", charge / 2, 61, 61)] });
        }

        return e;
    }

    [Theory]
    [InlineData("447700900123", RoamingService.MocLocal)]
    [InlineData("4930123456", RoamingService.MocHome)]
    [InlineData("33123456789", RoamingService.MocInternational)]
    public void A_mobile_originated_call_is_classed_by_the_called_numbers_country(string called, RoamingService expected)
    {
        var record = _mapper.Map(Call(CallEventKind.MobileOriginatedCall, "11", called, 240), Ber).Record!;

        Assert.Equal(expected, record.Service);
        Assert.Equal(61, record.Quantity);
        Assert.Equal(called, record.CalledNumber);
    }

    [Fact]
    public void Without_known_countries_a_call_falls_back_to_tap_call_type_level_1()
    {
        var unknown = new UsageRecordMapper(null, null, 3);
        var national = Call(CallEventKind.MobileOriginatedCall, "11", "447700900123", 240);
        national.Charges[0].CallTypeLevel1 = 1;

        Assert.Equal(RoamingService.MocLocal, unknown.Map(national, Ber).Record!.Service);
        Assert.Equal(RoamingService.MocInternational, unknown.Map(Call(CallEventKind.MobileOriginatedCall, "11", "447700900123", 240), Ber).Record!.Service);
        var neither = Call(CallEventKind.MobileOriginatedCall, "11", "447700900123", 240);
        neither.Charges[0].CallTypeLevel1 = 0;
        Assert.Null(unknown.Map(neither, Ber).Record);
    }

    [Fact]
    public void A_short_message_mo_is_one_sms_and_short_messages_mt_are_not_settled()
    {
        var sms = _mapper.Map(Call(CallEventKind.MobileOriginatedCall, "22", "447700900123", 50), Ber).Record!;

        Assert.Equal((RoamingService.SmsMo, 1L, 50L), (sms.Service, sms.Quantity, sms.ChargeMinor));
        Assert.Null(_mapper.Map(Call(CallEventKind.MobileTerminatedCall, "21", null, 0), Ber).Record);
        Assert.Null(_mapper.Map(Call(CallEventKind.MobileOriginatedCall, "21", null, 0), Ber).Record);
    }

    [Fact]
    public void A_mobile_terminated_call_is_mtc_for_its_duration_without_a_called_number()
    {
        var record = _mapper.Map(Call(CallEventKind.MobileTerminatedCall, "11", "447700900999", 30), Ber).Record!;

        Assert.Equal((RoamingService.Mtc, 61L, 30L), (record.Service, record.Quantity, record.ChargeMinor));
        Assert.Null(record.CalledNumber);
    }

    [Fact]
    public void A_gprs_call_is_data_for_both_volumes_with_its_charging_id_as_reference()
    {
        var e = Call(CallEventKind.GprsCall, null, null, 4000);
        e.DataVolumeIncoming = 3_000_000_000;
        e.DataVolumeOutgoing = 500_000_000;
        e.ChargingId = 4_000_000_001;

        var record = _mapper.Map(e, Ber).Record!;

        Assert.Equal((RoamingService.Data, 3_500_000_000L, "4000000001"), (record.Service, record.Quantity, record.CallReference));
    }

    [Fact]
    public void The_charge_is_the_sum_of_total_charge_details_at_the_files_decimal_places()
    {
        var record = _mapper.Map(Call(CallEventKind.MobileTerminatedCall, "11", null, 1200, 345), Ber).Record!;

        Assert.Equal(1545, record.ChargeMinor);
        Assert.Equal(3, record.DecimalPlaces);
    }

    [Fact]
    public void The_event_time_is_the_utc_instant_with_its_offset_and_the_local_date_decides_the_period()
    {
        var mapped = _mapper.Map(Call(CallEventKind.MobileTerminatedCall, "11", null, 30), Ber);

        // 2026-03-31 23:30 at +02:00 is 21:30 UTC on the 31st, local date the 31st → March.
        Assert.Equal(new DateTimeOffset(2026, 3, 31, 21, 30, 0, TimeSpan.Zero), mapped.Record!.EventTimeUtc);
        Assert.Equal(120, mapped.Record.UtcOffsetMinutes);
        Assert.Equal("2026-03", mapped.Period);
    }

    [Fact]
    public void The_record_carries_the_sha256_of_the_call_events_ber_bytes_and_its_encoded_size()
    {
        var mapped = _mapper.Map(Call(CallEventKind.MobileTerminatedCall, "11", null, 30), Ber);

        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Ber)), mapped.Record!.TapRecordSha256);
        Assert.Equal(2 + mapped.Record.Encode().Length, mapped.PayloadBytes);
        Assert.Equal("262011234567890", mapped.Record.Imsi);
        Assert.Equal("491701234567", mapped.Record.Msisdn);
    }

    [Theory]
    [InlineData(CallEventKind.SupplementaryServiceEvent)]
    [InlineData(CallEventKind.ContentTransaction)]
    [InlineData(CallEventKind.LocationService)]
    [InlineData(CallEventKind.MessagingEvent)]
    public void Kinds_no_iot_rate_prices_are_not_settled_and_say_why(CallEventKind kind)
    {
        var mapped = _mapper.Map(Call(kind, null, null, 10), Ber);

        Assert.Null(mapped.Record);
        Assert.Contains(kind.ToString(), mapped.Unsettled, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tadigs_country_prefix_gives_its_e164_country_code()
    {
        Assert.Equal("44", CountryCodes.ForTadig("GBRCN"));
        Assert.Equal("49", CountryCodes.ForTadig("DEUD1"));
        Assert.Null(CountryCodes.ForTadig("AAAA1"));
    }
}
