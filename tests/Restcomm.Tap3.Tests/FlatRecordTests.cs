using System.Reflection;
using System.Text.Json;
using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3.Tests;

public class FlatRecordTests
{
    [Fact]
    public void Reused_flat_record_keeps_nothing_of_the_previous_record()
    {
        var generator = new TapTrafficGenerator(17);
        var context = new TapDecodeContext(32);
        context.SetOffsets(generator.Header.Network!.UtcOffsets);
        var reused = new FlatRecord();
        var kinds = new HashSet<CallEventKind>();
        for (var i = 0; i < 3000; i++)
        {
            var original = generator.Next();
            var bytes = TapEncoder.EncodeCallEvent(original);
            kinds.Add(original.Kind);

            Assert.True(CallEventDecoder.Decode(bytes, 0, context, reused));
            var fresh = new FlatRecord();
            Assert.True(CallEventDecoder.Decode(bytes, 0, context, fresh));

            Assert.Equal(JsonSerializer.Serialize(fresh.ToCallEvent()), JsonSerializer.Serialize(reused.ToCallEvent()));
            Assert.Equal(JsonSerializer.Serialize(original), JsonSerializer.Serialize(reused.ToCallEvent()));
        }

        Assert.True(kinds.Count >= 8);
    }

    [Fact]
    public void Flat_form_of_a_call_event_converts_back_to_an_equal_call_event()
    {
        var generator = new TapTrafficGenerator(23);
        for (var i = 0; i < 2000; i++)
        {
            var original = generator.Next();

            var back = FlatRecord.FromCallEvent(original).ToCallEvent();

            Assert.Equal(JsonSerializer.Serialize(original), JsonSerializer.Serialize(back));
        }
    }

    [Fact]
    public void Field_table_lists_every_call_event_item_but_the_kind_and_charges_once_in_canonical_order()
    {
        var names = CallEventField.All.Select(f => f.Name).ToList();
        var properties = typeof(CallEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => p.Name).Where(n => n is not (nameof(CallEvent.Kind) or nameof(CallEvent.Charges)))
            .Select(n => char.ToLowerInvariant(n[0]) + n[1..]);

        Assert.Equal(properties.Order(), names.Order());
        Assert.Equal(Enumerable.Range(1, 27), CallEventField.All.Select(f => f.Id));
    }

    [Fact]
    public async Task Hot_path_with_reused_objects_hashes_exactly_like_fresh_decoding()
    {
        var doc = TapTrafficGenerator.CreateDocument(3000, seed: 21);
        var bytes = TapEncoder.Encode(doc);
        var fresh = new List<byte[]>();
        var reused = new List<byte[]>();

        async Task Collect(bool keep, List<byte[]> into)
        {
            using var stream = new MemoryStream(bytes);
            await TapProcessor.ProcessAsync(stream, new TapProcessingOptions { KeepRecords = keep, ChunkSize = 100 }, (chunk, _) =>
            {
                for (var i = 0; i < chunk.Count; i++)
                {
                    into.Add(chunk.GetHash(i).ToArray());
                }

                return ValueTask.CompletedTask;
            }, CancellationToken.None).WaitAsync(Samples.Timeout);
        }

        await Collect(keep: true, fresh);
        await Collect(keep: false, reused);

        Assert.Equal(fresh, reused);
        for (var i = 0; i < doc.Events.Count; i++)
        {
            Assert.Equal(TapRecordHash.Compute(doc.Events[i], 3), fresh[i]);
        }
    }

    [Fact]
    public void Local_timestamps_decode_to_the_same_instant_as_DateTime_across_leap_years()
    {
        var context = new TapDecodeContext(32);
        context.SetOffsets([new UtcOffsetEntry(1, "+0100")]);
        for (var day = new DateTime(1896, 1, 1); day < new DateTime(2105, 1, 1); day = day.AddDays(3))
        {
            var when = day.AddSeconds((day.DayOfYear * 4271) % 86400);
            var bytes = TapEncoder.EncodeCallEvent(Moc(when));

            var decoded = CallEventDecoder.Decode(bytes, 0, context)!;

            Assert.Equal(when, decoded.StartTime!.Value.LocalTime);
        }
    }

