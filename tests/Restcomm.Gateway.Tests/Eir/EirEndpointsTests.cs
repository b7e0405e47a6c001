using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Chaincode.Eir.Tests.Domain;
using Restcomm.Eir;
using Restcomm.Fabric.Shim.Testing;

namespace Restcomm.Gateway.Tests.Eir;

public sealed class EirEndpointsTests : IAsyncLifetime
{
    private const string Device = "356938035643809";
    private static readonly TestIdentity Org1 = TestIdentity.Create("Org1MSP", "User1@org1.example.com");
    private static readonly TestIdentity Org2 = TestIdentity.Create("Org2MSP", "User1@org2.example.com");

    private readonly string _directory = Directory.CreateTempSubdirectory("eir-api-").FullName;
    private readonly ManualClock _clock = new(Entries.T0);
    private readonly InProcessEirLedger _ledger;
    private EirApiHost _operatorA = null!;
    private EirApiHost _operatorB = null!;

    public EirEndpointsTests() => _ledger = new InProcessEirLedger(_clock);

    private HttpClient A => _operatorA.Client;

    private HttpClient B => _operatorB.Client;

    public async Task InitializeAsync()
    {
        _operatorA = await EirApiHost.StartAsync(_ledger.As(Org1), _ledger, Path.Combine(_directory, "org1.db"), _clock);
        _operatorB = await EirApiHost.StartAsync(_ledger.As(Org2), _ledger, Path.Combine(_directory, "org2.db"), _clock);
    }

    public async Task DisposeAsync()
    {
        await _operatorA.DisposeAsync();
        await _operatorB.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Stolen_imei_reported_by_operator_A_is_black_listed_when_operator_B_checks_it()
    {
        var report = await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "stolen", note = "police ref 42" });
        await _operatorB.CaughtUpAsync(_ledger.Height);

        var check = await Get(B, $"/v1/eir/check/{Device}");

