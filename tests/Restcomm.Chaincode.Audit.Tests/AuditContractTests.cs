using System.Text.Json;
using Restcomm.Audit;
using Restcomm.Fabric.Ledger;
using Restcomm.Chaincode.Audit.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;

namespace Restcomm.Chaincode.Audit.Tests;

public class AuditContractTests
{
    private static readonly TestIdentity Operator1 = TestIdentity.Create("Org1MSP", "User1@org1.example.com");
    private static readonly TestIdentity Operator2 = TestIdentity.Create("Org2MSP", "User1@org2.example.com");
    private static readonly TestIdentity Regulator = TestIdentity.Create("RegulatorMSP", "User1@regulator.example.com");

    private readonly InMemoryChaincodeStub _stub = new("audit");
    private readonly ContractChaincode _chaincode = AuditChaincode.Create(new AuditPolicy());

    private static AnchorRequest Range(long from, long to, string digest = "", long count = 3) => new()
    {
        SourceChannel = "eir",
        Chaincode = "eir",
        Kind = AnchorKinds.EirChanges,
        FromBlock = from,
        ToBlock = to,
        Digest = digest.Length > 0 ? digest : AnchorDigest.Sha256Hex([(byte)from, (byte)to]),
        ChangeCount = count,
    };

    private async Task<ChaincodeResponse> Invoke(TestIdentity caller, string function, params string[] args)
    {
        _stub.SetCreator(caller).StartTransaction(function, args);
        return await _chaincode.InvokeAsync(_stub, CancellationToken.None);
    }

    private async Task<T> Ok<T>(TestIdentity caller, string function, params string[] args)
    {
        var response = await Invoke(caller, function, args);
        Assert.True(response.IsSuccess, $"{function} failed: {response.Status} {response.Message}");
        return JsonSerializer.Deserialize<T>(response.Payload.Span, AuditJson.Options)!;
    }

    private async Task<string> Refused(int status, string code, TestIdentity caller, string function, params string[] args)
    {
        var response = await Invoke(caller, function, args);
        Assert.False(response.IsSuccess, $"{function} should have been refused");
        using var error = JsonDocument.Parse(response.Message);
        Assert.Equal(code, error.RootElement.GetProperty("code").GetString());
        Assert.Equal(status, response.Status);
        return error.RootElement.GetProperty("message").GetString()!;
    }

    private static string Json(AnchorRequest request) => JsonSerializer.Serialize(request, AuditJson.Options);

    [Fact]
    public async Task An_operator_anchors_a_range_keyed_by_what_it_covers_and_an_event_carries_the_anchor()
    {
        var result = await Ok<AnchorResult>(Operator1, "Anchor", Json(Range(0, 9)));

        Assert.True(result.Created);
        Assert.Equal("eir~eir~eir-changes~0-9", result.Anchor.Id);
        Assert.Equal(("Org1MSP", 3L), (result.Anchor.AnchoredBy, result.Anchor.ChangeCount));
        Assert.Equal(AuditContract.AnchoredEvent, _stub.EventName);
        var evented = JsonSerializer.Deserialize<AuditAnchor>(_stub.EventPayload.Span, AuditJson.Options)!;
        Assert.Equal(result.Anchor, evented);
        Assert.Equal(result.Anchor, await Ok<AuditAnchor>(Regulator, "GetAnchor", "eir~eir~eir-changes~0-9"));
    }

    [Fact]
    public async Task The_same_anchor_twice_writes_nothing_and_answers_the_first_even_from_another_operator()
    {
        var first = await Ok<AnchorResult>(Operator1, "Anchor", Json(Range(0, 9)));
        var history = await _stub.GetHistoryForKeyAsync(_stub.CreateCompositeKey("anchor", ["eir", "eir", "eir-changes", "0-9"])).CountAsync();

        var again = await Ok<AnchorResult>(Operator2, "Anchor", Json(Range(0, 9)));

        Assert.False(again.Created);
        Assert.Equal(first.Anchor, again.Anchor);
        Assert.Null(_stub.EventName);
        Assert.Equal(history, await _stub.GetHistoryForKeyAsync(_stub.CreateCompositeKey("anchor", ["eir", "eir", "eir-changes", "0-9"])).CountAsync());
    }

