using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Restcomm.Eir;

namespace Restcomm.Benchmarks.EirLoad;

/// <summary>
/// Load driver for the EIR check path of a running REST API (a separate process on loopback):
/// <c>eir-load setup</c> lists devices through one operator's API; <c>eir-load single|bulk</c> checks IMEIs
/// against another's for a while and prints throughput and p50/p99 latency.
/// </summary>
internal static class EirLoadDriver
{
    private const int Tacs = 100;
    private const int FirstTac = 35_200_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = RestLoad.Options(args);
        var url = options.GetValueOrDefault("url", "http://127.0.0.1:8081");
        var key = options.GetValueOrDefault("key", "");
        var concurrency = int.Parse(options.GetValueOrDefault("concurrency", "16"), CultureInfo.InvariantCulture);
        var seconds = double.Parse(options.GetValueOrDefault("seconds", "20"), CultureInfo.InvariantCulture);
        var batch = int.Parse(options.GetValueOrDefault("batch", "10000"), CultureInfo.InvariantCulture);
        var listed = int.Parse(options.GetValueOrDefault("listed", "100000"), CultureInfo.InvariantCulture);

        using var http = RestLoad.Client(url, key, concurrency, TimeSpan.FromSeconds(60));

        switch (args[0])
        {
            case "setup":
                await SetupAsync(http, listed).ConfigureAwait(false);
                return 0;
            case "single":
                await RunAsync(http, concurrency, seconds, 1, listed, single: true).ConfigureAwait(false);
                return 0;
            case "bulk":
                await RunAsync(http, concurrency, seconds, batch, listed, single: false).ConfigureAwait(false);
                return 0;
            default:
                Console.Error.WriteLine("usage: eir-load setup|single|bulk --url http://127.0.0.1:8081 [--key <api key>] [--concurrency 16] [--seconds 20] [--batch 10000] [--listed 100000]");
                return 2;
        }
    }

    /// <summary>The i-th listed device: spread over 100 TACs, every 10th serial.</summary>
    internal static Imei Listed(int i) => Imei.FromParts(new Tac(FirstTac + (i % Tacs)), i / Tacs * 10);

    private static async Task SetupAsync(HttpClient http, int listed)
    {
        var started = Stopwatch.GetTimestamp();
        for (var first = 0; first < listed; first += EirReport.MaxBulk)
        {
            var body = new StringBuilder("{\"reports\":[");
            for (var i = first; i < Math.Min(listed, first + EirReport.MaxBulk); i++)
            {
                body.Append(i == first ? "" : ",").Append("{\"target\":\"").Append(Listed(i).ToString()).Append("\",\"reason\":\"stolen\"}");
            }

            body.Append("]}");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/eir/entries/bulk") { Content = new StringContent(body.ToString(), Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            Console.WriteLine($"bulk report {first / EirReport.MaxBulk}: {(int)response.StatusCode} {text[..Math.Min(120, text.Length)]}");
            response.EnsureSuccessStatusCode();
        }

        Console.WriteLine($"listed {listed} devices in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private static async Task RunAsync(HttpClient http, int concurrency, double seconds, int batch, int listed, bool single)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var warmupEnd = Stopwatch.GetTimestamp() + (long)(Math.Min(3, seconds / 5) * Stopwatch.Frequency);
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            var latencies = new List<double>(100_000);
            long imeis = 0, errors = 0;
            var bulkBody = single ? null : BulkBody(random, batch, listed);
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var t0 = Stopwatch.GetTimestamp();
                HttpResponseMessage response;
                if (single)
                {
                    var imei = random.Next(10) == 0 ? Listed(random.Next(listed)) : Imei.FromParts(new Tac(FirstTac + random.Next(Tacs)), random.Next(1_000_000));
                    response = await http.GetAsync(new Uri($"/v1/eir/check/{imei}", UriKind.Relative)).ConfigureAwait(false);
                }
                else
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/eir/check") { Content = new ByteArrayContent(bulkBody!) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                    response = await http.SendAsync(request).ConfigureAwait(false);
                }

                using (response)
                {
                    await response.Content.CopyToAsync(Stream.Null).ConfigureAwait(false);
                    var t1 = Stopwatch.GetTimestamp();
                    if (t0 < warmupEnd)
                    {
                        continue;
                    }

                    if (!response.IsSuccessStatusCode)
                    {
                        errors++;
                        continue;
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds);
                    imeis += batch;
                }
            }

            return (latencies, imeis, errors);
        })).ToArray();

        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        var all = results.SelectMany(r => r.latencies).Order().ToArray();
        var measured = seconds - Math.Min(3, seconds / 5);
        var imeiCount = results.Sum(r => r.imeis);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode={(single ? "single" : "bulk")} batch={batch} concurrency={concurrency} seconds={measured:F0} requests={all.Length} errors={results.Sum(r => r.errors)} " +
            $"imei_per_s={imeiCount / measured:F0} requests_per_s={all.Length / measured:F0} p50_ms={RestLoad.Percentile(all, 0.50):F3} p99_ms={RestLoad.Percentile(all, 0.99):F3} max_ms={(all.Length > 0 ? all[^1] : 0):F3}"));
    }

    private static byte[] BulkBody(Random random, int batch, int listed)
    {
        var body = new StringBuilder("{\"imeis\":[");
        for (var i = 0; i < batch; i++)
        {
            var imei = random.Next(10) == 0 ? Listed(random.Next(listed)) : Imei.FromParts(new Tac(FirstTac + random.Next(Tacs)), random.Next(1_000_000));
            body.Append(i == 0 ? "\"" : ",\"").Append(imei.ToString()).Append('"');
        }

        return Encoding.UTF8.GetBytes(body.Append("]}").ToString());
    }
}
