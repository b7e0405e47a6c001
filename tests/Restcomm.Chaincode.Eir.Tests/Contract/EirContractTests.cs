using System.Text.Json;
using System.Text.Json.Nodes;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Chaincode.Eir.Tests.Domain;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;

namespace Restcomm.Chaincode.Eir.Tests.Contract;

public class EirContractTests
{
    private const string Device = "356938035643809";
    private static readonly TestIdentity Org1 = TestIdentity.Create("Org1MSP", "User1@org1.example.com");
    private static readonly TestIdentity Org2 = TestIdentity.Create("Org2MSP", "User1@org2.example.com");
    private static readonly TestIdentity Org3 = TestIdentity.Create("Org3MSP", "User1@org3.example.com");
    private static readonly TestIdentity Regulator = TestIdentity.Create("RegulatorMSP", "User1@regulator.example.com");
    private static readonly string Evidence = new('c', 64);

    private readonly ManualClock _clock = new(Entries.T0);
    private readonly InMemoryChaincodeStub _ledger;
    private readonly ContractChaincode _chaincode = EirChaincode.Create(new EirPolicy());

    public EirContractTests()
    {
        _ledger = new InMemoryChaincodeStub("eir") { TimeProvider = _clock };
    }

    [Fact]
    public async Task Reported_stolen_imei_is_a_black_entry_owned_by_the_callers_organisation()
    {
        var result = await Ok<EirReportResult>(Org1, "Report", Report(Device, note: "police ref 1", evidence: Evidence));

        Assert.Equal(EirReportOutcome.Reported, result.Outcome);
        Assert.Equal("Org1MSP", result.Entry.Owner);
        Assert.Equal(EirList.Black, result.Entry.List);
        Assert.Equal(ReasonCode.Stolen, result.Entry.Reason);
        Assert.Equal(Evidence, result.Entry.EvidenceHash);
        Assert.Equal("police ref 1", result.Entry.Note);
        var check = await Ok<EirCheckAnswer>(Org2, "CheckImei", Device);
        Assert.Equal(EquipmentStatus.BlackListed, check.Status);
    }

    [Fact]
    public async Task Reporting_an_imeisv_lists_the_imei_of_the_device()
    {
        await Ok<EirReportResult>(Org1, "Report", Report("3569380356438091"));

        var record = await Ok<EirRecord>(Org2, "Get", Device);

        Assert.Equal(EquipmentStatus.BlackListed, record.Status);
        Assert.Equal(Device, record.Entries.Single().Target.ToString());
    }

