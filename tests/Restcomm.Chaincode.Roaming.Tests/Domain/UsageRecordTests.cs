using System.Security.Cryptography;
using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Domain;

public class UsageRecordTests
{
    [Fact]
    public void Canonical_encoding_is_the_documented_byte_layout()
    {
        var record = new UsageRecord
        {
            Service = RoamingService.MocHome,
            EventTimeUtc = DateTimeOffset.FromUnixTimeSeconds(0x01020304),
            UtcOffsetMinutes = -300,
            Quantity = 61,
            ChargeMinor = 1234,
            DecimalPlaces = 3,
            TapRecordSha256 = new string('a', 64),
            Imsi = "23415",
            Msisdn = null,
            CalledNumber = "44",
            CallReference = null,
        };

        var expected = "01" + "01" + "0000000001020304" + "FED4" + "000000000000003D" + "00000000000004D2" + "03"
            + new string('A', 64) + "05" + "3233343135" + "00" + "02" + "3434" + "00";
        Assert.Equal(expected, Convert.ToHexString(record.Encode()));
        Assert.Equal(SHA256.HashData([0x00, .. record.Encode()]), record.LeafHash());
    }

    [Fact]
    public void Decoding_the_encoding_gives_the_record_back()
    {
        var record = Samples.Record(RoamingService.Data, 1_572_864, 3000);

        Assert.Equal(record, UsageRecord.Decode(record.Encode()));
    }

    [Fact]
    public void Local_date_uses_the_utc_offset()
    {
        var record = Samples.Record(RoamingService.SmsMo, 1, 50) with
        {
            EventTimeUtc = new DateTimeOffset(2025, 1, 31, 23, 30, 0, TimeSpan.Zero),
            UtcOffsetMinutes = 60,
        };

        Assert.Equal(new DateOnly(2025, 2, 1), record.LocalDate);
    }

    [Fact]
    public void A_record_with_a_malformed_imsi_cannot_be_encoded()
    {
        var record = Samples.Record(RoamingService.SmsMo, 1, 50) with { Imsi = "2341X" };

        Assert.Equal("invalid-argument", Assert.Throws<RoamingRuleException>(() => record.Encode()).Code);
    }

    [Fact]
    public void A_payload_round_trips_and_a_truncated_one_is_refused()
    {
        var records = Samples.UsageInA();
        var payload = UsageBatchPayload.Encode(records);

        Assert.Equal(records, UsageBatchPayload.Decode(payload));
        Assert.Equal("invalid-payload", Assert.Throws<RoamingRuleException>(() => UsageBatchPayload.Decode(payload.AsMemory(0, payload.Length - 3))).Code);
    }

    [Fact]
    public void A_built_batch_verifies_and_each_header_lie_is_named()
    {
        var records = Samples.UsageInA();
        var (header, payload) = Samples.Batch(records);

        var verified = VerifiedUsageBatch.Verify(header, payload);
        Assert.Equal(5, verified.Records.Count);
        Assert.Equal(5, header.Totals.Count);
        Assert.Equal(3000, header.Totals.Single(t => t.Service == RoamingService.Data).ChargeMinor);

        string Code(UsageBatchHeader h, byte[]? p = null) => Assert.Throws<RoamingRuleException>(() => VerifiedUsageBatch.Verify(h, p ?? payload)).Code;
        Assert.Equal("record-count-mismatch", Code(header with { RecordCount = 4 }));
        Assert.Equal("totals-mismatch", Code(header with { Totals = [.. header.Totals.Select(t => t with { ChargeMinor = t.ChargeMinor + 1 })] }));
        Assert.Equal("merkle-root-mismatch", Code(header with { MerkleRoot = new string('0', 64) }));
        var other = Samples.Batch([.. records.Reverse()]);
        Assert.Equal("payload-hash-mismatch", Code(header, other.Payload));
        // Same records in another order: same totals, different root.
        Assert.Equal("merkle-root-mismatch", Code(header with { PayloadHash = other.Header.PayloadHash }, other.Payload));
    }

    [Fact]
    public void Figures_read_from_the_bytes_are_the_decoded_records_and_its_local_date_floors_across_1970()
    {
        foreach (var record in Samples.UsageInA())
        {
            Assert.Equal(record.Fields, UsageRecordCodec.Read(record.Encode()));
        }

        var lateUtc = Samples.Record(RoamingService.Mtc, 60, 10) with { EventTimeUtc = new DateTimeOffset(1969, 12, 31, 23, 30, 0, TimeSpan.Zero), UtcOffsetMinutes = 60 };
        var earlyUtc = lateUtc with { EventTimeUtc = new DateTimeOffset(1970, 1, 1, 0, 30, 0, TimeSpan.Zero), UtcOffsetMinutes = -60 };
        Assert.Equal(new DateOnly(1970, 1, 1), UsageRecordCodec.Read(lateUtc.Encode()).LocalDate);
        Assert.Equal(new DateOnly(1969, 12, 31), UsageRecordCodec.Read(earlyUtc.Encode()).LocalDate);
        Assert.Equal(DateOnly.FromDateTime(earlyUtc.EventTimeUtc.UtcDateTime.AddMinutes(-60)), earlyUtc.Fields.LocalDate);
    }

