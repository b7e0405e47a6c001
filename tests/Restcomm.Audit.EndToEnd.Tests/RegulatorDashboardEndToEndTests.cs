using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Playwright;
using Restcomm.Audit.EndToEnd.Tests.Support;
using Restcomm.Eir;
using Xunit.Abstractions;

namespace Restcomm.Audit.EndToEnd.Tests;

/// <summary>
/// The audit channel as <c>make run</c> runs it, live: two operators report EIR entries and publish numbers through their
/// REST APIs, their APIs anchor those changes on the audit channel (every <see cref="DashboardNetwork.AnchoringInterval"/>),
/// and the regulator's read-only API shows the figures on its dashboard, covers every written block with anchors and
/// verifies each against the source ledger; headless Chromium signs in to the regulator's <c>/dashboard</c>, finds the
/// reported figures in the charts and keeps a screenshot (<c>screenshots/audit-live-dashboard.png</c> in the test output).
/// </summary>
public sealed class RegulatorDashboardEndToEndTests(DashboardNetwork network, ITestOutputHelper output) : IClassFixture<DashboardNetwork>
{
    private const string ConsentHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private const string Org1 = AuditNetwork.Org1;
    private const string Org2 = AuditNetwork.Org2;

    /// <summary>How long the tests wait for anything (anchoring takes one interval; a loaded machine more).</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Reports_and_publications_reach_the_regulators_dashboard_and_are_anchored_and_verified()
    {
        // How long after the last write the figures and the verified anchors showed is measured and printed, not asserted
        // (benchmarks/RESULTS.md, "Live anchoring latency"): a loaded machine only makes it slower, up to Timeout.
        var figures = await network.OnceAsync(ReportAndPublishAsync);
        output.WriteLine($"figures shown after {figures.FiguresShownAfter.TotalMilliseconds:F0} ms, every block anchored and verified after {figures.VerifiedAfter.TotalMilliseconds:F0} ms (interval {DashboardNetwork.AnchoringInterval.TotalSeconds} s)");
        using var regulator = network.Client(AuditNetwork.Regulator);

        // What the dashboard page reads: every figure the operators wrote, nothing behind, every anchor verified.
        var dashboard = (await regulator.GetJsonAsync(DashboardPath())).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(figures.Reported, Totals(dashboard["eirReports"]!));
        Assert.Equal(figures.Cleared, Totals(dashboard["eirClears"]!));
        Assert.Equal(figures.Published, Totals(dashboard["published"]!));
        Assert.Equal(figures.Black, (long)dashboard["listSizes"]!["black"]!.AsArray()[^1]!);
        Assert.Equal(figures.Grey, (long)dashboard["listSizes"]!["grey"]!.AsArray()[^1]!);
        foreach (var lag in dashboard["anchoring"]!.AsArray())
        {
            var channel = ((string)lag!["source"]!).Split('/')[0];
            Assert.Equal(0L, (long)lag["blocksBehind"]!);
            Assert.Equal(figures.Heights[channel] - 1, (long)lag["anchoredTo"]!);
        }

        // Every anchor on the ledger (the audit chaincode's own list) is in the regulator's read model and verifies
        // against the source ledger; together they cover every block of each source.
        var anchors = 0;
        foreach (var (channel, kind) in AuditNetwork.Sources)
        {
            var onLedger = await AuditReads.LedgerAnchorsAsync(regulator, channel);
            var inReadModel = await AuditReads.ReadModelAnchorsAsync(regulator, channel, kind);
            output.WriteLine($"{channel}: {string.Join(" ", onLedger.OrderBy(a => a.FromBlock).Select(a => $"{a.FromBlock}-{a.ToBlock} ({a.AnchoredBy})"))}");
            Assert.Equal(onLedger.Select(a => a.Id).Order(StringComparer.Ordinal), inReadModel.Select(a => (string)a["anchor"]!["id"]!).Order(StringComparer.Ordinal));
            Assert.All(inReadModel, a => Assert.True((bool?)a["verified"] == true, $"the regulator's own verification of {a["anchor"]!["id"]}: {a["verified"]}"));
            Assert.All(onLedger, a => Assert.Contains(a.AnchoredBy, new[] { Org1, Org2 }));
            Assert.Null(Covered(onLedger.Select(a => (a.FromBlock!.Value, a.ToBlock!.Value)), figures.Heights[channel]));
            foreach (var anchor in onLedger)
            {
                var verification = (await AuditReads.VerifyAsync(regulator, anchor.Id)).Expect(HttpStatusCode.OK).Body;
                Assert.True((bool?)verification["verified"] == true, verification.ToJsonString());
                Assert.Equal(anchor.ChangeCount, (long)verification["ledgerChangeCount"]!);
            }

            anchors += onLedger.Count;
            // Each operator anchored the source in ranges one after the other, each block once, all on the channel.
            foreach (var mspId in new[] { Org1, Org2 })
            {
                await using var connection = await network.Api(mspId).Store.OpenConnectionAsync(CancellationToken.None);
                var jobs = (await connection.QueryAsync<(string Id, long From, long To, string Status)>(
                    "SELECT anchor_id, from_block, to_block, status FROM audit_anchor_jobs WHERE source_channel = @channel", new { channel })).ToList();
                Assert.Null(AuditReads.Contiguity(jobs.Select(j => (j.From, j.To)), figures.Heights[channel]));
                Assert.All(jobs, j => Assert.Equal("anchored", j.Status));
                Assert.Subset(onLedger.Select(a => a.Id).ToHashSet(StringComparer.Ordinal), jobs.Select(j => j.Id).ToHashSet(StringComparer.Ordinal));
            }
        }

        Assert.Equal(anchors, (long)dashboard["verification"]!["verified"]!);
        Assert.Equal(0L, (long)dashboard["verification"]!["failed"]!);
        Assert.Equal(0L, (long)dashboard["verification"]!["unverified"]!);
    }

