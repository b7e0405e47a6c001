using System.Text.Json;
using System.Text.Json.Nodes;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Domain;

public class UsageFindingSummaryTests
{
    /// <summary>A batch's public state as the chaincode wrote it before findings were summarised: one entry per record.</summary>
    private const string PerRecordState = """
        {"header":{"agreementId":"AB-2025","senderTadig":"AAAA1","recipientTadig":"BBBB2","fileSequenceNumber":1,"batchNumber":1,
        "period":"2025-01","recordCount":7,"decimalPlaces":3,"totals":[{"service":"smsMo","records":7,"quantity":7,"chargeMinor":380}],
        "merkleRoot":"3f1c2a6de1d5d8e0a3b0b2f7d1f1a4e6c9b8a7d6e5f4a3b2c1d0e9f8a7b6c5d4",
        "payloadHash":"9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b","fileId":"CDAAAA1BBBB200001"},
        "fileId":"CDAAAA1BBBB200001","visitedMspId":"Org1MSP","homeMspId":"Org2MSP","collection":"pair-Org1MSP-Org2MSP",
        "status":"submitted","txId":"5d41402abc4b2a76b9719d911017c592","submittedAt":"2025-01-12T10:00:00+00:00",
        "usage":[{"service":"smsMo","records":7,"quantity":7,"billedQuantity":7,"chargeMinor":380}],
        "findings":[{"index":0,"code":"rate-mismatch"},{"index":1,"code":"rate-mismatch"},{"index":2,"code":"rate-mismatch"},{"index":3,"code":"outside-validity"},{"index":5,"code":"rate-mismatch"},{"index":6,"code":"no-rate"}],
        "rejections":[]}
        """;

    private const string PerRecordFindings = """
        [{"index":0,"code":"rate-mismatch"},{"index":1,"code":"rate-mismatch"},{"index":2,"code":"rate-mismatch"},{"index":3,"code":"outside-validity"},{"index":5,"code":"rate-mismatch"},{"index":6,"code":"no-rate"}]
        """;

    [Fact]
    public void Findings_are_one_entry_per_code_in_code_order_with_the_count_and_the_records_as_ranges()
    {
        var findings = new[] { 9, 0, 1, 2, 5, 3, 4, 7 }
            .Select(i => new UsageFinding { Index = i, Code = i == 5 ? "no-rate" : "rate-mismatch", Detail = "kept out", ExpectedChargeMinor = 1 });

        var summary = UsageFindingSummary.Summarise(findings);

        Assert.Equal(
            [new UsageFindingSummary { Code = "no-rate", Count = 1, Records = "5" }, new UsageFindingSummary { Code = "rate-mismatch", Count = 7, Records = "0-4,7,9" }],
            summary);
        Assert.Equal([0, 1, 2, 3, 4, 7, 9], summary[1].Indices());
        Assert.Empty(UsageFindingSummary.Summarise([]));
    }

    [Fact]
    public void The_summary_is_written_as_code_count_and_records_and_read_back_the_same()
    {
        var state = JsonSerializer.Deserialize<UsageBatchState>(PerRecordState, RoamingJson.Options)! with
        {
            Findings = [new UsageFindingSummary { Code = "rate-mismatch", Count = 3, Records = "0-1,4" }],
        };

        var json = JsonSerializer.Serialize(state, RoamingJson.Options);

        Assert.Equal("""[{"code":"rate-mismatch","count":3,"records":"0-1,4"}]""", JsonNode.Parse(json)!["findings"]!.ToJsonString());
        Assert.Equal(state.Findings, JsonSerializer.Deserialize<UsageBatchState>(json, RoamingJson.Options)!.Findings);
    }

    [Fact]
    public void A_state_written_with_one_finding_per_record_reads_as_the_summary_and_is_written_back_summarised()
    {
        var state = JsonSerializer.Deserialize<UsageBatchState>(PerRecordState, RoamingJson.Options)!;

        Assert.Equal(
        [
            new UsageFindingSummary { Code = "no-rate", Count = 1, Records = "6" },
            new UsageFindingSummary { Code = "outside-validity", Count = 1, Records = "3" },
            new UsageFindingSummary { Code = "rate-mismatch", Count = 4, Records = "0-2,5" },
        ], state.Findings);
        Assert.Equal(("CDAAAA1BBBB200001", 7, UsageBatchStatus.Submitted), (state.FileId, state.Header.RecordCount, state.Status));
        var written = JsonNode.Parse(JsonSerializer.Serialize(state, RoamingJson.Options))!;
        Assert.Equal(
            """[{"code":"no-rate","count":1,"records":"6"},{"code":"outside-validity","count":1,"records":"3"},{"code":"rate-mismatch","count":4,"records":"0-2,5"}]""",
            written["findings"]!.ToJsonString());
        // Everything else is as it was.
        var before = JsonNode.Parse(PerRecordState)!.AsObject();
        before.Remove("findings");
        written.AsObject().Remove("findings");
        Assert.True(JsonNode.DeepEquals(before, written), written.ToJsonString());
    }

    [Fact]
    public void An_event_written_with_one_finding_per_record_reads_as_the_summary()
    {
        var json = $$"""{"change":"batch.submitted","txId":"5d41402abc4b2a76b9719d911017c592","batch":{{PerRecordState}}}""";

        var change = JsonSerializer.Deserialize<RoamingChange>(json, RoamingJson.Options)!;

        Assert.Equal(["no-rate", "outside-validity", "rate-mismatch"], change.Batch!.Findings.Select(f => f.Code));
        Assert.Equal(6, change.Batch.Findings.Sum(f => f.Count));
    }

    [Fact]
    public void A_state_without_findings_or_with_null_findings_reads_as_none()
    {
        var without = JsonNode.Parse(PerRecordState)!.AsObject();
        without.Remove("findings");
        var withNull = JsonNode.Parse(PerRecordState)!.AsObject();
        withNull["findings"] = null;

        Assert.Empty(JsonSerializer.Deserialize<UsageBatchState>(without.ToJsonString(), RoamingJson.Options)!.Findings);
        Assert.Empty(JsonSerializer.Deserialize<UsageBatchState>(withNull.ToJsonString(), RoamingJson.Options)!.Findings);
    }

    [Theory]
    [InlineData("""[{"code":"rate-mismatch"}]""")]
    [InlineData("""[{"index":3}]""")]
    [InlineData("""[{"index":-1,"code":"rate-mismatch"}]""")]
    [InlineData("""[{"index":1,"code":"rate-mismatch","count":1,"records":"1"}]""")]
    [InlineData("""[{"code":"rate-mismatch","count":1}]""")]
    [InlineData("""[null]""")]
    [InlineData("""[{"index":1,"code":"no-rate"},{"code":"rate-mismatch","count":1,"records":"x"}]""")]
    [InlineData("""{"code":"rate-mismatch"}""")]
    [InlineData("3")]
    public void Findings_in_neither_form_are_a_json_error(string findings)
    {
        var json = PerRecordState.Replace(PerRecordFindings, findings, StringComparison.Ordinal);
        Assert.NotEqual(PerRecordState, json);

        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<UsageBatchState>(json, RoamingJson.Options));
    }
}
