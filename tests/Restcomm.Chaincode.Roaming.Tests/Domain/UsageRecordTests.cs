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
    public void File_ids_are_named_like_tap_files()
    {
        Assert.Equal("CDAAAA1BBBB200042", FileId.Format("AAAA1", "BBBB2", 42));
        Assert.True(FileId.TryParse("CDAAAA1BBBB200042", out var sender, out var recipient, out var sequence));
        Assert.Equal(("AAAA1", "BBBB2", 42), (sender, recipient, sequence));
        Assert.False(FileId.TryParse("TDAAAA1BBBB200042", out _, out _, out _));
    }
}
