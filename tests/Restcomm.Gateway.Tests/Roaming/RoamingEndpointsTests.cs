using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Gateway.Tests.Roaming;

/// <summary>
/// The roaming endpoints in the real API host (keys, scopes, idempotency, store, projection engine) of three operators,
/// in memory, over one in-process ledger running the real roaming contract. The ledger's clock starts inside January
/// 2025, the period the usage is in.
/// </summary>
public sealed class RoamingEndpointsTests : IAsyncLifetime
{
    internal const string AgreementId = "AB-2025";
    internal const string Period = "2025-01";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    internal static readonly Dictionary<string, string> Roles = new() { ["roaming.submitter"] = "true", ["roaming.approver"] = "true" };
    internal static readonly string File1 = FileId.Format("AAAA1", "BBBB2", 1);

    private readonly ManualClock _clock = new(new DateTimeOffset(2025, 1, 20, 10, 0, 0, TimeSpan.Zero));
    private readonly InProcessRoamingLedger _ledger;
    private readonly RoamingOperatorApi _a;
    private readonly RoamingOperatorApi _b;
    private readonly RoamingOperatorApi _c;

    public RoamingEndpointsTests()
    {
        _ledger = new InProcessRoamingLedger(_clock);
        _a = new RoamingOperatorApi(_ledger, "Org1MSP", TestIdentity.Create("Org1MSP", "User1@org1.example.com", Roles));
        _b = new RoamingOperatorApi(_ledger, "Org2MSP", TestIdentity.Create("Org2MSP", "User1@org2.example.com", Roles));
        _c = new RoamingOperatorApi(_ledger, "Org3MSP", TestIdentity.Create("Org3MSP", "User1@org3.example.com", Roles));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
    }

    [Fact]
    public async Task Agreement_proposed_by_A_and_accepted_by_B_is_active_in_Bs_read_model_as_of_the_acceptance_block()
    {
        using var a = await _a.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        using var b = await _b.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);

        var proposed = await Send(a, "/v1/roaming/agreements", Agreement(), HttpStatusCode.Created);
        var accepted = await Send(b, $"/v1/roaming/agreements/{AgreementId}/accept", new { documentHash = (string?)proposed["documentHash"] }, HttpStatusCode.OK);
        var seen = await Get(b, $"/v1/roaming/agreements/{AgreementId}", HttpStatusCode.OK);
        var listed = await Get(b, "/v1/roaming/agreements?party=Org1MSP", HttpStatusCode.OK);