    [Fact]
    public async Task An_anchor_is_never_changed_another_digest_for_the_same_range_is_refused_and_the_first_stays()
    {
        var first = await Ok<AnchorResult>(Operator1, "Anchor", Json(Range(0, 9)));

        var message = await Refused(409, AuditContract.MismatchCode, Operator2, "Anchor", Json(Range(0, 9, new string('a', 64))));
        await Refused(409, AuditContract.MismatchCode, Operator1, "Anchor", Json(Range(0, 9, count: 4)));

        Assert.Contains(first.Anchor.Digest, message, StringComparison.Ordinal);
        Assert.Equal(first.Anchor, await Ok<AuditAnchor>(Operator1, "GetAnchor", first.Anchor.Id));
        using var metadata = JsonDocument.Parse((await Invoke(Operator1, "org.hyperledger.fabric:GetMetadata")).Payload);
        var functions = metadata.RootElement.GetProperty("contracts").GetProperty("audit").GetProperty("transactions")
            .EnumerateArray().Select(t => t.GetProperty("name").GetString()).Order(StringComparer.Ordinal);
        // Nothing updates or deletes an anchor: besides anchoring and reading, only a disclosure (private data) is written.
        Assert.Equal(["Anchor", "Disclose", "GetAnchor", "GetDisclosure", "ListAnchors"], functions);
    }

    [Fact]
    public async Task The_regulator_is_refused_by_its_msp_and_nothing_is_written()
    {
        var message = await Refused(403, ChaincodeErrorCodes.Forbidden, Regulator, "Anchor", Json(Range(0, 9)));

        Assert.Contains("RegulatorMSP", message, StringComparison.Ordinal);
        Assert.Empty(_stub.State);
        Assert.Null(_stub.EventName);
    }

    [Fact]
    public async Task Anchors_of_a_source_are_listed_and_a_missing_one_is_not_found()
    {
        await Ok<AnchorResult>(Operator1, "Anchor", Json(Range(0, 9)));
        await Ok<AnchorResult>(Operator1, "Anchor", Json(Range(10, 19)));
        await Ok<AnchorResult>(Operator1, "Anchor", Json(Range(0, 9) with { SourceChannel = "numbers", Chaincode = "numbers", Kind = AnchorKinds.NumbersChanges }));

        var eir = await Ok<List<AuditAnchor>>(Regulator, "ListAnchors", "eir", "");

        Assert.Equal(["eir~eir~eir-changes~0-9", "eir~eir~eir-changes~10-19"], eir.Select(a => a.Id));
        await Refused(404, ChaincodeErrorCodes.NotFound, Regulator, "GetAnchor", "eir~eir~eir-changes~20-29");
        await Refused(400, ChaincodeErrorCodes.InvalidArgument, Regulator, "GetAnchor", "not-an-id");
    }

    [Theory]
    [InlineData("""{"sourceChannel":"eir","chaincode":"eir","kind":"eir-changes","fromBlock":5,"toBlock":4,"digest":"%D","changeCount":0}""", "toBlock")]
    [InlineData("""{"sourceChannel":"eir","chaincode":"eir","kind":"eir-changes","fromBlock":0,"toBlock":4,"digest":"ABC","changeCount":0}""", "digest")]
    [InlineData("""{"sourceChannel":"Eir~x","chaincode":"eir","kind":"eir-changes","fromBlock":0,"toBlock":4,"digest":"%D","changeCount":0}""", "sourceChannel")]
    [InlineData("""{"sourceChannel":"roaming-emea","chaincode":"roaming","kind":"roaming-statement","fromBlock":0,"digest":"%D","changeCount":1}""", "statementId")]
    [InlineData("""{"sourceChannel":"eir","chaincode":"eir","kind":"eir-changes","fromBlock":0,"toBlock":4,"digest":"%D","changeCount":-1}""", "changeCount")]
    public async Task A_malformed_anchor_is_refused_naming_the_field(string json, string field)
    {
        var message = await Refused(400, ChaincodeErrorCodes.InvalidArgument, Operator1, "Anchor", json.Replace("%D", new string('0', 64), StringComparison.Ordinal));

        Assert.Contains(field, message, StringComparison.Ordinal);
        Assert.Empty(_stub.State);
    }

