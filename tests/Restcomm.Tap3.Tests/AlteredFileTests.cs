using System.Text.Json;
using Restcomm.Cli;
using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3.Tests;

/// <summary>
/// Files written by the project's encoder, then altered byte by byte the way a broken or tampered file would be: the
/// money in them must either be accounted for or be named in a finding, never vanish silently.
/// </summary>
public class AlteredFileTests
{
    private const int Imsi = 129, LocalTimeStamp = 16, ChargeInformation = 69, LocationInformation = 138;

    [Fact]
    public async Task Call_events_with_a_bad_imsi_or_timestamp_are_rejected_but_their_charges_still_count_in_the_audit()
    {
        var doc = TapTrafficGenerator.CreateDocument(300, seed: 11);
        var data = TapEncoder.Encode(doc);
        var file = TapFile.Parse(data);
        var imsiEvent = FirstCharged(doc, e => e.Kind == CallEventKind.MobileOriginatedCall);
        var timeEvent = FirstCharged(doc, e => e.Kind == CallEventKind.GprsCall);
        var imsi = file.Find(imsiEvent, Imsi);
        data[imsi.ContentStart] = (byte)(0xF0 | (data[imsi.ContentStart] & 0x0F)); // filler digit first, digits after it
        var stamp = file.Find(timeEvent, LocalTimeStamp);
        data[stamp.ContentStart + 4] = (byte)'1'; // month 13
        data[stamp.ContentStart + 5] = (byte)'3';

        var result = await ProcessAsync(data);

        Assert.False(result.Validation.IsFatal, string.Join("; ", result.Validation.Errors.Select(e => e.Message)));
        Assert.Equal(new long[] { imsiEvent, timeEvent }.Order(), result.Validation.SevereRecordIndexes.Order());
        Assert.All(result.Validation.Errors, e => Assert.Equal((TapSeverity.Severe, 10), (e.Severity, e.Code)));
        Assert.Equal(new[] { imsi.Offset, stamp.Offset }.Order(), result.Validation.Errors.Select(e => e.Offset).Order());
        Assert.Equal(doc.Header.Audit!.TotalCharge, result.Totals.TotalCharge);
        Assert.Equal(doc.Header.Audit.TotalTaxValue, result.Totals.TotalTax);
        Assert.Equal(doc.Events.Count, result.RecordCount);
    }

    [Fact]
    public async Task A_record_rejected_for_a_bad_value_has_no_event_or_hash_and_goes_back_in_the_rap_from_its_raw_bytes()
    {
        var doc = TapTrafficGenerator.CreateDocument(50, seed: 12);
        var data = TapEncoder.Encode(doc);
        var file = TapFile.Parse(data);
        var target = FirstCharged(doc, e => e.Kind == CallEventKind.MobileTerminatedCall);
        var imsi = file.Find(target, Imsi);
        data[imsi.ContentStart] = (byte)(0xF0 | (data[imsi.ContentStart] & 0x0F));
        var events = new Dictionary<long, CallEvent>();
        (bool Rejected, bool HasEvent, bool ZeroHash)? seen = null;

        var result = await TapProcessor.ProcessAsync(new MemoryStream(data), new TapProcessingOptions { KeepRecords = true }, (chunk, _) =>
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                if (chunk.FirstIndex + i == target)
                {
                    seen = (chunk.IsRejected(i), chunk.GetEvent(i) is not null, !chunk.GetHash(i).ContainsAnyExcept((byte)0));
                }
                else if (chunk.GetEvent(i) is { } e)
                {
                    events[chunk.FirstIndex + i] = e;
                }
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None).WaitAsync(Samples.Timeout);
        var raw = data.AsMemory(file.Events[target].Start, file.Events[target].Length);
        var rap = RapEncoder.Build(result.Validation, result.Header, events.GetValueOrDefault,
            new RapBuildOptions { RapFileSequenceNumber = "00001", RawCallEvent = index => index == target ? raw : null });

        Assert.Equal((true, false, true), seen);
        Assert.False(result.Validation.IsFatal);
        var returned = Assert.IsType<RapSevereReturn>(Assert.Single(rap.Returns));
        Assert.Equal(raw.ToArray(), returned.CallEventData.ToArray());
    }

