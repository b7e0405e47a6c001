using System.Text.Json;

namespace Restcomm.Tap3.Tests;

public class RoundTripTests
{
    [Fact]
    public async Task Decoding_an_encoded_generated_document_gives_back_the_same_document()
    {
        var original = TapTrafficGenerator.CreateDocument(2000, seed: 7);

        var decoded = await Samples.ReadAsync(TapEncoder.Encode(original));

        Assert.Equal(JsonSerializer.Serialize(original.Header.BatchControl), JsonSerializer.Serialize(decoded.Header.BatchControl));
        Assert.Equal(JsonSerializer.Serialize(original.Header.Accounting), JsonSerializer.Serialize(decoded.Header.Accounting));
        Assert.Equal(JsonSerializer.Serialize(original.Header.Network), JsonSerializer.Serialize(decoded.Header.Network));
        Assert.Equal(JsonSerializer.Serialize(original.Header.Audit), JsonSerializer.Serialize(decoded.Header.Audit));
        Assert.Equal(original.Events.Count, decoded.Events.Count);
        for (var i = 0; i < original.Events.Count; i++)
        {
            Assert.Equal(JsonSerializer.Serialize(original.Events[i]), JsonSerializer.Serialize(decoded.Events[i]));
        }

        Assert.False(decoded.Validation.IsFatal, string.Join("; ", decoded.Validation.Errors));
        Assert.Equal(0, decoded.Validation.SevereCount);
    }

    [Fact]
    public async Task Generated_traffic_covers_every_call_event_kind_the_encoder_writes()
    {
        var doc = TapTrafficGenerator.CreateDocument(3000, seed: 11);
        var kinds = doc.Events.Select(e => e.Kind).Distinct().ToHashSet();

        Assert.Superset(new HashSet<CallEventKind>
        {
            CallEventKind.MobileOriginatedCall, CallEventKind.MobileTerminatedCall, CallEventKind.GprsCall,
            CallEventKind.SupplementaryServiceEvent, CallEventKind.MessagingEvent, CallEventKind.MobileSession,
            CallEventKind.ContentTransaction, CallEventKind.LocationService,
        }, kinds);
        var decoded = await Samples.ReadAsync(TapEncoder.Encode(doc));
        Assert.Equal(kinds, decoded.Events.Select(e => e.Kind).Distinct().ToHashSet());
    }

    [Fact]
    public async Task Re_encoding_a_decoded_sample_round_trips()
    {
        var sample = await Samples.ReadAsync("tap_3_12_valid.ber");

        var again = await Samples.ReadAsync(TapEncoder.Encode(sample));

        Assert.Equal(JsonSerializer.Serialize(sample.Events), JsonSerializer.Serialize(again.Events));
        Assert.Equal(JsonSerializer.Serialize(sample.Header.Audit), JsonSerializer.Serialize(again.Header.Audit));
    }

    [Fact]
    public async Task Streaming_writer_output_decodes_to_the_generated_events_with_matching_audit()
    {
        using var stream = new MemoryStream();
        await TapTrafficGenerator.WriteAsync(stream, 20_000, seed: 3, null, CancellationToken.None).WaitAsync(Samples.Timeout);
        var expected = new TapTrafficGenerator(3);

        stream.Position = 0;
        var hashes = new List<byte[]>();
        var result = await TapProcessor.ProcessAsync(stream, new TapProcessingOptions { ChunkSize = 777, MaxDegreeOfParallelism = 3 }, (chunk, _) =>
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                hashes.Add(chunk.GetHash(i).ToArray());
            }

            return ValueTask.CompletedTask;
        }, CancellationToken.None).WaitAsync(Samples.Timeout);

        Assert.Equal(20_000, result.RecordCount);
        Assert.False(result.Validation.IsFatal, string.Join("; ", result.Validation.Errors));
        Assert.Equal(20_000, hashes.Count);
        for (var i = 0; i < hashes.Count; i++)
        {
            Assert.Equal(TapRecordHash.Compute(expected.Next(), 3), hashes[i]);
        }
    }

    [Fact]
    public async Task Generator_is_deterministic_for_a_seed_and_differs_between_seeds()
    {
        static async Task<byte[]> Generate(int seed)
        {
            using var stream = new MemoryStream();
            await TapTrafficGenerator.WriteAsync(stream, 500, seed, null, CancellationToken.None).WaitAsync(Samples.Timeout);
            return stream.ToArray();
        }

        Assert.Equal(await Generate(1), await Generate(1));
        Assert.NotEqual(await Generate(1), await Generate(2));
    }

    [Fact]
    public async Task Audit_totals_that_do_not_match_make_a_generated_file_fatal()
    {
        var doc = TapTrafficGenerator.CreateDocument(50, seed: 9);
        doc.Header.Audit!.CallEventDetailsCount = 49;

        var decoded = await Samples.ReadAsync(TapEncoder.Encode(doc));

        Assert.True(decoded.Validation.IsFatal);
        Assert.Contains(decoded.Validation.Errors, e => e is { Code: 100, Item: "CallEventDetailsCount" });
    }

    [Fact]
    public async Task Decimal_places_out_of_range_and_unknown_exchange_rate_codes_are_reported()
    {
        var doc = TapTrafficGenerator.CreateDocument(20, seed: 10);
        doc.Header.Accounting!.TapDecimalPlaces = 7;
        doc.Events[0].Charges[0].ExchangeRateCode = 42;

        var decoded = await Samples.ReadAsync(TapEncoder.Encode(doc));

        Assert.Contains(decoded.Validation.Errors, e => e is { Severity: TapSeverity.Fatal, Code: 20, Item: "TapDecimalPlaces" });
        Assert.Contains(decoded.Validation.Errors, e => e is { Severity: TapSeverity.Severe, Item: "ExchangeRateCode", RecordIndex: 0 });
        Assert.Contains(decoded.Validation.ToReturnDetails(), r => r is { Kind: RapReturnKind.Severe, RecordIndex: 0 });
    }
}
