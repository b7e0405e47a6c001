using Restcomm.Ingestion.Tests.Infrastructure;
using Restcomm.Tap3;

namespace Restcomm.Ingestion.Tests;

/// <summary><c>TapRecordChunk.GetEncoding</c>, which the records' <c>tapRecordSha256</c> hashes.</summary>
public sealed class CallEventEncodingTests : IDisposable
{
    private readonly TapFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Each_call_event_is_handed_out_as_the_bytes_at_its_offset_in_the_file()
    {
        var (path, _) = await _files.GenerateAsync(5_000, seed: 3);
        var file = await File.ReadAllBytesAsync(path);
        var seen = 0;

        await using var stream = File.OpenRead(path);
        await TapProcessor.ProcessAsync(stream, new TapProcessingOptions { ChunkSize = 512 }, (chunk, _) =>
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                var encoding = chunk.GetEncoding(i).ToArray();
                Assert.Equal(file.AsSpan((int)chunk.GetOffset(i), encoding.Length).ToArray(), encoding);
                Assert.True(encoding.Length > 2);
                seen++;
            }

            Assert.Throws<ArgumentOutOfRangeException>(() => chunk.GetEncoding(chunk.Count).Length);
            return ValueTask.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(5_000, seen);
    }
}