    [Fact]
    public async Task An_unknown_tag_where_a_gprs_charge_information_belongs_is_a_severe_finding_and_the_file_does_not_balance()
    {
        var doc = TapTrafficGenerator.CreateDocument(200, seed: 13);
        var data = TapEncoder.Encode(doc);
        var file = TapFile.Parse(data);
        var gprs = FirstCharged(doc, e => e.Kind == CallEventKind.GprsCall);
        var charge = file.Find(gprs, ChargeInformation);
        Retag(data, charge, 81);

        var result = await ProcessAsync(data);

        var severe = Assert.Single(result.Validation.Errors, e => e.Severity == TapSeverity.Severe);
        Assert.Equal((10, "GprsCall", "[APPLICATION 81]", gprs, charge.Offset), (severe.Code, severe.Context, severe.Item, severe.RecordIndex, severe.Offset));
        Assert.Contains("GprsCall/GprsServiceUsed/ChargeInformationList", severe.Message, StringComparison.Ordinal);
        Assert.True(result.Validation.IsFatal);
        Assert.Contains(result.Validation.Errors, e => (e.Severity, e.Code, e.Item) == (TapSeverity.Fatal, 100, "TotalCharge"));
        Assert.Equal(doc.Header.Audit!.TotalCharge - TapEncoder.ComputeAudit([doc.Events[(int)gprs]]).TotalCharge, result.Totals.TotalCharge);
    }

    [Fact]
    public async Task A_charge_hidden_under_an_unknown_tag_cannot_be_accepted_even_when_the_declared_totals_were_lowered_to_match()
    {
        var doc = TapTrafficGenerator.CreateDocument(200, seed: 14);
        var gprs = FirstCharged(doc, e => e.Kind == CallEventKind.GprsCall);
        var hidden = TapEncoder.ComputeAudit([doc.Events[(int)gprs]]);
        var audit = TapEncoder.ComputeAudit(doc.Events);
        audit.TotalCharge -= hidden.TotalCharge;
        audit.TotalTaxValue -= hidden.TotalTaxValue;
        audit.TotalDiscountValue -= hidden.TotalDiscountValue;
        doc.Header.Audit = audit;
        var data = TapEncoder.Encode(doc);
        var file = TapFile.Parse(data);
        var charge = file.Find(gprs, ChargeInformation);
        Retag(data, charge, 81);

        var result = await ProcessAsync(data, keep: true);

        Assert.False(result.Validation.IsFatal);
        Assert.Equal([(long)gprs], result.Validation.SevereRecordIndexes);
        Assert.Equal(1, result.Validation.RejectedRecordCount);
    }

    [Fact]
    public async Task An_unknown_tag_on_a_group_of_tap_items_without_money_is_a_warning_naming_the_element()
    {
        var doc = TapTrafficGenerator.CreateDocument(100, seed: 15);
        var data = TapEncoder.Encode(doc);
        var file = TapFile.Parse(data);
        var moc = FirstCharged(doc, e => e.Kind == CallEventKind.MobileOriginatedCall);
        var location = file.Find(moc, LocationInformation);
        Retag(data, location, 139);

        var result = await ProcessAsync(data);

        Assert.False(result.Validation.IsFatal);
        var warning = Assert.Single(result.Validation.Errors);
        Assert.Equal((TapSeverity.Warning, "[APPLICATION 139]", moc, location.Offset), (warning.Severity, warning.Item, warning.RecordIndex, warning.Offset));
        Assert.Contains("MobileOriginatedCall", warning.Message, StringComparison.Ordinal);
        Assert.Equal(doc.Header.Audit!.TotalCharge, result.Totals.TotalCharge);
    }

    [Fact]
    public async Task An_opaque_extension_inside_a_call_event_is_skipped_without_a_finding()
    {
        var doc = TapTrafficGenerator.CreateDocument(20, seed: 16);
        var data = TapEncoder.Encode(doc);
        var file = TapFile.Parse(data);
        var target = FirstCharged(doc, e => e.Kind == CallEventKind.MobileOriginatedCall);
        var location = file.Find(target, LocationInformation);
        // An unknown primitive [APPLICATION 139] of the same length: opaque bytes, as an extension would be.
        data[location.Start] = 0x5F;
        data[location.Start + 2] = 0x0B;

        var result = await ProcessAsync(data);

        Assert.Empty(result.Validation.Errors);
        Assert.Equal(doc.Header.Audit!.TotalCharge, result.Totals.TotalCharge);
    }

