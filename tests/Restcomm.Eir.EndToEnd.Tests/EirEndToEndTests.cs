using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Restcomm.Eir.EndToEnd.Tests.Support;
using Restcomm.Gateway.Api.Eir;

namespace Restcomm.Eir.EndToEnd.Tests;

/// <summary>
/// The EIR as carriers use it on <c>make run</c>: two operators' REST APIs over HTTP with their own API keys, writing
/// through the real gateway client to the dev network, which runs the eir chaincode as a service over gRPC; checks are
/// answered by each API's own projection of the channel's blocks. Each test uses its own TAC, so tests sharing the
/// network do not see each other's entries; xUnit runs one test of a class at a time, which the tests that shift a
/// clock, restart an API, the network or the chaincode rely on (each puts things back before it ends).
/// </summary>
public sealed class EirEndToEndTests(EirNetwork network) : IClassFixture<EirNetwork>
{
    private HttpClient A => network.A.Client(network.KeyA);

    private HttpClient B => network.B.Client(network.KeyB);

    private HttpClient Regulator => network.RegulatorApi.Client(network.KeyRegulator);

    private HttpClient C => network.C.Client(network.KeyC);

    private static Imei Device(int tac, int serial) => Imei.FromParts(new Tac(tac), serial);

    /// <summary>The 16-digit IMEISV of a device: its 14 identifying digits and a software version, no check digit.</summary>
    private static string Imeisv(Imei imei, int softwareVersion) => $"{imei.ToString()[..14]}{softwareVersion:D2}";

    [Fact]
    public async Task Every_api_is_ready_against_the_dev_network_and_refuses_calls_without_a_key()
    {
        foreach (var api in new[] { network.A, network.B, network.RegulatorApi })
        {
            using var anonymous = new HttpClient { BaseAddress = api.BaseAddress, Timeout = EirNetwork.Timeout };

            var ready = await anonymous.GetJsonAsync("/readyz");
            var check = await anonymous.GetJsonAsync($"/v1/eir/check/{Device(35209900, 1)}");

            Assert.True(ready.Status == HttpStatusCode.OK, $"{api.MspId} not ready: {ready.Body.ToJsonString()}");
            Assert.Equal(HttpStatusCode.Unauthorized, check.Status);
        }
    }