        Assert.Equal("proposed", (string?)proposed["agreement"]!["status"]);
        Assert.Equal("active", (string?)seen["agreement"]!["status"]);
        Assert.Equal((long)accepted["blockNumber"]! + 1, (long)accepted["blockHeight"]!);
        Assert.True((long)seen["blockHeight"]! >= (long)accepted["blockHeight"]!);
        Assert.Equal(AgreementId, (string?)Assert.Single(listed["items"]!.AsArray())!["agreementId"]);
    }

    [Fact]
    public async Task Closing_a_period_that_has_not_ended_is_a_roaming_failed_precondition_carrying_the_chaincodes_period_open_code()
    {
        using var a = await _a.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        using var b = await _b.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        await AgreeAsync(a, b);

        var refused = await Send(a, "/v1/roaming/statements", new { agreementId = AgreementId, period = Period }, HttpStatusCode.Conflict);

        Assert.Equal("urn:restcomm:problem:roaming-failed-precondition", (string?)refused["type"]);
        Assert.Equal("period-open", (string?)refused["code"]);
    }

    [Fact]
    public async Task Batches_are_listed_by_home_operator_page_by_page_and_a_cursor_the_api_did_not_issue_is_400()
    {
        using var a = await _a.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        using var b = await _b.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        await AgreeAsync(a, b);
        for (var batch = 1; batch <= 3; batch++)
        {
            await Send(a, "/v1/roaming/batches", Batch(1, batch, [Moc(60, 120, batch)]), HttpStatusCode.Created);
        }

        await _b.CaughtUpAsync(_ledger.Height);
        var first = await Get(b, "/v1/roaming/batches?home=Org2MSP&limit=2", HttpStatusCode.OK);
        var second = await Get(b, $"/v1/roaming/batches?home=Org2MSP&limit=2&cursor={Uri.EscapeDataString((string)first["nextCursor"]!)}", HttpStatusCode.OK);
        var none = await Get(b, "/v1/roaming/batches?home=Org1MSP", HttpStatusCode.OK);
        var bad = await Get(b, "/v1/roaming/batches?cursor=bm90LW91cnM", HttpStatusCode.BadRequest);

        Assert.Equal([1, 2], first["items"]!.AsArray().Select(i => (int)i!["header"]!["batchNumber"]!));
        Assert.Equal([3], second["items"]!.AsArray().Select(i => (int)i!["header"]!["batchNumber"]!));
        Assert.Null(second["nextCursor"]);
        Assert.Empty(none["items"]!.AsArray());
        Assert.Equal("urn:restcomm:problem:invalid-cursor", (string?)bad["type"]);
        Assert.Equal(_ledger.Height, (long)first["blockHeight"]!);
    }

    [Fact]
    public async Task Operator_C_is_refused_records_and_documents_but_verifies_Bs_proof_against_its_own_public_header()
    {
        using var a = await _a.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        using var b = await _b.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        using var c = await _c.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        await AgreeAsync(a, b);
        await Send(a, "/v1/roaming/batches", Batch(1, 1, [Moc(60, 120, 1), Moc(120, 240, 2), Moc(61, 240, 3)]), HttpStatusCode.Created);
        await _c.CaughtUpAsync(_ledger.Height);

        var records = await Get(c, $"/v1/roaming/batches/{File1}/1/records", HttpStatusCode.Forbidden);
        var document = await Get(c, $"/v1/roaming/agreements/{AgreementId}/document", HttpStatusCode.Forbidden);
        var header = await Get(c, $"/v1/roaming/batches/{File1}/1", HttpStatusCode.OK);
        var proof = await Get(b, $"/v1/roaming/batches/{File1}/1/records/2/proof", HttpStatusCode.OK);
        var valid = await Send(c, $"/v1/roaming/batches/{File1}/1/proof-verification", new { canonicalRecord = (string?)proof["canonicalRecord"], proof = proof["proof"] }, HttpStatusCode.OK);
        var otherRecord = await Get(b, $"/v1/roaming/batches/{File1}/1/records/1/proof", HttpStatusCode.OK);
        var mismatched = await Send(c, $"/v1/roaming/batches/{File1}/1/proof-verification", new { canonicalRecord = (string?)otherRecord["canonicalRecord"], proof = proof["proof"] }, HttpStatusCode.OK);

        Assert.Equal("urn:restcomm:problem:roaming-forbidden", (string?)records["type"]);
        Assert.Equal("urn:restcomm:problem:roaming-forbidden", (string?)document["type"]);
        Assert.Equal(3, (int)header["batch"]!["header"]!["recordCount"]!);
        Assert.DoesNotContain("2341500000", header.ToJsonString(), StringComparison.Ordinal);
        Assert.True((bool)proof["verifiedAgainstHeader"]!);
        Assert.True((bool)valid["valid"]!, valid.ToJsonString());
        Assert.False((bool)mismatched["valid"]!);
    }

    [Fact]
    public async Task Rap_download_returns_each_rejected_record_with_its_error_code_and_is_refused_for_a_batch_without_rejections()
    {
        using var a = await _a.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        using var b = await _b.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        await AgreeAsync(a, b);
        await Send(a, "/v1/roaming/batches", Batch(1, 1, [Moc(60, 120, 1), Moc(120, 240, 2), Moc(180, 360, 3)]), HttpStatusCode.Created);
        var nothing = await Get(b, $"/v1/roaming/batches/{File1}/1/rap", HttpStatusCode.Conflict);

        await Send(b, $"/v1/roaming/batches/{File1}/1/rejections", new { rejections = new[] { new { index = 2, errorCode = 200 }, new { index = 0, errorCode = 34 } } }, HttpStatusCode.OK);
        using var rap = await b.GetAsync(new Uri($"/v1/roaming/batches/{File1}/1/rap?sequence=00007", UriKind.Relative)).WaitAsync(Timeout);
        var file = RapDecoder.Decode(await rap.Content.ReadAsByteArrayAsync()).ReturnBatch!;

        Assert.Equal("urn:restcomm:problem:roaming-failed-precondition", (string?)nothing["type"]);
        Assert.Equal(HttpStatusCode.OK, rap.StatusCode);
        Assert.Equal("00007", file.BatchControl.RapFileSequenceNumber);
        Assert.Equal("BBBB2", file.BatchControl.Sender);
        var returns = file.Returns.Cast<RapSevereReturn>().ToList();
        Assert.Equal([34, 200], returns.Select(r => r.Errors.Single().ErrorCode));
        Assert.Equal(["234150000000001", "234150000000003"], returns.Select(r => r.CallEvent!.Imsi!));
        Assert.Equal(120 + 360, file.TotalSevereReturnValue);
    }

    [Fact]
    public async Task A_read_only_key_cannot_submit_a_batch_and_nothing_reaches_the_ledger()
    {
        using var a = await _a.ClientAsync(ApiScopes.RoamingRead);
        var submits = _ledger.Submits;

        var refused = await Send(a, "/v1/roaming/batches", Batch(1, 1, [Moc(60, 120, 1)]), HttpStatusCode.Forbidden);

        Assert.Equal("urn:restcomm:problem:insufficient-scope", (string?)refused["type"]);
        Assert.Equal(submits, _ledger.Submits);
    }

    [Fact]
    public async Task Repeating_a_batch_with_the_same_idempotency_key_replays_the_answer_without_a_transaction()
    {
        using var a = await _a.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        using var b = await _b.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        await AgreeAsync(a, b);
        var body = Batch(1, 1, [Moc(60, 120, 1)]);

        using var first = await a.SendAsync(Post("/v1/roaming/batches", body, "batch-1")).WaitAsync(Timeout);
        var submits = _ledger.Submits;
        using var second = await a.SendAsync(Post("/v1/roaming/batches", body, "batch-1")).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotency-Replayed").Single());
        Assert.Equal(submits, _ledger.Submits);
    }

    [Fact]
    public async Task The_openapi_document_lists_every_roaming_operation_with_a_summary_and_schemas_for_its_answers()
    {
        using var client = _a.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json").WaitAsync(Timeout);
        var operations = document.GetProperty("paths").EnumerateObject()
            .Where(p => p.Name.StartsWith("/v1/roaming/", StringComparison.Ordinal))
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name is "get" or "post").Select(o => (Path: p.Name, Method: o.Name, Operation: o.Value)))
            .ToList();

        // 11 of the roaming group, the change feed's poll and stream, and the TAP uploads' list and single read.
        Assert.Equal(15, operations.Count(o => o.Method == "get"));
        Assert.Equal(14, operations.Count(o => o.Method == "post"));
        foreach (var (path, method, operation) in operations)
        {
            var where = $"{method} {path}";
            Assert.False(string.IsNullOrWhiteSpace(operation.GetProperty("summary").GetString()), where);
            var responses = operation.GetProperty("responses");
            var success = responses.TryGetProperty("201", out var created) ? created
                : responses.TryGetProperty("202", out var accepted) ? accepted : responses.GetProperty("200");
            Assert.True(success.GetProperty("content").EnumerateObject().Single().Value.TryGetProperty("schema", out _), where);
            Assert.True(responses.GetProperty("400").GetProperty("content").TryGetProperty("application/problem+json", out _), where);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private async Task AgreeAsync(HttpClient a, HttpClient b)
    {
        var proposed = await Send(a, "/v1/roaming/agreements", Agreement(), HttpStatusCode.Created);
        await Send(b, $"/v1/roaming/agreements/{AgreementId}/accept", new { documentHash = (string?)proposed["documentHash"] }, HttpStatusCode.OK);
    }

    private static HttpRequestMessage Post(string path, object body, string idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body, options: RoamingJson.Options) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return request;
    }

    private static async Task<JsonNode> Send(HttpClient client, string path, object body, HttpStatusCode expected)
    {
        using var response = await client.SendAsync(Post(path, body, Guid.NewGuid().ToString())).WaitAsync(Timeout);
        return await Read(response, expected);
    }

    private static async Task<JsonNode> Get(HttpClient client, string path, HttpStatusCode expected)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative)).WaitAsync(Timeout);
        return await Read(response, expected);
    }

    private static async Task<JsonNode> Read(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    /// <summary>A (Org1MSP, AAAA1) and B (Org2MSP, BBBB2): MOC local 120/min per 60 s in A's network, 100/min in B's.</summary>
    internal static AgreementDocument Agreement() => new()
    {
        AgreementId = AgreementId,
        PartyA = new AgreementParty { MspId = "Org1MSP", Tadigs = ["AAAA1"] },
        PartyB = new AgreementParty { MspId = "Org2MSP", Tadigs = ["BBBB2"] },
        ValidFrom = new DateOnly(2025, 1, 1),
        ValidTo = new DateOnly(2026, 12, 31),
        Currency = "SDR",
        PaymentTerms = "15+15",
        Directions =
        [
            new DirectionTerms { VisitedMspId = "Org1MSP", Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 120, ChargingIncrement = 60 }] },
            new DirectionTerms { VisitedMspId = "Org2MSP", Rates = [new ServiceRate { Service = RoamingService.MocLocal, PricePerUnit = 100, ChargingIncrement = 60 }] },
        ],
    };

    internal static object Batch(int file, int batch, UsageRecord[] records)
        => new { agreementId = AgreementId, senderTadig = "AAAA1", recipientTadig = "BBBB2", fileSequenceNumber = file, batchNumber = batch, period = Period, records };

    /// <summary>MOC local of subscriber 23415000000000n on 10 January 2025.</summary>
    internal static UsageRecord Moc(long seconds, long charge, int n) => new()
    {
        Service = RoamingService.MocLocal,
        EventTimeUtc = new DateTimeOffset(2025, 1, 10, 9, n, 0, TimeSpan.Zero),
        UtcOffsetMinutes = 60,
        Quantity = seconds,
        ChargeMinor = charge,
        DecimalPlaces = 3,
        TapRecordSha256 = UsageRecord.TapHash(BitConverter.GetBytes(n * 7919L + seconds)),
        Imsi = $"23415000000000{n}",
        CallReference = $"call-{n}",
    };
}
