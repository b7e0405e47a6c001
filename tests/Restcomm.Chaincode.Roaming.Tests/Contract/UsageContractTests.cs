using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Roaming;
using static Restcomm.Chaincode.Roaming.Tests.Support.RoamingLedger;

namespace Restcomm.Chaincode.Roaming.Tests.Contract;

public class UsageContractTests
{
    private readonly RoamingLedger _ledger = new();

    private Task Agreed() => _ledger.AgreeAsync(Samples.Agreement());

    [Fact]
    public async Task A_submitted_batch_keeps_its_header_public_and_its_records_in_the_pairs_collection()
    {
        await Agreed();
        var batch = Samples.Batch(Samples.UsageInA());

        var result = await _ledger.SubmitAsync(ASubmitterOnly, batch);

        Assert.False(result.AlreadySubmitted);
        var state = result.Batch;
        Assert.Equal(("CDAAAA1BBBB200001", Samples.A, Samples.B, UsageBatchStatus.Submitted), (state.FileId, state.VisitedMspId, state.HomeMspId, state.Status));
        Assert.Empty(state.Findings);
        Assert.Equal(3485, state.Usage.Sum(u => u.ChargeMinor));   // 240 + 150 + 50 + 3000 + 45
        Assert.Equal(30, state.Usage.Single(u => u.Service == RoamingService.MocHome).BilledQuantity);
        var stored = _ledger.Stub.GetPrivateState(Samples.Collection).Values.Single(v => v.AsSpan().SequenceEqual(batch.Payload));
        Assert.Equal(batch.Header.PayloadHash, Sha256(stored));
        var change = _ledger.LastEvent();
        Assert.Equal((RoamingEvents.BatchSubmitted, state.Header.MerkleRoot), (change.Change, change.Batch!.Header.MerkleRoot));
        var publicText = string.Concat(_ledger.Stub.State.Values.Select(v => System.Text.Encoding.UTF8.GetString(v)));
        Assert.DoesNotContain("234150000000001", publicText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submitting_the_same_batch_again_returns_the_original_and_writes_nothing()
    {
        await Agreed();
        var batch = Samples.Batch(Samples.UsageInA());
        var first = await _ledger.SubmitAsync(A, batch);
        var before = _ledger.Stub.State.ToDictionary(kv => kv.Key, kv => Convert.ToHexString(kv.Value));
        var privateBefore = _ledger.Stub.GetPrivateState(Samples.Collection).Count;

        var again = await _ledger.SubmitAsync(A, batch);

        Assert.True(again.AlreadySubmitted);
        Assert.Equal(first.Batch.TxId, again.Batch.TxId);
        Assert.Equal(before, _ledger.Stub.State.ToDictionary(kv => kv.Key, kv => Convert.ToHexString(kv.Value)));
        Assert.Equal(privateBefore, _ledger.Stub.GetPrivateState(Samples.Collection).Count);
        Assert.Null(_ledger.Stub.EventName);
    }

    [Fact]
    public async Task A_different_batch_under_the_same_file_and_batch_number_is_a_conflict()
    {
        await Agreed();
        await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA()));
        var other = Samples.Batch(Samples.UsageInA(day: 11));

        await _ledger.Refused(409, "batch-conflict", A, "SubmitUsageBatch", [Json(other.Header)], Records(other.Payload));
    }

