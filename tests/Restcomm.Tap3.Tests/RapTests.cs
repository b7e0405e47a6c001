using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3.Tests;

public class RapTests
{
    private static readonly DateTimeOffset Created = new(2026, 11, 24, 9, 30, 15, TimeSpan.FromHours(1));

    private static RapBuildOptions Options(string sequence = "00007") => new() { RapFileSequenceNumber = sequence, CreationTime = Created };

    private static RapReturnBatch RoundTrip(RapReturnBatch batch)
    {
        var bytes = RapEncoder.Encode(batch);
        BerWalk.AssertWellFormedDefinite(bytes);
        return Assert.IsType<RapReturnBatch>(RapDecoder.Decode(bytes).ReturnBatch);
    }

    /// <summary>A generated file whose records at <paramref name="broken"/> carry one severe error each, audit totals correct.</summary>
    private static async Task<(TapDocument Original, TapDocument Decoded)> GeneratedWithSevereErrorsAsync(int records, params int[] broken)
    {
        var doc = TapTrafficGenerator.CreateDocument(records, seed: 21);
        foreach (var index in broken)
        {
            doc.Events[index].Imsi = null; // severe 30: chargeable subscriber missing
        }

        doc.Header.Audit = TapEncoder.ComputeAudit(doc.Events);
        return (doc, await Samples.ReadAsync(TapEncoder.Encode(doc)));
    }

    [Fact]
    public async Task Negative_volume_sample_is_returned_whole_as_one_fatal_return_with_its_audit_errors()
    {
        var doc = await Samples.ReadAsync("tap_3_12_negative_volume.ber");

        var rap = RoundTrip(RapEncoder.Build(doc, Options()));

        var bc = rap.BatchControl;
        Assert.Equal(doc.Header.BatchControl!.Recipient, bc.Sender);
        Assert.Equal(doc.Header.BatchControl.Sender, bc.Recipient);
        Assert.Equal("00007", bc.RapFileSequenceNumber);
        Assert.Equal(new DateTime(2026, 11, 24, 9, 30, 15), bc.CreationTime!.Value.LocalTime);
        Assert.Equal("+0100", bc.CreationTime.Value.UtcOffset);
        Assert.Equal(bc.CreationTime, bc.AvailableTime);
        Assert.Equal((3, 12), (bc.SpecificationVersion, bc.ReleaseVersion));
        Assert.Equal((1, 5), (bc.RapSpecificationVersion, bc.RapReleaseVersion));
        Assert.Equal(doc.Header.Accounting!.TapDecimalPlaces, bc.TapDecimalPlaces);

        var fatal = Assert.IsType<RapFatalReturn>(Assert.Single(rap.Returns));
        Assert.Equal(doc.Header.BatchControl.FileSequenceNumber, fatal.FileSequenceNumber);
        var group = Assert.Single(fatal.Groups);
        Assert.Equal(RapFatalGroup.AuditControlInfo, group.Group);
        Assert.Equal(TapTags.AuditControlInfo, RapPaths.TagOf(group.GroupData.Span));
        var pos = 0;
        var element = Ber.Read(group.GroupData.Span, ref pos, group.GroupData.Length, 0, 1, Ber.DefaultMaxDepth);
        Assert.Equal(2300, SectionDecoder.ReadAudit(group.GroupData.Span, element, 0, Ber.DefaultMaxDepth).TotalCharge);
        Assert.Equal([100, 100], group.Errors.Select(e => e.ErrorCode));
        Assert.All(group.Errors, e => Assert.Null(e.ItemOffset));
        Assert.Equal(
            [new RapErrorContext(TapTags.TransferBatch, null, 1), new RapErrorContext(TapTags.AuditControlInfo, null, 2), new RapErrorContext(TapTags.TotalCharge, null, 3)],
            group.Errors[0].Context);
        Assert.Equal(TapTags.CallEventDetailsCount, group.Errors[1].Context[^1].PathItemId);
        Assert.Equal(0, rap.TotalSevereReturnValue);
        Assert.Equal(1, rap.ReturnDetailsCount);
    }

