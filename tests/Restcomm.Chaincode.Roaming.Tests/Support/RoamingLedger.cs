using System.Text.Json;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Support;

/// <summary>The roaming contract on the shim's in-memory ledger, with each operator's clients and a settable clock.</summary>
internal sealed class RoamingLedger
{
    private static readonly Dictionary<string, string> BothRoles = new() { ["roaming.submitter"] = "true", ["roaming.approver"] = "true" };

    public static readonly TestIdentity A = TestIdentity.Create(Samples.A, "User1@org1.example.com", BothRoles);
    public static readonly TestIdentity B = TestIdentity.Create(Samples.B, "User1@org2.example.com", BothRoles);
    public static readonly TestIdentity C = TestIdentity.Create(Samples.C, "User1@org3.example.com", BothRoles);
    public static readonly TestIdentity Regulator = TestIdentity.Create("RegulatorMSP", "User1@regulator.example.com", BothRoles);

    /// <summary>An Org1MSP client that may only submit usage.</summary>
    public static readonly TestIdentity ASubmitterOnly = TestIdentity.Create(Samples.A, "Ingest@org1.example.com", new Dictionary<string, string> { ["roaming.submitter"] = "true" });

    /// <summary>An Org1MSP client that may only approve.</summary>
    public static readonly TestIdentity AApproverOnly = TestIdentity.Create(Samples.A, "Clerk@org1.example.com", new Dictionary<string, string> { ["roaming.approver"] = "true" });

    /// <summary>An Org2MSP client without attributes.</summary>
    public static readonly TestIdentity BWithoutRoles = TestIdentity.Create(Samples.B, "Guest@org2.example.com");

    public ManualClock Clock { get; } = new(new DateTimeOffset(2025, 1, 2, 10, 0, 0, TimeSpan.Zero));

    public InMemoryChaincodeStub Stub { get; }

    public ContractChaincode Chaincode { get; }

    public RoamingLedger(SettlementPolicy? settlement = null, string channel = "roaming-emea")
    {
        Stub = new InMemoryChaincodeStub(channel) { TimeProvider = Clock };
        Chaincode = RoamingChaincode.Create(new RoamingPolicy(), settlement);
    }

    public async Task<ChaincodeResponse> Invoke(TestIdentity caller, string function, IReadOnlyList<string> args, IReadOnlyDictionary<string, byte[]>? transient = null)
    {
        Stub.SetCreator(caller).StartTransaction(function, args);
        foreach (var (key, value) in transient ?? new Dictionary<string, byte[]>())
        {
            Stub.SetTransient(key, value);
        }

        return await Chaincode.InvokeAsync(Stub, CancellationToken.None);
    }

    public async Task<T> Ok<T>(TestIdentity caller, string function, IReadOnlyList<string> args, IReadOnlyDictionary<string, byte[]>? transient = null)
    {
        var response = await Invoke(caller, function, args, transient);
        Assert.True(response.IsSuccess, $"{function} failed: {response.Status} {response.Message}");
        return JsonSerializer.Deserialize<T>(response.Payload.Span, RoamingJson.Options)!;
    }

    /// <summary>Asserts a refusal with the status and code, returns the message.</summary>
    public async Task<string> Refused(int status, string code, TestIdentity caller, string function, IReadOnlyList<string> args, IReadOnlyDictionary<string, byte[]>? transient = null)
    {
        var response = await Invoke(caller, function, args, transient);
        Assert.False(response.IsSuccess, $"{function} should have been refused");
        using var error = JsonDocument.Parse(response.Message);
        Assert.Equal(code, error.RootElement.GetProperty("code").GetString());
        Assert.Equal(status, response.Status);
        return error.RootElement.GetProperty("message").GetString()!;
    }

    public RoamingChange LastEvent()
    {
        Assert.Equal(RoamingEvents.Name, Stub.EventName);
        return JsonSerializer.Deserialize<RoamingChange>(Stub.EventPayload.Span, RoamingJson.Options)!;
    }

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, RoamingJson.Options);

    public static Dictionary<string, byte[]> AgreementTransient(AgreementDocument document)
        => new() { ["agreement"] = JsonSerializer.SerializeToUtf8Bytes(document, RoamingJson.Options) };

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>A proposes <paramref name="document"/>, B accepts it.</summary>
    public async Task<AgreementState> AgreeAsync(AgreementDocument document)
    {
        var transient = AgreementTransient(document);
        await Ok<AgreementState>(A, "ProposeAgreement", [], transient);
        return await Ok<AgreementState>(B, "AcceptAgreement", [document.AgreementId, Sha256(transient["agreement"])]);
    }

    public Task<SubmitUsageBatchResult> SubmitAsync(TestIdentity caller, (UsageBatchHeader Header, byte[] Payload) batch)
        => Ok<SubmitUsageBatchResult>(caller, "SubmitUsageBatch", [Json(batch.Header)], Records(batch.Payload));

    public static Dictionary<string, byte[]> Records(byte[] payload) => new() { [UsageBatchPayload.TransientKey] = payload };
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
