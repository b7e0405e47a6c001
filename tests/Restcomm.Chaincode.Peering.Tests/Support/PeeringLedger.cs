using System.Text;
using System.Text.Json;
using Restcomm.Chaincode.Peering.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Peering;

namespace Restcomm.Chaincode.Peering.Tests.Support;

/// <summary>The peering contract on the shim's in-memory ledger, with each operator's client and a settable clock.</summary>
internal sealed class PeeringLedger
{
    public const string Seller = "Org2MSP";
    public const string Buyer = "Org1MSP";
    public const string Third = "Org3MSP";
    public const string PairCollection = "pair-Org1MSP-Org2MSP";

    public static readonly TestIdentity A = TestIdentity.Create(Buyer, "User1@org1.example.com");
    public static readonly TestIdentity B = TestIdentity.Create(Seller, "User1@org2.example.com");
    public static readonly TestIdentity C = TestIdentity.Create(Third, "User1@org3.example.com");
    public static readonly TestIdentity Regulator = TestIdentity.Create("RegulatorMSP", "User1@regulator.example.com");

    public PeeringLedger(PeeringPolicy? policy = null)
    {
        Chaincode = PeeringChaincode.Create(policy ?? new PeeringPolicy());
        Stub = new InMemoryChaincodeStub("roaming-emea") { TimeProvider = Clock };
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));

    public InMemoryChaincodeStub Stub { get; }

    public ContractChaincode Chaincode { get; }

    public static InterconnectionProfile Profile(string sipHost = "sbc1.org2.example.net") => new()
    {
        Description = "Org2 interconnect",
        Sip = new SipInterconnect { Endpoints = [$"sip:{sipHost}:5061;transport=tls"], IpRanges = ["192.0.2.0/24", "2001:db8:2::/48"] },
        Ss7 = new Ss7Interconnect { PointCodes = ["2-123-4"], GlobalTitles = ["447700900123"] },
        Diameter = new DiameterInterconnect { Realms = ["epc.mnc002.mcc234.3gppnetwork.org"], Hosts = ["dea1.org2.example.net"] },
        Contacts = [new TechnicalContact { Name = "Interconnect NOC", Email = "noc@org2.example.net", Phone = "+447700900000" }],
    };

    public static byte[] ProfileBytes(InterconnectionProfile profile) => JsonSerializer.SerializeToUtf8Bytes(profile, PeeringJson.Options);

    public static Dictionary<string, byte[]> ProfileTransient(InterconnectionProfile profile) => new() { [ProfileBook.TransientKey] = ProfileBytes(profile) };

    public static InterconnectionRequest Request(string grantId = "g-1", long seconds = 30 * 86400, params PeeringService[] services) => new()
    {
        GrantId = grantId,
        Seller = Seller,
        Services = services.Length == 0 ? [PeeringService.Sip] : services,
        Purpose = "voice interconnection for wholesale routes",
        DurationSeconds = seconds,
    };

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, PeeringJson.Options);

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

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
        return JsonSerializer.Deserialize<T>(response.Payload.Span, PeeringJson.Options)!;
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

    public PeeringChange LastEvent()
    {
        Assert.Equal(PeeringEvents.Name, Stub.EventName);
        return JsonSerializer.Deserialize<PeeringChange>(Stub.EventPayload.Span, PeeringJson.Options)!;
    }

    /// <summary>Every byte of public state, as text.</summary>
    public string PublicText() => string.Concat(Stub.State.Values.Select(v => Encoding.UTF8.GetString(v)));

    /// <summary>B registers <see cref="Profile"/>, A asks for SIP for 30 days, B approves 7 days.</summary>
    public async Task<GrantState> ApprovedSipGrantAsync(string grantId = "g-1", long approvedSeconds = 7 * 86400)
    {
        await Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        await Ok<GrantState>(A, "RequestInterconnection", [Json(Request(grantId))]);
        return await Ok<GrantState>(B, "ApproveInterconnection", [grantId, Json(new GrantTerms { DurationSeconds = approvedSeconds })]);
    }
}

/// <summary>A clock the test moves.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
