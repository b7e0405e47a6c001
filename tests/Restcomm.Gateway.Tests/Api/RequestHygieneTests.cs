using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Tests.Api;

public sealed class RequestHygieneTests : ApiTestBase
{
    [Theory]
    [InlineData("{bad json")]
    [InlineData("""{"function": 42}""")]
    [InlineData("""{"function": "Report", "args": "not-an-array"}""")]
    [InlineData("[]")]
    [InlineData("null")]
    public async Task A_malformed_body_gets_400_problem_json_saying_what_is_wrong(string body)
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, Guid.NewGuid().ToString())).WaitAsync(Timeout);

        await ReadProblemAsync(response, 400, "malformed-request");
        Assert.Equal(0, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task A_query_parameter_of_the_wrong_type_gets_400_naming_the_parameter()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerRead);

        var response = await client.GetAsync("/v1/events?limit=many").WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, 400, "malformed-request");
        Assert.Contains("limit", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_failure_is_a_500_problem_without_internals_and_is_logged_without_its_message()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        Factory.Ledger.Unexpected = new InvalidOperationException("subscriber 262011234567890 broke it");

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"function":"Report"}""", "k-500")).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, 500, "internal-error");
        Assert.DoesNotContain("262011234567890", problem.GetRawText(), StringComparison.Ordinal);
        var logs = string.Join('\n', Factory.LogLines);
        Assert.Contains("System.InvalidOperationException", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("262011234567890", logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_body_gets_400_problem_json()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", "", "k-empty")).WaitAsync(Timeout);

        await ReadProblemAsync(response, 400, "malformed-request");
    }

    [Fact]
    public async Task A_body_that_is_not_json_gets_415_problem_json()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", "function=Report", "k-form", "text/plain")).WaitAsync(Timeout);

        await ReadProblemAsync(response, 415, "unsupported-media-type");
    }

    [Fact]
    public async Task A_missing_function_gets_400_validation_failed_naming_the_field()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"args":["a"]}""", "k-novalid")).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, 400, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("function", out _));
    }

    [Fact]
    public async Task A_post_without_an_idempotency_key_gets_400_and_runs_nothing()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"function":"Report"}""")).WaitAsync(Timeout);

        await ReadProblemAsync(response, 400, "missing-idempotency-key");
        Assert.Equal(0, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task A_post_repeated_with_the_same_idempotency_key_runs_once_and_returns_the_same_result()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        const string body = """{"function":"Report","args":["353456789012347"]}""";

        var first = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "order-1")).WaitAsync(Timeout);
        var second = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "order-1")).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, Factory.Ledger.Submits);
        var firstBody = await first.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.Equal(firstBody, await second.Content.ReadAsStringAsync().WaitAsync(Timeout));
        Assert.Equal("tx-0001", JsonDocument.Parse(firstBody).RootElement.GetProperty("transactionId").GetString());
        Assert.False(first.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotency-Replayed").Single());
        Assert.Equal(first.Content.Headers.ContentType, second.Content.Headers.ContentType);
    }

    [Fact]
    public async Task Concurrent_posts_with_one_idempotency_key_run_once_and_the_others_replay_or_are_told_to_retry()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        Factory.Ledger.SubmitDelay = TimeSpan.FromMilliseconds(300);
        const string body = """{"function":"Report","args":["x"]}""";

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "order-race")))).WaitAsync(Timeout);

        Assert.Equal(1, Factory.Ledger.Submits);
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK && !r.Headers.Contains("Idempotency-Replayed"));
        Assert.All(responses, r => Assert.True(
            r.StatusCode == HttpStatusCode.OK || (r.StatusCode == HttpStatusCode.Conflict && r.Headers.RetryAfter is not null),
            $"unexpected {(int)r.StatusCode}"));
    }

    [Fact]
    public async Task The_same_idempotency_key_with_a_different_body_gets_409()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        await client.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"function":"Report","args":["1"]}""", "order-2")).WaitAsync(Timeout);

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"function":"Report","args":["2"]}""", "order-2")).WaitAsync(Timeout);

        await ReadProblemAsync(response, 409, "idempotency-key-reused");
        Assert.Equal(1, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task The_same_idempotency_key_on_another_path_gets_409()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite, ApiScopes.EirWrite);
        const string body = """{"function":"Report"}""";
        await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "k-3")).WaitAsync(Timeout);

        var response = await client.SendAsync(Post("/v1/eir/delegations", body, "k-3")).WaitAsync(Timeout);

        await ReadProblemAsync(response, 409, "idempotency-key-reused");
        Assert.Equal(1, Factory.Ledger.Submits);
    }

    [Theory]
    [InlineData("/v1/ledger/eir/eir/evaluate", """{"function":"Check","args":["1"]}""", """{"function":"Check","args":["1","2"]}""")]
    [InlineData("/v1/eir/check", """{"imeis":["352099001761481"]}""", """{"imeis":["490154203237518"]}""")]
    public async Task A_post_that_only_reads_needs_no_idempotency_key_and_none_of_its_answers_is_stored(string path, string body, string otherBody)
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerRead, ApiScopes.EirRead);

        var withoutKey = await client.SendAsync(Post(path, body)).WaitAsync(Timeout);
        var withKey = await client.SendAsync(Post(path, body, "read-1")).WaitAsync(Timeout);
        var sameKeyOtherQuestion = await client.SendAsync(Post(path, otherBody, "read-1")).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, withoutKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        Assert.Equal(HttpStatusCode.OK, sameKeyOtherQuestion.StatusCode);
        Assert.False(sameKeyOtherQuestion.Headers.Contains("Idempotency-Replayed"));
        Assert.NotEqual(
            await withKey.Content.ReadAsStringAsync().WaitAsync(Timeout),
            await sameKeyOtherQuestion.Content.ReadAsStringAsync().WaitAsync(Timeout));
    }

    [Fact]
    public async Task A_server_side_failure_is_not_stored_so_the_retry_runs()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        Factory.Ledger.SubmitFailures.Enqueue(new LedgerException(LedgerFailure.Unavailable, "peer 127.0.0.1:7101 is unreachable"));
        const string body = """{"function":"Report"}""";

        var failed = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "order-4")).WaitAsync(Timeout);
        var retried = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "order-4")).WaitAsync(Timeout);

        await ReadProblemAsync(failed, 503, "peer-unavailable");
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(2, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task A_chaincode_rejection_is_422_and_is_replayed_like_any_answer()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        Factory.Ledger.SubmitFailures.Enqueue(new LedgerException(LedgerFailure.Rejected, "chaincode response 500, IMEI fails the Luhn check", "tx-bad"));
        const string body = """{"function":"Report","args":["123"]}""";

        var first = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "order-5")).WaitAsync(Timeout);
        var again = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "order-5")).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(first, 422, "chaincode-rejected");
        Assert.Equal("tx-bad", problem.GetProperty("transactionId").GetString());
        await ReadProblemAsync(again, 422, "chaincode-rejected");
        Assert.Equal(1, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_gets_413()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        var body = JsonSerializer.Serialize(new { function = "Report", args = new[] { new string('x', 5000) } });

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", body, "k-big")).WaitAsync(Timeout);

        await ReadProblemAsync(response, 413, "payload-too-large");
        Assert.Equal(0, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task A_bulk_endpoint_takes_a_body_over_the_usual_limit_up_to_the_bulk_limit()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirRead, ApiScopes.EirWrite, ApiScopes.LedgerRead);
        // 18 bytes per IMEI: 1,000 are over the usual 4 KiB limit and under the 64 KiB bulk limit; 5,000 are over both.
        static string Imeis(int count) => JsonSerializer.Serialize(new { imeis = Enumerable.Repeat("352099001761481", count) });
        var reports = JsonSerializer.Serialize(new { reports = Enumerable.Range(0, 200).Select(i => new { target = i < 199 ? "352099001761481" : "352099001761482", reason = "stolen" }) });

        var check = await client.SendAsync(Post("/v1/eir/check", Imeis(1_000))).WaitAsync(Timeout);
        var report = await client.SendAsync(Post("/v1/eir/entries/bulk", reports, "bulk-1")).WaitAsync(Timeout);
        var tooLarge = await client.SendAsync(Post("/v1/eir/check", Imeis(5_000))).WaitAsync(Timeout);
        var notBulk = await client.SendAsync(Post("/v1/ledger/eir/eir/evaluate", JsonSerializer.Serialize(new { function = "F", args = new[] { new string('x', 5_000) } }))).WaitAsync(Timeout);

        Assert.True(reports.Length > 4096);
        Assert.Equal(HttpStatusCode.OK, check.StatusCode);
        Assert.Equal(1_000, (await check.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout)).GetProperty("count").GetInt32());
        var invalid = await ReadProblemAsync(report, 400, "eir-invalid");
        Assert.Contains("352099001761482", invalid.GetProperty("detail").GetString(), StringComparison.Ordinal); // the last report: all was read
        await ReadProblemAsync(tooLarge, 413, "payload-too-large");
        await ReadProblemAsync(notBulk, 413, "payload-too-large");
        Assert.Equal(0, Factory.Ledger.Submits);
    }

    [Fact]
    public async Task Unknown_paths_and_methods_get_problem_json()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerRead);

        var missing = await client.GetAsync("/v1/nothing-here").WaitAsync(Timeout);
        var method = await client.DeleteAsync("/v1/events").WaitAsync(Timeout);

        await ReadProblemAsync(missing, 404, "not-found");
        await ReadProblemAsync(method, 405, "method-not-allowed");
    }

    [Fact]
    public async Task Evaluate_passes_function_args_and_transient_data_to_the_ledger()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerRead);
        var body = """{"function":"eir:Check","args":["a","b"],"transient":{"secret":"AQID"},"endorsingOrganizations":["Org1MSP"]}""";

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/evaluate", body, "k-eval")).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        Assert.Equal("""{"function":"eir:Check","args":2}""", result.GetProperty("result").GetString());
        var call = Assert.Single(Factory.Ledger.Calls);
        Assert.Equal(("eir", "eir", "eir:Check"), (call.Channel, call.Chaincode, call.Function));
        Assert.Equal(["a", "b"], call.Args);
        Assert.Equal(new byte[] { 1, 2, 3 }, call.Transient!["secret"]);
        Assert.Equal(["Org1MSP"], call.EndorsingOrganisations!);
    }

    [Fact]
    public async Task Transient_values_that_are_not_base64_get_400_validation_failed()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerRead);

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/evaluate", """{"function":"F","transient":{"k":"%%%"}}""", "k-t")).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, 400, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("transient.k", out _));
    }

    [Fact]
    public async Task Request_logs_carry_route_templates_not_raw_paths_or_keys()
    {
        await using var factory = Factory.WithWebHostBuilder(b => b.UseSetting("Logging:LogLevel:Restcomm.Gateway.Api.Internal.RequestLogMiddleware", "Debug"));
        var (client, token) = await ReaderAsync(factory);

        await client.SendAsync(Post("/v1/ledger/eir/eir/evaluate", """{"function":"Check","args":["353456789012347"]}""", "k-log")).WaitAsync(Timeout);
        await client.GetAsync("/v1/events?channel=353456789012347").WaitAsync(Timeout);

        var logs = string.Join('\n', Factory.LogLines);
        Assert.Contains("/v1/ledger/{channel}/{chaincode}/evaluate", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("353456789012347", logs, StringComparison.Ordinal);
        Assert.DoesNotContain(token[20..], logs, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Successful_reads_are_logged_only_at_debug_while_writes_and_failures_are_logged_at_information()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerRead, ApiScopes.LedgerWrite);

        await client.GetAsync("/v1/me").WaitAsync(Timeout);
        await client.SendAsync(Post("/v1/ledger/eir/eir/evaluate", """{"function":"Check"}""")).WaitAsync(Timeout);
        await client.GetAsync("/v1/no-such-thing").WaitAsync(Timeout);
        await client.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"function":"Report"}""", "k-level")).WaitAsync(Timeout);

        var requestLines = RequestLines(Factory);
        Assert.DoesNotContain(requestLines, l => l.Contains("/v1/me", StringComparison.Ordinal));
        Assert.DoesNotContain(requestLines, l => l.Contains("/evaluate", StringComparison.Ordinal));
        Assert.Contains(requestLines, l => l.StartsWith("Information ", StringComparison.Ordinal) && l.Contains("(unmatched) -> 404", StringComparison.Ordinal));
        Assert.Contains(requestLines, l => l.StartsWith("Information ", StringComparison.Ordinal) && l.Contains("POST /v1/ledger/{channel}/{chaincode}/submit -> 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Successful_reads_are_logged_when_the_request_log_is_turned_up_to_debug()
    {
        await using var factory = Factory.WithWebHostBuilder(b => b.UseSetting("Logging:LogLevel:Restcomm.Gateway.Api.Internal.RequestLogMiddleware", "Debug"));
        var (client, _) = await ReaderAsync(factory);

        var response = await client.GetAsync("/v1/me").WaitAsync(Timeout);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(RequestLines(Factory), l => l.StartsWith("Debug ", StringComparison.Ordinal) && l.Contains("GET /v1/me -> 200", StringComparison.Ordinal));
    }

    /// <summary>A client of <paramref name="factory"/> holding a fresh ledger:read key (sent as X-Api-Key), and that key.</summary>
    private async Task<(HttpClient Client, string Token)> ReaderAsync(Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactory<Program> factory)
    {
        var token = await Factory.CreateKeyAsync("Org1MSP", ApiScopes.LedgerRead);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-Api-Key", token);
        return (client, token);
    }

    private static List<string> RequestLines(Infrastructure.GatewayApiFactory factory)
        => factory.LogLines.Where(l => l.Contains("Restcomm.Gateway.Api.Internal.RequestLogMiddleware", StringComparison.Ordinal)).ToList();
}
