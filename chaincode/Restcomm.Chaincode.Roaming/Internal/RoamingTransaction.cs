using System.Security.Cryptography;
using System.Text.Json;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>One transaction seen by the roaming rules: the caller, its roles, typed state access and the event.</summary>
internal sealed class RoamingTransaction(TransactionContext context, RoamingPolicy policy)
{
    private readonly Dictionary<(string AgreementId, int Version), AgreementDocument> _documents = [];

    public IChaincodeStub Stub => context.Stub;

    public CancellationToken CancellationToken => context.CancellationToken;

    /// <summary>The caller's organisation, from the signed proposal.</summary>
    public string CallerMspId => context.ClientIdentity.MspId;

    /// <summary>The proposal's timestamp, the one clock every endorser agrees on.</summary>
    public DateTimeOffset Now => Stub.TxTimestamp;

    /// <summary>The UTC date of <see cref="Now"/>.</summary>
    public DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

    /// <summary>Refuses organisations that may not transact, and callers without the role attribute.</summary>
    public void RequireRole(string role)
    {
        RequireMember();
        if (policy.RequireRoleAttributes && !context.ClientIdentity.HasAttributeValue(role, "true"))
        {
            throw ChaincodeException.Forbidden($"this needs the {role} role: the caller's certificate has no {role}=true attribute");
        }
    }

    /// <summary>Refuses the read-only organisations (the regulator).</summary>
    public void RequireMember()
    {
        if (policy.ReadOnlyMsps.Contains(CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{CallerMspId} may not take part in roaming clearing");
        }
    }

    /// <summary>Refuses a caller that is not one of an agreement's parties.</summary>
    public void RequireParty(AgreementState agreement)
    {
        RequireMember();
        if (!agreement.IsParty(CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{CallerMspId} is not a party to agreement {agreement.AgreementId}");
        }
    }

    public async Task<T?> GetAsync<T>(string key)
        where T : class
    {
        var bytes = await Stub.GetStateAsync(key, CancellationToken).ConfigureAwait(false);
        return bytes is null or { Length: 0 } ? null : JsonSerializer.Deserialize<T>(bytes, RoamingJson.Options);
    }

    public Task PutAsync<T>(string key, T value) => Stub.PutStateAsync(key, Serialize(value), CancellationToken);

    public Task PutPrivateAsync(string collection, string key, ReadOnlyMemory<byte> value) => Stub.PutPrivateDataAsync(collection, key, value, CancellationToken);

    public Task<byte[]?> GetPrivateAsync(string collection, string key) => Stub.GetPrivateDataAsync(collection, key, CancellationToken);

    public async Task<AgreementState> AgreementAsync(string agreementId)
        => await GetAsync<AgreementState>(RoamingKeys.AgreementKey(Stub, agreementId)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"agreement {agreementId} does not exist");

    /// <summary>An agreement version's document from the pair's collection (read once per transaction).</summary>
    public async Task<AgreementDocument> DocumentAsync(AgreementState agreement, int version)
    {
        if (_documents.TryGetValue((agreement.AgreementId, version), out var cached))
        {
            return cached;
        }

        var bytes = await GetPrivateAsync(agreement.Collection, RoamingKeys.DocumentKey(Stub, agreement.AgreementId, version)).ConfigureAwait(false)
            ?? throw ChaincodeException.NotFound($"version {version} of agreement {agreement.AgreementId} is not in {agreement.Collection}");
        var document = ParseDocument(bytes);
        _documents[(agreement.AgreementId, version)] = document;
        return document;
    }

    /// <summary>The transient entry <paramref name="key"/>, required.</summary>
    public byte[] Transient(string key)
        => Stub.Transient.TryGetValue(key, out var value) && value.Length > 0
            ? value
            : throw ChaincodeException.InvalidArgument($"the transient map must carry '{key}' (private data never travels in the arguments)");

    public void Emit(RoamingChange change) => Stub.SetEvent(RoamingEvents.Name, Serialize(change));

    public static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, RoamingJson.Options);

    public static string Hash(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static AgreementDocument ParseDocument(byte[] bytes)
    {
        try
        {
            return JsonSerializer.Deserialize<AgreementDocument>(bytes, RoamingJson.Options)
                ?? throw ChaincodeException.InvalidArgument("the agreement document is empty");
        }
        catch (JsonException e)
        {
            throw new ChaincodeException("invalid-agreement", $"the agreement document is not valid JSON for an agreement: {e.Message}", 400);
        }
    }
}
