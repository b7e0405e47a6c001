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
}
