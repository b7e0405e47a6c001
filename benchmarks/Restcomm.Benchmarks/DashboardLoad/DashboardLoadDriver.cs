extern alias store;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Dapper;
using store::Restcomm.Gateway.Store;

namespace Restcomm.Benchmarks.DashboardLoad;

/// <summary>
/// <c>dashboard-load [--days 365] [--anchors-per-day 48] [--runs 20] [--configuration Release]</c>: seeds a fresh SQLite
/// store with a year of the regulator dashboard's data (daily figures of three operators, anchors of two sources and
/// their verifications), starts the built API on it as RegulatorMSP on a free 127.0.0.1 port, and times what loading
/// /dashboard fetches, in the order the page does: the page, its style, script and chart library, <c>/v1/me</c> and
/// <c>/v1/audit/dashboard</c> for the whole year. The first load is cold (a new process); then <c>runs</c> warm loads.
/// </summary>
internal static class DashboardLoadDriver
{
    private static readonly string[] Operators = ["Org1MSP", "Org2MSP", "Org3MSP"];

    public static async Task<int> RunAsync(string[] args)
    {
        var days = Option(args, "--days", 365);
        var anchorsPerDay = Option(args, "--anchors-per-day", 48);
        var runs = Option(args, "--runs", 20);
        var configuration = args.SkipWhile(a => a != "--configuration").Skip(1).FirstOrDefault() ?? "Release";
        var root = RepositoryRoot();
        var api = Path.Combine(root, "gateway", "Restcomm.Gateway.Api", "bin", configuration, "net10.0", "Restcomm.Gateway.Api.dll");
        if (!File.Exists(api))
        {
            Console.Error.WriteLine($"dashboard-load: build the API first ({api} is missing): dotnet build gateway/Restcomm.Gateway.Api -c {configuration}");
            return 2;
        }

        var directory = Directory.CreateTempSubdirectory("dashboard-load-").FullName;
        try
        {
            var seeding = Stopwatch.StartNew();
            string key;
            await using (var store = await GatewayStore.OpenAsync(StoreLocation.Parse(null, directory), CancellationToken.None).ConfigureAwait(false))
            {
                var rows = await SeedAsync(store, days, anchorsPerDay).ConfigureAwait(false);
                key = (await store.ApiKeys.CreateAsync("RegulatorMSP", "dashboard-load", [ApiScopes.AuditRead], [], CancellationToken.None).ConfigureAwait(false)).Token;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {rows.Stats:N0} daily figures and {rows.Anchors:N0} anchors with verifications over {days} days in {seeding.Elapsed.TotalSeconds:0.0} s"));
            }

            var port = FreePort();
            using var process = Process.Start(new ProcessStartInfo("dotnet")
            {
                ArgumentList = { api, "--urls", $"http://127.0.0.1:{port}", "--Gateway:MspId", "RegulatorMSP", "--Gateway:DataDirectory", directory,
                                 "--Fabric:NetworkFile", Path.Combine(directory, "none.json"), "--Logging:LogLevel:Default", "Warning" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
                var started = Stopwatch.StartNew();
                while (!await HealthyAsync(http).ConfigureAwait(false))
                {
                    if (started.Elapsed > TimeSpan.FromSeconds(60) || process.HasExited)
                    {
                        Console.Error.WriteLine("dashboard-load: the API did not start");
                        return 1;
                    }

                    await Task.Delay(100).ConfigureAwait(false);
                }

                var to = new DateOnly(2026, 1, 1).AddDays(days - 1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                var (cold, coldBytes) = await LoadAsync(http, key, "2026-01-01", to).ConfigureAwait(false);
                var warm = new List<double>();
                long bytes = 0;
                for (var i = 0; i < runs; i++)
                {
                    (var ms, bytes) = await LoadAsync(http, key, "2026-01-01", to).ConfigureAwait(false);
                    warm.Add(ms);
                }

                warm.Sort();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"year view ({days} days, 2026-01-01..{to}): cold {cold:0} ms ({coldBytes / 1024:N0} KiB); warm over {runs} loads p50 {warm[warm.Count / 2]:0} ms, p95 {warm[(int)(warm.Count * 0.95)]:0} ms, max {warm[^1]:0} ms ({bytes / 1024:N0} KiB)"));
                return 0;
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>One load of the page as a browser makes it (sequentially): milliseconds and bytes.</summary>
    private static async Task<(double Ms, long Bytes)> LoadAsync(HttpClient http, string key, string from, string to)
    {
        var clock = Stopwatch.StartNew();
        long bytes = 0;
        foreach (var path in new[] { "/dashboard", "/dashboard/dashboard.css", "/dashboard/chart.umd.min.js", "/dashboard/dashboard.js" })
        {
            bytes += (await http.GetByteArrayAsync(new Uri(path, UriKind.Relative)).ConfigureAwait(false)).Length;
        }

        foreach (var path in new[] { "/v1/me", $"/v1/audit/dashboard?from={from}&to={to}" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request).ConfigureAwait(false);
            response.EnsureSuccessStatusCode();
            bytes += (await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false)).Length;
        }

        return (clock.Elapsed.TotalMilliseconds, bytes);
    }

    private static async Task<(long Stats, long Anchors)> SeedAsync(GatewayStore store, int days, int anchorsPerDay)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
        var random = new Random(17);
        long stats = 0, anchors = 0;
        var block = new Dictionary<string, long> { ["eir"] = 0, ["numbers"] = 0 };
        for (var d = 0; d < days; d++)
        {
            var date = new DateOnly(2026, 1, 1).AddDays(d);
            var day = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            foreach (var org in Operators)
            {
                foreach (var (application, metric, value) in new[]
                         {
                             ("eir", "eir.reported", (long)random.Next(50, 400)), ("eir", "eir.updated", random.Next(0, 40)), ("eir", "eir.cleared", random.Next(20, 300)),
                             ("eir", "eir.list.black", random.Next(-20, 120)), ("eir", "eir.list.grey", random.Next(-10, 40)),
                             ("numbers", "numbers.published", random.Next(100, 2000)), ("numbers", "numbers.portRequested", random.Next(10, 200)),
                             ("numbers", "numbers.portActivated", random.Next(10, 180)), ("numbers", "numbers.portCancelled", random.Next(0, 10)),
                             ("numbers", "numbers.port.seconds", random.Next(10, 180) * 86_400L),
                         })
                {
                    await connection.ExecuteAsync(
                        "INSERT INTO audit_daily_stats (application, channel, metric, organisation, day, value) VALUES (@application, @application, @metric, @org, @day, @value)",
                        new { application, metric, org, day, value }, transaction).ConfigureAwait(false);
                    stats++;
                }
            }

            for (var a = 0; a < anchorsPerDay; a++)
            {
                var source = a % 2 == 0 ? "eir" : "numbers";
                var from = block[source];
                block[source] = from + 100;
                var id = $"{source}~{source}~{source}-changes~{from}-{from + 99}";
                var at = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddMinutes(a * 1440.0 / anchorsPerDay).ToUnixTimeMilliseconds();
                await connection.ExecuteAsync(
                    """
                    INSERT INTO audit_anchors (anchor_id, channel, source_channel, chaincode, kind, from_block, to_block, statement_id, digest, change_count, anchored_by, anchored_at, transaction_id, block_number)
                    VALUES (@id, 'audit', @source, @source, @kind, @from, @to, NULL, @digest, @count, @by, @at, @tx, @block)
                    """,
                    new { id, source, kind = source + "-changes", from, to = from + 99, digest = new string('0', 64), count = random.Next(0, 500), by = Operators[a % 3], at, tx = $"tx-{d}-{a}", block = anchors + 1 },
                    transaction).ConfigureAwait(false);
                await connection.ExecuteAsync(
                    "INSERT INTO audit_verifications (anchor_id, verified, verified_at, result_json) VALUES (@id, 1, @at, '{}')", new { id, at }, transaction).ConfigureAwait(false);
                anchors++;
            }
        }

        await transaction.CommitAsync().ConfigureAwait(false);
        return (stats, anchors);
    }

    private static async Task<bool> HealthyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync(new Uri("/healthz", UriKind.Relative)).ConfigureAwait(false)).StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Restcomm.Fabric.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Run from the repository's build output.");
    }
}
