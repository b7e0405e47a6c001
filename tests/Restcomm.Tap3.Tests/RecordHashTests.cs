namespace Restcomm.Tap3.Tests;

public class RecordHashTests
{
    private static CallEvent Sample() => new()
    {
        Kind = CallEventKind.MobileOriginatedCall,
        Imsi = "262011234567890",
        StartTime = new TapTimestamp(new DateTime(2026, 1, 2, 3, 4, 5), 1, 60),
        DurationSeconds = 61,
        TeleServiceCode = "11",
        Charges = [new ChargeInformation { ChargedItem = "D", ExchangeRateCode = 1, Details = [new ChargeDetail("00", 1234, null, null)] }],
    };

    [Fact]
    public void Canonical_hash_is_sha256_of_the_documented_encoding()
    {
        var encoding = TapRecordHash.CanonicalEncoding(Sample(), 3);

        Assert.Equal(TapRecordHash.FormatVersion, encoding[0]);
        Assert.Equal((byte)CallEventKind.MobileOriginatedCall, encoding[1]);
        Assert.Equal(3, encoding[2]);
        Assert.Equal(0xFF, encoding[^1]);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(encoding), TapRecordHash.Compute(Sample(), 3));
    }

    [Fact]
    public void Hash_changes_when_any_charged_value_changes()
    {
        var a = TapRecordHash.Compute(Sample(), 3);
        var changed = Sample();
        changed.Charges[0].Details[0] = changed.Charges[0].Details[0] with { Charge = 1235 };

        Assert.NotEqual(a, TapRecordHash.Compute(changed, 3));
        Assert.NotEqual(a, TapRecordHash.Compute(Sample(), 2));
        Assert.Equal(a, TapRecordHash.Compute(Sample(), 3));
    }
}
