using System.Diagnostics;
using System.Globalization;
using Restcomm.Numbers;

namespace Restcomm.Benchmarks.NumbersIndex;

/// <summary>
/// <c>numbers-index [--numbers N] [--seconds S] [--threads T] [--bulk B]</c>: the number registry's in-memory
/// <see cref="NumberIndex"/> as the API's lookups use it. Loads N numbers (default 10,000,000: three providers, a dozen
/// capability profiles with routing URIs, one number in five with a caller name, one in ten restricted) the way the
/// projection does at start-up, reports the managed memory it holds per number (full GC before and after), then runs
/// single lookups and bulk lookups of B numbers (default 10,000) on T threads (default: one per core) for S seconds
/// each, nine lookups in ten for numbers that exist. Latencies are per lookup (single) and per bulk call (bulk).
/// </summary>
internal static class NumbersIndexDriver
{
    private static readonly string[] Providers = ["Org1MSP", "Org2MSP", "Org3MSP"];

    public static async Task<int> RunAsync(string[] args)
    {
        var numbers = 10_000_000;
        var seconds = 10;
        var threads = Environment.ProcessorCount;
        var bulk = NumberIndex.MaxBulkLookup;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--numbers": numbers = value; break;
                case "--seconds": seconds = value; break;
                case "--threads": threads = value; break;
                case "--bulk": bulk = value; break;
                default:
                    await Console.Error.WriteLineAsync("usage: numbers-index [--numbers N] [--seconds S] [--threads T] [--bulk B]").ConfigureAwait(false);
                    return 2;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"numbers-index: {numbers:N0} numbers, {threads} thread(s), bulk {bulk:N0}, {seconds} s per mode, {Environment.ProcessorCount} cores, .NET {Environment.Version}, server GC {System.Runtime.GCSettings.IsServerGC}"));

        var before = GC.GetTotalMemory(forceFullCollection: true);
        var load = Stopwatch.StartNew();
        var index = new NumberIndex();
        index.Load(Records(numbers), [], blockHeight: 1);
        load.Stop();
        var after = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {load.Elapsed.TotalSeconds:F1} s ({numbers / load.Elapsed.TotalSeconds:N0} numbers/s); index holds {index.Count:N0} numbers, {index.CapabilitySetCount} capability sets"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {(after - before) / (double)numbers:F1} bytes/number managed heap ({(after - before) / (1024.0 * 1024):F0} MiB); table + name heap {index.ApproximateBytes / (double)numbers:F1} bytes/number; working set {Environment.WorkingSet / (1024 * 1024)} MiB"));

        await RunModeAsync("single", index, numbers, threads, seconds, 1).ConfigureAwait(false);
        await RunModeAsync("bulk", index, numbers, threads, seconds, bulk).ConfigureAwait(false);
        GC.KeepAlive(index);
        return 0;
    }

    private static async Task RunModeAsync(string mode, NumberIndex index, int numbers, int threads, int seconds, int batch)
    {
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
        var until = warmUntil + (seconds * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() => Work(index, numbers, batch, t, warmUntil, until), TaskCreationOptions.LongRunning)).ToArray();
        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        var latencies = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(latencies);
        var lookups = results.Sum(r => r.Lookups);
        var found = results.Sum(r => r.Found);
        double Ms(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(p * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{mode}: {lookups / (double)seconds:N0} numbers/s ({latencies.Length / (double)seconds:N0} calls/s sampled), found {100.0 * found / Math.Max(1, lookups):F1} %; " +
            $"per {(batch == 1 ? "lookup" : "bulk call")}: p50 {Ms(0.50):F4} ms, p99 {Ms(0.99):F4} ms, max {Ms(1.0):F3} ms"));
    }

    private static (long Lookups, long Found, List<long> Latencies) Work(NumberIndex index, int numbers, int batch, int seed, long warmUntil, long until)
    {
        var random = new Random(seed);
        var asked = new E164Number[batch];
        var answers = new NumberLookup[batch];
        var latencies = new List<long>();
        long lookups = 0, found = 0;
        var sample = 0;
        while (true)
        {
            for (var i = 0; i < batch; i++)
            {
                // Nine in ten exist; the tenth is just past the loaded range.
                var n = random.Next(10) == 0 ? numbers + random.Next(numbers) : random.Next(numbers);
                asked[i] = Number(n);
            }

            var start = Stopwatch.GetTimestamp();
            if (start >= until)
            {
                break;
            }

            if (batch == 1)
            {
                answers[0] = index.Lookup(asked[0]).Lookup;
            }
            else
            {
                index.LookupMany(asked, answers);
            }

            var elapsed = Stopwatch.GetTimestamp() - start;
            if (start < warmUntil)
            {
                continue;
            }

            lookups += batch;
            for (var i = 0; i < batch; i++)
            {
                found += answers[i].Found ? 1 : 0;
            }

            // Single lookups: keep one latency in 16 (enough for p99 over millions, without growing a huge list).
            if (batch > 1 || (sample++ & 15) == 0)
            {
                latencies.Add(elapsed);
            }
        }

        return (lookups, found, latencies);
    }

    /// <summary>The n-th test number: +44 7700 followed by 8 digits (n below 100,000,000).</summary>
    private static E164Number Number(int n) => E164Number.TryFromValue(447700_00000000UL + (ulong)n, out var number) ? number : throw new InvalidOperationException();

    private static IEnumerable<NumberRecord> Records(int count)
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var hash = new string('a', 64);
        var profiles = new List<NumberProfile>();
        foreach (var provider in Providers)
        {
            var host = provider.ToLowerInvariant();
            Capability C(string name, string? uri = null) => new() { Name = name, Uri = uri, ConsentHash = hash, ConsentAt = at };
            profiles.Add(new NumberProfile { Capabilities = [C("voice", $"sip:ims.{host}.example.com"), C("sms")] });
            profiles.Add(new NumberProfile { Capabilities = [C("voice", $"sip:ims.{host}.example.com"), C("sms"), C("rcs", $"https://rcs.{host}.example.com")] });
            profiles.Add(new NumberProfile { Capabilities = [C("voice", $"sip:ims.{host}.example.com"), C("sms"), C("mms"), C("whatsapp")] });
            profiles.Add(new NumberProfile { LineType = LineType.Fixed, Capabilities = [C("voice", $"sip:ims.{host}.example.com"), C("fax")] });
        }

        for (var n = 0; n < count; n++)
        {
            var provider = n % Providers.Length;
            var profile = profiles[(provider * 4) + (n / 7 % 4)];
            if (n % 5 == 0)
            {
                profile = profile with
                {
                    Cnam = new CallerName { Name = "CALLER " + (n % 100_000_000).ToString("D8", CultureInfo.InvariantCulture), Presentation = n % 50 == 0 ? CnamPresentation.Restricted : CnamPresentation.Allowed },
                };
            }

            yield return new NumberRecord { E164 = Number(n), Provider = Providers[provider], Profile = profile, UpdatedAt = at, TxId = "tx" };
        }
    }
}
