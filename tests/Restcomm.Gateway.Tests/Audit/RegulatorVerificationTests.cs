extern alias cli;

using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Restcomm.Audit;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;
using AuditCommand = cli::Restcomm.Cli.Audit.AuditCommand;

namespace Restcomm.Gateway.Tests.Audit;

/// <summary>
/// The regulator's API host following the eir and audit channels: it verifies each operator's anchor by itself once
/// the range is applied, and <c>restcomm audit verify</c> recomputes one on request, naming a tampered change.
/// </summary>
public sealed class RegulatorVerificationTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly TestIdentity Operator = TestIdentity.Create("Org2MSP", "User1@org2.example.com");

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ListBlockFeed _feed = new();
    private readonly IReadOnlyList<LedgerBlock> _history = EirBlocks.Generate(seed: 33, blocks: 30);
    private GatewayApiFactory _regulator = null!;
    private string _key = "";

    public async Task InitializeAsync()
    {
        foreach (var block in _history)
        {
            _feed.Append("eir", block);
        }

        var audit = new InProcessAuditLedger(_feed, _clock);
        foreach (var from in new[] { 0, 10, 20 })
        {
            await audit.As(Operator).SubmitAsync(new LedgerCall("audit", "audit", "Anchor", [JsonSerializer.Serialize(Anchor(from, from + 9), AuditJson.Options)]), CancellationToken.None);
        }

        _regulator = new GatewayApiFactory(mspId: "RegulatorMSP", feed: _feed, channels: ["eir", "audit"], settings: new Dictionary<string, string>
        {
            ["Audit:PollInterval"] = "00:00:00.200",
            ["Audit:Sources:0:Application"] = "eir", ["Audit:Sources:0:Channel"] = "eir", ["Audit:Sources:0:Chaincode"] = "eir", ["Audit:Sources:0:Kind"] = AnchorKinds.EirChanges,
        }) { Clock = _clock };
        _key = await _regulator.CreateKeyAsync("RegulatorMSP", ApiScopes.AuditRead);
    }

    public async Task DisposeAsync()
    {
        _feed.Complete();
        await _regulator.DisposeAsync();
        GatewayApiFactory.DeleteDirectory(_regulator.DataDirectory);
    }

    [Fact]
    public async Task The_regulator_verifies_every_anchor_by_itself_and_the_command_names_a_change_tampered_afterwards()
    {
        using var client = _regulator.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", _key);

        JsonNode? dashboard = null;
        for (var deadline = DateTime.UtcNow + Timeout; DateTime.UtcNow < deadline; await Task.Delay(200))
        {
            dashboard = await client.GetFromJsonAsync<JsonNode>("/v1/audit/dashboard?from=2026-01-01&to=2026-01-01");
            if ((long?)dashboard?["verification"]?["verified"] == 3)
            {
                break;
            }
        }

        Assert.Equal(3L, (long?)dashboard?["verification"]?["verified"]);
        Assert.Equal(0L, (long?)dashboard?["verification"]?["failed"]);
        var verified = await VerifyAsync("eir~eir~eir-changes~10-19");
        Assert.Equal(0, verified.Code);

        await using (var connection = await _regulator.Store.OpenConnectionAsync(CancellationToken.None))
        {
            var tampered = await connection.QueryFirstAsync<(long Seq, string Tx)>(
                "SELECT seq, transaction_id FROM change_feed WHERE application = 'eir' AND block_number >= 10 AND block_number <= 19 ORDER BY seq");
            await connection.ExecuteAsync("UPDATE change_feed SET change_key = change_key || 'x' WHERE seq = @Seq", new { tampered.Seq });
            var failed = await VerifyAsync("eir~eir~eir-changes~10-19");

            Assert.Equal(AuditCommand.NotVerified, failed.Code);
            Assert.Contains(tampered.Tx, failed.Err, StringComparison.Ordinal);
            Assert.Equal("differs", (string?)JsonNode.Parse(failed.Out)!["differences"]![0]!["problem"]);
        }

        var unknown = await VerifyAsync("eir~eir~eir-changes~30-39");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("audit-not-found", unknown.Err, StringComparison.Ordinal);
    }

    private AnchorRequest Anchor(long from, long to)
    {
        var eir = new EirProjection(new ImeiIndex(), NullLogger<EirProjection>.Instance);
        var changes = new List<CanonicalChange>();
        foreach (var block in _history.Where(b => (long)b.Number >= from && (long)b.Number <= to))
        {
            var ordinals = new Dictionary<string, int>();
            foreach (var change in eir.FeedChanges("eir", block))
            {
                var ordinal = ordinals.GetValueOrDefault(change.TransactionId);
                ordinals[change.TransactionId] = ordinal + 1;
                changes.Add(new CanonicalChange((long)block.Number, change.TransactionId, ordinal, change.Kind, change.Key, change.PayloadJson));
            }
        }

        return new AnchorRequest
        {
            SourceChannel = "eir", Chaincode = "eir", Kind = AnchorKinds.EirChanges, FromBlock = from, ToBlock = to,
            Digest = AnchorDigest.ForRange("eir", "eir", AnchorKinds.EirChanges, from, to, changes), ChangeCount = changes.Count,
        };
    }

    private async Task<(int Code, string Out, string Err)> VerifyAsync(string id)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await AuditCommand.RunAsync(["verify", id, "--url", "http://localhost/", "--key", _key], stdout, stderr, _regulator.Server.CreateHandler(), CancellationToken.None)
            .WaitAsync(Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