    [Theory]
    [InlineData("356938035643808", "check digit")]
    [InlineData("35693803564380", "14 digits")]
    [InlineData("35693803564380X", "non-digit")]
    public async Task Report_of_a_malformed_imei_is_refused_with_400_naming_the_problem(string imei, string problem)
    {
        var response = await Invoke(Org1, "Report", $$"""{"target":"{{imei}}","reason":"stolen"}""");

        var refusal = Refusal(response);
        Assert.Equal(400, refusal.Status);
        Assert.Equal(ChaincodeErrorCodes.InvalidArgument, refusal.Code);
        Assert.Contains(problem, refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"target\":")]
    [InlineData("[1,2]")]
    [InlineData("null")]
    [InlineData("{\"reason\":\"stolen\"}")]
    [InlineData("{\"target\":\"356938035643809\",\"reason\":\"sideways\"}")]
    public async Task A_report_argument_that_does_not_bind_to_a_report_is_an_invalid_argument(string json)
    {
        var response = await Invoke(Org1, "Report", json);

        var refusal = Refusal(response);
        Assert.Equal(400, refusal.Status);
        Assert.Equal(ChaincodeErrorCodes.InvalidArgument, refusal.Code);
        Assert.Contains("argument 'report' of Report", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_null_inside_a_bulk_report_is_an_invalid_argument_naming_its_position()
    {
        var response = await Invoke(Org1, "ReportBulk", $$"""[{"target":"{{Device}}","reason":"stolen"},null]""");

        var refusal = Refusal(response);
        Assert.Equal(ChaincodeErrorCodes.InvalidArgument, refusal.Code);
        Assert.Contains("Report 1 is null", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_of_a_malformed_imei_is_refused_with_400()
    {
        var response = await Invoke(Org1, "CheckImei", "12345");

        Assert.Equal(400, response.Status);
        Assert.Contains("5 digits", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repeated_identical_report_changes_nothing_and_emits_no_event()
    {
        var first = await Ok<EirReportResult>(Org1, "Report", Report(Device));
        _clock.Advance(TimeSpan.FromMinutes(1));

        var again = await Ok<EirReportResult>(Org1, "Report", Report(Device));

        Assert.Equal(EirReportOutcome.Unchanged, again.Outcome);
        Assert.Equal(first.Entry, again.Entry);
        Assert.Null(_ledger.EventName);
        Assert.Single((await Ok<EirRecord>(Org1, "Get", Device)).History);
    }

    [Fact]
    public async Task Changed_report_by_the_owner_updates_the_entry_and_keeps_the_first_report_time()
    {
        var first = await Ok<EirReportResult>(Org1, "Report", Report(Device, reason: "lost"));
        _clock.Advance(TimeSpan.FromHours(2));

        var updated = await Ok<EirReportResult>(Org1, "Report", Report(Device, reason: "stolen", evidence: Evidence));

        Assert.Equal(EirReportOutcome.Updated, updated.Outcome);
        Assert.Equal(ReasonCode.Stolen, updated.Entry.Reason);
        Assert.Equal(first.Entry.ReportedAt, updated.Entry.ReportedAt);
        Assert.True(updated.Entry.UpdatedAt >= first.Entry.UpdatedAt.AddHours(2));
        var history = (await Ok<EirRecord>(Org1, "Get", Device)).History;
        Assert.Equal([EirChangeKind.Reported, EirChangeKind.Updated], history.Select(h => h.Kind));
    }

    [Fact]
    public async Task Another_organisation_cannot_clear_the_entry_and_gets_403_naming_the_owner()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));

        var response = await Invoke(Org2, "Clear", Clear(Device));

        var refusal = Refusal(response);
        Assert.Equal(403, refusal.Status);
        Assert.Equal(ChaincodeErrorCodes.Forbidden, refusal.Code);
        Assert.Contains("owned by Org1MSP", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("Org2MSP is neither", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(EquipmentStatus.BlackListed, (await Ok<EirCheckAnswer>(Org2, "CheckImei", Device)).Status);
    }

    [Fact]
    public async Task Naming_the_owner_in_the_arguments_does_not_let_another_organisation_clear()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));

        var response = await Invoke(Org2, "Clear", Clear(Device, owner: "Org1MSP"));

        Assert.Equal(403, response.Status);
        Assert.Contains("owned by Org1MSP", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organisation_cannot_report_on_behalf_of_an_owner_that_did_not_delegate_to_it()
    {
        var response = await Invoke(Org2, "Report", $$"""{"target":"{{Device}}","reason":"stolen","onBehalfOf":"Org1MSP"}""");

        Assert.Equal(403, response.Status);
        Assert.Contains("not a delegate of Org1MSP", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Owner_clears_its_entry_and_the_device_is_white_listed_with_the_clearing_in_its_history()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));
        _clock.Advance(TimeSpan.FromDays(1));

        var cleared = await Ok<EirClearResult>(Org1, "Clear", Clear(Device, note: "device recovered"));

        Assert.Equal("Org1MSP", cleared.Entry.Owner);
        var record = await Ok<EirRecord>(Org2, "Get", Device);
        Assert.Equal(EquipmentStatus.WhiteListed, record.Status);
        Assert.Empty(record.Entries);
        Assert.Equal([EirChangeKind.Reported, EirChangeKind.Cleared], record.History.Select(h => h.Kind));
        Assert.Equal("device recovered", record.History[1].Note);
        Assert.True(record.History[1].At >= record.History[0].At.AddDays(1));
    }

    [Fact]
    public async Task Clearing_one_owners_entry_leaves_another_owners_entry_in_force()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));
        await Ok<EirReportResult>(Org2, "Report", Report(Device, reason: "fraud"));

        await Ok<EirClearResult>(Org1, "Clear", Clear(Device));

        var check = await Ok<EirCheckAnswer>(Org3, "CheckImei", Device);
        Assert.Equal(EquipmentStatus.BlackListed, check.Status);
        Assert.Equal("Org2MSP", check.Entry!.Owner);
    }