    [Theory]
    [InlineData("cut short", 0, -1)]
    [InlineData("trailing byte", 0, 1)]
    [InlineData("service 6", 1, 6)]
    [InlineData("event time beyond year 9999", 2, 0x7F)]
    [InlineData("offset of 25.6 h", 10, 0x06)]
    [InlineData("negative quantity", 12, 0x80)]
    [InlineData("negative charge", 20, 0xFF)]
    [InlineData("7 decimal places", 28, 7)]
    [InlineData("a letter in the IMSI", 62, (int)'X')]
    [InlineData("a control character in the called number", 69, 0x07)]
    [InlineData("a string longer than the record", 68, 0x40)]
    public void Figures_are_refused_where_decoding_refuses_the_record(string what, int offset, int value)
    {
        // Layout of this record: 61 fixed bytes, IMSI (len 5) at 61, MSISDN (len 0) at 67, called number (len 2) at 68.
        var record = Samples.Record(RoamingService.MocHome, 61, 1234) with { Imsi = "23415", Msisdn = null, CalledNumber = "44", CallReference = null };
        var bytes = record.Encode().ToList();
        if (what == "cut short")
        {
            bytes.RemoveAt(bytes.Count - 1);
        }
        else if (what == "trailing byte")
        {
            bytes.Add(0);
        }
        else
        {
            bytes[offset] = (byte)value;
        }

        var encoding = bytes.ToArray();
        Assert.Equal("invalid-argument", Assert.Throws<RoamingRuleException>(() => UsageRecordCodec.Read(encoding)).Code);
        Assert.Equal("invalid-argument", Assert.Throws<RoamingRuleException>(() => UsageRecord.Decode(encoding)).Code);
    }

    [Fact]
    public void A_batch_built_record_by_record_has_the_rfc_6962_root_of_its_encodings_and_totals_summed_independently()
    {
        var records = Samples.UsageInA().Concat(Samples.UsageInA().Select(r => r with { Quantity = r.Quantity + 7, ChargeMinor = r.ChargeMinor * 3 })).ToList();
        var builder = new UsageBatchBuilder();
        foreach (var record in records)
        {
            builder.Add(record.Encode());
        }

        var (header, payload) = builder.Build(Samples.Template("AAAA1", "BBBB2", 1, 1));

        Assert.Equal(Convert.ToHexStringLower(MerkleTreeTests.Rfc6962([.. records.Select(r => r.Encode())])), header.MerkleRoot);
        Assert.Equal(payload, UsageBatchPayload.Encode(records));
        Assert.Equal(payload.Length, builder.PayloadBytes);
        foreach (var service in records.Select(r => r.Service).Distinct())
        {
            var total = header.Totals.Single(t => t.Service == service);
            var of = records.Where(r => r.Service == service).ToList();
            Assert.Equal((of.Count, of.Sum(r => r.Quantity), of.Sum(r => r.ChargeMinor)), (total.Records, total.Quantity, total.ChargeMinor));
        }

        Assert.Equal(records.Select(r => r.Fields), VerifiedUsageBatch.Verify(header, payload).Records);
    }

    [Fact]
    public void A_builder_refuses_a_record_whose_decimal_places_differ_from_the_batchs()
    {
        var builder = new UsageBatchBuilder();
        builder.Add(Samples.Record(RoamingService.SmsMo, 1, 50).Encode());

        var other = Samples.Record(RoamingService.SmsMo, 1, 50) with { DecimalPlaces = 2 };

        Assert.Equal("invalid-argument", Assert.Throws<RoamingRuleException>(() => builder.Add(other.Encode())).Code);
        Assert.Equal(1, builder.Count);
    }

    [Fact]
    public void File_ids_are_named_like_tap_files()
    {
        Assert.Equal("CDAAAA1BBBB200042", FileId.Format("AAAA1", "BBBB2", 42));
        Assert.True(FileId.TryParse("CDAAAA1BBBB200042", out var sender, out var recipient, out var sequence));
        Assert.Equal(("AAAA1", "BBBB2", 42), (sender, recipient, sequence));
        Assert.False(FileId.TryParse("TDAAAA1BBBB200042", out _, out _, out _));
    }
}