    [Fact]
    public async Task After_a_crash_the_api_learns_from_the_peer_what_became_of_a_transaction_it_had_submitted()
    {
        var device = Device(35209931, 1);
        using var a = A;
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "lost" })).Expect(HttpStatusCode.Created);
        var ledger = network.A.Services.GetRequiredService<Restcomm.Gateway.Api.Fabric.ILedger>();

        // What a restarted API asks about the transaction an Idempotency-Key recorded: commit status by ID, then the block.
        var committed = await ledger.FindTransactionAsync("eir", reported.Text("transactionId")!, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        var neverSubmitted = await ledger.FindTransactionAsync("eir", new string('e', 64), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.NotNull(committed);
        Assert.True(committed.IsValid, committed.ValidationCode);
        Assert.Equal(reported.Number("blockNumber"), committed.BlockNumber);
        var result = System.Text.Json.Nodes.JsonNode.Parse(committed.Result.Span)!;
        Assert.Equal("reported", (string?)result["outcome"]);
        Assert.Equal(device.ToString(), (string?)result["entry"]!["target"]);
        Assert.Null(neverSubmitted);
    }

    [Fact]
    public async Task Stolen_imeisv_reported_by_operator_A_is_reduced_to_its_imei_and_black_listed_when_operator_B_checks_it()
    {
        var device = Device(35209901, 176148);
        using var a = A;
        using var b = B;

        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = Imeisv(device, 7), reason = "stolen", note = "police ref 42" })).Expect(HttpStatusCode.Created);
        var block = reported.Number("blockNumber");
        await network.B.CaughtUpAsync(block + 1);
        var byImei = (await b.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);
        var byImeisv = (await b.GetJsonAsync($"/v1/eir/check/{Imeisv(device, 31)}")).Expect(HttpStatusCode.OK);

        Assert.Equal("reported", reported.Text("outcome"));
        Assert.Equal(device.ToString(), (string?)reported.Body["entry"]!["target"]);
        Assert.Equal("Org1MSP", (string?)reported.Body["entry"]!["owner"]);
        Assert.Equal(reported.Text("transactionId"), (string?)reported.Body["entry"]!["txId"]);
        Assert.True(reported.Number("blockHeight") > block, "the writer's own answer reflects its block");
        foreach (var check in new[] { byImei, byImeisv })
        {
            Assert.Equal(device.ToString(), check.Text("imei"));
            Assert.Equal("blackListed", check.Text("status"));
            Assert.Equal("stolen", check.Text("reason"));
            Assert.Equal("Org1MSP", check.Text("owner"));
            Assert.True(check.Number("blockHeight") > block, $"B's answer reflects block {block}: {check.Body.ToJsonString()}");
            Assert.True(check.Number("blockHeight") <= network.LedgerHeight);
        }
    }

    [Fact]
    public async Task Operator_B_cannot_clear_operator_As_entry_and_gets_403_with_the_chaincodes_reason_but_A_can()
    {
        var device = Device(35209902, 1);
        using var a = A;
        using var b = B;
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "stolen" })).Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);
        Assert.Equal("blackListed", (await b.GetJsonAsync($"/v1/eir/check/{device}")).Text("status"));
        var heightBefore = network.LedgerHeight;

        var refused = await b.DeleteJsonAsync($"/v1/eir/entries/{device}?note=not-ours");
        var stillListed = (await b.GetJsonAsync($"/v1/eir/devices/{device}")).Expect(HttpStatusCode.OK);
        var cleared = (await a.DeleteJsonAsync($"/v1/eir/entries/{device}?note=recovered")).Expect(HttpStatusCode.OK);
        await network.B.CaughtUpAsync(cleared.Number("blockNumber") + 1);
        var after = (await b.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal("application/problem+json", refused.MediaType);
        Assert.Equal(EirEndpoints.ForbiddenProblem, refused.Text("type"));
        Assert.Equal(403, refused.Number("status"));
        Assert.Equal(
            $"The black entry for {device} is owned by Org1MSP; only the owner or an organisation it delegated to may clear it, and Org2MSP is neither.",
            refused.Text("detail"));
        Assert.Equal(heightBefore, cleared.Number("blockNumber"));
        Assert.Equal("blackListed", stillListed.Text("status"));
        Assert.Single(stillListed.Body["entries"]!.AsArray());
        Assert.Equal("Org1MSP", (string?)cleared.Body["entry"]!["owner"]);
        Assert.Equal("whiteListed", after.Text("status"));
        Assert.Null(after.Body["reason"]);
        Assert.True(after.Number("blockHeight") > cleared.Number("blockNumber"));
    }

    [Fact]
    public async Task Report_repeated_with_the_same_idempotency_key_is_answered_again_without_a_second_transaction()
    {
        var device = Device(35209903, 42);
        var body = new { target = device.ToString(), reason = "lost" };
        var key = Guid.NewGuid().ToString();
        using var a = A;

        var first = (await a.SendAsync(HttpMethod.Post, "/v1/eir/entries", body, key)).Expect(HttpStatusCode.Created);
        var heightAfterFirst = network.LedgerHeight;
        var replayed = (await a.SendAsync(HttpMethod.Post, "/v1/eir/entries", body, key)).Expect(HttpStatusCode.Created);
        var heightAfterReplay = network.LedgerHeight;
        var reusedForAnother = await a.SendAsync(HttpMethod.Post, "/v1/eir/entries", new { target = device.ToString(), reason = "stolen" }, key);
        var repeatedWithNewKey = (await a.PostJsonAsync("/v1/eir/entries", body)).Expect(HttpStatusCode.OK);

        Assert.Equal("true", replayed.Headers["Idempotency-Replayed"]);
        Assert.Equal(first.Text("transactionId"), replayed.Text("transactionId"));
        Assert.Equal(first.Number("blockNumber"), replayed.Number("blockNumber"));
        Assert.Equal(heightAfterFirst, heightAfterReplay);
        Assert.Equal(HttpStatusCode.Conflict, reusedForAnother.Status);
        Assert.Equal("urn:restcomm:problem:idempotency-key-reused", reusedForAnother.Text("type"));
        Assert.Equal("unchanged", repeatedWithNewKey.Text("outcome"));
        Assert.Equal(first.Text("transactionId"), (string?)repeatedWithNewKey.Body["entry"]!["txId"]);
        Assert.Equal("lost", (await a.GetJsonAsync($"/v1/eir/check/{device}")).Text("reason"));
    }

    [Theory]
    [InlineData("352099041761482", "check digit")]
    [InlineData("3520990417614", "13 digits")]
    [InlineData("35209904176148X", "non-digit")]
    public async Task Malformed_imei_is_a_400_naming_the_problem_and_reaches_no_ledger(string imei, string problem)
    {
        using var a = A;
        using var b = B;
        var heightBefore = network.LedgerHeight;

        var report = await a.PostJsonAsync("/v1/eir/entries", new { target = imei, reason = "stolen" });
        var check = await b.GetJsonAsync($"/v1/eir/check/{imei}");
        var bulk = await b.SendAsync(HttpMethod.Post, "/v1/eir/check", new { imeis = new[] { Device(35209904, 1).ToString(), imei } }, null);

        foreach (var answer in new[] { report, check, bulk })
        {
            Assert.Equal(HttpStatusCode.BadRequest, answer.Status);
            Assert.Equal("application/problem+json", answer.MediaType);
            Assert.Equal(EirEndpoints.InvalidProblem, answer.Text("type"));
            Assert.Contains(problem, answer.Text("detail"), StringComparison.Ordinal);
        }

        Assert.Contains("imeis[1]", bulk.Text("detail"), StringComparison.Ordinal);
        Assert.Equal(heightBefore, network.LedgerHeight);
    }

    [Fact]
    public async Task Range_entry_lists_the_devices_inside_it_and_not_those_outside()
    {
        const int tac = 35209905;
        using var a = A;
        using var b = B;
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = $"{tac}:000100-000199", reason = "fraud" })).Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);

        var statuses = new Dictionary<int, string>();
        foreach (var serial in new[] { 99, 100, 150, 199, 200 })
        {
            statuses[serial] = (await b.GetJsonAsync($"/v1/eir/check/{Device(tac, serial)}")).Expect(HttpStatusCode.OK).Text("status");
        }

        var target = (await b.GetJsonAsync($"/v1/eir/targets/{tac}:000100-000199")).Expect(HttpStatusCode.OK);

        Assert.Equal($"{tac}:000100-000199", (string?)reported.Body["entry"]!["target"]);
        Assert.Equal("whiteListed", statuses[99]);
        Assert.Equal("blackListed", statuses[100]);
        Assert.Equal("blackListed", statuses[150]);
        Assert.Equal("blackListed", statuses[199]);
        Assert.Equal("whiteListed", statuses[200]);
        Assert.Equal("fraud", (string?)target.Body["record"]!["entries"]![0]!["reason"]);
    }

    [Fact]
    public async Task Grey_entry_is_grey_until_operator_Bs_clock_passes_its_expiry()
    {
        var device = Device(35209906, 7);
        using var a = A;
        using var b = B;
        var expiry = DateTimeOffset.UtcNow.AddHours(1);
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), list = "grey", reason = "duplicate", expiresAt = expiry }))
            .Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);

        string during, after, atA;
        try
        {
            during = (await b.GetJsonAsync($"/v1/eir/check/{device}")).Text("status");
            network.B.Clock.Advance(TimeSpan.FromHours(2));
            after = (await b.GetJsonAsync($"/v1/eir/check/{device}")).Text("status");
            atA = (await a.GetJsonAsync($"/v1/eir/check/{device}")).Text("status");
        }
        finally
        {
            network.B.Clock.Reset();
        }

        Assert.Equal("greyListed", during);
        Assert.Equal("whiteListed", after);
        Assert.Equal("greyListed", atA);
    }

    [Fact]
    public async Task Bulk_check_answers_listed_and_unlisted_devices_in_request_order_without_an_idempotency_key()
    {
        const int tac = 35209907;
        using var a = A;
        using var b = B;
        var reports = Enumerable.Range(0, 40).Select(i => new { target = Device(tac, i).ToString(), reason = "stolen" }).ToArray();
        var bulkReported = (await a.PostJsonAsync("/v1/eir/entries/bulk", new { reports })).Expect(HttpStatusCode.OK);
        var rangeReported = (await a.PostJsonAsync("/v1/eir/entries", new { target = $"{tac}:000100-000199", reason = "fraud" })).Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(rangeReported.Number("blockNumber") + 1);
        var imeis = Enumerable.Range(0, 300).Select(i => Device(tac, (i * 7) % 300).ToString()).Append(Imeisv(Device(tac, 5), 12)).ToArray();

        var checkedOnce = (await b.SendAsync(HttpMethod.Post, "/v1/eir/check", new { imeis }, null)).Expect(HttpStatusCode.OK);
        var checkedAgainWithAKey = (await b.SendAsync(HttpMethod.Post, "/v1/eir/check", new { imeis = imeis[..10] }, "same-key")).Expect(HttpStatusCode.OK);
        var keyReusedForAnotherCheck = (await b.SendAsync(HttpMethod.Post, "/v1/eir/check", new { imeis = imeis[10..20] }, "same-key")).Expect(HttpStatusCode.OK);

        Assert.Equal(40, (int)bulkReported.Body["reported"]!);
        Assert.Equal(imeis.Length, checkedOnce.Number("count"));
        Assert.True(checkedOnce.Number("blockHeight") > rangeReported.Number("blockNumber"));
        var results = checkedOnce.Body["results"]!.AsArray();
        Assert.Equal(imeis.Length, results.Count);
        for (var i = 0; i < 300; i++)
        {
            var serial = (i * 7) % 300;
            var expected = serial < 40 ? ("blackListed", "stolen") : serial is >= 100 and < 200 ? ("blackListed", "fraud") : ("whiteListed", (string?)null);
            Assert.Equal(Device(tac, serial).ToString(), (string?)results[i]!["imei"]);
            Assert.Equal(expected, ((string?)results[i]!["status"], (string?)results[i]!["reason"]));
        }

        Assert.Equal(Device(tac, 5).ToString(), (string?)results[300]!["imei"]);
        Assert.Equal("blackListed", (string?)results[300]!["status"]);
        Assert.Equal(10, checkedAgainWithAKey.Number("count"));
        Assert.False(keyReusedForAnotherCheck.Headers.ContainsKey("Idempotency-Replayed"));
        Assert.Equal(Device(tac, 70).ToString(), (string?)keyReusedForAnotherCheck.Body["results"]![0]!["imei"]);
    }

    [Fact]
    public async Task Device_status_shows_its_entries_and_full_history_from_the_ledger()
    {
        var device = Device(35209908, 5);
        using var a = A;
        using var b = B;
        (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "lost" })).Expect(HttpStatusCode.Created);
        (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "stolen", evidenceHash = new string('a', 64) })).Expect(HttpStatusCode.OK);
        (await b.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), list = "grey", reason = "duplicate", expiresAt = DateTimeOffset.UtcNow.AddDays(30) }))
            .Expect(HttpStatusCode.Created);
        var cleared = (await a.DeleteJsonAsync($"/v1/eir/entries/{device}?note=recovered")).Expect(HttpStatusCode.OK);
        await network.B.CaughtUpAsync(cleared.Number("blockNumber") + 1);

        var status = (await b.GetJsonAsync($"/v1/eir/devices/{device}")).Expect(HttpStatusCode.OK);

        Assert.Equal("greyListed", status.Text("status"));
        Assert.Equal($"{device}|grey|Org2MSP", status.Text("decidingEntryId"));
        Assert.Equal("Org2MSP", (string?)Assert.Single(status.Body["entries"]!.AsArray())!["owner"]);
        var history = status.Body["history"]!.AsArray();
        Assert.Equal(["reported", "updated", "reported", "cleared"], history.Select(h => (string?)h!["kind"]));
        Assert.Equal(["Org1MSP", "Org1MSP", "Org2MSP", "Org1MSP"], history.Select(h => (string?)h!["by"]));
        Assert.Equal("recovered", (string?)history[3]!["note"]);
        Assert.True(status.Number("blockHeight") > cleared.Number("blockNumber"));
    }

    [Fact]
    public async Task Operator_Bs_api_restarted_on_its_store_resumes_from_its_stored_height_and_catches_up_on_what_it_missed()
    {
        var missed = Device(35209909, 11);
        var clearedWhileDown = Device(35209909, 12);
        using (var a0 = A)
        {
            var listed = (await a0.PostJsonAsync("/v1/eir/entries", new { target = clearedWhileDown.ToString(), reason = "lost" })).Expect(HttpStatusCode.Created);
            await network.B.CaughtUpAsync(listed.Number("blockNumber") + 1);
        }

        var storedHeight = network.B.Services.GetRequiredService<ImeiIndex>().BlockHeight;
        await network.StopBAsync();

        // While B's API is down, A lists one device and clears another that B had seen listed.
        using var a = A;
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = missed.ToString(), reason = "stolen" })).Expect(HttpStatusCode.Created);
        var cleared = (await a.DeleteJsonAsync($"/v1/eir/entries/{clearedWhileDown}")).Expect(HttpStatusCode.OK);
        await network.StartBAsync();
        await network.B.CaughtUpAsync(network.LedgerHeight);
        using var b = B; // the key created before the restart still works: it lives in B's store
        var missedCheck = (await b.GetJsonAsync($"/v1/eir/check/{missed}")).Expect(HttpStatusCode.OK);
        var clearedCheck = (await b.GetJsonAsync($"/v1/eir/check/{clearedWhileDown}")).Expect(HttpStatusCode.OK);

        Assert.True(storedHeight > 0);
        Assert.Contains(network.B.LogLines, l => l.Contains($"EIR read model loaded: ", StringComparison.Ordinal) && l.Contains($"at block height {storedHeight}", StringComparison.Ordinal));
        Assert.Equal("blackListed", missedCheck.Text("status"));
        Assert.Equal("Org1MSP", missedCheck.Text("owner"));
        Assert.True(missedCheck.Number("blockHeight") > reported.Number("blockNumber"));
        Assert.Equal("whiteListed", clearedCheck.Text("status"));
        Assert.Equal(network.LedgerHeight, clearedCheck.Number("blockHeight"));
        Assert.True(cleared.Number("blockNumber") < clearedCheck.Number("blockHeight"));
    }

    [Fact]
    public async Task Operator_Bs_api_restarted_answers_ranges_and_grey_expiry_from_its_store_alone()
    {
        const int tac = 35209920;
        var grey = Device(tac, 900);
        using (var a = A)
        {
            (await a.PostJsonAsync("/v1/eir/entries", new { target = $"{tac}:000100-000199", reason = "fraud" })).Expect(HttpStatusCode.Created);
            var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = grey.ToString(), list = "grey", reason = "duplicate", expiresAt = DateTimeOffset.UtcNow.AddHours(1) }))
                .Expect(HttpStatusCode.Created);
            await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);
        }

        var height = network.LedgerHeight;
        await network.StopBAsync();
        await network.StartBAsync();
        await network.B.CaughtUpAsync(height);
        using var b = B;

        // No block was committed meanwhile: what B answers now it loaded from its store.
        var inRange = (await b.GetJsonAsync($"/v1/eir/check/{Device(tac, 150)}")).Expect(HttpStatusCode.OK);
        var outOfRange = (await b.GetJsonAsync($"/v1/eir/check/{Device(tac, 200)}")).Expect(HttpStatusCode.OK);
        var greyNow = (await b.GetJsonAsync($"/v1/eir/check/{grey}")).Expect(HttpStatusCode.OK);
        string greyLater;
        network.B.Clock.Advance(TimeSpan.FromHours(2));
        try
        {
            greyLater = (await b.GetJsonAsync($"/v1/eir/check/{grey}")).Text("status");
        }
        finally
        {
            network.B.Clock.Reset();
        }

        Assert.Equal(height, network.LedgerHeight);
        Assert.Contains(network.B.LogLines, l => l.Contains($"at block height {height}", StringComparison.Ordinal));
        Assert.Equal(("blackListed", "fraud"), (inRange.Text("status"), inRange.Text("reason")));
        Assert.Equal("whiteListed", outOfRange.Text("status"));
        Assert.Equal("greyListed", greyNow.Text("status"));
        Assert.Equal("whiteListed", greyLater);
        Assert.Equal(height, greyNow.Number("blockHeight"));
    }

    [Fact]
    public async Task Operator_B_may_clear_operator_As_entry_only_while_A_has_delegated_to_B()
    {
        var device = Device(35209910, 3);
        using var a = A;
        using var b = B;
        (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "stolen" })).Expect(HttpStatusCode.Created);

        Answer delegated, clearedByDelegate, reportedByDelegate, afterRevoke;
        try
        {
            delegated = (await a.PostJsonAsync("/v1/eir/delegations", new { @delegate = "Org2MSP" })).Expect(HttpStatusCode.OK);
            clearedByDelegate = (await b.DeleteJsonAsync($"/v1/eir/entries/{device}?owner=Org1MSP&note=by-delegate")).Expect(HttpStatusCode.OK);
            reportedByDelegate = (await b.PostJsonAsync("/v1/eir/entries", new { target = Device(35209910, 4).ToString(), reason = "lost", onBehalfOf = "Org1MSP" }))
                .Expect(HttpStatusCode.Created);
        }
        finally
        {
            afterRevoke = (await a.DeleteJsonAsync("/v1/eir/delegations/Org2MSP")).Expect(HttpStatusCode.OK);
        }

        (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "stolen" })).Expect(HttpStatusCode.Created);
        var refusedAfterRevoke = await b.DeleteJsonAsync($"/v1/eir/entries/{device}?owner=Org1MSP");
        await network.B.CaughtUpAsync(network.LedgerHeight);

        Assert.Equal(["Org2MSP"], delegated.Body["delegates"]!.AsArray().Select(d => (string?)d));
        Assert.Equal("Org1MSP", (string?)clearedByDelegate.Body["entry"]!["owner"]);
        Assert.Equal("Org1MSP", (string?)reportedByDelegate.Body["entry"]!["owner"]);
        Assert.Equal("Org2MSP", (string?)reportedByDelegate.Body["entry"]!["updatedBy"]);
        Assert.Empty(afterRevoke.Body["delegates"]!.AsArray());
        Assert.Equal(HttpStatusCode.Forbidden, refusedAfterRevoke.Status);
        Assert.Equal(EirEndpoints.ForbiddenProblem, refusedAfterRevoke.Text("type"));
        Assert.Equal("blackListed", (await b.GetJsonAsync($"/v1/eir/check/{device}")).Text("status"));
    }

    [Fact]
    public async Task Regulator_follows_the_channel_and_sees_listed_devices_but_its_api_never_writes()
    {
        var device = Device(35209911, 9);
        using var a = A;
        using var regulator = Regulator;
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "fraud" })).Expect(HttpStatusCode.Created);
        await network.RegulatorApi.CaughtUpAsync(reported.Number("blockNumber") + 1);
        var heightBefore = network.LedgerHeight;
        // Even a key that claims eir:write (created past the store's check) finds no write route on the regulator's API.
        using var claimsWrite = network.RegulatorApi.Client(await network.RegulatorApi.CreateKeyAsync([], "eir:read", "eir:write"));

        var check = (await regulator.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);
        var report = await claimsWrite.PostJsonAsync("/v1/eir/entries", new { target = Device(35209911, 10).ToString(), reason = "stolen" });
        var clear = await claimsWrite.DeleteJsonAsync($"/v1/eir/entries/{device}?owner=Org1MSP");

        var device2 = (await regulator.GetJsonAsync($"/v1/eir/devices/{device}")).Expect(HttpStatusCode.OK);

        Assert.Equal("blackListed", check.Text("status"));
        Assert.Equal("Org1MSP", check.Text("owner"));
        Assert.True(check.Number("blockHeight") > reported.Number("blockNumber"));
        Assert.Equal("reported", (string?)Assert.Single(device2.Body["history"]!.AsArray())!["kind"]);
        // POST /v1/eir/entries shares its path with the list (GET), so the method is refused; the clear route is not there at all.
        Assert.Equal(HttpStatusCode.MethodNotAllowed, report.Status);
        Assert.Equal(HttpStatusCode.NotFound, clear.Status);
        Assert.Equal(heightBefore, network.LedgerHeight);
    }

    [Fact]
    public async Task Concurrent_reports_of_different_devices_by_both_operators_all_commit()
    {
        const int tac = 35209912;
        using var a = A;
        using var b = B;

        var answers = await Task.WhenAll(Enumerable.Range(0, 24).Select(i =>
            (i % 2 == 0 ? a : b).PostJsonAsync("/v1/eir/entries", new { target = Device(tac, i).ToString(), reason = "stolen" })));
        await network.B.CaughtUpAsync(network.LedgerHeight);
        var check = (await b.SendAsync(HttpMethod.Post, "/v1/eir/check", new { imeis = Enumerable.Range(0, 24).Select(i => Device(tac, i).ToString()) }, null))
            .Expect(HttpStatusCode.OK);

        Assert.All(answers, answer => Assert.True(answer.Status == HttpStatusCode.Created, answer.Body.ToJsonString()));
        Assert.All(check.Body["results"]!.AsArray(), r => Assert.Equal("blackListed", (string?)r!["status"]));
    }

    [Fact]
    public async Task Clearing_an_entry_nobody_holds_is_a_404_with_the_chaincodes_reason()
    {
        using var a = A;

        var missing = await a.DeleteJsonAsync($"/v1/eir/entries/{Device(35209913, 1)}");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(EirEndpoints.NotFoundProblem, missing.Text("type"));
        Assert.Contains(Device(35209913, 1).ToString(), missing.Text("detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bulk_report_of_several_megabytes_with_the_longest_notes_commits_and_reaches_operator_Bs_bulk_check()
    {
        // 2,000 reports with evidence hashes and 1,000-character notes: a 2 MB body (over the API-wide 1 MiB limit, which
        // refused it before bulk endpoints got their own) and a transaction of several MB through the chaincode protocol,
        // the Gateway and Deliver services (over gRPC's default 4 MB message size).
        const int tac = 35209914;
        const int count = 2_000;
        using var a = A;
        using var b = B;
        var note = new string('n', EirReport.MaxNoteLength);
        var reports = Enumerable.Range(0, count)
            .Select(i => new { target = Device(tac, i).ToString(), reason = "stolen", evidenceHash = $"{i:x64}", note })
            .ToArray();

        var reported = (await a.PostJsonAsync("/v1/eir/entries/bulk", new { reports })).Expect(HttpStatusCode.OK);
        await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);
        var check = (await b.SendAsync(HttpMethod.Post, "/v1/eir/check", new { imeis = reports.Select(r => r.target) }, null)).Expect(HttpStatusCode.OK);
        var device = (await b.GetJsonAsync($"/v1/eir/devices/{Device(tac, count - 1)}")).Expect(HttpStatusCode.OK);

        Assert.Equal(count, (int)reported.Body["reported"]!);
        Assert.True(reported.Number("blockHeight") > reported.Number("blockNumber"), "A's own projection reflects the bulk block");
        Assert.Equal(count, check.Number("count"));
        Assert.All(check.Body["results"]!.AsArray(), r => Assert.Equal("blackListed", (string?)r!["status"]));
        Assert.Equal($"{count - 1:x64}", (string?)device.Body["entries"]![0]!["evidenceHash"]);
        Assert.Equal(note, (string?)device.Body["history"]![0]!["entry"]!["note"]);
    }

    [Fact]
    public async Task After_the_dev_network_restarts_under_them_the_apis_write_again_and_their_projections_catch_up()
    {
        var device = Device(35209915, 4);
        using var a = A;
        using var b = B;

        // The APIs keep running, following the ledger, while the network is stopped and started on the same ledger.
        await network.RestartNetworkAsync(down: TimeSpan.FromMilliseconds(500));
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "stolen" })).Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);
        var check = (await b.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);

        Assert.True(reported.Number("blockHeight") > reported.Number("blockNumber"), "A's own projection caught up after the restart");
        Assert.Equal("blackListed", check.Text("status"));
        Assert.Equal(network.LedgerHeight, check.Number("blockHeight"));
    }

    [Fact]
    public async Task Conflicting_concurrent_reports_of_one_device_leave_every_index_with_the_committed_one()
    {
        var device = Device(35209916, 8);
        string[] reasons = ["stolen", "lost", "fraud", "duplicate", "faulty", "other"];
        using var a = A;
        using var b = B;

        var answers = await Task.WhenAll(reasons.Select(reason => a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason })));
        await network.B.CaughtUpAsync(network.LedgerHeight);
        var atB = (await b.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);
        var atA = (await a.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);
        var onLedger = (await b.GetJsonAsync($"/v1/eir/devices/{device}")).Expect(HttpStatusCode.OK);

        var committed = answers.Where(x => x.Status is HttpStatusCode.Created or HttpStatusCode.OK).ToList();
        Assert.All(answers.Except(committed), x => Assert.Equal("urn:restcomm:problem:transaction-not-committed", x.Text("type")));
        var last = committed.MaxBy(x => x.Number("blockNumber"))!;
        Assert.Single(committed, x => x.Number("blockNumber") == last.Number("blockNumber"));
        var reason = (string?)last.Body["entry"]!["reason"];
        Assert.Equal(reason, atB.Text("reason"));
        Assert.Equal(reason, atA.Text("reason"));
        Assert.Equal(reason, (string?)Assert.Single(onLedger.Body["entries"]!.AsArray())!["reason"]);
        Assert.Equal(committed.Count, onLedger.Body["history"]!.AsArray().Count);
    }

    [Fact]
    public async Task The_chaincodes_own_check_through_the_ledger_evaluate_endpoint_agrees_with_the_index_and_needs_no_idempotency_key()
    {
        var device = Device(35209917, 2);
        using var a = A;
        using var b = B;
        using var ledgerReader = network.B.Client(await network.B.CreateKeyAsync("ledger:read"));
        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "lost" })).Expect(HttpStatusCode.Created);
        await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);
        var heightBefore = network.LedgerHeight;

        var evaluated = (await ledgerReader.SendAsync(HttpMethod.Post, "/v1/ledger/eir/eir/evaluate", new { function = "CheckImei", args = new[] { device.ToString() } }, null))
            .Expect(HttpStatusCode.OK);
        var indexed = (await b.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);

        var answer = System.Text.Json.Nodes.JsonNode.Parse(evaluated.Text("result"))!;
        Assert.Equal("blackListed", (string?)answer["status"]);
        Assert.Equal(indexed.Text("status"), (string?)answer["status"]);
        Assert.Equal(indexed.Text("reason"), (string?)answer["entry"]!["reason"]);
        Assert.Equal(heightBefore, network.LedgerHeight);
    }

    [Fact]
    public async Task Grey_report_the_chaincode_finds_already_expired_is_a_400_with_the_chaincodes_reason()
    {
        // A's clock runs two hours slow, so A's own check lets through an expiry that the chaincode, judging by the
        // transaction's timestamp, finds in the past: the refusal must come back as the chaincode worded it.
        var device = Device(35209918, 6);
        var expiry = DateTimeOffset.UtcNow.AddHours(-1);
        using var a = A;
        var heightBefore = network.LedgerHeight;

        Answer refused;
        network.A.Clock.Advance(TimeSpan.FromHours(-2));
        try
        {
            refused = await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), list = "grey", reason = "duplicate", expiresAt = expiry });
        }
        finally
        {
            network.A.Clock.Reset();
        }

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(EirEndpoints.InvalidProblem, refused.Text("type"));
        Assert.StartsWith("The expiry ", refused.Text("detail"), StringComparison.Ordinal);
        Assert.EndsWith(" is not in the future.", refused.Text("detail"), StringComparison.Ordinal);
        Assert.Equal(heightBefore, network.LedgerHeight);
    }

    [Fact]
    public async Task A_report_made_while_the_eir_chaincode_is_down_is_a_503_that_succeeds_when_retried_with_its_key_once_it_is_back()
    {
        var device = Device(35209919, 1);
        var report = new { target = device.ToString(), reason = "stolen" };
        var key = Guid.NewGuid().ToString();
        using var a = A;
        (await a.PostJsonAsync("/v1/eir/entries", new { target = Device(35209919, 0).ToString(), reason = "lost" })).Expect(HttpStatusCode.Created);

        Answer? whileDown = null;
        await network.RestartChaincodeAsync(down: TimeSpan.FromMilliseconds(200), whileDown: async () =>
            whileDown = await a.SendAsync(HttpMethod.Post, "/v1/eir/entries", report, key));
        var retried = await a.SendAsync(HttpMethod.Post, "/v1/eir/entries", report, key);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, whileDown!.Status);
        Assert.Equal("urn:restcomm:problem:peer-unavailable", whileDown.Text("type"));
        Assert.Contains("error in simulation", whileDown.Text("detail"), StringComparison.Ordinal); // the peer got no answer from the chaincode
        Assert.True(retried.Status == HttpStatusCode.Created, retried.Body.ToJsonString());
        Assert.False(retried.Headers.ContainsKey("Idempotency-Replayed"));
        Assert.Equal("blackListed", (await a.GetJsonAsync($"/v1/eir/check/{device}")).Text("status"));
    }

    [Fact]
    public async Task Device_status_reads_every_page_of_a_long_history_and_of_many_ranges_from_the_ledger()
    {
        // The dev network answers range queries 100 results at a time, as Fabric's peers do: a history of 150 changes
        // and 150 ranges in one TAC take the shim's QUERY_STATE_NEXT path, which an in-memory stub never does.
        const int tac = 35209921;
        var device = Device(tac, 999_999);
        string[] reasons = ["stolen", "lost"];
        using var a = A;
        using var b = B;
        var changes = Enumerable.Range(0, 150).Select(i => new { target = device.ToString(), reason = reasons[i % 2] }).ToArray();
        var ranges = Enumerable.Range(0, 150).Select(i => new { target = $"{tac}:{i * 10:D6}-{(i * 10) + 4:D6}", reason = "fraud" }).ToArray();
        (await a.PostJsonAsync("/v1/eir/entries/bulk", new { reports = changes })).Expect(HttpStatusCode.OK);
        var reported = (await a.PostJsonAsync("/v1/eir/entries/bulk", new { reports = ranges })).Expect(HttpStatusCode.OK);
        await network.B.CaughtUpAsync(reported.Number("blockNumber") + 1);

        var status = (await b.GetJsonAsync($"/v1/eir/devices/{device}")).Expect(HttpStatusCode.OK);
        var inLastRange = (await b.GetJsonAsync($"/v1/eir/devices/{Device(tac, 1_494)}")).Expect(HttpStatusCode.OK);

        Assert.Equal(150, status.Body["history"]!.AsArray().Count);
        Assert.Equal("lost", (string?)Assert.Single(status.Body["entries"]!.AsArray())!["reason"]);
        Assert.Equal("blackListed", inLastRange.Text("status"));
        Assert.Equal($"{tac}:001490-001494|black|Org1MSP", inLastRange.Text("decidingEntryId"));
    }

    [Fact]
    public async Task An_identity_whose_certificate_lacks_the_writer_role_is_refused_with_the_chaincodes_reason_but_still_reads()
    {
        var device = Device(35209922, 5);
        using var a = A;
        using var c = C;
        var listed = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "stolen" })).Expect(HttpStatusCode.Created);
        await network.C.CaughtUpAsync(listed.Number("blockNumber") + 1);
        var heightBefore = network.LedgerHeight;

        var refused = await c.PostJsonAsync("/v1/eir/entries", new { target = Device(35209922, 6).ToString(), reason = "lost" });
        var check = (await c.GetJsonAsync($"/v1/eir/check/{device}")).Expect(HttpStatusCode.OK);

        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        Assert.Equal(EirEndpoints.ForbiddenProblem, refused.Text("type"));
        Assert.Equal(
            $"Writing to the EIR needs the certificate attribute {EirNetwork.WriterAttribute}=true, which this Org3MSP identity does not carry.",
            refused.Text("detail"));
        Assert.Equal(heightBefore, network.LedgerHeight);
        Assert.Equal("blackListed", check.Text("status"));
    }

    [Fact]
    public async Task An_entry_reported_through_rest_appears_on_the_change_stream_and_at_a_signed_webhook()
    {
        var device = Device(35209977, 424242);
        using var a = A;
        await using var target = await WebhookTarget.StartAsync();
        var subscription = (await a.PostJsonAsync("/v1/webhooks", new { url = target.Url, applications = new[] { "eir" } })).Expect(HttpStatusCode.Created);
        var secret = subscription.Text("secret");
        using var streaming = new HttpClient { BaseAddress = network.A.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        streaming.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", network.KeyA);
        using var stream = await streaming.GetAsync($"/v1/eir/changes/stream?after={subscription.Text("cursor")}", HttpCompletionOption.ResponseHeadersRead).WaitAsync(EirNetwork.Timeout);
        using var events = new StreamReader(await stream.Content.ReadAsStreamAsync());

        var reported = (await a.PostJsonAsync("/v1/eir/entries", new { target = device.ToString(), reason = "stolen" })).Expect(HttpStatusCode.Created);
        var transactionId = reported.Text("transactionId");
        var streamed = await NextChangeOfAsync(events, transactionId);
        var hook = await WebhookOfAsync(target, transactionId);
        (await a.DeleteJsonAsync($"/v1/webhooks/{subscription.Text("id")}")).Expect(HttpStatusCode.NoContent);

        Assert.Equal("text/event-stream", stream.Content.Headers.ContentType?.MediaType);
        Assert.Equal("reported", streamed.GetProperty("kind").GetString());
        Assert.Equal(device.ToString(), streamed.GetProperty("payload").GetProperty("entry").GetProperty("target").GetString());
        var delivered = JsonDocument.Parse(hook.Body).RootElement.GetProperty("changes").EnumerateArray().Single(c => c.GetProperty("transactionId").GetString() == transactionId);
        Assert.Equal(streamed.GetProperty("cursor").GetString(), delivered.GetProperty("cursor").GetString());
        var parts = hook.Signature.Split(',').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(parts["t"] + ".").Concat(hook.Body).ToArray());
        Assert.Equal(Convert.ToHexStringLower(mac), parts["v1"]);
    }

    /// <summary>Reads server-sent events until the change of <paramref name="transactionId"/>.</summary>
    private static async Task<JsonElement> NextChangeOfAsync(StreamReader events, string transactionId)
    {
        using var deadline = new CancellationTokenSource(EirNetwork.Timeout);
        while (await events.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                var change = JsonDocument.Parse(line[6..]).RootElement.Clone();
                if (change.GetProperty("transactionId").GetString() == transactionId)
                {
                    return change;
                }
            }
        }

        throw new EndOfStreamException("The change stream ended before the report's change.");
    }

    /// <summary>Waits for the webhook POST that carries <paramref name="transactionId"/>.</summary>
    private static async Task<(string Signature, byte[] Body)> WebhookOfAsync(WebhookTarget target, string transactionId)
    {
        using var deadline = new CancellationTokenSource(EirNetwork.Timeout);
        while (true)
        {
            var hook = target.Received.FirstOrDefault(h => Encoding.UTF8.GetString(h.Body).Contains(transactionId, StringComparison.Ordinal));
            if (hook.Body is not null)
            {
                return hook;
            }

            await Task.Delay(50, deadline.Token);
        }
    }
}
