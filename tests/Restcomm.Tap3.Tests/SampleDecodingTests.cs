using System.Text.Json;

namespace Restcomm.Tap3.Tests;

public class SampleDecodingTests
{
    [Fact]
    public async Task Valid_3_12_sample_decodes_header_fields_as_written_in_the_bytes()
    {
        var doc = await Samples.ReadAsync("tap_3_12_valid.ber");
        var h = doc.Header;

        Assert.Equal(TapFileKind.TransferBatch, h.Kind);
        Assert.Equal(new TapVersion(3, 12), h.Version);
        var bc = h.BatchControl!;
        Assert.Equal("WERFD", bc.Sender);                  // @6  5f81 44 05 'WERFD'
        Assert.Equal("XLKJE", bc.Recipient);               // @15
        Assert.Equal("31707", bc.FileSequenceNumber);      // @24
        Assert.Equal(new DateTime(2005, 4, 5, 9, 5, 47), bc.FileAvailableTime!.Value.LocalTime);
        Assert.Equal(120, bc.FileAvailableTime.Value.UtcOffsetMinutes); // '+0200'
        Assert.Equal(new DateTime(2005, 4, 5, 7, 5, 47, DateTimeKind.Utc), bc.FileAvailableTime.Value.Utc);
        var acc = h.Accounting!;
        Assert.Equal("EUR", acc.LocalCurrency);            // @129
        Assert.Equal(3, acc.TapDecimalPlaces);             // @157
        Assert.Equal(new ExchangeRate(1, 5, 0x01C5EB), Assert.Single(acc.ExchangeRates)); // 116203 with 5 places
        var net = h.Network!;
        Assert.Equal(new UtcOffsetEntry(1, "+0200"), Assert.Single(net.UtcOffsets));
        Assert.Equal([new RecEntity(1, 1, "foo"), new RecEntity(0x16, 1, "bar"), new RecEntity(0x8E, 4, "baz")], net.RecEntities);
        var audit = h.Audit!;
        Assert.Equal(2300, audit.TotalCharge);             // @799 08fc
        Assert.Equal(0, audit.TotalTaxValue);
        Assert.Equal(0, audit.TotalDiscountValue);
        Assert.Equal(4, audit.CallEventDetailsCount);
        Assert.Equal(new DateTime(2005, 4, 4, 16, 24, 53), audit.EarliestCallTime!.Value.LocalTime);
    }

    [Fact]
    public async Task Valid_3_12_sample_decodes_every_call_event_with_its_values()
    {
        var doc = await Samples.ReadAsync("tap_3_12_valid.ber");

        Assert.Equal(4, doc.Events.Count);
        var mtc = doc.Events[0];
        Assert.Equal(CallEventKind.MobileTerminatedCall, mtc.Kind);
        Assert.Equal("133713371337133", mtc.Imsi);         // 13 37 13 37 13 37 13 3f
        Assert.Equal(new DateTime(2014, 3, 1, 14, 3, 42), mtc.StartTime!.Value.LocalTime);
        Assert.Equal(1, mtc.StartTime.Value.UtcOffsetCode);
        Assert.Equal(new DateTime(2014, 3, 1, 12, 3, 42, DateTimeKind.Utc), mtc.StartTime.Value.Utc); // code 1 = +0200
        Assert.Equal(0x99, mtc.DurationSeconds);
        Assert.Equal([1], mtc.RecEntityCodes);
        Assert.Equal(0x0DB1, mtc.LocationArea);
        Assert.Equal(0x1C0E, mtc.CellId);
        Assert.Equal("10", mtc.TeleServiceCode);
        var charge = Assert.Single(mtc.Charges);
        Assert.Equal("D", charge.ChargedItem);
        Assert.Equal(new ChargeDetail("00", 2300, null, null), Assert.Single(charge.Details));

        var moc = doc.Events[1];
        Assert.Equal(CallEventKind.MobileOriginatedCall, moc.Kind);
        Assert.Equal("232323232323232", moc.Imsi);
        Assert.Equal(new DateTime(2014, 3, 1, 15, 2, 0), moc.StartTime!.Value.LocalTime);
        Assert.Equal(0xD5, moc.DurationSeconds);
        Assert.Equal(2300, moc.Charges[0].Details[0].Charge);

        var gprs = doc.Events[2];
        Assert.Equal(CallEventKind.GprsCall, gprs.Kind);
        Assert.Equal("232323232323232", gprs.Imsi);
        Assert.Equal("foo.example.net", gprs.AccessPointNameNI);
        Assert.Equal(500, gprs.DurationSeconds);
        Assert.Equal(0, gprs.ChargingId);
        Assert.Equal(1_200_000_000, gprs.DataVolumeIncoming);   // 47 86 8c 00
        Assert.Equal(2_200_000_000, gprs.DataVolumeOutgoing);   // 00 83 21 56 00: beyond 32 bits signed
        Assert.Equal([1], gprs.RecEntityCodes);
        Assert.Equal("X", gprs.Charges[0].ChargedItem);
        Assert.Equal(66_600, gprs.Charges[0].Details[0].Charge); // 01 04 28

        var ss = doc.Events[3];
        Assert.Equal(CallEventKind.SupplementaryServiceEvent, ss.Kind);
        Assert.Equal("133713371337133", ss.Imsi);
        Assert.Equal("2B", ss.SupplServiceCode);
        Assert.Equal(0, ss.SupplServiceActionCode);
        Assert.Equal(new DateTime(2014, 3, 2, 15, 8, 0), ss.StartTime!.Value.LocalTime);
        Assert.Empty(ss.Charges);
    }

