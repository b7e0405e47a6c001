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
        Assert.Equal(["Anchor", "GetAnchor", "ListAnchors"], functions);
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
}