    [SkippableFact]
    public async Task The_regulators_dashboard_in_chromium_charts_the_reported_figures_and_every_anchor_as_verified()
    {
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        var figures = await network.OnceAsync(ReportAndPublishAsync);
        var address = network.Api(AuditNetwork.Regulator).BaseAddress;

        using var playwright = await Playwright.CreateAsync().WaitAsync(Timeout);
        await using var browser = await HeadlessChromium.LaunchAsync(playwright, Timeout);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 1300 } }).WaitAsync(Timeout);
        var errors = new List<string>();
        var requests = new List<string>();
        page.PageError += (_, error) => errors.Add(error);
        page.Request += (_, request) => requests.Add(request.Url);
        await page.GotoAsync(new Uri(address, "/dashboard").ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle }).WaitAsync(Timeout);

        // The regulator signs in with its key; the page shows the last 30 days, today included.
        await page.FillAsync("#key", network.Key(AuditNetwork.Regulator)).WaitAsync(Timeout);
        await page.ClickAsync("#signin-form button").WaitAsync(Timeout);
        await page.WaitForSelectorAsync("body[data-loaded='1']", new() { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
        var charts = await ChartsAsync(page);
        var anchorRows = await page.Locator("#anchors tbody tr").CountAsync().WaitAsync(Timeout);
        var anchorStatuses = await page.Locator("#anchors tbody tr td:last-child").AllInnerTextsAsync().WaitAsync(Timeout);
        var screenshot = Path.Combine(AppContext.BaseDirectory, "screenshots", "audit-live-dashboard.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true }).WaitAsync(Timeout);
        output.WriteLine($"screenshot: {screenshot}");

        Assert.Equal(AuditNetwork.Regulator, await page.InnerTextAsync("#who").WaitAsync(Timeout));
        Assert.Equal(figures.Reported, charts["chart-eir-reports"].Totals);
        Assert.Equal(figures.Cleared, charts["chart-eir-clears"].Totals);
        Assert.Equal(figures.Published, charts["chart-published"].Totals);
        Assert.Equal(figures.Black, charts["chart-lists"].Last["black"]);
        Assert.Equal(figures.Grey, charts["chart-lists"].Last["grey"]);
        // The lag chart: per source, no block behind and anchored to the source's last block.
        Assert.Equal(AuditNetwork.Sources.Select(s => $"{s.Channel}/{s.Kind}"), charts["chart-lag"].Labels);
        Assert.Equal(AuditNetwork.Sources.Select(_ => 0.0), charts["chart-lag"].Series["blocks behind"]);
        Assert.Equal(AuditNetwork.Sources.Select(s => (double)(figures.Heights[s.Channel] - 1)), charts["chart-lag"].Series["anchored to block"]);
        // The verification doughnut and the anchors table: every anchor verified, none failed or waiting.
        var verification = charts["chart-verification"].Series[""];
        Assert.Equal(anchorRows, (int)verification[0]);
        Assert.Equal([0.0, 0.0], verification.Skip(1));
        Assert.InRange(anchorRows, AuditNetwork.Sources.Length, 200);
        Assert.All(anchorStatuses, status => Assert.Equal("verified", status));

        // A row verifies its anchor against the source ledger on request.
        await page.ClickAsync("#anchors tbody tr >> nth=0").WaitAsync(Timeout);
        await page.WaitForFunctionAsync("() => !document.getElementById('verification-detail').textContent.startsWith('Verifying')", null, new() { Timeout = (float)Timeout.TotalMilliseconds }).WaitAsync(Timeout);
        Assert.StartsWith("VERIFIED: The anchored digest equals", await page.InnerTextAsync("#verification-detail").WaitAsync(Timeout), StringComparison.Ordinal);

        Assert.Empty(errors);
        Assert.All(requests, url => Assert.StartsWith(address.ToString(), url, StringComparison.Ordinal));
        Assert.True(new FileInfo(screenshot).Length > 30_000, "the screenshot is empty");
    }

    /// <summary>
    /// Org1 reports nine EIR entries (one grey) and clears two, Org2 reports five; Org1 publishes six numbers and Org2
    /// four, all through their REST APIs. Then waits for the regulator's dashboard data to show them, and for both operators
    /// to have anchored every block written and the regulator to have verified each anchor, timing both from the last
    /// write's answer.
    /// </summary>
    private static async Task<LiveFigures> ReportAndPublishAsync(DashboardNetwork network)
    {
        using var org1 = network.Client(Org1);
        using var org2 = network.Client(Org2);
        using var regulator = network.Client(AuditNetwork.Regulator);

        (await org1.PostJsonAsync("/v1/eir/entries/bulk", new { reports = Reports(35209961, 8, "stolen") })).Expect(HttpStatusCode.OK);
        (await org1.PostJsonAsync("/v1/eir/entries", new { target = Device(35209961, 100), list = "grey", reason = "duplicate", expiresAt = DateTimeOffset.UtcNow.AddDays(30) }))
            .Expect(HttpStatusCode.Created);
        (await org2.PostJsonAsync("/v1/eir/entries/bulk", new { reports = Reports(35209962, 5, "lost") })).Expect(HttpStatusCode.OK);
        foreach (var serial in new[] { 0, 1 })
        {
            (await org1.DeleteJsonAsync($"/v1/eir/entries/{Device(35209961, serial)}?note=recovered")).Expect(HttpStatusCode.OK);
        }

        (await org1.PostJsonAsync("/v1/numbers/bulk", new { numbers = Publications("+44770090010", 6, "ORG1 SUBSCRIBER") })).Expect(HttpStatusCode.OK);
        (await org2.PostJsonAsync("/v1/numbers/bulk", new { numbers = Publications("+44770090020", 4, "ORG2 SUBSCRIBER") })).Expect(HttpStatusCode.OK);
        var written = Stopwatch.StartNew();
        var heights = AuditNetwork.Sources.ToDictionary(s => s.Channel, s => network.Height(s.Channel), StringComparer.Ordinal);
        var expected = new LiveFigures(
            Reported: new Dictionary<string, long> { [Org1] = 9, [Org2] = 5 },
            Cleared: new Dictionary<string, long> { [Org1] = 2 },
            Published: new Dictionary<string, long> { [Org1] = 6, [Org2] = 4 },
            Black: 8 + 5 - 2,
            Grey: 1,
            heights,
            TimeSpan.Zero,
            TimeSpan.Zero);

        var figuresShown = await WaitUntilAsync(network, async () =>
        {
            var data = (await regulator.GetJsonAsync(DashboardPath())).Expect(HttpStatusCode.OK).Body;
            return Same(expected.Reported, Totals(data["eirReports"]!)) && Same(expected.Cleared, Totals(data["eirClears"]!))
                && Same(expected.Published, Totals(data["published"]!));
        }, written);
        var verified = await WaitUntilAsync(network, async () =>
        {
            // Each operator has anchored every block it applied, and nothing waits to be submitted...
            foreach (var client in new[] { org1, org2 })
            {
                var anchoring = (await client.GetJsonAsync("/v1/audit/anchoring")).Expect(HttpStatusCode.OK).Body;
                if (anchoring["sources"]!.AsArray().Any(s => heights.TryGetValue((string)s!["sourceChannel"]!, out var height)
                        && ((long)s["nextBlock"]! != height || (long)s["pending"]! != 0)))
                {
                    return false;
                }
            }

            // ...and the regulator holds every anchor on the channel, each verified by itself, together covering every block.
            foreach (var (channel, kind) in AuditNetwork.Sources)
            {
                var onLedger = await AuditReads.LedgerAnchorsAsync(regulator, channel);
                var anchors = await AuditReads.ReadModelAnchorsAsync(regulator, channel, kind);
                if (anchors.Count != onLedger.Count || anchors.Any(a => (bool?)a["verified"] != true)
                    || Covered(anchors.Select(a => ((long)a["anchor"]!["fromBlock"]!, (long)a["anchor"]!["toBlock"]!)), heights[channel]) is not null)
                {
                    return false;
                }
            }

            return true;
        }, written);
        return expected with { FiguresShownAfter = figuresShown, VerifiedAfter = verified };
    }

    private static string Device(int tac, int serial) => Imei.FromParts(new Tac(tac), serial).ToString();

    private static object[] Reports(int tac, int count, string reason)
        => [.. Enumerable.Range(0, count).Select(serial => new { target = Device(tac, serial), reason, note = $"case {tac}-{serial}" })];

    private static object[] Publications(string prefix, int count, string cnam)
        => [.. Enumerable.Range(0, count).Select(i => new
        {
            e164 = $"{prefix}{i}",
            lineType = "mobile",
            capabilities = new object[]
            {
                new { name = "voice", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
                new { name = "sms", consentHash = ConsentHash, consentAt = "2026-01-01T00:00:00Z" },
            },
            cnam = new { name = cnam, presentation = "allowed" },
        })];

    /// <summary>The dashboard's data for yesterday and today (UTC), so a run across midnight still sees everything.</summary>
    private static string DashboardPath()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        return string.Create(CultureInfo.InvariantCulture, $"/v1/audit/dashboard?from={today.AddDays(-1):yyyy-MM-dd}&to={today:yyyy-MM-dd}");
    }

    /// <summary>A per-organisation daily series summed over its days.</summary>
    private static Dictionary<string, long> Totals(JsonNode series)
        => series.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsArray().Sum(v => (long)v!), StringComparer.Ordinal);

    private static bool Same(IReadOnlyDictionary<string, long> expected, IReadOnlyDictionary<string, long> actual)
        => expected.Count == actual.Count && expected.All(e => actual.GetValueOrDefault(e.Key) == e.Value);

    /// <summary>Whether ranges (of several operators, so possibly overlapping) leave no block from 0 to height − 1 out; null when none.</summary>
    private static string? Covered(IEnumerable<(long From, long To)> ranges, long height)
    {
        var next = 0L;
        foreach (var (from, to) in ranges.OrderBy(r => r.From))
        {
            if (from > next)
            {
                return $"blocks {next}–{from - 1} are in no anchor";
            }

            next = Math.Max(next, to + 1);
        }

        return next >= height ? null : $"blocks {next}–{height - 1} are in no anchor";
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; answers how long after <paramref name="since"/> it did.</summary>
    private static async Task<TimeSpan> WaitUntilAsync(AuditNetwork network, Func<Task<bool>> condition, Stopwatch since)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < Timeout, $"not there after {Timeout.TotalSeconds} s.{Environment.NewLine}{network.Logs()}");
            await Task.Delay(50);
        }

        return since.Elapsed;
    }

    /// <summary>Each chart as Chart.js holds it: labels, each dataset's values by label, totals and last values per dataset.</summary>
    private static async Task<Dictionary<string, DrawnChart>> ChartsAsync(IPage page)
    {
        var charts = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('canvas[data-chart]')].map(canvas => {
              const chart = Chart.getChart(canvas);
              return { id: canvas.id, drawn: canvas.width > 0 && canvas.height > 0, labels: chart ? Array.from(chart.data.labels, String) : [],
                       datasets: chart ? chart.data.datasets.map(d => ({ label: d.label || '', data: Array.from(d.data, v => v === null ? 0 : Number(v)) })) : [] };
            })
            """).WaitAsync(Timeout);
        var drawn = new Dictionary<string, DrawnChart>(StringComparer.Ordinal);
        foreach (var chart in charts.EnumerateArray())
        {
            Assert.True(chart.GetProperty("drawn").GetBoolean(), $"{chart.GetProperty("id").GetString()} is not drawn");
            var series = chart.GetProperty("datasets").EnumerateArray().ToDictionary(
                d => d.GetProperty("label").GetString()!,
                d => d.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray(),
                StringComparer.Ordinal);
            drawn[chart.GetProperty("id").GetString()!] = new DrawnChart(
                chart.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray(), series);
        }

        return drawn;
    }

    /// <summary>A chart's labels and datasets.</summary>
    private sealed record DrawnChart(string[] Labels, Dictionary<string, double[]> Series)
    {
        /// <summary>Each dataset's values summed (a per-organisation daily series over its days); empty datasets left out.</summary>
        public Dictionary<string, long> Totals => Series.Where(s => s.Value.Sum() != 0).ToDictionary(s => s.Key, s => (long)s.Value.Sum(), StringComparer.Ordinal);

        /// <summary>Each dataset's last value (a running size at the end of the range).</summary>
        public Dictionary<string, long> Last => Series.ToDictionary(s => s.Key, s => (long)s.Value[^1], StringComparer.Ordinal);
    }
}
