using Restcomm.Ingestion.Internal;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Ingestion.Tests.Infrastructure;

/// <summary>TAP files for the tests, written by the codec's generator and encoder into a temporary folder.</summary>
internal sealed class TapFiles : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "restcomm-ingest-tests", Guid.NewGuid().ToString("N"));

    public TapFiles() => System.IO.Directory.CreateDirectory(Directory);

    /// <summary>A generated TAP 3.12 file (streamed by the generator, as <c>restcomm tap generate</c> writes it).</summary>
    public async Task<(string Path, TapHeader Header)> GenerateAsync(int records, int seed)
    {
        var path = Path.Combine(Directory, $"gen-{seed}-{records}.tap");
        await using (var stream = File.Create(path))
        {
            await TapTrafficGenerator.WriteAsync(stream, records, seed, null, CancellationToken.None);
        }

        return (path, new TapTrafficGenerator(seed).Header);
    }

    /// <summary>A document written to a file as it is (audit totals as the document says).</summary>
    public string Write(TapDocument document, string name)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, TapEncoder.Encode(document));
        return path;
    }

    /// <summary>
    /// The per-service totals a file should put on the ledger, computed from the whole document in memory (the
    /// codec's reader, not the streaming pipeline), with the library's mapping of each call event.
    /// </summary>
    public static async Task<IReadOnlyList<ServiceSum>> ExpectedTotalsAsync(string path, TapHeader header)
    {
        var document = await TapReader.ReadFileAsync(path, CancellationToken.None);
        var mapper = new UsageRecordMapper(CountryCodes.ForTadig(header.BatchControl!.Sender), CountryCodes.ForTadig(header.BatchControl.Recipient),
            header.Accounting!.TapDecimalPlaces!.Value);
        var sums = new Dictionary<RoamingService, (long Records, long Quantity, long Charge)>();
        var bytes = await File.ReadAllBytesAsync(path);
        foreach (var e in document.Events)
        {
            // The BER bytes only feed the record's hash, which the totals do not read.
            if (mapper.Map(e, bytes.AsSpan(0, 1)).Record is { } r)
            {
                var s = sums.GetValueOrDefault(r.Service);
                sums[r.Service] = (s.Records + 1, s.Quantity + r.Quantity, s.Charge + r.ChargeMinor);
            }
        }

        return [.. sums.OrderBy(kv => kv.Key).Select(kv => new ServiceSum(kv.Key, kv.Value.Records, kv.Value.Quantity, kv.Value.Charge))];
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
