using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Restcomm.Audit;
using Restcomm.Gateway.Store;
using Restcomm.Tests.Shared;

namespace Restcomm.Gateway.Browser.Tests;

/// <summary>
/// The regulator's dashboard (<c>/dashboard</c>) of the real API host started for RegulatorMSP, on a store seeded with
/// daily figures, anchors and verifications, in headless Chromium: a wrong key is refused, every chart has data, the
/// date filter changes what is shown, a row drills down. The screenshot is kept in the test output folder
/// (<c>screenshots/dashboard.png</c>).
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly string[] Operators = ["Org1MSP", "Org2MSP", "Org3MSP"];
    private static readonly DateOnly First = new(2026, 1, 1);
    private readonly RegulatorHost _api = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _api.DisposeAsync();

    /// <summary>EIR reports seeded for an operator on a day.</summary>
    private static long Reports(int day, int org) => (day % 7) + org + 1;

    [SkippableFact]
    public async Task The_dashboard_refuses_a_wrong_key_draws_every_chart_and_follows_the_date_filter()
    {
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        var address = _api.Start();
        var store = _api.Services.GetRequiredService<GatewayStore>();
        await SeedAsync(store, days: 90);
        var key = (await store.ApiKeys.CreateAsync("RegulatorMSP", "dashboard", [ApiScopes.AuditRead], [], CancellationToken.None).WaitAsync(Timeout)).Token;

        using var playwright = await Playwright.CreateAsync().WaitAsync(Timeout);
        await using var browser = await HeadlessChromium.LaunchAsync(playwright, Timeout);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1300 } }).WaitAsync(Timeout);
        var errors = new List<string>();
        var requests = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(address, "/dashboard").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle }).WaitAsync(Timeout);

        // A wrong key: refused, nothing shown.
        await page.FillAsync("#key", "rck_0000000000000000_wrong").WaitAsync(Timeout);
        await page.ClickAsync("#signin-form button").WaitAsync(Timeout);
        await page.WaitForSelectorAsync("#signin-error:not([hidden])", new() { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
        Assert.Contains("Refused", await page.InnerTextAsync("#signin-error"), StringComparison.Ordinal);
        Assert.True(await page.IsHiddenAsync("#board"));

        // The regulator's key, then the seeded quarter.
        await page.FillAsync("#key", key).WaitAsync(Timeout);
        await page.ClickAsync("#signin-form button").WaitAsync(Timeout);
        await page.WaitForSelectorAsync("body[data-loaded='1']", new() { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
        await ShowAsync(page, First, First.AddDays(89), expectedLoads: 2);
        var quarter = await ChartsAsync(page);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true }).WaitAsync(Timeout);

        Assert.Equal(10, quarter.Count);
        Assert.All(quarter, chart => Assert.True(chart.Value.Points > 0, $"{chart.Key} has no data"));
        Assert.Equal(90, quarter["chart-eir-reports"].Labels);
        Assert.Equal(Enumerable.Range(0, 90).Sum(d => Operators.Select((_, o) => Reports(d, o)).Sum()), quarter["chart-eir-reports"].Sum);

        // One week of February: fewer days, other sums.
        var from = new DateOnly(2026, 2, 1);
        await ShowAsync(page, from, from.AddDays(6), expectedLoads: 3);
        var week = await ChartsAsync(page);
        var firstDay = from.DayNumber - First.DayNumber;
        Assert.Equal(7, week["chart-eir-reports"].Labels);
        Assert.Equal(Enumerable.Range(firstDay, 7).Sum(d => Operators.Select((_, o) => Reports(d, o)).Sum()), week["chart-eir-reports"].Sum);
        Assert.Equal(7, await page.Locator("#anchors tbody tr").CountAsync());
        // February's statements: one row per pair; the net chart holds February's nets, seen from each pair's first operator.
        Assert.Equal(2, await page.Locator("#statements tbody tr").CountAsync());
        Assert.Equal(["2026-02"], await page.EvaluateAsync<string[]>("() => Chart.getChart(document.getElementById('chart-net')).data.labels").WaitAsync(Timeout));
        Assert.Equal(Pairs.Sum(p => Net(1, p)) / 1000.0, week["chart-net"].Sum, 6);

        // Drill-down on a statement row: the parties' disclosures, as the API read them.
        await page.ClickAsync("#statements tbody tr >> nth=0").WaitAsync(Timeout);
        await page.WaitForFunctionAsync("() => !document.getElementById('statement-detail').textContent.startsWith('Reading')", null, new() { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
        var statementDetail = await page.InnerTextAsync("#statement-detail");
        Assert.Contains("roaming-emea~roaming~roaming-statement~AG-Org1MSP-Org2MSP.2026-02", statementDetail, StringComparison.Ordinal);
        Assert.Contains("Org2MSP pays Org1MSP 1.700 SDR", statementDetail, StringComparison.Ordinal);

        // Drill-down: a row asks the API to verify its anchor and shows the answer.
        await page.ClickAsync("#anchors tbody tr >> nth=0").WaitAsync(Timeout);
        await page.WaitForFunctionAsync("() => !document.getElementById('verification-detail').textContent.startsWith('Verifying')", null, new() { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
        var detail = await page.InnerTextAsync("#verification-detail");
        Assert.Contains("eir~eir~eir-changes~3700-3799", detail, StringComparison.Ordinal);
        Assert.True(detail.Contains("Ask again once it has caught up", StringComparison.Ordinal), detail);

        Assert.Empty(errors);
        Assert.All(requests, url => Assert.StartsWith(address.ToString(), url, StringComparison.Ordinal));
        Assert.True(new FileInfo(screenshot).Length > 30_000, "the screenshot is empty");
    }

    private static async Task ShowAsync(IPage page, DateOnly from, DateOnly to, int expectedLoads)
    {
        await page.FillAsync("#from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).WaitAsync(Timeout);
        await page.FillAsync("#to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).WaitAsync(Timeout);
        await page.ClickAsync("#range button[type=submit]").WaitAsync(Timeout);
        await page.WaitForSelectorAsync($"body[data-loaded='{expectedLoads}']", new() { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
    }

    /// <summary>Each chart's number of labels, of non-zero points and the sum of its values, from Chart.js itself.</summary>
    private static async Task<Dictionary<string, (int Labels, int Points, double Sum)>> ChartsAsync(IPage page)
    {
        var charts = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('canvas[data-chart]')].map(canvas => {
              const chart = Chart.getChart(canvas);
              const values = chart ? chart.data.datasets.flatMap(d => d.data).filter(v => v !== null && v !== 0) : [];
              return { id: canvas.id, labels: chart ? chart.data.labels.length : 0, points: values.length, sum: values.reduce((a, b) => a + b, 0),
                       drawn: canvas.width > 0 && canvas.height > 0 };
            })
            """).WaitAsync(Timeout);
        return charts.EnumerateArray().Where(c => c.GetProperty("drawn").GetBoolean()).ToDictionary(
            c => c.GetProperty("id").GetString()!,
            c => (c.GetProperty("labels").GetInt32(), c.GetProperty("points").GetInt32(), c.GetProperty("sum").GetDouble()));
    }

    /// <summary>Daily figures for <paramref name="days"/> days from <see cref="First"/>, one anchor per day (every fifth one failed).</summary>
    private static async Task SeedAsync(GatewayStore store, int days)
    {
        await using var connection = await store.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        for (var d = 0; d < days; d++)
        {
            var day = First.AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            for (var o = 0; o < Operators.Length; o++)
            {
                foreach (var (application, metric, value) in new[]
                         {
                             ("eir", "eir.reported", Reports(d, o)), ("eir", "eir.cleared", (long)(d % 3)), ("eir", "eir.list.black", Reports(d, o) - (d % 3)),
                             ("eir", "eir.list.grey", 1L), ("numbers", "numbers.published", 10L + o), ("numbers", "numbers.portRequested", 2L + (d % 2)),
                             ("numbers", "numbers.portActivated", 2L), ("numbers", "numbers.port.seconds", 2L * 3600 * (4 + o)),
                         })
                {
                    await connection.ExecuteAsync(
                        "INSERT INTO audit_daily_stats (application, channel, metric, organisation, day, value) VALUES (@application, @application, @metric, @org, @day, @value)",
                        new { application, metric, org = Operators[o], day, value }, transaction);
                }
            }

            var at = new DateTimeOffset(First.AddDays(d).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero).ToUnixTimeMilliseconds();
            var id = $"eir~eir~eir-changes~{d * 100}-{(d * 100) + 99}";
            await connection.ExecuteAsync(
                """
                INSERT INTO audit_anchors (anchor_id, channel, source_channel, chaincode, kind, from_block, to_block, statement_id, digest, change_count, anchored_by, anchored_at, transaction_id, block_number)
                VALUES (@id, 'audit', 'eir', 'eir', 'eir-changes', @from, @to, NULL, @digest, @count, @by, @at, @tx, @block)
                """,
                new { id, from = d * 100, to = (d * 100) + 99, digest = new string('a', 64), count = 40 + d, by = Operators[d % 3], at, tx = $"tx{d}", block = d + 1 }, transaction);
            await connection.ExecuteAsync(
                "INSERT INTO audit_verifications (anchor_id, verified, verified_at, result_json) VALUES (@id, @ok, @at, '{}')",
                new { id, ok = d % 5 == 4 ? 0 : 1, at }, transaction);
        }

        // Each pair's statement of each month, anchored on the 15th of the next one and disclosed by its first party.
        for (var month = 0; month < 3; month++)
        {
            var period = First.AddMonths(month).ToString("yyyy-MM", CultureInfo.InvariantCulture);
            var at = new DateTimeOffset(First.AddMonths(month + 1).AddDays(14).ToDateTime(new TimeOnly(13, 0)), TimeSpan.Zero).ToUnixTimeMilliseconds();
            foreach (var (a, b) in Pairs)
            {
                var agreement = $"AG-{a}-{b}";
                var id = $"roaming-emea~roaming~roaming-statement~{agreement}.{period}";
                var net = Net(month, (a, b));
                var disclosure = new StatementDisclosure
                {
                    AnchorId = id, SourceChannel = "roaming-emea", AgreementId = agreement, Period = period, Parties = [a, b], Currency = "SDR", DecimalPlaces = 3,
                    Batches = 10 + month, ChargedMinor = new Dictionary<string, long> { [a] = 5_000 + net, [b] = 5_000 }, NetMinor = net,
                    NetPayerMspId = b, NetPayeeMspId = a, StatementHash = new string('c', 64),
                };
                await connection.ExecuteAsync(
                    """
                    INSERT INTO audit_anchors (anchor_id, channel, source_channel, chaincode, kind, from_block, to_block, statement_id, digest, change_count, anchored_by, anchored_at, transaction_id, block_number)
                    VALUES (@id, 'audit', 'roaming-emea', 'roaming', 'roaming-statement', NULL, NULL, @statement, @digest, 1, @a, @at, @tx, @block)
                    """,
                    new { id, statement = $"{agreement}.{period}", digest = new string('d', 64), a, at, tx = $"tx-{id}", block = 1000 + month }, transaction);
                await connection.ExecuteAsync(
                    """
                    INSERT INTO audit_disclosures (anchor_id, discloser, channel, block_number, status, source_channel, agreement_id, period, party_a, party_b,
                        currency, decimal_places, batches, net_minor, net_payer, net_payee, disclosure_json)
                    VALUES (@id, @a, 'audit', @block, 'fetched', 'roaming-emea', @agreement, @period, @a, @b, 'SDR', 3, @batches, @net, @b, @a, @json)
                    """,
                    new { id, a, b, block = 1001 + month, agreement, period, batches = 10 + month, net, json = JsonSerializer.Serialize(disclosure, AuditJson.Options) }, transaction);
            }
        }

        await transaction.CommitAsync();
    }

    private static readonly (string A, string B)[] Pairs = [("Org1MSP", "Org2MSP"), ("Org1MSP", "Org3MSP")];

    /// <summary>The net a pair's second operator pays its first for a month of the seeded quarter, in thousandths of an SDR.</summary>
    private static long Net(int month, (string A, string B) pair) => 1_000 + (350 * (month + 1)) - (pair.B == "Org3MSP" ? 900 : 0);

    private sealed class RegulatorHost : WebApplicationFactory<Program>
    {
        private readonly string _dataDirectory = Directory.CreateTempSubdirectory("dashboard-tests-").FullName;

        public Uri Start()
        {
            UseKestrel(0);
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
            return new Uri(addresses.First());
        }

        public override async ValueTask DisposeAsync()
        {
            await base.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(_dataDirectory, recursive: true);
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("urls", "http://127.0.0.1:0");
            builder.UseSetting("Gateway:MspId", "RegulatorMSP");
            builder.UseSetting("Gateway:DataDirectory", _dataDirectory);
            builder.UseSetting("Gateway:LogFormat", "text");
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
            builder.UseSetting("Fabric:NetworkFile", Path.Combine(_dataDirectory, "no-network.json"));
        }
    }
}
