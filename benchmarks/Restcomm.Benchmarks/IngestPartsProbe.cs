using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Restcomm.Ingestion.Internal;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Benchmarks;

/// <summary>
/// <c>ingest-parts [records] [batch]</c>: CPU per record (process CPU time) of each step a usage record goes through, on one worker, to
/// say where an ingestion's time goes: on the client (decode with call events kept, seal with the domain) and in the
/// chaincode, which runs once per endorsing peer (verify the payload, rate every record, serialise the public state
/// with its findings). The records are mapped from the call events by the ingestion's own mapper, as `restcomm tap ingest` maps them.
/// </summary>
public static class IngestPartsProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        var batchSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5_000;
        var path = TapBenchmarkFiles.Ensure(count, seed: 42);
        var header = new TapTrafficGenerator(42).Header;
        var bc = header.BatchControl!;
        var mapper = new UsageRecordMapper(CountryCodes.ForTadig(bc.Sender), CountryCodes.ForTadig(bc.Recipient), header.Accounting?.TapDecimalPlaces ?? 3);
        var records = new List<byte[]>();
        for (var round = 0; round < 2; round++) // the first round warms the JIT
        {
            records.Clear();
            var decode = await CpuAsync(async () =>
            {
                await using var plain = File.OpenRead(path);
                await TapProcessor.ProcessAsync(plain, new TapProcessingOptions { KeepRecords = true, ComputeHashes = false, MaxDegreeOfParallelism = 1 }, null, CancellationToken.None);
            });
            var decodeAndBuild = await CpuAsync(async () =>
            {
            await using (var stream = File.OpenRead(path))
            {
                await TapProcessor.ProcessAsync(stream, new TapProcessingOptions { KeepRecords = true, ComputeHashes = false, MaxDegreeOfParallelism = 1 }, (chunk, _) =>
                {
                    for (var i = 0; i < chunk.Count; i++)
                    {
                        if (!chunk.IsRejected(i) && chunk.GetEvent(i) is { } e && mapper.Map(e, chunk.GetEncoding(i)).Encoding is { } encoding)
                        {
                            records.Add(encoding);
                        }
                    }

                    return ValueTask.CompletedTask;
                }, CancellationToken.None);
            }
            });
            var map = decodeAndBuild - decode;
            var batches = records.Chunk(batchSize).ToList();
            var template = new UsageBatchHeader
            {
                AgreementId = "BENCH-1", SenderTadig = bc.Sender!, RecipientTadig = bc.Recipient!, FileSequenceNumber = 1, BatchNumber = 1, Period = "2026-01",
                RecordCount = 0, DecimalPlaces = 3, Totals = [], MerkleRoot = "", PayloadHash = "",
            };
            var sealedBatches = new List<(UsageBatchHeader Header, byte[] Payload)>();
            var seal = Time(() =>
            {
                foreach (var b in batches)
                {
                    sealedBatches.Add(UsageBatchBuilder.Build(template, b));
                }
            });
            var verified = new List<VerifiedUsageBatch>();
            var verify = Time(() =>
            {
                foreach (var (h, p) in sealedBatches)
                {
                    verified.Add(VerifiedUsageBatch.Verify(h, p));
                }
            });
            var document = new AgreementDocument
            {
                AgreementId = "BENCH-1",
                PartyA = new AgreementParty { MspId = "Org1MSP", Tadigs = [bc.Sender!] },
                PartyB = new AgreementParty { MspId = "Org2MSP", Tadigs = [bc.Recipient!] },
                ValidFrom = new DateOnly(2025, 1, 1),
                ValidTo = new DateOnly(2027, 12, 31),
                Currency = "SDR",
                DecimalPlaces = 3,
                PaymentTerms = "15+15",
                Directions = [new DirectionTerms { VisitedMspId = "Org1MSP", Rates = [.. RoamingServices.All.Select(s => new ServiceRate { Service = s, PricePerUnit = 100 })] }],
            };
            var assessments = new List<UsageAssessment>();
            var assess = Time(() =>
            {
                foreach (var v in verified)
                {
                    assessments.Add(UsageAssessment.Assess(v.Records, "Org1MSP", _ => document, 3, details: false));
                }
            });
            var findings = assessments.Sum(a => a.Findings.Count);
            long stateBytes = 0;
            var json = Time(() =>
            {
                foreach (var (v, a) in verified.Zip(assessments))
                {
                    var state = new UsageBatchState
                    {
                        Header = v.Header, FileId = v.Header.FileId, VisitedMspId = "Org1MSP", HomeMspId = "Org2MSP", Collection = "pair-Org1MSP-Org2MSP",
                        Status = UsageBatchStatus.Submitted, TxId = new string('0', 64), SubmittedAt = DateTimeOffset.UnixEpoch, Usage = a.Usage(),
                        Findings = UsageFindingSummary.Summarise(a.Findings),
                    };
                    stateBytes += JsonSerializer.SerializeToUtf8Bytes(state, RoamingJson.Options).Length * 2; // the state and the event
                }
            });
            // What compressing the private payload would save (bytes the peers handle per record) and cost (CPU).
            var raw = sealedBatches.Sum(b => (long)b.Payload.Length);
            var compressions = new List<string>();
            foreach (var (name, compress) in new (string, Func<byte[], byte[]>)[]
            {
                ("zlib fastest", p => Compress(p, s => new System.IO.Compression.ZLibStream(s, System.IO.Compression.CompressionLevel.Fastest))),
                ("zlib optimal", p => Compress(p, s => new System.IO.Compression.ZLibStream(s, System.IO.Compression.CompressionLevel.Optimal))),
                ("brotli q1", p => Compress(p, s => new System.IO.Compression.BrotliStream(s, new System.IO.Compression.BrotliCompressionOptions { Quality = 1 }))),
                ("brotli q4", p => Compress(p, s => new System.IO.Compression.BrotliStream(s, new System.IO.Compression.BrotliCompressionOptions { Quality = 4 }))),
            })
            {
                long compressed = 0;
                var cpu = Time(() =>
                {
                    foreach (var (_, p) in sealedBatches)
                    {
                        compressed += compress(p).Length;
                    }
                });
                compressions.Add($"{name}: {compressed / (double)records.Count:F1} bytes/record ({100.0 * compressed / raw:F0} %), {cpu.TotalMilliseconds * 1000 / records.Count:F2} µs/record");
            }

            if (round == 1)
            {
                double Per(TimeSpan t) => t.TotalMilliseconds * 1000 / records.Count;
                Console.WriteLine($"  private payload {raw / (double)records.Count:F1} bytes/record; compressed: {string.Join("; ", compressions)}");
                Console.WriteLine($"{count:N0} call events → {records.Count:N0} records in {batches.Count} batches of ≤ {batchSize}; one thread; µs per record:");
                Console.WriteLine($"  client: decode+validate with CallEvent objects {decode.TotalMilliseconds * 1000 / count:F2} per call event, map to canonical encodings + BER hash {Per(map):F2}, seal (builder: leaf hashes, totals, root, payload) {Per(seal):F2}");
                Console.WriteLine($"  chaincode, per endorsing peer: verify payload (read figures, leaf hashes, totals, root) {Per(verify):F2}, rate (Assess) {Per(assess):F2}, public state + event JSON {Per(json):F2} ({findings:N0} findings, {stateBytes / (double)records.Count:F0} bytes/record)");
            }
        }

        return 0;
    }

    private static byte[] Compress(byte[] payload, Func<Stream, Stream> compressor)
    {
        using var output = new MemoryStream();
        using (var stream = compressor(output))
        {
            stream.Write(payload);
        }

        return output.ToArray();
    }

    // Process CPU time, not wall time: the machine is shared, and a thread waiting for a core must not count.
    private static TimeSpan Time(Action action)
    {
        using var self = Process.GetCurrentProcess();
        var before = self.TotalProcessorTime;
        action();
        self.Refresh();
        return self.TotalProcessorTime - before;
    }

    private static async Task<TimeSpan> CpuAsync(Func<Task> action)
    {
        using var self = Process.GetCurrentProcess();
        var before = self.TotalProcessorTime;
        await action();
        self.Refresh();
        return self.TotalProcessorTime - before;
    }
}