    [Fact]
    public async Task A_statement_is_anchored_by_its_id()
    {
        var request = new AnchorRequest
        {
            SourceChannel = "roaming-emea", Chaincode = "roaming", Kind = AnchorKinds.RoamingStatement,
            StatementId = "AGR-1.2026-01", Digest = new string('1', 64), ChangeCount = 1,
        };

        var result = await Ok<AnchorResult>(Operator1, "Anchor", Json(request));

        Assert.Equal("roaming-emea~roaming~roaming-statement~AGR-1.2026-01", result.Anchor.Id);
        Assert.Null(result.Anchor.FromBlock);
    }

    private static readonly TestIdentity Operator3 = TestIdentity.Create("Org3MSP", "User1@org3.example.com");

    private const string StatementAnchorId = "roaming-emea~roaming~roaming-statement~AGR-1.2026-10";

    private static AnchorRequest Statement() => new()
    {
        SourceChannel = "roaming-emea",
        Chaincode = "roaming",
        Kind = AnchorKinds.RoamingStatement,
        StatementId = StatementDisclosure.StatementId("AGR-1", "2026-10"),
        Digest = AnchorDigest.Sha256Hex([7]),
        ChangeCount = 1,
    };

    private static StatementDisclosure Disclosure(long net = 12_345) => new()
    {
        AnchorId = StatementAnchorId,
        SourceChannel = "roaming-emea",
        AgreementId = "AGR-1",
        Period = "2026-10",
        Parties = ["Org1MSP", "Org2MSP"],
        Currency = "SDR",
        DecimalPlaces = 3,
        Batches = 4,
        ChargedMinor = new Dictionary<string, long> { ["Org1MSP"] = 40_000, ["Org2MSP"] = 40_000 - net },
        NetMinor = net,
        NetPayerMspId = "Org2MSP",
        NetPayeeMspId = "Org1MSP",
        StatementHash = AnchorDigest.Sha256Hex([9]),
    };

    private async Task<ChaincodeResponse> Disclose(TestIdentity caller, string anchorId, StatementDisclosure? disclosure)
    {
        _stub.SetCreator(caller).StartTransaction("Disclose", anchorId);
        if (disclosure is not null)
        {
            _stub.SetTransient(AuditContract.DisclosureTransientKey, JsonSerializer.Serialize(disclosure, AuditJson.Options));
        }

        return await _chaincode.InvokeAsync(_stub, CancellationToken.None);
    }

    private static string Same(StatementDisclosure disclosure) => JsonSerializer.Serialize(disclosure, AuditJson.Options);

    private static string Code(ChaincodeResponse response)
    {
        Assert.False(response.IsSuccess, "should have been refused");
        using var error = JsonDocument.Parse(response.Message);
        return $"{response.Status} {error.RootElement.GetProperty("code").GetString()}";
    }