    [Fact]
    public async Task Negative_volume_sample_with_corrected_audit_returns_the_gprs_call_as_a_severe_return_with_code_20()
    {
        var sample = await Samples.ReadAsync("tap_3_12_negative_volume.ber");
        sample.Header.Audit = TapEncoder.ComputeAudit(sample.Events);
        var doc = await Samples.ReadAsync(TapEncoder.Encode(sample));
        Assert.False(doc.Validation.IsFatal);
        var error = Assert.Single(doc.Validation.Errors, e => e.Severity == TapSeverity.Severe);

        var rap = RoundTrip(RapEncoder.Build(doc, Options()));

        var severe = Assert.IsType<RapSevereReturn>(Assert.Single(rap.Returns));
        Assert.Equal(doc.Header.BatchControl!.FileSequenceNumber, severe.FileSequenceNumber);
        var detail = Assert.Single(severe.Errors);
        Assert.Equal(20, detail.ErrorCode);
        Assert.Equal(error.Offset, detail.ItemOffset);
        Assert.Equal(
            [new RapErrorContext(TapTags.TransferBatch, null, 1), new RapErrorContext(TapTags.CallEventDetailList, null, 2), new RapErrorContext(TapTags.GprsCall, 1, 3)],
            detail.Context);
        Assert.Equal(TapEncoder.EncodeCallEvent(doc.Events[0]), severe.CallEventData.ToArray());
        Assert.Equal(CallEventKind.GprsCall, severe.CallEvent!.Kind);
        Assert.Equal(doc.Events[0].DataVolumeIncoming, severe.CallEvent.DataVolumeIncoming);
        Assert.Equal(doc.Events[0].Imsi, severe.CallEvent.Imsi);
        Assert.Equal(sample.Header.Audit.TotalCharge, rap.TotalSevereReturnValue);
        Assert.Equal(1, rap.ReturnDetailsCount);
    }

    [Fact]
    public async Task Generated_file_with_injected_severe_errors_returns_exactly_those_records()
    {
        int[] broken = [3, 17, 42];
        var (original, decoded) = await GeneratedWithSevereErrorsAsync(60, broken);
        Assert.False(decoded.Validation.IsFatal);

        var rap = RoundTrip(RapEncoder.Build(decoded, Options()));

        var returns = rap.Returns.Cast<RapSevereReturn>().ToList();
        Assert.Equal(broken.Select(i => (long?)(i + 1)), returns.Select(r => r.Occurrence));
        var expectedTotals = new TapRunningTotals();
        for (var k = 0; k < broken.Length; k++)
        {
            var index = broken[k];
            var error = Assert.Single(decoded.Validation.Errors, e => e.RecordIndex == index && e.Severity == TapSeverity.Severe);
            var detail = Assert.Single(returns[k].Errors);
            Assert.Equal((30, error.Offset), (detail.ErrorCode, detail.ItemOffset!.Value));
            Assert.Equal(TapEncoder.EncodeCallEvent(original.Events[index]), returns[k].CallEventData.ToArray());
            Assert.Null(returns[k].CallEvent!.Imsi);
            Assert.Equal(original.Events[index].Kind, returns[k].CallEvent!.Kind);
            expectedTotals.Add(original.Events[index]);
        }

        Assert.Equal(expectedTotals.TotalCharge, rap.TotalSevereReturnValue);
        Assert.Equal(expectedTotals.TotalTax, rap.TotalSevereReturnTax);
        Assert.Equal(broken.Length, rap.ReturnDetailsCount);
    }

    [Fact]
    public async Task Rap_bytes_are_well_formed_ber_with_definite_lengths_in_asn1_order()
    {
        var (_, decoded) = await GeneratedWithSevereErrorsAsync(30, 5, 6);

        var bytes = RapEncoder.Encode(RapEncoder.Build(decoded, Options()));

        var elements = BerWalk.AssertWellFormedDefinite(bytes);
        Assert.Equal((0, RapTags.ReturnBatch), elements[0]);
        Assert.Equal(
            [RapTags.RapBatchControlInfo, RapTags.ReturnDetailList, RapTags.RapAuditControlInfo],
            elements.Where(e => e.Depth == 1).Select(e => e.Tag));
        Assert.Equal(
            [TapTags.Sender, TapTags.Recipient, TapTags.RapFileSequenceNumber, RapTags.RapFileCreationTimeStamp, RapTags.RapFileAvailableTimeStamp,
             TapTags.SpecificationVersionNumber, TapTags.ReleaseVersionNumber, RapTags.RapSpecificationVersionNumber, RapTags.RapReleaseVersionNumber,
             TapTags.TapDecimalPlaces, TapTags.TapCurrency],
            BerWalk.ChildrenOf(bytes, RapTags.RapBatchControlInfo));
        Assert.Equal([RapTags.TotalSevereReturnValue, RapTags.ReturnDetailsCount, RapTags.TotalSevereReturnTax], BerWalk.ChildrenOf(bytes, RapTags.RapAuditControlInfo));
        Assert.Equal(2, elements.Count(e => e.Depth == 2 && e.Tag == RapTags.SevereReturn));
    }