    [Fact]
    public async Task Valid_sample_audit_mismatch_is_reported_as_a_fatal_TD57_error_after_a_full_decode()
    {
        var doc = await Samples.ReadAsync("tap_3_12_valid.ber");

        Assert.True(doc.Validation.IsFatal);
        var fatal = Assert.Single(doc.Validation.Errors, e => e.Severity == TapSeverity.Fatal);
        Assert.Equal(100, fatal.Code);
        Assert.Equal("AuditControlInfo", fatal.Context);
        Assert.Equal("TotalCharge", fatal.Item);
        Assert.Contains("71200", fatal.Message, StringComparison.Ordinal);
        Assert.Equal(0, doc.Validation.SevereCount);
        var returns = doc.Validation.ToReturnDetails();
        Assert.Equal(RapReturnKind.Fatal, Assert.Single(returns).Kind);
    }

    [Fact]
    public async Task Exchange_rate_is_applied_exactly_with_integer_arithmetic()
    {
        var doc = await Samples.ReadAsync("tap_3_12_valid.ber");

        Assert.True(doc.Header.Accounting!.TryConvertToLocal(2300, 1, out var local));
        Assert.Equal(new ExactAmount(2300 * (Int128)116_203, 8), local);
        Assert.Equal("2.67266900", local.ToString());
        Assert.False(doc.Header.Accounting.TryConvertToLocal(2300, 9, out _));
    }

    [Theory]
    [InlineData("tap_3_12_valid_most_indef.ber")]
    [InlineData("tap_3_12_valid_some_cdr_indefinite.ber")]
    public async Task Indefinite_length_variants_decode_to_the_same_content_and_hashes(string name)
    {
        var reference = await Samples.ReadAsync("tap_3_12_valid.ber");
        var variant = await Samples.ReadAsync(name);

        Assert.Equal(JsonSerializer.Serialize(reference.Events), JsonSerializer.Serialize(variant.Events));
        Assert.Equal(JsonSerializer.Serialize(reference.Header), JsonSerializer.Serialize(variant.Header));
        for (var i = 0; i < reference.Events.Count; i++)
        {
            Assert.Equal(TapRecordHash.Compute(reference.Events[i], 3), TapRecordHash.Compute(variant.Events[i], 3));
        }
    }

    [Fact]
    public async Task Negative_data_volume_is_a_severe_error_on_that_record_with_its_offset()
    {
        var doc = await Samples.ReadAsync("tap_3_12_negative_volume.ber");

        var gprs = Assert.Single(doc.Events);
        Assert.Equal(-2, gprs.DataVolumeIncoming);        // fe
        var severe = Assert.Single(doc.Validation.Errors, e => e.Severity == TapSeverity.Severe);
        Assert.Equal(20, severe.Code);
        Assert.Equal("DataVolumeIncoming", severe.Item);
        Assert.Equal(0, severe.RecordIndex);
        Assert.Equal(257, severe.Offset);                  // the GprsCall element starts at byte 257
        Assert.Equal([0L], doc.Validation.SevereRecordIndexes);
        Assert.Contains(doc.Validation.Errors, e => e is { Severity: TapSeverity.Fatal, Item: "CallEventDetailsCount" });
    }

    [Fact]
    public async Task Notification_sample_decodes_as_a_3_09_no_data_file()
    {
        var doc = await Samples.ReadAsync("tap_notification.ber");

        Assert.Equal(TapFileKind.Notification, doc.Header.Kind);
        Assert.Equal(new TapVersion(3, 9), doc.Header.Version);
        Assert.Equal("ABC08", doc.Header.BatchControl!.Sender);
        Assert.Equal("XYZ15", doc.Header.BatchControl.Recipient);
        Assert.Equal("23023", doc.Header.BatchControl.FileSequenceNumber);
        Assert.Equal(new DateTime(2016, 5, 23, 11, 5, 2), doc.Header.BatchControl.FileAvailableTime!.Value.LocalTime);
        Assert.Empty(doc.Events);
        Assert.False(doc.Validation.IsFatal);
    }

    [Theory]
    [InlineData("tap_3_12_trailing_eoc_invalid.ber", 819, "end-of-contents")]
    [InlineData("length_overflow.ber", 0, "length")]
    [InlineData("rap_mini.ber", 0, "RAP")]
    [InlineData("rap_ack.ber", 0, "RAP")]
    public async Task Invalid_sample_fails_with_a_clear_message_and_byte_offset(string name, long offset, string fragment)
    {
        var ex = await Assert.ThrowsAsync<TapFormatException>(() => Samples.ReadAsync(name));

        Assert.Equal(offset, ex.Offset);
        Assert.Contains(fragment, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"byte offset {offset}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deep_invalid_sample_fails_cleanly_with_an_offset()
    {
        var ex = await Assert.ThrowsAsync<TapFormatException>(() => Samples.ReadAsync("deep_invalid.ber"));

        Assert.InRange(ex.Offset, 0, Samples.Bytes("deep_invalid.ber").Length);
    }

    [Theory]
    [InlineData("tap_3_12_valid.ber", 12)]
    [InlineData("tap_3_12_valid_most_indef.ber", 12)]
    [InlineData("tap_notification.ber", 9)]
    public async Task Version_is_sniffed_from_the_batch_control_info(string name, int release)
    {
        using var stream = File.OpenRead(Samples.PathOf(name));

        var version = await TapProcessor.SniffVersionAsync(stream, CancellationToken.None).WaitAsync(Samples.Timeout);

        Assert.Equal(new TapVersion(3, release), version);
    }
}