        Assert.Equal(HttpStatusCode.Created, report.Status);
        Assert.Equal("reported", (string?)report.Body["outcome"]);
        Assert.Equal("Org1MSP", (string?)report.Body["entry"]!["owner"]);
        Assert.Equal("blackListed", (string?)check["status"]);
        Assert.Equal("stolen", (string?)check["reason"]);
        Assert.Equal("Org1MSP", (string?)check["owner"]);
        Assert.Equal(_ledger.Height, (long)check["blockHeight"]!);
    }

    [Fact]
    public async Task Operator_B_cannot_clear_operator_As_entry_and_gets_403_with_the_chaincodes_reason_but_A_can()
    {
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "stolen" });

        var refused = await Send(B, HttpMethod.Delete, $"/v1/eir/entries/{Device}", null);
        var cleared = await Send(A, HttpMethod.Delete, $"/v1/eir/entries/{Device}?note=recovered", null);
        await _operatorB.CaughtUpAsync(_ledger.Height);
        var after = await Get(B, $"/v1/eir/check/{Device}");

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Contains("owned by Org1MSP", (string?)refused.Body["detail"], StringComparison.Ordinal);
        Assert.Equal(Restcomm.Gateway.Api.Eir.EirEndpoints.ForbiddenProblem, (string?)refused.Body["type"]);
        Assert.Equal(HttpStatusCode.OK, cleared.Status);
        Assert.Equal("whiteListed", (string?)after["status"]);
    }

    [Theory]
    [InlineData("356938035643808", "check digit")]
    [InlineData("3569380356438", "13 digits")]
    [InlineData("35693803564380A", "non-digit")]
    public async Task Malformed_imei_is_a_400_naming_the_problem(string imei, string problem)
    {
        var check = await Send(A, HttpMethod.Get, $"/v1/eir/check/{imei}", null);
        var report = await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = imei, reason = "stolen" });
        var bulk = await Send(A, HttpMethod.Post, "/v1/eir/check", new { imeis = new[] { Device, imei } });

        foreach (var answer in new[] { check, report, bulk })
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Contains(problem, (string?)answer.Body["detail"], StringComparison.Ordinal);
        }

        Assert.Contains("imeis[1]", (string?)bulk.Body["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_report_is_idempotent()
    {
        var first = await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "lost" });
        var again = await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "lost" });

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.Equal("unchanged", (string?)again.Body["outcome"]);
        Assert.Equal((string?)first.Body["entry"]!["txId"], (string?)again.Body["entry"]!["txId"]);
    }

    [Fact]
    public async Task Bulk_check_of_ten_thousand_imeis_answers_each_in_order_with_the_block_height()
    {
        var tac = new Tac(35209900);
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = "35209900:000000-000099", reason = "fraud" });
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Imei.FromParts(tac, 5000).ToString(), reason = "stolen" });
        await _operatorB.CaughtUpAsync(_ledger.Height);
        var imeis = Enumerable.Range(0, 10_000).Select(i => Imei.FromParts(tac, i).ToString()).ToArray();

        var answer = await Send(B, HttpMethod.Post, "/v1/eir/check", new { imeis });

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(_ledger.Height, (long)answer.Body["blockHeight"]!);
        var results = answer.Body["results"]!.AsArray();
        Assert.Equal(10_000, results.Count);
        for (var i = 0; i < results.Count; i++)
        {
            Assert.Equal(imeis[i], (string?)results[i]!["imei"]);
            Assert.Equal(i < 100 || i == 5000 ? "blackListed" : "whiteListed", (string?)results[i]!["status"]);
        }
    }

    [Fact]
    public async Task Bulk_check_over_ten_thousand_imeis_is_refused()
    {
        var imeis = Enumerable.Range(0, 10_001).Select(i => Imei.FromParts(new Tac(1), i).ToString()).ToArray();

        var answer = await Send(B, HttpMethod.Post, "/v1/eir/check", new { imeis });

        Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
        Assert.Contains("at most 10000", (string?)answer.Body["detail"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bulk_report_lists_every_device_in_one_transaction()
    {
        var tac = new Tac(49015420);
        var reports = Enumerable.Range(0, 2_000).Select(i => new { target = Imei.FromParts(tac, i).ToString(), reason = "stolen" }).ToArray();
        var heightBefore = _ledger.Height;

        var answer = await Send(A, HttpMethod.Post, "/v1/eir/entries/bulk", new { reports });
        await _operatorB.CaughtUpAsync(_ledger.Height);

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal(2_000, (int)answer.Body["reported"]!);
        Assert.Equal(heightBefore + 1, _ledger.Height);
        Assert.Equal("blackListed", (string?)(await Get(B, $"/v1/eir/check/{Imei.FromParts(tac, 1_999)}"))["status"]);
        Assert.Equal(2_000, _operatorB.Index.Count);
    }

    [Fact]
    public async Task Range_report_lists_the_devices_inside_it_only()
    {
        var tac = new Tac(35693803);
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = "35693803:564000-564999", reason = "fraud" });
        await _operatorB.CaughtUpAsync(_ledger.Height);

        Assert.Equal("blackListed", (string?)(await Get(B, $"/v1/eir/check/{Imei.FromParts(tac, 564000)}"))["status"]);
        Assert.Equal("blackListed", (string?)(await Get(B, $"/v1/eir/check/{Imei.FromParts(tac, 564999)}"))["status"]);
        Assert.Equal("whiteListed", (string?)(await Get(B, $"/v1/eir/check/{Imei.FromParts(tac, 565000)}"))["status"]);
    }

    [Fact]
    public async Task Grey_entry_expires_by_the_injected_clock()
    {
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, list = "grey", reason = "duplicate", expiresAt = Entries.T0.AddDays(2) });
        await _operatorB.CaughtUpAsync(_ledger.Height);

        var during = await Get(B, $"/v1/eir/check/{Device}");
        _clock.Advance(TimeSpan.FromDays(2));
        var after = await Get(B, $"/v1/eir/check/{Device}");

        Assert.Equal("greyListed", (string?)during["status"]);
        Assert.Equal("whiteListed", (string?)after["status"]);
    }

    [Fact]
    public async Task Device_status_comes_with_its_entries_and_history()
    {
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "lost" });
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "stolen" });
        await Send(B, HttpMethod.Post, "/v1/eir/entries", new { target = "35693803", list = "white" });
        await _operatorB.CaughtUpAsync(_ledger.Height);

        var device = await Get(B, $"/v1/eir/devices/{Device}");

        Assert.Equal("blackListed", (string?)device["status"]);
        Assert.Equal($"{Device}|black|Org1MSP", (string?)device["decidingEntryId"]);
        Assert.Equal(2, device["entries"]!.AsArray().Count);
        Assert.Equal(["reported", "updated", "reported"], device["history"]!.AsArray().Select(h => (string?)h!["kind"]));
        Assert.Equal(_ledger.Height, (long)device["blockHeight"]!);
    }

    [Fact]
    public async Task Every_block_advances_the_height_even_without_eir_changes()
    {
        _ledger.AppendEmptyBlock();
        _ledger.AppendEmptyBlock();
        await _operatorB.CaughtUpAsync(_ledger.Height);

        var check = await Get(B, $"/v1/eir/check/{Device}");

        Assert.Equal(_ledger.Height, (long)check["blockHeight"]!);
    }

    [Fact]
    public async Task Projection_catches_up_after_an_api_restart()
    {
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "stolen" });
        await _operatorB.CaughtUpAsync(_ledger.Height);
        await _operatorB.DisposeAsync();

        // While B's API is down, A lists another device and clears the first.
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = "490154203237518", reason = "lost" });
        await Send(A, HttpMethod.Delete, $"/v1/eir/entries/{Device}", null);
        _operatorB = await EirApiHost.StartAsync(_ledger.As(Org2), _ledger, Path.Combine(_directory, "org2.db"), _clock);
        await _operatorB.CaughtUpAsync(_ledger.Height);

        Assert.Equal("whiteListed", (string?)(await Get(B, $"/v1/eir/check/{Device}"))["status"]);
        Assert.Equal("blackListed", (string?)(await Get(B, "/v1/eir/check/490154203237518"))["status"]);
        Assert.Equal(1, _operatorB.Index.Count);
    }

    [Fact]
    public async Task Restarted_api_answers_from_its_store_before_reading_any_block()
    {
        await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = Device, reason = "stolen" });
        await _operatorB.CaughtUpAsync(_ledger.Height);
        var height = _ledger.Height;
        await _operatorB.DisposeAsync();

        // A ledger that never delivers a block: only the store can say the device is listed.
        var silent = new SilentLedger();
        _operatorB = await EirApiHost.StartAsync(silent, silent, Path.Combine(_directory, "org2.db"), _clock);
        await _operatorB.CaughtUpAsync(height);

        var check = await Get(B, $"/v1/eir/check/{Device}");
        Assert.Equal("blackListed", (string?)check["status"]);
        Assert.Equal(height, (long)check["blockHeight"]!);
    }

    [Fact]
    public async Task Entries_are_listed_from_the_read_model_filtered_and_paged_with_a_cursor()
    {
        string[] imeis = ["490154203237518", "356938035643809", "352099001761481", "353918057225704"];
        Assert.Equal(HttpStatusCode.Created, (await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = imeis[0], reason = "stolen" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await Send(A, HttpMethod.Post, "/v1/eir/entries", new { target = imeis[1], reason = "lost" })).Status);
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.Created, (await Send(B, HttpMethod.Post, "/v1/eir/entries", new { target = imeis[2], reason = "stolen" })).Status);
        Assert.Equal(HttpStatusCode.Created, (await Send(B, HttpMethod.Post, "/v1/eir/entries", new { target = imeis[3], reason = "fraud" })).Status);
        await _operatorA.CaughtUpAsync(_ledger.Height);

        var stolen = await Get(A, "/v1/eir/entries?reason=stolen");
        var ofB = await Get(A, "/v1/eir/entries?owner=Org2MSP&list=black");
        var recent = await Get(A, $"/v1/eir/entries?updatedSince={Uri.EscapeDataString(Entries.T0.AddMinutes(30).ToString("O"))}");
        var targets = new List<string>();
        string? cursor = null;
        do
        {
            var page = await Get(A, "/v1/eir/entries?limit=3" + (cursor is null ? "" : "&cursor=" + cursor));
            targets.AddRange(page["items"]!.AsArray().Select(e => (string)e!["target"]!));
            cursor = (string?)page["nextCursor"];
        }
        while (cursor is not null);
        var (badList, _) = await Send(A, HttpMethod.Get, "/v1/eir/entries?list=purple", null);
        var (badCursor, _) = await Send(A, HttpMethod.Get, "/v1/eir/entries?cursor=bm90LWEtY3Vyc29y", null);

        Assert.Equal(new[] { imeis[0], imeis[2] }.Order(), stolen["items"]!.AsArray().Select(e => (string)e!["target"]!).Order());
        Assert.Equal(new[] { imeis[2], imeis[3] }.Order(), ofB["items"]!.AsArray().Select(e => (string)e!["target"]!).Order());
        Assert.Equal(new[] { imeis[2], imeis[3] }.Order(), recent["items"]!.AsArray().Select(e => (string)e!["target"]!).Order());
        Assert.Equal(imeis.Order(), targets.Order());
        Assert.Equal(4, targets.Distinct().Count());
        Assert.Equal(_ledger.Height, (long)stolen["blockHeight"]!);
        Assert.Equal(HttpStatusCode.BadRequest, badList);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor);
    }

    private static async Task<JsonNode> Get(HttpClient client, string path)
    {
        var (status, body) = await Send(client, HttpMethod.Get, path, null);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body.ToJsonString()}");
        return body;
    }

    private static async Task<(HttpStatusCode Status, JsonNode Body)> Send(HttpClient client, HttpMethod method, string path, object? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        }

        using var response = await client.SendAsync(request).WaitAsync(TimeSpan.FromSeconds(30));
        var text = await response.Content.ReadAsStringAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (response.StatusCode, JsonNode.Parse(text.Length == 0 ? "{}" : text)!);
    }

    private sealed class SilentLedger : Restcomm.Gateway.Api.Eir.IEirLedgerClient, Restcomm.Gateway.Store.Projections.IBlockFeed
    {
        public async IAsyncEnumerable<Restcomm.Fabric.Ledger.LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            yield break;
        }

        public Task<Restcomm.Gateway.Api.Eir.EirCommitted<T>> SubmitAsync<T>(string function, string argument, CancellationToken cancellationToken)
            => throw new InvalidOperationException("read-only test ledger");

        public Task<T> EvaluateAsync<T>(string function, string argument, CancellationToken cancellationToken)
            => throw new InvalidOperationException("read-only test ledger");
    }
}
