using System.Reflection;
using Restcomm.Tap3.Internal;

namespace Restcomm.Tap3.Tests;

public class DecodeScratchTests
{
    [Fact]
    public void Reused_call_event_has_every_property_cleared_before_the_next_record()
    {
        var scratch = new DecodeScratch();
        var e = scratch.Begin(CallEventKind.GprsCall);
        foreach (var property in typeof(CallEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var type = property.PropertyType;
            object? value = type == typeof(string) ? "x"
                : type == typeof(long?) ? 5L
                : type == typeof(int?) ? 5
                : type == typeof(TapTimestamp?) ? new TapTimestamp(DateTime.UnixEpoch, 1, 60)
                : null;
            if (value is not null)
            {
                property.SetValue(e, value);
            }
        }

        e.RecEntityCodes.Add(7);
        e.Charges.Add(scratch.RentCharge());

        var again = scratch.Begin(CallEventKind.MobileOriginatedCall);

        Assert.Same(e, again);
        foreach (var property in typeof(CallEvent).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.Name == nameof(CallEvent.Kind))
            {
                continue;
            }

            var value = property.GetValue(again);
            if (value is System.Collections.ICollection collection)
            {
                Assert.True(collection.Count == 0, property.Name);
            }
            else
            {
                Assert.True(value is null, property.Name);
            }
        }
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
