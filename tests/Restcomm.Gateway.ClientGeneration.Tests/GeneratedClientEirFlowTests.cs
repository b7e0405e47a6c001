using System.Net;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.ClientGeneration.Tests.Generated;
using Restcomm.Gateway.ClientGeneration.Tests.Support;
using Restcomm.Gateway.Tests.Eir;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.ClientGeneration.Tests;

/// <summary>
/// The EIR flow through the client NSwag generated at build time from the API's own OpenAPI document: if the document
/// lacks a schema, a response or a problem type, this project does not build or these calls cannot be typed.
/// </summary>
public sealed class GeneratedClientEirFlowTests : IAsyncLifetime
{
    private const string Device = "352099001761481";
    private readonly ManualClock _clock = new(DateTimeOffset.UtcNow);
    private readonly InProcessEirLedger _ledger;
    private readonly OperatorHost _operatorA;
    private readonly OperatorHost _operatorB;

    public GeneratedClientEirFlowTests()
    {
        _ledger = new InProcessEirLedger(_clock);
        _operatorA = new OperatorHost(_ledger.As(TestIdentity.Create("Org1MSP")), _ledger, "Org1MSP");
        _operatorB = new OperatorHost(_ledger.As(TestIdentity.Create("Org2MSP")), _ledger, "Org2MSP");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _operatorA.DisposeAsync();
        await _operatorB.DisposeAsync();
    }

    [Fact]
    public async Task Generated_client_reports_checks_lists_and_clears_and_reads_a_refusal_as_a_typed_problem()
    {
        using var httpA = await _operatorA.HttpClientAsync("eir:read", "eir:write");
        using var httpB = await _operatorB.HttpClientAsync("eir:read", "eir:write");
        var a = new RestcommApiClient(httpA);
        var b = new RestcommApiClient(httpB);

        var reported = await a.EirReportAsync(NewKey(), new ReportRequest { Target = Device, Reason = "stolen", Note = "reported through the generated client" });
        await _operatorB.CaughtUpAsync(_ledger.Height);
        var seenByB = await b.EirCheckImeiAsync(Device);
        var listed = await b.EirListEntriesAsync("Org1MSP", "black", "stolen", null, 10, null);
        var refusal = await Assert.ThrowsAsync<RestcommApiException<ProblemDetails>>(() => b.EirClearAsync(Device, null, null, null));
        var cleared = await a.EirClearAsync(Device, null, null, "recovered");
        await _operatorB.CaughtUpAsync(_ledger.Height);
        var after = await b.EirCheckImeiAsync(Device);

        Assert.Equal(EirReportOutcome.Reported, reported.Outcome);
        Assert.Equal(ReasonCode.Stolen, reported.Entry.Reason);
        Assert.False(string.IsNullOrEmpty(reported.TransactionId));
        Assert.Equal(EquipmentStatus.BlackListed, seenByB.Status);
        Assert.Equal("Org1MSP", seenByB.Owner);
        var entry = Assert.Single(listed.Items);
        Assert.Equal(Device, entry.Target);
        Assert.Equal(EirList.Black, entry.List);
        Assert.Null(listed.NextCursor);
        Assert.Equal((int)HttpStatusCode.Forbidden, refusal.StatusCode);
        Assert.Equal("urn:restcomm:problem:eir-forbidden", refusal.Result.Type);
        Assert.Contains("owned by Org1MSP", refusal.Result.Detail, StringComparison.Ordinal);
        Assert.Equal("forbidden", refusal.Result.AdditionalProperties["code"].ToString());
        Assert.Equal(Device, cleared.Entry.Target);
        Assert.Equal(EquipmentStatus.WhiteListed, after.Status);
    }

    [Fact]
    public async Task Generated_client_reads_a_malformed_imei_as_a_typed_problem()
    {
        using var http = await _operatorA.HttpClientAsync("eir:read");
        var client = new RestcommApiClient(http);

        var problem = await Assert.ThrowsAsync<RestcommApiException<ProblemDetails>>(() => client.EirCheckImeiAsync("35209900176148"));

        Assert.Equal((int)HttpStatusCode.BadRequest, problem.StatusCode);
        Assert.Equal("urn:restcomm:problem:eir-invalid", problem.Result.Type);
        Assert.Equal(400, problem.Result.Status);
    }

    private static string NewKey() => Guid.NewGuid().ToString();
}