    [Fact]
    public async Task Delegate_may_clear_the_owners_entry_until_the_delegation_is_revoked()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));
        await Ok<EirReportResult>(Org1, "Report", Report("490154203237518"));
        var delegation = await Ok<EirDelegation>(Org1, "Delegate", "Org3MSP");
        Assert.Equal(["Org3MSP"], delegation.Delegates);

        var hint = await Invoke(Org3, "Clear", Clear(Device));
        var cleared = await Ok<EirClearResult>(Org3, "Clear", Clear(Device, owner: "Org1MSP"));
        await Ok<EirDelegation>(Org1, "Revoke", "Org3MSP");
        var refused = await Invoke(Org3, "Clear", Clear("490154203237518", owner: "Org1MSP"));

        Assert.Equal(400, hint.Status);
        Assert.Contains("name that owner", hint.Message, StringComparison.Ordinal);
        Assert.Equal("Org1MSP", cleared.Entry.Owner);
        var record = await Ok<EirRecord>(Org1, "Get", Device);
        Assert.Equal("Org3MSP", record.History[^1].By);
        Assert.Equal(403, refused.Status);
    }

    [Theory]
    [InlineData("Org2MSP' OR 1=1--")]
    [InlineData("Org2MSP\u0000")]
    [InlineData("RegulatorMSP")]
    [InlineData("Org9MSP")]
    public async Task Delegate_that_is_not_a_writing_member_of_the_channel_is_refused_and_nothing_is_written(string candidate)
    {
        var chaincode = EirChaincode.Create(new EirPolicy { MemberMsps = new HashSet<string>(StringComparer.Ordinal) { "Org1MSP", "Org2MSP", "Org3MSP" } });
        _ledger.SetCreator(Org1);

        var refused = await _ledger.InvokeAsync(chaincode, "Delegate", candidate).WaitAsync(TimeSpan.FromSeconds(30));
        var delegation = await Ok<EirDelegation>(Org1, "GetDelegation", "Org1MSP");

        Assert.Equal(400, refused.Status);
        Assert.Empty(delegation.Delegates);
    }

    [Fact]
    public async Task Delegate_without_a_configured_member_list_must_still_be_a_well_formed_msp_id()
    {
        var refused = await Invoke(Org1, "Delegate", "Org2MSP' OR 1=1--");
        var accepted = await Ok<EirDelegation>(Org1, "Delegate", "Org2MSP");

        Assert.Equal(400, refused.Status);
        Assert.Contains("not an MSP ID", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["Org2MSP"], accepted.Delegates);
    }

    [Fact]
    public async Task Delegate_may_report_on_behalf_of_the_owner()
    {
        await Ok<EirDelegation>(Org1, "Delegate", "Org2MSP");

        var result = await Ok<EirReportResult>(Org2, "Report", $$"""{"target":"{{Device}}","reason":"lost","onBehalfOf":"Org1MSP"}""");

        Assert.Equal("Org1MSP", result.Entry.Owner);
        Assert.Equal("Org2MSP", result.Entry.UpdatedBy);
    }

    [Fact]
    public async Task Regulator_may_read_but_not_write()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));

        var write = await Invoke(Regulator, "Report", Report("490154203237518"));
        var read = await Ok<EirCheckAnswer>(Regulator, "CheckImei", Device);

        Assert.Equal(403, write.Status);
        Assert.Contains("read-only", write.Message, StringComparison.Ordinal);
        Assert.Equal(EquipmentStatus.BlackListed, read.Status);
    }

    [Fact]
    public async Task Writer_attribute_when_required_is_read_from_the_callers_certificate()
    {
        var chaincode = EirChaincode.Create(new EirPolicy { WriterAttribute = "eir.reporter" });
        var reporter = TestIdentity.Create("Org2MSP", "Reporter@org2.example.com", new Dictionary<string, string> { ["eir.reporter"] = "true" });

        _ledger.SetCreator(Org1);
        var refused = await _ledger.InvokeAsync(chaincode, "Report", Report(Device)).WaitAsync(TimeSpan.FromSeconds(30));
        _ledger.SetCreator(reporter);
        var accepted = await _ledger.InvokeAsync(chaincode, "Report", Report(Device)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(403, refused.Status);
        Assert.Contains("eir.reporter=true", refused.Message, StringComparison.Ordinal);
        Assert.True(accepted.IsSuccess, accepted.ToString());
    }

    [Fact]
    public async Task Clearing_an_entry_nobody_holds_is_404()
    {
        var response = await Invoke(Org1, "Clear", Clear(Device));

        Assert.Equal(404, response.Status);
    }

    [Fact]
    public async Task Range_entry_covers_the_devices_in_its_serial_range_only()
    {
        var tac = new Tac(35693803);
        await Ok<EirReportResult>(Org1, "Report", Report("35693803:564000-564999", reason: "fraud"));

        var inside = await Ok<EirRecord>(Org2, "Get", Imei.FromParts(tac, 564999).ToString());
        var outside = await Ok<EirCheckAnswer>(Org2, "CheckImei", Imei.FromParts(tac, 565000).ToString());
        var range = await Ok<EirRecord>(Org2, "Get", "35693803:564000-564999");

        Assert.Equal(EquipmentStatus.BlackListed, inside.Status);
        Assert.Equal("35693803:564000-564999|black|Org1MSP", inside.DecidingEntryId);
        Assert.Single(inside.History);
        Assert.Equal(EquipmentStatus.WhiteListed, outside.Status);
        Assert.Null(range.Status);
        Assert.Single(range.Entries);
    }

    [Fact]
    public async Task History_of_a_device_keeps_a_cleared_range_that_covered_it()
    {
        await Ok<EirReportResult>(Org1, "Report", Report("35693803:564000-564999"));
        await Ok<EirClearResult>(Org1, "Clear", Clear("35693803:564000-564999"));

        var record = await Ok<EirRecord>(Org2, "Get", Device);

        Assert.Empty(record.Entries);
        Assert.Equal([EirChangeKind.Reported, EirChangeKind.Cleared], record.History.Select(h => h.Kind));
    }

    [Fact]
    public async Task White_tac_white_lists_its_devices_unless_one_is_black_listed()
    {
        await Ok<EirReportResult>(Org1, "Report", """{"target":"35693803","list":"white"}""");
        await Ok<EirReportResult>(Org2, "Report", Report(Device));

        var listed = await Ok<EirCheckAnswer>(Org3, "CheckImei", Device);
        var other = await Ok<EirCheckAnswer>(Org3, "CheckImei", Imei.FromParts(new Tac(35693803), 1).ToString());

        Assert.Equal(EquipmentStatus.BlackListed, listed.Status);
        Assert.Equal(EquipmentStatus.WhiteListed, other.Status);
        Assert.Equal(EirList.White, other.Entry!.List);
    }

    [Fact]
    public async Task Grey_entry_counts_until_its_expiry_by_transaction_time()
    {
        var grey = $$"""{"target":"{{Device}}","list":"grey","reason":"duplicate","expiresAt":"{{Entries.T0.AddDays(3):O}}"}""";
        await Ok<EirReportResult>(Org1, "Report", grey);

        var during = await Ok<EirCheckAnswer>(Org2, "CheckImei", Device);
        _clock.Advance(TimeSpan.FromDays(3));
        var after = await Ok<EirCheckAnswer>(Org2, "CheckImei", Device);

        Assert.Equal(EquipmentStatus.GreyListed, during.Status);
        Assert.Equal(EquipmentStatus.WhiteListed, after.Status);
    }

    [Fact]
    public async Task Grey_report_without_expiry_is_refused()
    {
        var response = await Invoke(Org1, "Report", $$"""{"target":"{{Device}}","list":"grey","reason":"fraud"}""");

        Assert.Equal(400, response.Status);
        Assert.Contains("needs an expiry", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_change_emits_one_event_carrying_the_entry()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));
        var reported = Event();
        await Ok<EirClearResult>(Org1, "Clear", Clear(Device));
        var cleared = Event();

        Assert.Equal(EirChangeKind.Reported, reported.Changes.Single().Kind);
        Assert.Equal(Device, reported.Changes.Single().Entry.Target.ToString());
        Assert.Equal("Org1MSP", reported.Changes.Single().By);
        Assert.Equal(EirChangeKind.Cleared, cleared.Changes.Single().Kind);
        Assert.Equal(_ledger.TxId, cleared.TxId);
    }

    [Fact]
    public async Task Bulk_report_of_thousands_lands_in_one_transaction_with_one_event_listing_every_change()
    {
        var tac = new Tac(35209900);
        var reports = Enumerable.Range(0, 3_000)
            .Select(i => new EirReport { Target = EirTarget.ForImei(Imei.FromParts(tac, i)), Reason = ReasonCode.Stolen })
            .ToList();

        var result = await Ok<EirBulkReportResult>(Org1, "ReportBulk", JsonSerializer.Serialize(reports, EirJson.Options));
        var changes = Event();

        Assert.Equal(3_000, result.Reported);
        Assert.Equal(3_000, result.Outcomes.Count);
        Assert.Equal(3_000, changes.Changes.Count);
        Assert.Equal(EquipmentStatus.BlackListed, (await Ok<EirCheckAnswer>(Org2, "CheckImei", Imei.FromParts(tac, 2_999).ToString())).Status);
        Assert.Equal(EquipmentStatus.WhiteListed, (await Ok<EirCheckAnswer>(Org2, "CheckImei", Imei.FromParts(tac, 3_000).ToString())).Status);
    }

    [Fact]
    public async Task Bulk_report_repeating_earlier_reports_is_idempotent()
    {
        await Ok<EirReportResult>(Org1, "Report", Report(Device));
        var bulk = $$"""[{"target":"{{Device}}","reason":"stolen"},{"target":"490154203237518","reason":"lost"},{"target":"490154203237518","reason":"lost"}]""";

        var result = await Ok<EirBulkReportResult>(Org1, "ReportBulk", bulk);

        Assert.Equal([EirReportOutcome.Unchanged, EirReportOutcome.Reported, EirReportOutcome.Unchanged], result.Outcomes);
        Assert.Single(Event().Changes);
    }

    [Fact]
    public async Task Bulk_report_with_one_invalid_report_is_refused_whole_naming_that_report()
    {
        var bulk = $$"""[{"target":"{{Device}}","reason":"stolen"},{"target":"490154203237518"}]""";

        var response = await Invoke(Org1, "ReportBulk", bulk);

        Assert.Equal(400, response.Status);
        Assert.Contains("Report 1 (490154203237518)", response.Message, StringComparison.Ordinal);
        Assert.Equal(EquipmentStatus.WhiteListed, (await Ok<EirCheckAnswer>(Org2, "CheckImei", Device)).Status);
    }

    [Fact]
    public async Task Bulk_report_over_the_limit_is_refused()
    {
        var reports = Enumerable.Range(0, EirReport.MaxBulk + 1)
            .Select(i => new EirReport { Target = EirTarget.ForImei(Imei.FromParts(new Tac(1), i)), Reason = ReasonCode.Lost });

        var response = await Invoke(Org1, "ReportBulk", JsonSerializer.Serialize(reports, EirJson.Options));

        Assert.Equal(400, response.Status);
        Assert.Contains("at most 10000", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metadata_names_the_eir_contract_and_its_transactions()
    {
        var response = await Invoke(Org1, "org.hyperledger.fabric:GetMetadata");
        var metadata = System.Text.Encoding.UTF8.GetString(response.Payload.Span);

        Assert.True(response.IsSuccess);
        foreach (var name in new[] { "\"eir\"", "Report", "ReportBulk", "Clear", "Get", "CheckImei", "Delegate", "Revoke" })
        {
            Assert.Contains(name, metadata, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metadata_lists_the_eir_transactions_with_their_parameter_schemas()
    {
        var response = await Invoke(Org1, "org.hyperledger.fabric:GetMetadata");
        var metadata = JsonNode.Parse(response.Payload.Span)!;

        var transactions = metadata["contracts"]!["eir"]!["transactions"]!.AsArray().ToDictionary(t => (string)t!["name"]!, t => t!);
        Assert.Equal(["CheckImei", "Clear", "Delegate", "Get", "GetDelegation", "Report", "ReportBulk", "Revoke"], transactions.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("#/components/schemas/EirReport", (string?)transactions["Report"]["parameters"]![0]!["schema"]!["$ref"]);
        Assert.Equal("array", (string?)transactions["ReportBulk"]["parameters"]![0]!["schema"]!["type"]);
        Assert.Equal("#/components/schemas/EirReport", (string?)transactions["ReportBulk"]["parameters"]![0]!["schema"]!["items"]!["$ref"]);
        Assert.Equal("#/components/schemas/EirClearRequest", (string?)transactions["Clear"]["parameters"]![0]!["schema"]!["$ref"]);
        Assert.Equal("string", (string?)transactions["Get"]["parameters"]![0]!["schema"]!["type"]);
        Assert.Equal(["SUBMIT", "submitTx"], transactions["Report"]["tag"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(["EVALUATE"], transactions["Get"]["tag"]!.AsArray().Select(t => (string)t!));

        var report = metadata["components"]!["schemas"]!["EirReport"]!["properties"]!;
        Assert.Equal("string", (string?)report["target"]!["type"]);
        Assert.Equal(["Black", "Grey", "White"], report["list"]!["enum"]!.AsArray().Select(v => (string)v!));
        Assert.Equal("date-time", (string?)report["expiresAt"]!["format"]);
        Assert.NotNull(report["onBehalfOf"]);
        Assert.Equal("string", (string?)metadata["components"]!["schemas"]!["EirClearRequest"]!["properties"]!["target"]!["type"]);
    }

    private static ChaincodeError Refusal(ChaincodeResponse response)
    {
        Assert.False(response.IsSuccess, "expected a refusal");
        return ChaincodeError.FromResponse(response.Status, response.Message);
    }

    private static string Report(string target, string reason = "stolen", string? note = null, string? evidence = null)
        => JsonSerializer.Serialize(
            new Dictionary<string, string?> { ["target"] = target, ["reason"] = reason, ["note"] = note, ["evidenceHash"] = evidence }
                .Where(p => p.Value is not null).ToDictionary(),
            EirJson.Options);

    private static string Clear(string target, string? owner = null, string? note = null)
        => JsonSerializer.Serialize(new EirClearRequest { Target = EirTarget.Parse(target), Owner = owner, Note = note }, EirJson.Options);

    private EirChangeSet Event()
    {
        Assert.Equal(EirChangeSet.EventName, _ledger.EventName);
        return JsonSerializer.Deserialize<EirChangeSet>(_ledger.EventPayload.Span, EirJson.Options)!;
    }

    private Task<ChaincodeResponse> Invoke(TestIdentity caller, string function, params string[] args)
    {
        // Each transaction a millisecond after the previous one, so history order is the order of the calls.
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        _ledger.SetCreator(caller);
        return _ledger.InvokeAsync(_chaincode, function, args).WaitAsync(TimeSpan.FromSeconds(30));
    }

    private async Task<T> Ok<T>(TestIdentity caller, string function, params string[] args)
    {
        var response = await Invoke(caller, function, args);
        Assert.True(response.IsSuccess, $"{function} failed: {response.Status} {response.Message}");
        return JsonSerializer.Deserialize<T>(response.Payload.Span, EirJson.Options)
            ?? throw new InvalidOperationException($"{function} returned nothing");
    }
}