    [Fact]
    public async Task Audit_operator_specific_information_is_decoded_and_shown_by_tap_inspect()
    {
        var doc = TapTrafficGenerator.CreateDocument(5, seed: 17);
        var audit = TapEncoder.ComputeAudit(doc.Events);
        audit.OperatorSpecInformation = ["|Seq: 178 Loc: 1|", "batch 2024-05"];
        doc.Header.Audit = audit;
        var path = Path.Combine(Path.GetTempPath(), $"restcomm-osi-{Guid.NewGuid():N}.tap");
        await File.WriteAllBytesAsync(path, TapEncoder.Encode(doc));
        try
        {
            var read = await TapReader.ReadFileAsync(path, CancellationToken.None).WaitAsync(Samples.Timeout);
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await CommandLine.RunAsync(["tap", "inspect", path], stdout, stderr, CancellationToken.None).WaitAsync(Samples.Timeout);

            Assert.Equal(["|Seq: 178 Loc: 1|", "batch 2024-05"], read.Header.Audit!.OperatorSpecInformation);
            Assert.False(read.Validation.IsFatal);
            Assert.Equal(0, exit);
            using var json = JsonDocument.Parse(stdout.ToString());
            var shown = json.RootElement.GetProperty("auditControlInfo").GetProperty("operatorSpecInformation");
            Assert.Equal(["|Seq: 178 Loc: 1|", "batch 2024-05"], shown.EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>The first call event of the wanted kind with a positive audit charge (so that losing it shows).</summary>
    private static int FirstCharged(TapDocument doc, Func<CallEvent, bool> wanted)
    {
        for (var i = 0; i < doc.Events.Count; i++)
        {
            if (wanted(doc.Events[i]) && TapEncoder.ComputeAudit([doc.Events[i]]).TotalCharge > 0)
            {
                return i;
            }
        }

        throw new InvalidOperationException("the generated file has no such call event; change the seed");
    }

    /// <summary>Rewrites an APPLICATION tag number in place (same number of octets), keeping its class and form.</summary>
    private static void Retag(byte[] data, Element element, int number)
    {
        Assert.False(KnownTags.IsDefined(number), $"[APPLICATION {number}] must be a tag TD.57 does not define");
        Assert.Equal(0x1F, data[element.Start] & 0x1F);
        if (data[element.Start + 1] < 0x80)
        {
            Assert.InRange(number, 31, 127);
            data[element.Start + 1] = (byte)number;
        }
        else
        {
            Assert.InRange(number, 128, 16383);
            data[element.Start + 1] = (byte)(0x80 | (number >> 7));
            data[element.Start + 2] = (byte)(number & 0x7F);
        }
    }

    private static Task<TapProcessingResult> ProcessAsync(byte[] data, bool keep = false) =>
        TapProcessor.ProcessAsync(new MemoryStream(data, writable: false), new TapProcessingOptions { KeepRecords = keep }, null, CancellationToken.None)
            .WaitAsync(Samples.Timeout);

    internal readonly record struct Element(int Start, int ContentStart, int Length)
    {
        public long Offset => Start;
    }

    /// <summary>Where the call events and their items sit in an encoded file.</summary>
    internal sealed class TapFile
    {
        private readonly byte[] _data;

        private TapFile(byte[] data, List<Element> events)
        {
            _data = data;
            Events = events;
        }

        public List<Element> Events { get; }

        public static TapFile Parse(byte[] data)
        {
            var pos = 0;
            var root = Ber.Read(data, ref pos, data.Length, 0, 0, 32);
            var events = new List<Element>();
            var p = root.ContentStart;
            while (p < root.ContentEnd)
            {
                var group = Ber.Read(data, ref p, root.ContentEnd, 0, 1, 32);
                if (group.Tag != TapTags.CallEventDetailList)
                {
                    continue;
                }

                var q = group.ContentStart;
                while (q < group.ContentEnd)
                {
                    var e = Ber.Read(data, ref q, group.ContentEnd, 0, 2, 32);
                    events.Add(new Element(e.Start, e.ContentStart, e.End - e.Start));
                }
            }

            return new TapFile(data, events);
        }

        /// <summary>The first element with <paramref name="tag"/> inside call event <paramref name="index"/>, depth first.</summary>
        public Element Find(int index, int tag)
        {
            var callEvent = Events[index];
            return Search(callEvent.ContentStart, callEvent.Start + callEvent.Length, 3, tag)
                ?? throw new InvalidOperationException($"no [APPLICATION {tag}] in call event {index}");
        }

        private Element? Search(int start, int end, int depth, int tag)
        {
            var pos = start;
            while (pos < end)
            {
                var e = Ber.Read(_data, ref pos, end, 0, depth, 32);
                if (e.Tag == tag)
                {
                    return new Element(e.Start, e.ContentStart, e.End - e.Start);
                }

                if (e.Constructed && Search(e.ContentStart, e.ContentEnd, depth + 1, tag) is { } inner)
                {
                    return inner;
                }
            }

            return null;
        }
    }
}
