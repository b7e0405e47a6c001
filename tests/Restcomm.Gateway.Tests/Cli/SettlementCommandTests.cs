extern alias cli;

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using SettlementCommand = cli::Restcomm.Cli.Settlement.SettlementCommand;

namespace Restcomm.Gateway.Tests.Cli;

/// <summary><c>restcomm settlement …</c>: the HTTP call each sub-command makes, and how answers and refusals end.</summary>
public sealed class SettlementCommandTests
{
    private static readonly string[] Api = ["--url", "http://127.0.0.1:1", "--key", "k"];

    [Fact]
    public async Task A_juror_commits_from_the_shell_and_only_the_sha256_of_dispute_vote_and_salt_leaves_the_machine()
    {
        var handler = new Recorder(HttpStatusCode.OK, """{"result":{"juror":"Org3MSP"}}""");

        var (code, stdout, _) = await Run(handler, "disputes", "commit", "d-1", "uphold", "--salt", "s3cret-salt");

        Assert.Equal(0, code);
        Assert.Contains("Org3MSP", stdout, StringComparison.Ordinal);
        var request = Assert.Single(handler.Requests);
        Assert.Equal(("POST", "/v1/settlement/disputes/d-1/commit"), (request.Method, request.Path));
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("d-1|uphold|s3cret-salt"u8));
        Assert.Equal(expected, (string?)JsonNode.Parse(request.Body)!["commitment"]);
        Assert.DoesNotContain("s3cret", request.Body, StringComparison.Ordinal);
        Assert.True(request.HasIdempotencyKey);
    }

    [Fact]
    public async Task A_refused_payment_exits_1_with_the_problem_and_its_code_on_stderr()
    {
        var handler = new Recorder(HttpStatusCode.Conflict,
            """{"type":"urn:restcomm:problem:settlement-failed-precondition","detail":"Org2MSP holds 5 RCB minor units","code":"insufficient-funds"}""", "application/problem+json");

        var (code, _, stderr) = await Run(handler, "statements", "pay", "AB-2025", "2025-01");

        Assert.Equal(1, code);
        Assert.Contains("settlement-failed-precondition", stderr, StringComparison.Ordinal);
        Assert.Contains("insufficient-funds", stderr, StringComparison.Ordinal);
        Assert.Equal("/v1/settlement/statements/AB-2025/2025-01/pay", Assert.Single(handler.Requests).Path);
    }

    [Fact]
    public async Task A_transfer_sends_minor_units_and_a_malformed_amount_is_a_usage_error_without_a_call()
    {
        var handler = new Recorder(HttpStatusCode.OK, "{}");

        var (ok, _, _) = await Run(handler, "transfer", "Org2MSP", "2620", "--from", "Org1MSP/treasury");
        var (bad, _, stderr) = await Run(handler, "transfer", "Org2MSP", "26.20");

        Assert.Equal((0, 2), (ok, bad));
        Assert.Contains("usage", stderr, StringComparison.Ordinal);
        var body = JsonNode.Parse(Assert.Single(handler.Requests).Body)!;
        Assert.Equal((2620L, "Org2MSP", "Org1MSP/treasury"), ((long)body["amount"]!, (string?)body["to"], (string?)body["from"]));
    }

    private static async Task<(int Code, string Out, string Err)> Run(HttpMessageHandler handler, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await SettlementCommand.RunAsync([.. args, .. Api], stdout, stderr, handler, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, stdout.ToString(), stderr.ToString());
    }

    private sealed record Sent(string Method, string Path, string Body, bool HasIdempotencyKey);

    private sealed class Recorder(HttpStatusCode status, string answer, string mediaType = "application/json") : HttpMessageHandler
    {
        public List<Sent> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add(new Sent(request.Method.Method, request.RequestUri!.AbsolutePath, body, request.Headers.Contains("Idempotency-Key")));
            return new HttpResponseMessage(status) { Content = new StringContent(answer, Encoding.UTF8, mediaType) };
        }
    }
}
