using BenchmarkDotNet.Attributes;
using Restcomm.Eir;

namespace Restcomm.Benchmarks;

/// <summary>
/// CheckIMEI against the in-memory index: one IMEI, and a bulk request of 10,000, with one million
/// black-listed IMEIs and ten thousand ranges loaded (about the size of a national stolen-device list).
/// </summary>
[MemoryDiagnoser]
public class EirIndexBenchmarks
{
    private const int Listed = 1_000_000;
    private readonly ImeiIndex _index = new();
    private Imei[] _bulk = [];
    private ImeiCheck[] _results = [];
    private Imei _listed;
    private Imei _clean;
    private byte[] _utf8 = [];

    [GlobalSetup]
    public void Setup()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var random = new Random(42);
        var entries = new List<EirEntry>(Listed + 10_000);
        for (var i = 0; i < Listed; i++)
        {
            var imei = Imei.FromParts(new Tac(35_000_000 + random.Next(0, 5_000)), random.Next(0, 1_000_000));
            entries.Add(new EirEntry
            {
                Target = EirTarget.ForImei(imei),
                List = EirList.Black,
                Owner = "Org1MSP",
                Reason = ReasonCode.Stolen,
                ReportedAt = at,
                UpdatedAt = at,
            });
        }

        for (var i = 0; i < 10_000; i++)
        {
            var first = random.Next(0, 900_000);
            entries.Add(new EirEntry
            {
                Target = EirTarget.ForRange(new Tac(35_000_000 + random.Next(0, 5_000)), first, first + 999),
                List = i % 2 == 0 ? EirList.Black : EirList.Grey,
                Owner = "Org2MSP",
                Reason = ReasonCode.Fraud,
                ExpiresAt = i % 2 == 0 ? null : at.AddYears(10),
                ReportedAt = at,
                UpdatedAt = at,
            });
        }

        _index.Load(entries, 100);
        _listed = entries[123].Target.Imei;
        _clean = Imei.FromParts(new Tac(86_000_000), 1);
        _bulk = Enumerable.Range(0, ImeiIndex.MaxBulkCheck)
            .Select(i => i % 10 == 0 ? entries[random.Next(Listed)].Target.Imei : Imei.FromParts(new Tac(35_000_000 + random.Next(0, 5_000)), random.Next(0, 1_000_000)))
            .ToArray();
        _results = new ImeiCheck[_bulk.Length];
        _utf8 = System.Text.Encoding.UTF8.GetBytes(_listed.ToString());
    }

    [Benchmark]
    public EquipmentStatus CheckListedImei() => _index.Check(_listed).Status;

    [Benchmark]
    public EquipmentStatus CheckUnlistedImei() => _index.Check(_clean).Status;

    [Benchmark]
    public EquipmentStatus ParseAndCheckUtf8()
    {
        Imei.TryParse(_utf8, out var imei, out _);
        return _index.Check(imei).Status;
    }

    [Benchmark(OperationsPerInvoke = ImeiIndex.MaxBulkCheck)]
    public long CheckBulkOfTenThousand() => _index.CheckMany(_bulk, _results);
}