    [Fact]
    public void Report_with_no_findings_refuses_to_build_an_empty_rap()
    {
        var doc = TapTrafficGenerator.CreateDocument(10, seed: 4);
        var report = TapValidator.Validate(doc);
        Assert.Equal(0, report.FatalCount + report.SevereCount);

        var ex = Assert.Throws<InvalidOperationException>(() => RapEncoder.Build(report, doc.Header, i => doc.Events[(int)i], Options()));

        Assert.Contains("nothing to return", ex.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => RapEncoder.Encode(new RapReturnBatch()));
    }

    [Fact]
    public void Report_with_only_warnings_refuses_to_build_a_rap()
    {
        var doc = TapTrafficGenerator.CreateDocument(5, seed: 4);
        var report = new TapValidationReport();
        report.Add(new TapValidationError(TapSeverity.Warning, 103, "GprsCall", "ExchangeRateCode", 0, 10, "warning only"));

        Assert.Throws<InvalidOperationException>(() => RapEncoder.Build(report, doc.Header, i => doc.Events[(int)i], Options()));
    }

    [Fact]
    public async Task Undecodable_rejected_call_event_is_returned_from_its_raw_bytes_with_definite_lengths()
    {
        var (original, decoded) = await GeneratedWithSevereErrorsAsync(10, 2);
        var definite = TapEncoder.EncodeCallEvent(original.Events[2]);
        var indefinite = ToIndefinite(definite);
        var options = new RapBuildOptions
        {
            RapFileSequenceNumber = "00001",
            CreationTime = Created,
            RawCallEvent = i => i == 2 ? indefinite : null,
        };

        var rap = RoundTrip(RapEncoder.Build(decoded.Validation, decoded.Header, _ => null, options));

        var severe = Assert.IsType<RapSevereReturn>(Assert.Single(rap.Returns));
        Assert.Equal(definite, severe.CallEventData.ToArray());
        Assert.Equal(0, rap.TotalSevereReturnValue);
    }

    [Fact]
    public async Task Rejected_call_event_that_is_not_available_is_refused()
    {
        var (_, decoded) = await GeneratedWithSevereErrorsAsync(10, 2);

        Assert.Throws<InvalidOperationException>(() => RapEncoder.Build(decoded.Validation, decoded.Header, _ => null, Options()));
    }

    [Fact]
    public async Task Raw_element_is_read_from_a_file_offset_whatever_its_length_form()
    {
        var data = Samples.Bytes("tap_3_12_valid_some_cdr_indefinite.ber");
        var doc = await Samples.ReadAsync(data);
        var offsets = new List<long>();
        using (var stream = new MemoryStream(data))
        {
            await TapProcessor.ProcessAsync(stream, null, (chunk, _) =>
            {
                for (var i = 0; i < chunk.Count; i++)
                {
                    offsets.Add(chunk.GetOffset(i));
                }

                return ValueTask.CompletedTask;
            }, CancellationToken.None).WaitAsync(Samples.Timeout);
        }

        using var file = new MemoryStream(data);
        for (var i = 0; i < offsets.Count; i++)
        {
            var raw = await RapEncoder.ReadElementAsync(file, offsets[i], CancellationToken.None).WaitAsync(Samples.Timeout);
            Assert.Equal(TapEncoder.EncodeCallEvent(doc.Events[i]), BerDefinite.Rewrite(raw.Span));
        }
    }

