using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Restcomm.Benchmarks.NumbersLoad;

/// <summary>
/// Load driver for the number registry's lookups through a running REST API (a separate process on loopback):
/// <c>numbers-load setup</c> publishes numbers through the serving provider's API in bulks of 1,000;
/// <c>numbers-load single|bulk</c> looks numbers up through another provider's API for a while (nine in ten published,
/// one unknown) and prints throughput and p50/p99 latency per request.
/// </summary>
internal static class NumbersLoadDriver
{
    private const int MaxPublish = 1_000;
    private const string ConsentHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length == 0)
        {
            return Usage();
        }

        var options = RestLoad.Options(args);
        var url = options.GetValueOrDefault("url", "http://127.0.0.1:8081");
        var key = options.GetValueOrDefault("key", "");
        var concurrency = int.Parse(options.GetValueOrDefault("concurrency", "2"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(options.GetValueOrDefault("seconds", "20"), CultureInfo.InvariantCulture);
        var batch = int.Parse(options.GetValueOrDefault("batch", "100"), CultureInfo.InvariantCulture);
        var published = int.Parse(options.GetValueOrDefault("published", "100000"), CultureInfo.InvariantCulture);

        using var http = RestLoad.Client(url, key, concurrency, TimeSpan.FromSeconds(120));

        switch (args[0])
        {
            case "setup":
                await SetupAsync(http, published).ConfigureAwait(false);
                return 0;
            case "single":
                await LoadAsync(http, concurrency, seconds, 1, published, single: true).ConfigureAwait(false);
                return 0;
            case "bulk":
                await LoadAsync(http, concurrency, seconds, batch, published, single: false).ConfigureAwait(false);
                return 0;
            default:
                return Usage();
        }
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: numbers-load setup|single|bulk --url http://127.0.0.1:8081 [--key <api key>] [--concurrency 2] [--seconds 20] [--batch 100] [--published 100000]");
        return 2;
    }

    /// <summary>The i-th published number: +44 7700 then 8 digits.</summary>
    internal static string Published(int i) => string.Create(CultureInfo.InvariantCulture, $"+447700{i:D8}");

    private static async Task SetupAsync(HttpClient http, int published)
    {
        var started = Stopwatch.GetTimestamp();
        for (var first = 0; first < published; first += MaxPublish)
        {
            var body = new StringBuilder("{\"numbers\":[");
            for (var i = first; i < Math.Min(published, first + MaxPublish); i++)
            {
                body.Append(i == first ? "" : ",").Append("{\"e164\":\"").Append(Published(i)).Append("\",\"lineType\":\"mobile\",\"capabilities\":[")
                    .Append("{\"name\":\"voice\",\"consentHash\":\"").Append(ConsentHash).Append("\",\"consentAt\":\"2026-01-01T00:00:00Z\"},")
                    .Append("{\"name\":\"sms\",\"consentHash\":\"").Append(ConsentHash).Append("\",\"consentAt\":\"2026-01-01T00:00:00Z\"}],")
                    .Append("\"cnam\":{\"name\":\"LOAD ").Append((i % 1000).ToString(CultureInfo.InvariantCulture)).Append("\",\"presentation\":\"allowed\"}}");
            }

            body.Append("]}");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/numbers/bulk") { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                Console.Error.WriteLine($"bulk publication {first / MaxPublish}: {(int)response.StatusCode} {text[..Math.Min(300, text.Length)]}");
                response.EnsureSuccessStatusCode();
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"published {published:N0} numbers in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s"));
    }

    private static string Asked(Random random, int published)
        => random.Next(10) == 0 ? string.Create(CultureInfo.InvariantCulture, $"+447711{random.Next(100_000_000):D8}") : Published(random.Next(published));

    private static async Task LoadAsync(HttpClient http, int concurrency, double seconds, int batch, int published, bool single)
    {
        var warmup = Math.Min(3, seconds / 5);
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(warmup * Stopwatch.Frequency);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var latencies = new List<double>(100_000);
            long numbers = 0, found = 0, errors = 0;
            // A few different bodies per worker, so the server does not see one request over and over.
            var bodies = single ? [] : Enumerable.Range(0, 8).Select(_ => BulkBody(random, batch, published)).ToArray();
            var next = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                HttpResponseMessage response;
                if (single)
                {
                    response = await http.GetAsync(new Uri($"/v1/numbers/{Uri.EscapeDataString(Asked(random, published))}", UriKind.Relative)).ConfigureAwait(false);
                }
                else
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/numbers/lookup") { Content = new ByteArrayContent(bodies[next++ % bodies.Length]) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    response = await http.SendAsync(request).ConfigureAwait(false);
                }

                using (response)
                {
                    var bytes = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    var t1 = Stopwatch.GetTimestamp();
                    if (t0 < warmupEnd)
                    {
                        continue;
                    }

                    // A single lookup of an unknown number is a 404 by design; anything else not 2xx is an error.
                    if (!response.IsSuccessStatusCode && !(single && response.StatusCode == System.Net.HttpStatusCode.NotFound))
                    {
                        errors++;
                        continue;
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    numbers += batch;
                    found += single ? (response.IsSuccessStatusCode ? 1 : 0) : FoundCount(bytes);
                }
            }

            return (latencies, numbers, found, errors);
        })).ToArray();

        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        var all = results.SelectMany(r => r.latencies).Order().ToArray();
        var measured = seconds - warmup;
        var count = results.Sum(r => r.numbers);
        var driverCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode={(single ? "single" : "bulk")} batch={batch} concurrency={concurrency} seconds={measured:F0} requests={all.Length} errors={results.Sum(r => r.errors)} " +
            $"numbers_per_s={count / measured:F0} found={(count == 0 ? 0 : 100.0 * results.Sum(r => r.found) / count):F1}% requests_per_s={all.Length / measured:F0} " +
            $"p50_ms={RestLoad.Percentile(all, 0.50):F3} p99_ms={RestLoad.Percentile(all, 0.99):F3} max_ms={(all.Length > 0 ? all[^1] : 0):F3} driver_cpu_s={driverCpu:F1}"));
    }

    /// <summary>The answer's <c>"found":N</c> (the bulk answer's count of numbers found).</summary>
    private static long FoundCount(byte[] answer)
    {
        var text = Encoding.UTF8.GetString(answer.AsSpan(0, Math.Min(answer.Length, 200)));
        var at = text.IndexOf("\"found\":", StringComparison.Ordinal);
        if (at < 0)
        {
            return 0;
        }

        var start = at + "\"found\":".Length;
        var end = start;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return long.Parse(text.AsSpan(start, end - start), CultureInfo.InvariantCulture);
    }

    private static byte[] BulkBody(Random random, int batch, int published)
    {
        var body = new StringBuilder("{\"numbers\":[");
        for (var i = 0; i < batch; i++)
        {
            body.Append(i == 0 ? "\"" : ",\"").Append(Asked(random, published)).Append('"');
        }

        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }
}
