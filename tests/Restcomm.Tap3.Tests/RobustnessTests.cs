namespace Restcomm.Tap3.Tests;

public class RobustnessTests
{
    [Fact]
    public async Task Every_truncation_of_a_valid_file_ends_in_a_clean_format_error()
    {
        foreach (var name in new[] { "tap_3_12_valid.ber", "tap_3_12_valid_most_indef.ber" })
        {
            var full = Samples.Bytes(name);
            for (var length = 0; length < full.Length; length++)
            {
                var ex = await Assert.ThrowsAsync<TapFormatException>(() => Samples.ReadAsync(full[..length]));
                Assert.InRange(ex.Offset, 0, length);
            }
        }
    }

    [Fact]
    public async Task Length_beyond_the_list_inside_a_call_event_is_refused_with_its_offset()
    {
        var data = Samples.Bytes("tap_3_12_valid.ber");
        data[656] = 0x7F; // SupplServiceEvent @655: length 83 -> 127, past the end of CallEventDetailList (740)

        var ex = await Assert.ThrowsAsync<TapFormatException>(() => Samples.ReadAsync(data));

        Assert.Contains("beyond", ex.Message, StringComparison.Ordinal);
        Assert.Equal(655, ex.Offset);
    }

    [Fact]
    public async Task Huge_length_claims_do_not_allocate_and_fail_cleanly()
    {
        // TransferBatch claiming 2 GiB of content, followed by nothing.
        byte[] data = [0x61, 0x84, 0x7F, 0xFF, 0xFF, 0xFF, 0x64, 0x00];

        var ex = await Assert.ThrowsAsync<TapFormatException>(() => Samples.ReadAsync(data));

        Assert.True(ex.Offset >= 0);
    }

    [Fact]
    public async Task Pathologically_deep_nesting_is_refused_without_exhausting_the_stack()
    {
        const int depth = 100_000;
        var data = new byte[8 + (depth * 2) + (depth * 2)];
        var p = 0;
        data[p++] = 0x61; data[p++] = 0x80;           // TransferBatch, indefinite
        data[p++] = 0x63; data[p++] = 0x80;           // CallEventDetailList, indefinite
        for (var i = 0; i < depth; i++)
        {
            data[p++] = 0x69; data[p++] = 0x80;       // MobileOriginatedCall nested in itself
        }

        var ex = await Assert.ThrowsAsync<TapFormatException>(() => Samples.ReadAsync(data[..p]));

        Assert.Contains("nested deeper", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Random_mutations_end_in_a_result_or_a_clean_error_never_a_crash_or_hang()
    {
        var original = Samples.Bytes("tap_3_12_valid.ber");
        var random = new Random(20260524);
        for (var round = 0; round < 3000; round++)
        {
            var data = (byte[])original.Clone();
            var edits = random.Next(1, 6);
            for (var e = 0; e < edits; e++)
            {
                switch (random.Next(3))
                {
                    case 0:
                        data[random.Next(data.Length)] = (byte)random.Next(256);
                        break;
                    case 1:
                        data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                        break;
                    default:
                        var cut = random.Next(data.Length);
                        data = [.. data[..cut], .. data[Math.Min(data.Length, cut + random.Next(1, 8))..]];
                        break;
                }
            }

            try
            {
                var doc = await Samples.ReadAsync(data);
                Assert.NotNull(doc.Validation);
            }
            catch (TapFormatException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Reason));
            }
        }
    }

    [Fact]
    public async Task Unknown_extension_elements_are_skipped()
    {
        var doc = TapTrafficGenerator.CreateDocument(3, seed: 5);
        var reference = await Samples.ReadAsync(TapEncoder.Encode(doc));
        // An unknown [APPLICATION 999] group holding an IMSI-looking child, in the batch and inside a call event.
        byte[] extension = [0x7F, 0x87, 0x67, 0x05, 0x5F, 0x81, 0x01, 0x01, 0x99];
        using var w = new Internal.BerWriter();
        w.Begin(1);
        Internal.TapWriterCore.WriteBatchControl(w, doc.Header.BatchControl!);
        w.Raw(extension);
        Internal.TapWriterCore.WriteAccounting(w, doc.Header.Accounting!);
        Internal.TapWriterCore.WriteNetwork(w, doc.Header.Network!);
        w.Begin(3);
        foreach (var e in doc.Events)
        {
            var encoded = TapEncoder.EncodeCallEvent(e);
            // re-open the event: copy its tag, then write content + extension under a fresh length
            using var inner = new Internal.BerWriter();
            var pos = 0;
            var element = Internal.Ber.Read(encoded, ref pos, encoded.Length, 0, 0, 32);
            inner.Raw(encoded.AsSpan(element.ContentStart, element.ContentLength));
            inner.Raw(extension);
            WriteWithTag(w, encoded.AsSpan(0, TagLength(encoded)), inner.WrittenSpan);
        }

        w.End();
        Internal.TapWriterCore.WriteAudit(w, doc.Header.Audit!);
        w.End();

        var decoded = await Samples.ReadAsync(w.WrittenSpan.ToArray());

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(reference.Events), System.Text.Json.JsonSerializer.Serialize(decoded.Events));
        Assert.False(decoded.Validation.IsFatal);
    }

    private static int TagLength(byte[] encoded)
    {
        if ((encoded[0] & 0x1F) != 0x1F)
        {
            return 1;
        }

        var n = 1;
        while ((encoded[n] & 0x80) != 0)
        {
            n++;
        }

        return n + 1;
    }

    private static void WriteWithTag(Internal.BerWriter w, ReadOnlySpan<byte> tag, ReadOnlySpan<byte> content)
    {
        w.Raw(tag);
        if (content.Length < 0x80)
        {
            w.Raw([(byte)content.Length]);
        }
        else
        {
            w.Raw([0x82, (byte)(content.Length >> 8), (byte)content.Length]);
        }

        w.Raw(content);
    }

    [Fact]
    public async Task Non_minimal_length_encodings_are_accepted()
    {
        // Rewrite the ReleaseVersionNumber length (1) as 84 00 00 00 01 and fix BatchControlInfo and root lengths.
        var doc = await Samples.ReadAsync(Samples.Bytes("tap_notification.ber"));
        byte[] data = [0x62, 0x84, 0x00, 0x00, 0x00, 0x0E, 0x5F, 0x81, 0x3D, 0x84, 0x00, 0x00, 0x00, 0x01, 0x0C, 0x5F, 0x81, 0x49, 0x01, 0x03];

        var decoded = await Samples.ReadAsync(data);

        Assert.Equal(12, decoded.Header.BatchControl!.ReleaseVersion);
        Assert.Equal(3, decoded.Header.BatchControl.SpecificationVersion);
        Assert.Equal(TapFileKind.Notification, doc.Header.Kind);
    }
}