    [Fact]
    public async Task A_party_discloses_a_signed_statements_net_to_the_regulators_in_its_own_collection_and_only_a_hash_is_public()
    {
        await Ok<AnchorResult>(Operator1, "Anchor", Json(Statement()));
        var publicBefore = _stub.State.Count;

        var disclosed = await Disclose(Operator1, StatementAnchorId, Disclosure());

        Assert.True(disclosed.IsSuccess, disclosed.Message);
        var result = JsonSerializer.Deserialize<DisclosureResult>(disclosed.Payload.Span, AuditJson.Options)!;
        Assert.Equal(new DisclosureResult(StatementAnchorId, "Org1MSP", "disclosure-Org1MSP", true), result);
        Assert.Equal(AuditContract.DisclosedEvent, _stub.EventName);
        // The public event names the anchor and the discloser, never the figures.
        Assert.DoesNotContain("12345", System.Text.Encoding.UTF8.GetString(_stub.EventPayload.Span), StringComparison.Ordinal);
        Assert.Equal(publicBefore, _stub.State.Count);
        Assert.Single(_stub.GetPrivateState("disclosure-Org1MSP"));
        Assert.Equal(Same(Disclosure()), Same(await Ok<StatementDisclosure>(Regulator, "GetDisclosure", StatementAnchorId, "Org1MSP")));
        Assert.Equal(Same(Disclosure()), Same(await Ok<StatementDisclosure>(Operator1, "GetDisclosure", StatementAnchorId, "Org1MSP")));

        // The same again writes nothing; other figures are refused.
        var again = await Disclose(Operator1, StatementAnchorId, Disclosure());
        Assert.True(again.IsSuccess, again.Message);
        Assert.False(JsonSerializer.Deserialize<DisclosureResult>(again.Payload.Span, AuditJson.Options)!.Created);
        Assert.Null(_stub.EventName);
        Assert.Equal("409 audit-anchor-mismatch", Code(await Disclose(Operator1, StatementAnchorId, Disclosure(net: 1))));
        Assert.Equal(Same(Disclosure()), Same(await Ok<StatementDisclosure>(Regulator, "GetDisclosure", StatementAnchorId, "Org1MSP")));
    }

    [Fact]
    public async Task A_disclosure_is_refused_to_non_parties_the_regulator_and_without_a_statement_anchor_and_read_only_by_discloser_and_regulator()
    {
        await Ok<AnchorResult>(Operator1, "Anchor", Json(Range(0, 9)));
        Assert.Equal("404 not-found", Code(await Disclose(Operator1, StatementAnchorId, Disclosure())));
        await Ok<AnchorResult>(Operator1, "Anchor", Json(Statement()));

        Assert.Equal("400 invalid-argument", Code(await Disclose(Operator1, "eir~eir~eir-changes~0-9", Disclosure())));
        Assert.Equal("400 invalid-argument", Code(await Disclose(Operator1, StatementAnchorId, null)));
        Assert.Equal("400 invalid-argument", Code(await Disclose(Operator3, StatementAnchorId, Disclosure())));
        Assert.Equal("400 invalid-argument", Code(await Disclose(Operator1, StatementAnchorId, Disclosure() with { Period = "2026-11" })));
        Assert.Equal("400 invalid-argument", Code(await Disclose(Operator1, StatementAnchorId, Disclosure() with { NetPayerMspId = "Org3MSP" })));
        Assert.Equal("403 forbidden", Code(await Disclose(Regulator, StatementAnchorId, Disclosure())));
        Assert.Empty(_stub.GetPrivateState("disclosure-Org1MSP"));
        Assert.Empty(_stub.GetPrivateState("disclosure-Org3MSP"));

        Assert.True((await Disclose(Operator2, StatementAnchorId, Disclosure())).IsSuccess);
        Assert.Equal("403 forbidden", Code(await Invoke(Operator1, "GetDisclosure", StatementAnchorId, "Org2MSP")));
        Assert.Equal("403 forbidden", Code(await Invoke(Operator3, "GetDisclosure", StatementAnchorId, "Org2MSP")));
        Assert.Equal("404 not-found", Code(await Invoke(Regulator, "GetDisclosure", StatementAnchorId, "Org1MSP")));
        Assert.Equal(Same(Disclosure()), Same(await Ok<StatementDisclosure>(Regulator, "GetDisclosure", StatementAnchorId, "Org2MSP")));
    }
}
