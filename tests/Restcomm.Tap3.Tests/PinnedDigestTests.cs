using System.Security.Cryptography;

namespace Restcomm.Tap3.Tests;

/// <summary>
/// Pins the canonical record hashes, the validation findings and the audit totals of generated traffic and of the
/// shared samples to the values the codec produced before its hot path was restructured, so a faster decoder cannot
/// silently change a digest.
/// </summary>
public class PinnedDigestTests
{
    private static async Task<string> FingerprintAsync(byte[] file, bool keepRecords)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var stream = new MemoryStream(file);
        var result = await TapProcessor.ProcessAsync(stream, new TapProcessingOptions { KeepRecords = keepRecords, ChunkSize = 64 }, (chunk, _) =>
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                digest.AppendData(chunk.GetHash(i));
                digest.AppendData([chunk.IsRejected(i) ? (byte)1 : (byte)0]);
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None).WaitAsync(Samples.Timeout);
        var t = result.Totals;
        var findings = string.Join("|", result.Validation.Errors.Select(e => $"{e.Severity}/{e.Code}/{e.Context}/{e.Item}/{e.RecordIndex}/{e.Offset}/{e.Message}"));
        digest.AppendData(System.Text.Encoding.UTF8.GetBytes(findings));
        return $"{t.RecordCount}/{t.TotalCharge}/{t.TotalTax}/{t.TotalDiscount}/{t.EarliestUtc:O}/{t.LatestUtc:O}/{Convert.ToHexStringLower(digest.GetHashAndReset())}";
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Generated_traffic_hashes_validates_and_totals_as_pinned(bool keepRecords)
    {
        var file = TapEncoder.Encode(TapTrafficGenerator.CreateDocument(5000, seed: 21));

        Assert.Equal("5000/18065616891/656892975/0/2026-01-11T01:22:10.0000000Z/2026-01-13T03:17:13.0000000Z/340bb4a9acdb21de2eed6e5482123597ee07fecd4eae34fa5d807565867b1066", await FingerprintAsync(file, keepRecords));
    }

    [Theory]
    [InlineData("tap_3_12_valid.ber", "4/71200/0/0/2014-03-01T12:03:42.0000000Z/2014-03-02T13:08:00.0000000Z/1205840903180f210c2d66c29e0c4c281adb6cfcd5ab3d66a40d0521b7d73d88")]
    [InlineData("tap_3_12_valid_most_indef.ber", "4/71200/0/0/2014-03-01T12:03:42.0000000Z/2014-03-02T13:08:00.0000000Z/9009ac0af7b4ae371633705d5acfebeed88b4ab4534204090e7be3dcda4836b3")]
    [InlineData("tap_3_12_valid_some_cdr_indefinite.ber", "4/71200/0/0/2014-03-01T12:03:42.0000000Z/2014-03-02T13:08:00.0000000Z/2c9e61579436d81db5aecbca73414a3cc6d133a9f2492c732755c46745b56a64")]
    [InlineData("tap_3_12_negative_volume.ber", "1/66600/0/0/2014-03-01T13:08:00.0000000Z/2014-03-01T13:08:00.0000000Z/03a4f105a4deb2019c61c3fde9fc331ae04c4a79bdde041cf5b2d09766722ff8")]
    public async Task Shared_samples_hash_validate_and_total_as_pinned(string name, string expected)
    {
        Assert.Equal(expected, await FingerprintAsync(Samples.Bytes(name), keepRecords: false));
    }

    [Fact]
    public async Task Encoders_write_generated_traffic_byte_for_byte_as_pinned()
    {
        var whole = TapEncoder.Encode(TapTrafficGenerator.CreateDocument(20000, seed: 5));
        using var stream = new MemoryStream();
        await TapTrafficGenerator.WriteAsync(stream, 20000, 42, null, CancellationToken.None).WaitAsync(Samples.Timeout);

        Assert.Equal("1EE1586F44EDB8C24082E268530DDCD1BEAD8692D0E9516BEEDA60C46AAF88EF", Convert.ToHexString(SHA256.HashData(whole)));
        Assert.Equal("51688B30B631847B9D392BE428BD6ACE0E3696A66F333A33C74E2078EDCE9837", Convert.ToHexString(SHA256.HashData(stream.ToArray())));
    }
}
