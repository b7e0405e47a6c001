using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3.Tests;

public class VersionAndPipelineTests
{
    [Fact]
    public async Task Tap_3_10_audit_charge_list_with_tagged_amounts_is_read_as_total_charge()
    {
        var doc = TapTrafficGenerator.CreateDocument(10, seed: 8);
        doc.Header.BatchControl!.ReleaseVersion = 10;
        var total = doc.Header.Audit!.TotalCharge!.Value;
        using var w = new BerWriter();
        w.Begin(TapTags.TransferBatch);
        TapWriterCore.WriteBatchControl(w, doc.Header.BatchControl);
        TapWriterCore.WriteAccounting(w, doc.Header.Accounting!);
        TapWriterCore.WriteNetwork(w, doc.Header.Network!);
        w.Begin(TapTags.CallEventDetailList);
        foreach (var e in doc.Events)
        {
            TapWriterCore.WriteCallEvent(w, e);
        }

        w.End();
        w.Begin(TapTags.AuditControlInfo);
        w.Begin(TapTags.TotalChargeValueList);       // 3.10: TotalChargeValueList of TotalChargeValue
        w.Begin(TapTags.TotalChargeValue);
        w.Text(TapTags.ChargeType, "00");
        w.Integer(TapTags.AbsoluteAmount310, total);  // AbsoluteAmount with its own [APPLICATION 241] tag
        w.End();
        w.Begin(TapTags.TotalChargeValue);
        w.Text(TapTags.ChargeType, "01");
        w.Integer(TapTags.AbsoluteAmount310, 1);
        w.End();
        w.End();
        w.Integer(TapTags.TotalTaxValue, doc.Header.Audit.TotalTaxValue!.Value);
        w.Integer(TapTags.TotalDiscountValue, 0);
        w.Integer(TapTags.CallEventDetailsCount, 10);
        w.End();
        w.End();

        var decoded = await Samples.ReadAsync(w.WrittenSpan.ToArray());

        Assert.Equal(new TapVersion(3, 10), decoded.Header.Version);
        Assert.Equal(total, decoded.Header.Audit!.TotalCharge);
        Assert.False(decoded.Validation.IsFatal, string.Join("; ", decoded.Validation.Errors));
    }

    [Fact]
    public async Task Broken_ber_inside_a_call_event_surfaces_from_the_parallel_workers_with_its_offset()
    {
        var data = Samples.Bytes("tap_3_12_valid.ber");
        data[263] = 0x7F; // MtBasicCallInformation @260 (tag 7f 81 19): length 50 -> 127, beyond its MobileTerminatedCall

        var ex = await Assert.ThrowsAsync<TapFormatException>(() => Samples.ReadAsync(data));

        Assert.Equal(260, ex.Offset);
        Assert.Contains("remain", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_undecodable_value_rejects_only_its_record()
    {
        var data = Samples.Bytes("tap_3_12_valid.ber");
        data[414] = (byte)'X'; // first digit of the MOC's LocalTimeStamp @412 (tag 50, length 0e, then digits)

        var doc = await Samples.ReadAsync(data);

        Assert.Equal(3, doc.Events.Count);
        var severe = Assert.Single(doc.Validation.Errors, e => e.Severity == TapSeverity.Severe);
        Assert.Equal(1, severe.RecordIndex);
        Assert.Equal(10, severe.Code);
        Assert.Equal(412, severe.Offset);
    }

    [Fact]
    public async Task Processing_reports_progress_and_can_be_cancelled()
    {
        using var stream = new MemoryStream();
        await TapTrafficGenerator.WriteAsync(stream, 50_000, seed: 2, null, CancellationToken.None).WaitAsync(Samples.Timeout);
        stream.Position = 0;
        var progress = new SyncProgress();
        using var cts = new CancellationTokenSource();
        var chunks = 0;

        var run = TapProcessor.ProcessAsync(stream, new TapProcessingOptions { Progress = progress, ChunkSize = 1000 }, (_, _) =>
        {
            if (++chunks == 3)
            {
                cts.Cancel();
            }

            return ValueTask.CompletedTask;
        }, cts.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Samples.Timeout));
        Assert.InRange(chunks, 3, 20);
        Assert.InRange(progress.Last, 1, stream.Length);
    }

    private sealed class SyncProgress : IProgress<long>
    {
        public long Last { get; private set; }

        public void Report(long value) => Last = value;
    }
}
