extern alias cli;

using System.Text.Json.Nodes;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Gateway.Tests.Numbers;

namespace Restcomm.Gateway.Tests.Cli;

/// <summary>
/// <c>restcomm numbers …</c> against two providers' real API hosts (in memory, over the in-process numbers ledger):
/// the CLI's HTTP goes to the host's test server instead of a socket.
/// </summary>
public sealed class NumbersCommandTests : IAsyncLifetime
{
    private const string Hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private InProcessNumbersLedger _ledger = null!;
    private NumbersOperatorApi _a = null!;
    private NumbersOperatorApi _b = null!;
    private string _keyA = "";
    private string _keyB = "";

    public async Task InitializeAsync()
    {
        _ledger = new InProcessNumbersLedger(_clock);
        _a = new NumbersOperatorApi(_ledger, "Org1MSP", TestIdentity.Create("Org1MSP", "User1@org1.example.com"), _clock);
        _b = new NumbersOperatorApi(_ledger, "Org2MSP", TestIdentity.Create("Org2MSP", "User1@org2.example.com"), _clock);
        _keyA = await KeyAsync(_a);
        _keyB = await KeyAsync(_b);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task Providers_publish_look_up_and_port_a_number_from_the_shell_and_a_refusal_is_exit_1_with_the_problem()
    {
        var published = await RunAsync(_a, _keyA, "publish", "+447700900123", "--capabilities", "voice,sms", "--uri", "voice=sip:+447700900123@ims.example.com",
            "--consent-hash", Hash, "--consent-at", "2026-01-01T00:00:00Z", "--cnam", "ACME PLUMBING");
        var lookup = await RunAsync(_b, _keyB, "lookup", "+447700900123", "+447700900999");
        var requested = await RunAsync(_b, _keyB, "port", "request", "+447700900123", "--consent-hash", Hash);
        var refused = await RunAsync(_a, _keyA, "port", "activate", "447700900123-1");
        var concurred = await RunAsync(_a, _keyA, "port", "concur", "447700900123-1");
        var activated = await RunAsync(_b, _keyB, "port", "activate", "447700900123-1");
        var changes = await RunAsync(_b, _keyB, "changes", "--limit", "10");

        Assert.Equal(0, published.Code);
        Assert.Contains("\"+447700900123\"", published.Out, StringComparison.Ordinal);
        Assert.Equal("sip:+447700900123@ims.example.com", (string?)JsonNode.Parse(published.Out)!["record"]!["profile"]!["capabilities"]![1]!["uri"]);
        Assert.Equal(0, lookup.Code);
        Assert.Equal([true, false], JsonNode.Parse(lookup.Out)!["results"]!.AsArray().Select(r => (bool)r!["found"]!));
        Assert.Equal("requested", (string?)JsonNode.Parse(requested.Out)!["port"]!["status"]);
        Assert.Equal(1, refused.Code);
        Assert.Contains("numbers-port-party", refused.Err, StringComparison.Ordinal);
        Assert.Equal("concurred", (string?)JsonNode.Parse(concurred.Out)!["port"]!["status"]);
        Assert.Equal("activated", (string?)JsonNode.Parse(activated.Out)!["port"]!["status"]);
        Assert.Equal(4, JsonNode.Parse(changes.Out)!["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Incomplete_commands_are_usage_errors_that_call_no_api()
    {
        var noConsent = await RunAsync(_a, _keyA, "publish", "+447700900123", "--capabilities", "voice");
        var strayUri = await RunAsync(_a, _keyA, "publish", "+447700900123", "--uri", "rcs=https://x.example.com", "--consent-hash", Hash);
        var unknown = await RunAsync(_a, _keyA, "explode");

        Assert.Equal(2, noConsent.Code);
        Assert.Contains("--consent-hash", noConsent.Err, StringComparison.Ordinal);
        Assert.Equal(2, strayUri.Code);
        Assert.Equal(2, unknown.Code);
        Assert.Contains("usage: restcomm numbers", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(1, _ledger.Height);
    }

    private static Task<string> KeyAsync(NumbersOperatorApi api) => api.KeyAsync(ApiScopes.NumbersRead, ApiScopes.NumbersWrite);

    private static async Task<(int Code, string Out, string Err)> RunAsync(NumbersOperatorApi api, string key, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await cli::Restcomm.Cli.Numbers.NumbersCommand.RunAsync([.. args, "--url", "http://localhost/", "--key", key], stdout, stderr, api.Server.CreateHandler(), CancellationToken.None).WaitAsync(Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
