extern alias cli;

using System.Text.Json;
using System.Text.Json.Nodes;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Gateway.Tests.Roaming;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Gateway.Tests.Cli;

/// <summary>
/// <c>restcomm roaming …</c> against two operators' real API hosts (in memory, over the in-process roaming ledger):
/// the CLI's HTTP goes to the host's test server instead of a socket.
/// </summary>
public sealed class RoamingCommandTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Directory.CreateTempSubdirectory("roaming-cli-").FullName;
    private readonly InProcessRoamingLedger _ledger = new(new ManualClock(new DateTimeOffset(2025, 1, 20, 10, 0, 0, TimeSpan.Zero)));
    private RoamingOperatorApi _a = null!;
    private RoamingOperatorApi _b = null!;
    private string _keyA = "";
    private string _keyB = "";

    public async Task InitializeAsync()
    {
        _a = new RoamingOperatorApi(_ledger, "Org1MSP", TestIdentity.Create("Org1MSP", "User1@org1.example.com", RoamingEndpointsTests.Roles));
        _b = new RoamingOperatorApi(_ledger, "Org2MSP", TestIdentity.Create("Org2MSP", "User1@org2.example.com", RoamingEndpointsTests.Roles));
        _keyA = await _a.KeyAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        _keyB = await _b.KeyAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Operators_agree_submit_reject_and_download_the_rap_from_the_shell_and_a_refusal_is_exit_1_with_the_problem()
    {
        var agreement = Write("agreement.json", RoamingEndpointsTests.Agreement());
        var batch = Write("batch.json", RoamingEndpointsTests.Batch(1, 1, [RoamingEndpointsTests.Moc(60, 120, 1), RoamingEndpointsTests.Moc(120, 240, 2)]));
        var rapFile = Path.Combine(_directory, "batch.rap");
        var file = RoamingEndpointsTests.File1;

        var proposed = await RunAsync(_a, _keyA, "agreements", "propose", agreement);
        var accepted = await RunAsync(_b, _keyB, "agreements", "accept", RoamingEndpointsTests.AgreementId);
        var submitted = await RunAsync(_a, _keyA, "batches", "submit", batch);
        var rejected = await RunAsync(_b, _keyB, "batches", "reject", file, "1", "1:200:duplicate call");
        var rap = await RunAsync(_b, _keyB, "batches", "rap", file, "1", "--out", rapFile);
        var refused = await RunAsync(_a, _keyA, "statements", "close", RoamingEndpointsTests.AgreementId, RoamingEndpointsTests.Period);

        Assert.Equal(0, proposed.Code);
        Assert.Equal("proposed", (string?)JsonNode.Parse(proposed.Out)!["agreement"]!["status"]);
        Assert.Equal(0, accepted.Code);
        Assert.Equal("active", (string?)JsonNode.Parse(accepted.Out)!["agreement"]!["status"]);
        Assert.Equal(0, submitted.Code);
        Assert.Equal(2, (int?)JsonNode.Parse(submitted.Out)!["batch"]!["header"]!["recordCount"]);
        Assert.Equal(0, rejected.Code);
        Assert.Equal(200, (int?)JsonNode.Parse(rejected.Out)!["batch"]!["rejections"]![0]!["errorCode"]);
        Assert.Equal(0, rap.Code);
        var returned = Assert.IsType<RapSevereReturn>(Assert.Single(RapDecoder.Decode(await File.ReadAllBytesAsync(rapFile)).ReturnBatch!.Returns));
        Assert.Equal(200, returned.Errors.Single().ErrorCode);
        Assert.Equal(1, refused.Code);
        Assert.Contains("roaming-failed-precondition", refused.Err, StringComparison.Ordinal);
        Assert.Contains("period-open", refused.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_rejections_and_unknown_actions_are_usage_errors_that_call_no_api()
    {
        var submits = _ledger.Submits;

        var malformed = await RunAsync(_b, _keyB, "batches", "reject", RoamingEndpointsTests.File1, "1", "first:200");
        var unknown = await RunAsync(_b, _keyB, "batches", "explode", "x");
        var noApi = await RunCliAsync(null, "roaming", "agreements", "list", "--keys", Path.Combine(_directory, "missing.json"), "--url", "http://127.0.0.1:9");

        Assert.Equal(2, malformed.Code);
        Assert.Contains("INDEX:CODE", malformed.Err, StringComparison.Ordinal);
        Assert.Equal(2, unknown.Code);
        Assert.Contains("usage: restcomm roaming", unknown.Err, StringComparison.Ordinal);
        Assert.Equal(2, noApi.Code);
        Assert.Contains("missing.json", noApi.Err, StringComparison.Ordinal);
        Assert.Equal(submits, _ledger.Submits);
    }

    [Fact]
    public async Task Channel_names_the_consortium_and_one_the_organisation_is_not_on_is_the_apis_404()
    {
        var own = await RunAsync(_a, _keyA, "agreements", "list", "--channel", "roaming-emea", "--limit", "5");
        var other = await RunAsync(_a, _keyA, "agreements", "list", "--channel", "roaming-apac");

        Assert.Equal(0, own.Code);
        Assert.Equal(1, other.Code);
        Assert.Contains("unknown-consortium", other.Err, StringComparison.Ordinal);
        Assert.Contains("Org1MSP is not a member of a consortium channel 'roaming-apac'", other.Err, StringComparison.Ordinal);
    }

    private string Write(string name, object value)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, JsonSerializer.Serialize(value, RoamingJson.Options));
        return path;
    }

    private static Task<(int Code, string Out, string Err)> RunAsync(RoamingOperatorApi api, string key, params string[] args)
        => RunCliAsync(api.Server.CreateHandler(), ["roaming", .. args, "--url", "http://localhost/", "--key", key]);

    private static async Task<(int Code, string Out, string Err)> RunCliAsync(HttpMessageHandler? handler, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await cli::Restcomm.Cli.Roaming.RoamingCommand.RunAsync(args[1..], stdout, stderr, handler, CancellationToken.None).WaitAsync(Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
