using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Restcomm.Fabric.Shim;
using Restcomm.Peering;

namespace Restcomm.Chaincode.Peering.Internal;

/// <summary>One transaction seen by the peering rules: the caller, the transaction time, typed state access and the event.</summary>
internal sealed partial class PeeringTransaction(TransactionContext context, PeeringPolicy policy)
{
    /// <summary>Code of a read or use of a grant that is not in force (not approved, not started, expired, revoked): 403.</summary>
    public const string NotInForce = "grant-not-in-force";

    public IChaincodeStub Stub => context.Stub;

    public PeeringPolicy Policy => policy;

    public CancellationToken CancellationToken => context.CancellationToken;

    /// <summary>The caller's organisation, from the signed proposal.</summary>
    public string CallerMspId => context.ClientIdentity.MspId;

    /// <summary>The proposal's timestamp, the one clock every endorser agrees on.</summary>
    public DateTimeOffset Now => Stub.TxTimestamp;

    /// <summary>Refuses the read-only organisations (the regulator).</summary>
    public void RequireMember()
    {
        if (policy.ReadOnlyMsps.Contains(CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{CallerMspId} may not take part in peering");
        }
    }

    /// <summary>Refuses a caller that is not the grant's buyer or seller.</summary>
    public void RequireParty(GrantState grant)
    {
        RequireMember();
        if (!grant.IsParty(CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{CallerMspId} is not a party to grant {grant.GrantId}");
        }
    }

    public static void RequireId(string name, string value)
    {
        if (!IdPattern().IsMatch(value))
        {
            throw ChaincodeException.InvalidArgument($"{name} '{value}' must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
    }

    public static void RequireHash(string name, string value)
    {
        if (!HashPattern().IsMatch(value))
        {
            throw ChaincodeException.InvalidArgument($"{name} must be a SHA-256 in lower-case hex (64 characters)");
        }
    }

    public async Task<T?> GetAsync<T>(string key)
        where T : class
    {
        var bytes = await Stub.GetStateAsync(key, CancellationToken).ConfigureAwait(false);
        return bytes is null or { Length: 0 } ? null : JsonSerializer.Deserialize<T>(bytes, PeeringJson.Options);
    }

    public Task PutAsync<T>(string key, T value) => Stub.PutStateAsync(key, Serialize(value), CancellationToken);

    /// <summary>Gives a public key the key-level endorsement policy "a peer of <paramref name="mspId"/>".</summary>
    public Task RequireEndorsementAsync(string key, string mspId)
        => Stub.SetStateValidationParameterAsync(key, new KeyEndorsementPolicy().AddOrganizations(EndorserRole.Peer, mspId).ToBytes(), CancellationToken);

    public async Task<GrantState> GrantAsync(string grantId)
        => await GetAsync<GrantState>(PeeringKeys.GrantKey(Stub, grantId)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"grant {grantId} does not exist");

    /// <summary>The transient entry <paramref name="key"/>, required.</summary>
    public byte[] Transient(string key)
        => Stub.Transient.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw ChaincodeException.InvalidArgument($"the transient map must carry '{key}' (private data never travels in the arguments)");

    public void Emit(PeeringChange change) => Stub.SetEvent(PeeringEvents.Name, Serialize(change));

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, PeeringJson.Options);

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex HashPattern();
}
