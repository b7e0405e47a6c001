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

    [Fact]
    public void Record_digest_equals_the_platform_sha256_for_every_length_up_to_several_blocks()
    {
        var random = new Random(5);
        var destination = new byte[32];
        for (var length = 0; length <= 300; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Restcomm.Hashing.ShortSha256.Hash(data, destination);

            Assert.Equal(System.Security.Cryptography.SHA256.HashData(data), destination);
        }
    }

    [SkippableFact]
    public void Record_digest_uses_the_low_level_libcrypto_path_on_linux()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && File.Exists("/usr/lib/x86_64-linux-gnu/libcrypto.so.3"), "libcrypto 3 not installed here");

        Assert.True(Restcomm.Hashing.ShortSha256.UsesLibcrypto);
    }
}