    [Fact]
    public async Task Two_batches_of_one_file_write_disjoint_keys_so_they_can_be_endorsed_in_parallel()
    {
        await Agreed();
        var keysBefore = _ledger.Stub.State.Keys.ToHashSet();
        await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA(), batch: 1));
        var afterFirst = _ledger.Stub.State.Keys.ToHashSet();
        await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA(day: 12), batch: 2));
        var afterSecond = _ledger.Stub.State.Keys.ToHashSet();

        var first = afterFirst.Except(keysBefore).ToList();
        var second = afterSecond.Except(afterFirst).ToList();
        Assert.Equal(2, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Empty(first.Intersect(second));
        // No key the first wrote was rewritten by the second (no shared counter).
        Assert.Equal(keysBefore.Count + 4, afterSecond.Count);
    }

    [Fact]
    public async Task A_gap_in_the_file_sequence_is_reported_on_the_first_batch_and_in_the_sequence_report()
    {
        await Agreed();
        await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA(), file: 1));

        var third = await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA(), file: 3));
        Assert.Equal(new SequenceCheck { PreviousFileSequenceNumber = 2, PreviousFileSeen = false }, third.Batch.Sequence);
        var report = await _ledger.Ok<FileSequenceReport>(B, "GetFileSequenceReport", [Samples.TadigA, Samples.TadigB]);
        Assert.Equal([2], report.MissingFiles);

        var second = await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA(), file: 2));
        Assert.True(second.Batch.Sequence!.PreviousFileSeen);
        await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA(), file: 2, batch: 3));
        report = await _ledger.Ok<FileSequenceReport>(B, "GetFileSequenceReport", [Samples.TadigA, Samples.TadigB]);
        Assert.Empty(report.MissingFiles);
        Assert.Equal([2], report.Files.Single(f => f.FileSequenceNumber == 2).MissingBatches);
    }

    [Fact]
    public async Task A_repeated_file_sequence_number_with_other_records_is_refused()
    {
        await Agreed();
        await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA(), file: 7));
        var repeat = Samples.Batch([Samples.Record(RoamingService.SmsMo, 1, 50)], file: 7);

        var message = await _ledger.Refused(409, "batch-conflict", A, "SubmitUsageBatch", [Json(repeat.Header)], Records(repeat.Payload));
        Assert.Contains("CDAAAA1BBBB200007", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Count_totals_and_merkle_root_are_checked_against_the_records()
    {
        await Agreed();
        var (header, payload) = Samples.Batch(Samples.UsageInA());

        await _ledger.Refused(400, "record-count-mismatch", A, "SubmitUsageBatch", [Json(header with { RecordCount = 6 })], Records(payload));
        await _ledger.Refused(400, "totals-mismatch", A, "SubmitUsageBatch",
            [Json(header with { Totals = [.. header.Totals.Select(t => t with { Quantity = t.Quantity * 2 })] })], Records(payload));
        await _ledger.Refused(400, "merkle-root-mismatch", A, "SubmitUsageBatch", [Json(header with { MerkleRoot = new string('a', 64) })], Records(payload));
        await _ledger.Refused(400, "payload-hash-mismatch", A, "SubmitUsageBatch", [Json(header)], Records([.. payload, 0]));
        await _ledger.Refused(400, "invalid-argument", A, "SubmitUsageBatch", [Json(header)]);
        Assert.DoesNotContain(_ledger.Stub.GetPrivateState(Samples.Collection).Keys, k => k.Contains("batch", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_charge_that_does_not_match_the_rates_is_a_finding_not_a_silent_pass()
    {
        await Agreed();
        var records = Samples.UsageInA().ToList();
        records[0] = records[0] with { ChargeMinor = 250 };   // 240 by the rates
        records[2] = records[2] with { ChargeMinor = 51 };    // within the rounding allowance of one minor unit

        var result = await _ledger.SubmitAsync(A, Samples.Batch(records));

        Assert.Equal(new UsageFindingSummary { Code = "rate-mismatch", Count = 1, Records = "0" }, Assert.Single(result.Batch.Findings));
        // Details reveal rates: parties only.
        var publicText = string.Concat(_ledger.Stub.State.Values.Select(v => System.Text.Encoding.UTF8.GetString(v)));
        Assert.DoesNotContain("expectedChargeMinor", publicText, StringComparison.Ordinal);
        Assert.DoesNotContain("detail", publicText, StringComparison.Ordinal);
        var view = await _ledger.Ok<UsageRecordsView>(B, "GetUsageRecords", [result.Batch.FileId, "1"]);
        var finding = Assert.Single(view.Findings);
        Assert.Equal((0, "rate-mismatch", 240L), (finding.Index, finding.Code, finding.ExpectedChargeMinor));
        Assert.NotNull(finding.Detail);
        Assert.Equal(records, view.Records);
    }

    [Fact]
    public async Task A_batch_whose_every_record_mismatches_has_one_finding_entry_naming_all_its_records()
    {
        await Agreed();
        const int n = 250;
        var records = Enumerable.Range(0, n).Select(i => Samples.Record(RoamingService.SmsMo, 1, 55, seconds: i)).ToList();   // 50 by the rates

        var result = await _ledger.SubmitAsync(A, Samples.Batch(records));

        var expected = new UsageFindingSummary { Code = "rate-mismatch", Count = n, Records = $"0-{n - 1}" };
        Assert.Equal(expected, Assert.Single(result.Batch.Findings));
        Assert.Equal(expected, Assert.Single(_ledger.LastEvent().Batch!.Findings));
        Assert.Equal(expected, Assert.Single((await _ledger.Ok<UsageBatchState>(C, "GetUsageBatch", [result.Batch.FileId, "1"])).Findings));
    }

    [Fact]
    public async Task A_mixed_batch_names_exactly_the_records_of_each_finding_code()
    {
        await Agreed();
        var ok = Samples.Record(RoamingService.SmsMo, 1, 50);
        var mismatch = Samples.Record(RoamingService.SmsMo, 1, 55);
        var noRate = Samples.Record(RoamingService.MocInternational, 60, 500);   // no international rate in A's network
        var outside = Samples.Record(RoamingService.SmsMo, 1, 50, day: 0);      // 31 December 2024: before the validity
        IReadOnlyList<UsageRecord> kinds = [ok, mismatch, mismatch, mismatch, noRate, ok, mismatch, outside, noRate, mismatch, mismatch, ok];
        var records = kinds.Select((r, i) => r with { CallReference = $"mixed-{i}" }).ToList();

        var result = await _ledger.SubmitAsync(A, Samples.Batch(records));

        Assert.Equal(
        [
            new UsageFindingSummary { Code = "no-rate", Count = 2, Records = "4,8" },
            new UsageFindingSummary { Code = "outside-validity", Count = 1, Records = "7" },
            new UsageFindingSummary { Code = "rate-mismatch", Count = 6, Records = "1-3,6,9-10" },
        ], result.Batch.Findings);
        // The parties' per-record view names the same records.
        var view = await _ledger.Ok<UsageRecordsView>(B, "GetUsageRecords", [result.Batch.FileId, "1"]);
        Assert.Equal(result.Batch.Findings, UsageFindingSummary.Summarise(view.Findings));
        foreach (var summary in result.Batch.Findings)
        {
            Assert.Equal(view.Findings.Where(f => f.Code == summary.Code).Select(f => f.Index), summary.Indices());
        }
    }

    [Fact]
    public async Task The_public_state_event_and_answer_of_a_thousand_mismatching_records_stay_small()
    {
        await Agreed();
        var records = Enumerable.Range(0, 1000).Select(i => Samples.Record(RoamingService.SmsMo, 1, 55, seconds: i)).ToList();
        var batch = Samples.Batch(records);

        var response = await _ledger.Invoke(A, "SubmitUsageBatch", [Json(batch.Header)], Records(batch.Payload));

        Assert.True(response.IsSuccess, response.Message);
        var state = _ledger.Stub.State[RoamingKeys.BatchKey(_ledger.Stub, Samples.TadigA, Samples.TadigB, 1, 1)];
        // One entry per record would be about 40 bytes each, 40 KB per copy; the summary is one short entry.
        Assert.InRange(state.Length, 1, 2048);
        Assert.InRange(_ledger.Stub.EventPayload.Length, 1, 2048);
        Assert.InRange(response.Payload.Length, 1, 2048);
        Assert.Contains("\"findings\":[{\"code\":\"rate-mismatch\",\"count\":1000,\"records\":\"0-999\"}]", System.Text.Encoding.UTF8.GetString(state), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_batch_stored_with_one_finding_per_record_is_read_and_reconciled_in_the_summary_form()
    {
        await Agreed();
        var records = Samples.UsageInA().ToList();
        records[0] = records[0] with { ChargeMinor = 250 };
        records[2] = records[2] with { ChargeMinor = 60 };
        var result = await _ledger.SubmitAsync(A, Samples.Batch(records));
        var key = RoamingKeys.BatchKey(_ledger.Stub, Samples.TadigA, Samples.TadigB, 1, 1);
        // The state as the chaincode wrote it before findings were summarised.
        var stored = System.Text.Json.Nodes.JsonNode.Parse(_ledger.Stub.State[key])!;
        stored["findings"] = System.Text.Json.Nodes.JsonNode.Parse("""[{"index":0,"code":"rate-mismatch"},{"index":2,"code":"rate-mismatch"}]""");
        await _ledger.Stub.PutStateAsync(key, System.Text.Encoding.UTF8.GetBytes(stored.ToJsonString()));

        var seen = await _ledger.Ok<UsageBatchState>(C, "GetUsageBatch", [result.Batch.FileId, "1"]);
        var rejected = await _ledger.Ok<UsageBatchState>(B, "RejectUsageRecords", [result.Batch.FileId, "1", Json(new[] { new RecordRejection { Index = 0, ErrorCode = 200 } })]);

        var expected = new UsageFindingSummary { Code = "rate-mismatch", Count = 2, Records = "0,2" };
        Assert.Equal(expected, Assert.Single(seen.Findings));
        Assert.Equal(expected, Assert.Single(rejected.Findings));
        Assert.Contains("\"findings\":[{\"code\":\"rate-mismatch\",\"count\":2,\"records\":\"0,2\"}]", System.Text.Encoding.UTF8.GetString(_ledger.Stub.State[key]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_contract_metadata_describes_a_batchs_findings_as_one_entry_per_code()
    {
        var response = await _ledger.Invoke(C, "org.hyperledger.fabric:GetMetadata", []);

        Assert.True(response.IsSuccess, response.Message);
        using var metadata = System.Text.Json.JsonDocument.Parse(response.Payload);
        var schemas = metadata.RootElement.GetProperty("components").GetProperty("schemas");
        var findings = schemas.GetProperty("UsageBatchState").GetProperty("properties").GetProperty("findings");
        Assert.Equal("array", findings.GetProperty("type").GetString());
        Assert.Equal("#/components/schemas/UsageFindingSummary", findings.GetProperty("items").GetProperty("$ref").GetString());
        var entry = schemas.GetProperty("UsageFindingSummary").GetProperty("properties");
        Assert.Equal(["code", "count", "records"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("string", "integer", "string"), (entry.GetProperty("code").GetProperty("type").GetString(), entry.GetProperty("count").GetProperty("type").GetString(), entry.GetProperty("records").GetProperty("type").GetString()));
    }

    [Fact]
    public async Task Only_the_visited_operators_submitter_submits_its_usage()
    {
        await Agreed();
        var batch = Samples.Batch(Samples.UsageInA());

        await _ledger.Refused(403, "forbidden", AApproverOnly, "SubmitUsageBatch", [Json(batch.Header)], Records(batch.Payload));
        await _ledger.Refused(403, "forbidden", B, "SubmitUsageBatch", [Json(batch.Header)], Records(batch.Payload));
        await _ledger.Refused(403, "forbidden", C, "SubmitUsageBatch", [Json(batch.Header)], Records(batch.Payload));
        await _ledger.Refused(403, "forbidden", Regulator, "SubmitUsageBatch", [Json(batch.Header)], Records(batch.Payload));
        await _ledger.Refused(403, "forbidden", BWithoutRoles, "SubmitUsageBatch", [Json(batch.Header)], Records(batch.Payload));
    }

    [Fact]
    public async Task A_third_operator_sees_the_header_but_never_a_record()
    {
        await Agreed();
        var result = await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA()));

        var header = await _ledger.Ok<UsageBatchState>(C, "GetUsageBatch", [result.Batch.FileId, "1"]);
        Assert.Equal(result.Batch.Header.MerkleRoot, header.Header.MerkleRoot);
        await _ledger.Refused(403, "forbidden", C, "GetUsageRecords", [result.Batch.FileId, "1"]);
        await _ledger.Refused(403, "forbidden", C, "GetRecordProof", [result.Batch.FileId, "1", "0"]);

        // On Org3's own peer the collection is not readable at all: a private read fails there whatever the chaincode says.
        _ledger.Stub.SetCollectionReadable(Samples.Collection, false);
        var onNonMemberPeer = await _ledger.Invoke(B, "GetUsageRecords", [result.Batch.FileId, "1"]);
        Assert.False(onNonMemberPeer.IsSuccess);
        Assert.Contains("does not have read access permission", onNonMemberPeer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_records_merkle_proof_verifies_against_the_public_header_alone()
    {
        await Agreed();
        var result = await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA()));

        var proof = await _ledger.Ok<RecordProofView>(B, "GetRecordProof", [result.Batch.FileId, "1", "3"]);
        var header = (await _ledger.Ok<UsageBatchState>(C, "GetUsageBatch", [result.Batch.FileId, "1"])).Header;

        Assert.Equal(RoamingService.Data, proof.Record.Service);
        var leaf = MerkleTree.LeafHash(Convert.FromHexString(proof.CanonicalRecord));
        Assert.Equal(proof.LeafHash, Convert.ToHexStringLower(leaf));
        Assert.Equal(header.RecordCount, proof.Proof.LeafCount);
        Assert.True(MerkleTree.Verify(leaf, proof.Proof, Convert.FromHexString(header.MerkleRoot)));
        Assert.False(MerkleTree.Verify(proof.Record.LeafHash(), proof.Proof with { Index = 2 }, Convert.FromHexString(header.MerkleRoot)));
    }

    [Fact]
    public async Task The_home_operator_rejects_records_with_rap_codes_then_accepts_the_rest()
    {
        await Agreed();
        var result = await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA()));
        var fileId = result.Batch.FileId;
        var rejections = Json(new[] { new RecordRejection { Index = 0, ErrorCode = 200, Reason = "IMSI not of this network" }, new RecordRejection { Index = 3, ErrorCode = 35 } });

        await _ledger.Refused(403, "forbidden", A, "RejectUsageRecords", [fileId, "1", rejections]);
        await _ledger.Refused(403, "forbidden", BWithoutRoles, "RejectUsageRecords", [fileId, "1", rejections]);
        var rejected = await _ledger.Ok<UsageBatchState>(B, "RejectUsageRecords", [fileId, "1", rejections]);
        Assert.Equal([0, 3], rejected.Rejections.Select(r => r.Index));
        Assert.Equal(RoamingEvents.RecordsRejected, _ledger.LastEvent().Change);
        await _ledger.Refused(400, "invalid-argument", B, "RejectUsageRecords", [fileId, "1", Json(new[] { new RecordRejection { Index = 5, ErrorCode = 1 } })]);

        var accepted = await _ledger.Ok<UsageBatchState>(B, "AcceptUsageBatch", [fileId, "1"]);

        Assert.Equal(UsageBatchStatus.Reconciled, accepted.Status);
        // 240 (MOC local) and 3000 (data) rejected: 150 + 50 + 45 remain.
        Assert.Equal(245, accepted.Accepted!.Sum(u => u.ChargeMinor));
        Assert.Equal(3, accepted.Accepted!.Sum(u => u.Records));
        Assert.DoesNotContain(accepted.Accepted!, u => u.Service is RoamingService.MocLocal or RoamingService.Data);
        await _ledger.Refused(412, "failed-precondition", B, "RejectUsageRecords", [fileId, "1", rejections]);
        await _ledger.Refused(412, "failed-precondition", B, "AcceptUsageBatch", [fileId, "1"]);
    }
}