    [Theory]
    [InlineData("19000229120000", false)]
    [InlineData("20000229120000", true)]
    [InlineData("20240229235959", true)]
    [InlineData("20230229000000", false)]
    [InlineData("20230431000000", false)]
    [InlineData("20231301000000", false)]
    [InlineData("20231200000000", false)]
    [InlineData("20231231240000", false)]
    [InlineData("00001231000000", false)]
    public void Impossible_local_timestamps_are_a_value_error(string local, bool valid)
    {
        var context = new TapDecodeContext(32);
        var bytes = TapEncoder.EncodeCallEvent(Moc(new DateTime(2026, 1, 2, 3, 4, 5)));
        var at = bytes.AsSpan().IndexOf("20260102030405"u8);
        System.Text.Encoding.ASCII.GetBytes(local).CopyTo(bytes, at);

        if (valid)
        {
            var decoded = CallEventDecoder.Decode(bytes, 0, context)!;
            Assert.Equal(DateTime.ParseExact(local, "yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture), decoded.StartTime!.Value.LocalTime);
        }
        else
        {
            Assert.Throws<TapValueException>(() => CallEventDecoder.Decode(bytes, 0, context));
        }
    }

    private static CallEvent Moc(DateTime when) => new()
    {
        Kind = CallEventKind.MobileOriginatedCall,
        Imsi = "262011234567890",
        StartTime = new TapTimestamp(when, 1, 60),
        DurationSeconds = 1,
        TeleServiceCode = "11",
    };

    [Fact]
    public void Hot_path_and_public_objects_agree_on_hash_findings_and_totals_for_mutated_call_events()
    {
        var generator = new TapTrafficGenerator(31);
        var header = generator.Header;
        var context = new TapDecodeContext(32);
        context.SetOffsets(header.Network!.UtcOffsets);
        var record = new FlatRecord();
        var random = new Random(8);
        var decoded = 0;
        for (var round = 0; round < 20_000; round++)
        {
            var data = TapEncoder.EncodeCallEvent(generator.Next());
            for (var e = random.Next(0, 4); e > 0; e--)
            {
                data[random.Next(2, data.Length)] = random.Next(2) == 0 ? (byte)random.Next(256) : (byte)(data[random.Next(data.Length)] ^ (1 << random.Next(8)));
            }

            try
            {
                if (!CallEventDecoder.Decode(data, 0, context, record))
                {
                    continue;
                }
            }
            catch (Exception ex) when (ex is TapFormatException or TapValueException)
            {
                continue;
            }

            decoded++;
            var fast = new byte[32];
            TapRecordHash.Compute(record, 3, fast);
            var fastFindings = new List<string>();
            TapValidator.ValidateRecord(record, round, 0, header, f => fastFindings.Add(f.ToString()));
            var fastTotals = new TapRunningTotals();
            fastTotals.Add(record);

            var callEvent = record.ToCallEvent();
            var slowFindings = new List<string>();
            TapValidator.ValidateRecord(callEvent, round, 0, header, f => slowFindings.Add(f.ToString()));
            var slowTotals = new TapRunningTotals();
            slowTotals.Add(callEvent);

            Assert.Equal(TapRecordHash.Compute(callEvent, 3), fast);
            Assert.Equal(slowFindings, fastFindings);
            Assert.Equal(
                (slowTotals.TotalCharge, slowTotals.TotalTax, slowTotals.TotalDiscount, slowTotals.EarliestUtc),
                (fastTotals.TotalCharge, fastTotals.TotalTax, fastTotals.TotalDiscount, fastTotals.EarliestUtc));
            Assert.Equal(JsonSerializer.Serialize(callEvent), JsonSerializer.Serialize(FlatRecord.FromCallEvent(callEvent).ToCallEvent()));
        }

        Assert.True(decoded > 5000, $"only {decoded} mutated records decoded");
    }
}
