using System.Text.Json;
using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Numbers;

namespace Restcomm.Chaincode.Numbers.Tests.Support;

/// <summary>The numbers contract on the shim's in-memory ledger, with each provider's clients and a settable clock.</summary>
internal sealed class NumbersLedger
{
    public const string A = "Org1MSP";
    public const string B = "Org2MSP";
    public const string C = "Org3MSP";

    public static readonly TimeSpan Window = TimeSpan.FromHours(4);

    public static readonly TestIdentity ProviderA = TestIdentity.Create(A, "User1@org1.example.com");
    public static readonly TestIdentity ProviderB = TestIdentity.Create(B, "User1@org2.example.com");
    public static readonly TestIdentity ProviderC = TestIdentity.Create(C, "User1@org3.example.com");
    public static readonly TestIdentity Regulator = TestIdentity.Create("RegulatorMSP", "User1@regulator.example.com");

    public const string ConsentHash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    public const string LoaHash = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));

    public InMemoryChaincodeStub Stub { get; }

    public ContractChaincode Chaincode { get; } = NumbersChaincode.Create(new NumbersPolicy { PortWindow = Window });

    public NumbersLedger() => Stub = new InMemoryChaincodeStub("numbers") { TimeProvider = Clock };

    public async Task<ChaincodeResponse> Invoke(TestIdentity caller, string function, params string[] args)
    {
        Stub.SetCreator(caller).StartTransaction(function, args);
        return await Chaincode.InvokeAsync(Stub, CancellationToken.None);
    }

    public async Task<T> Ok<T>(TestIdentity caller, string function, params string[] args)
    {
        var response = await Invoke(caller, function, args);
        Assert.True(response.IsSuccess, $"{function} failed: {response.Status} {response.Message}");
        return JsonSerializer.Deserialize<T>(response.Payload.Span, NumbersJson.Options)!;
    }

    /// <summary>Asserts a refusal with the status and code, returns the message.</summary>
    public async Task<string> Refused(int status, string code, TestIdentity caller, string function, params string[] args)
    {
        var response = await Invoke(caller, function, args);
        Assert.False(response.IsSuccess, $"{function} should have been refused");
        using var error = JsonDocument.Parse(response.Message);
        Assert.Equal(code, error.RootElement.GetProperty("code").GetString());
        Assert.Equal(status, response.Status);
        return error.RootElement.GetProperty("message").GetString()!;
    }

    public NumberChangeSet LastEvent()
    {
        Assert.Equal(NumberChangeSet.EventName, Stub.EventName);
        return JsonSerializer.Deserialize<NumberChangeSet>(Stub.EventPayload.Span, NumbersJson.Options)!;
    }

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, NumbersJson.Options);

    public static Capability Capability(string name, string? uri = null, DateTimeOffset? expires = null)
        => new() { Name = name, Uri = uri, ConsentHash = ConsentHash, ConsentAt = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), ConsentExpires = expires };

    /// <summary>Voice, SMS and RCS with a caller name.</summary>
    public static NumberProfile Rich(string cnam = "ACME PLUMBING", CnamPresentation presentation = CnamPresentation.Allowed) => new()
    {
        LineType = LineType.Mobile,
        Capabilities = [Capability("voice", "sip:+447700900123@ims.org1.example.com"), Capability("sms"), Capability("rcs", "https://rcs.org1.example.com/a")],
        Cnam = new CallerName { Name = cnam, Presentation = presentation },
    };

    public static string Publication(string e164, NumberProfile? profile = null)
        => Json(new NumberPublication { E164 = E164Number.Parse(e164), Profile = profile ?? Rich() });

    public Task<PublishResult> PublishAsync(TestIdentity caller, string e164, NumberProfile? profile = null)
        => Ok<PublishResult>(caller, "Publish", Publication(e164, profile));

    public Task<PortRequest> RequestPortAsync(TestIdentity recipient, string e164, DateTimeOffset? dueAt = null)
        => Ok<PortRequest>(recipient, "RequestPort", Json(new PortRequestInput { E164 = E164Number.Parse(e164), ConsentHash = LoaHash, DueAt = dueAt }));
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}