    [Fact]
    public void Sample_rap_mini_decodes_as_a_return_batch_without_returns()
    {
        var rap = RapDecoder.Decode(Samples.Bytes("rap_mini.ber"));

        var batch = Assert.IsType<RapReturnBatch>(rap.ReturnBatch);
        Assert.Null(rap.Acknowledgement);
        var bc = batch.BatchControl;
        Assert.Equal(("ABC08", "DEF15", "00023"), (bc.Sender, bc.Recipient, bc.RapFileSequenceNumber));
        Assert.Equal(new DateTime(2016, 5, 20, 10, 15, 0), bc.CreationTime!.Value.LocalTime);
        Assert.Equal("-0200", bc.CreationTime.Value.UtcOffset);
        Assert.Equal(new DateTime(2016, 5, 20, 10, 16, 0), bc.AvailableTime!.Value.LocalTime);
        Assert.Equal((3, 12, 1, 5), (bc.SpecificationVersion, bc.ReleaseVersion, bc.RapSpecificationVersion, bc.RapReleaseVersion));
        Assert.Empty(batch.Returns);
        Assert.Null(batch.ReturnDetailsCount);
    }

    [Fact]
    public void Sample_rap_ack_decodes_as_an_acknowledgement()
    {
        var rap = RapDecoder.Decode(Samples.Bytes("rap_ack.ber"));

        var ack = Assert.IsType<RapAcknowledgement>(rap.Acknowledgement);
        Assert.Null(rap.ReturnBatch);
        Assert.Equal(("DGS01", "XYZ02", "123"), (ack.Sender, ack.Recipient, ack.RapFileSequenceNumber));
        Assert.Equal(new DateTime(2016, 5, 1, 22, 23, 24), ack.CreationTime!.Value.LocalTime);
        Assert.Equal("+0002", ack.AvailableTime!.Value.UtcOffset);
    }

    [Fact]
    public void Tap_file_is_not_mistaken_for_a_rap_file()
    {
        var ex = Assert.Throws<TapFormatException>(() => RapDecoder.Decode(Samples.Bytes("tap_3_12_valid.ber")));

        Assert.Equal(0, ex.Offset);
    }

    private static byte[] ToIndefinite(byte[] definite)
    {
        var pos = 0;
        var root = Ber.Read(definite, ref pos, definite.Length, 0, 1, Ber.DefaultMaxDepth);
        var lengthStart = (definite[0] & 0x1F) != 0x1F ? 1 : Array.FindIndex(definite, 1, b => (b & 0x80) == 0) + 1; // after the tag octets
        return [.. definite[..lengthStart], 0x80, .. definite[root.ContentStart..root.ContentEnd], 0, 0];
    }
}

/// <summary>A generic BER walk, independent of the codec: tags and definite lengths only.</summary>
internal static class BerWalk
{
    /// <summary>Every element (depth, application tag number) in order; fails on indefinite lengths, overruns or stray bytes.</summary>
    public static List<(int Depth, int Tag)> AssertWellFormedDefinite(byte[] data)
    {
        var result = new List<(int, int)>();
        var end = Walk(data, 0, data.Length, 0, result);
        Assert.Equal(data.Length, end);
        return result;
    }

    /// <summary>Tags of the direct children of the first element with <paramref name="tag"/>.</summary>
    public static List<int> ChildrenOf(byte[] data, int tag)
    {
        var all = AssertWellFormedDefinite(data);
        var start = all.FindIndex(e => e.Tag == tag);
        var depth = all[start].Depth;
        var children = new List<int>();
        for (var i = start + 1; i < all.Count && all[i].Depth > depth; i++)
        {
            if (all[i].Depth == depth + 1)
            {
                children.Add(all[i].Tag);
            }
        }

        return children;
    }

    private static int Walk(byte[] data, int pos, int end, int depth, List<(int, int)> result)
    {
        var first = data[pos++];
        Assert.Equal(0x40, first & 0xC0); // RAP and TAP use application tags only
        var constructed = (first & 0x20) != 0;
        var tag = first & 0x1F;
        if (tag == 0x1F)
        {
            tag = 0;
            byte b;
            do
            {
                b = data[pos++];
                tag = (tag << 7) | (b & 0x7F);
            }
            while ((b & 0x80) != 0);
        }

        int length = data[pos++];
        Assert.NotEqual(0x80, length); // indefinite form
        if (length > 0x80)
        {
            var n = length & 0x7F;
            length = 0;
            for (var i = 0; i < n; i++)
            {
                length = (length << 8) | data[pos++];
            }
        }

        var contentEnd = pos + length;
        Assert.True(contentEnd <= end, $"element [APPLICATION {tag}] overruns its container");
        result.Add((depth, tag));
        if (constructed)
        {
            while (pos < contentEnd)
            {
                pos = Walk(data, pos, contentEnd, depth + 1, result);
            }

            Assert.Equal(contentEnd, pos);
        }

        return contentEnd;
    }
}
