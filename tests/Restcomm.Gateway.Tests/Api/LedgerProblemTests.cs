using System.Net.Http.Json;
using System.Text.Json;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>The one mapping from ledger failures to problem answers, for every endpoint group.</summary>
public sealed class LedgerProblemTests : ApiTestBase
{
    [Theory]
    [InlineData("invalid-argument", 400, 400, "chaincode-invalid")]
    [InlineData("forbidden", 403, 403, "chaincode-forbidden")]
    [InlineData("not-found", 404, 404, "chaincode-not-found")]
    [InlineData("conflict", 409, 409, "chaincode-conflict")]
    [InlineData("failed-precondition", 412, 409, "chaincode-failed-precondition")]
    [InlineData("sequence-gap", 409, 422, "chaincode-rejected")]
    public async Task A_chaincode_refusal_gets_the_problem_type_of_its_code_with_the_code_and_transaction(string code, int chaincodeStatus, int status, string slug)
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        Factory.Ledger.SubmitFailures.Enqueue(new LedgerException(new ChaincodeError(chaincodeStatus, code, "the chaincode's reason"), "tx-9"));

        var response = await client.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"function":"Report"}""", "k-" + code)).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, status, slug);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal("tx-9", problem.GetProperty("transactionId").GetString());
        Assert.Equal("the chaincode's reason", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("forbidden", 403, "eir-forbidden")]
    [InlineData("not-found", 404, "eir-not-found")]
    [InlineData("invalid-argument", 400, "eir-invalid")]
    [InlineData("conflict", 409, "eir-conflict")]
    public async Task An_eir_endpoint_answers_a_refusal_with_the_eir_type_of_its_code(string code, int status, string slug)
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirWrite);
        Factory.Ledger.SubmitFailures.Enqueue(new LedgerException(new ChaincodeError(status, code, "refused by the rules"), "tx-e"));

        var response = await client.SendAsync(Post("/v1/eir/entries", """{"target":"356938035643809","reason":"stolen"}""", "k-eir-" + code)).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, status, slug);
        Assert.Equal(code, problem.GetProperty("code").GetString());
        Assert.Equal("refused by the rules", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_eir_endpoint_does_not_show_the_text_of_an_uncoded_chaincode_failure()
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirWrite);
        Factory.Ledger.SubmitFailures.Enqueue(new LedgerException(new ChaincodeError(500, ChaincodeErrorCodes.Internal, "composite key part 'Org1\u0000' holds U+0000 at eir.imei/356938035643809"), "tx-i"));

        var response = await client.SendAsync(Post("/v1/eir/entries", """{"target":"356938035643809","reason":"stolen"}""", "k-internal")).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, 422, "chaincode-rejected");
        Assert.DoesNotContain("composite", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("eir.imei", await response.Content.ReadAsStringAsync().WaitAsync(Timeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_chaincode_answer_is_503_peer_unavailable_on_every_group()
    {
        var ledgerClient = await Factory.ClientWithKeyAsync(ApiScopes.LedgerWrite);
        var eirClient = await Factory.ClientWithKeyAsync(ApiScopes.EirWrite);
        Factory.Ledger.SubmitFailures.Enqueue(new LedgerException(LedgerFailure.Unavailable, "no peer answered"));
        Factory.Ledger.SubmitFailures.Enqueue(new LedgerException(LedgerFailure.Unavailable, "no peer answered"));

        var ledger = await ledgerClient.SendAsync(Post("/v1/ledger/eir/eir/submit", """{"function":"Report"}""", "k-u1")).WaitAsync(Timeout);
        var eir = await eirClient.SendAsync(Post("/v1/eir/entries", """{"target":"356938035643809","reason":"stolen"}""", "k-u2")).WaitAsync(Timeout);

        await ReadProblemAsync(ledger, 503, "peer-unavailable");
        await ReadProblemAsync(eir, 503, "peer-unavailable");
    }

    [Fact]
    public async Task The_problem_list_names_the_types_of_every_endpoint_group()
    {
        var client = Factory.CreateClient();

        var types = (await client.GetFromJsonAsync<JsonElement>("/problems").WaitAsync(Timeout)).EnumerateArray()
            .ToDictionary(t => t.GetProperty("type").GetString()!, t => t.GetProperty("status").GetInt32());

        foreach (var (slug, status) in new[] { ("eir-invalid", 400), ("eir-forbidden", 403), ("eir-not-found", 404), ("eir-conflict", 409),
                     ("chaincode-forbidden", 403), ("chaincode-rejected", 422), ("peer-unavailable", 503), ("malformed-request", 400) })
        {
            Assert.Equal(status, types["urn:restcomm:problem:" + slug]);
        }
    }

    [Fact]
    public async Task The_openapi_document_lists_every_answer_of_an_eir_write_with_schemas_and_a_summary()
    {
        var client = Factory.CreateClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json").WaitAsync(Timeout);
        var report = document.GetProperty("paths").GetProperty("/v1/eir/entries").GetProperty("post");

        Assert.False(string.IsNullOrWhiteSpace(report.GetProperty("summary").GetString()));
        Assert.True(report.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        var responses = report.GetProperty("responses");
        foreach (var status in new[] { "200", "201" })
        {
            Assert.True(responses.GetProperty(status).GetProperty("content").GetProperty("application/json").TryGetProperty("schema", out _), status);
        }

        foreach (var status in new[] { "400", "401", "403", "404", "409", "422", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out var answer), $"no {status}");
            Assert.True(answer.GetProperty("content").TryGetProperty("application/problem+json", out _), $"{status} is not problem+json");
        }
    }

    [Theory]
    [InlineData("{\"target\":")]
    [InlineData("{\"target\": 12}")]
    [InlineData("[1]")]
    public async Task Malformed_json_is_a_malformed_request_without_dotnet_type_names(string body)
    {
        var client = await Factory.ClientWithKeyAsync(ApiScopes.EirWrite);

        var response = await client.SendAsync(Post("/v1/eir/entries", body, "k-bad-" + body.Length)).WaitAsync(Timeout);

        var problem = await ReadProblemAsync(response, 400, "malformed-request");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.DoesNotContain("System.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Restcomm.", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("ReportRequest", detail, StringComparison.Ordinal);
        Assert.Equal(0, Factory.Ledger.Submits);
    }
}
