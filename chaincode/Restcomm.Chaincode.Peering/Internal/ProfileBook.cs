using Restcomm.Fabric.Shim;
using Restcomm.Peering;

namespace Restcomm.Chaincode.Peering.Internal;

/// <summary>Operators' profiles: the details in the operator's implicit collection, versions and hashes in public state.</summary>
internal sealed class ProfileBook(PeeringTransaction tx)
{
    /// <summary>The transient entry carrying a profile document.</summary>
    public const string TransientKey = "profile";

    public async Task<ProfileState> RegisterAsync()
    {
        tx.RequireMember();
        var bytes = tx.Transient(TransientKey);
        var profile = InterconnectionProfile.Parse(bytes);
        var key = PeeringKeys.ProfileKey(tx.Stub, tx.CallerMspId);
        var current = await tx.GetAsync<ProfileState>(key).ConfigureAwait(false);
        var hash = PeeringTransaction.Hash(bytes);
        var version = new ProfileVersion { Version = (current?.Version ?? 0) + 1, Hash = hash, RegisteredAt = tx.Now, TxId = tx.Stub.TxId };
        var state = new ProfileState
        {
            Operator = tx.CallerMspId,
            Collection = PeeringKeys.ImplicitCollection(tx.CallerMspId),
            Version = version.Version,
            Hash = hash,
            Summary = profile.Summary(),
            Versions = [.. current?.Versions ?? [], version],
        };
        await tx.Stub.PutPrivateDataAsync(state.Collection, PeeringKeys.ProfileVersionKey(tx.Stub, version.Version), bytes, tx.CancellationToken).ConfigureAwait(false);
        await tx.PutAsync(key, state).ConfigureAwait(false);
        if (current is null)
        {
            // The chaincode's policy lets one peer endorse (only the owner's peers hold its implicit collection); the
            // record itself may then only change with the owner's peer's endorsement.
            await tx.RequireEndorsementAsync(key, tx.CallerMspId).ConfigureAwait(false);
        }

        tx.Emit(new PeeringChange { Change = PeeringEvents.ProfileRegistered, TxId = tx.Stub.TxId, Profile = state });
        return state;
    }

    public async Task<ProfileState> GetAsync(string mspId)
        => await tx.GetAsync<ProfileState>(PeeringKeys.ProfileKey(tx.Stub, mspId)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"{mspId} has registered no peering profile");

    public async Task<IReadOnlyList<ProfileState>> ListAsync()
    {
        var profiles = new List<ProfileState>();
        await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(PeeringKeys.Profile, []).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
        {
            profiles.Add(System.Text.Json.JsonSerializer.Deserialize<ProfileState>(kv.Value.Span, PeeringJson.Options)!);
        }

        return profiles;
    }

    /// <summary>The caller's own profile details (version 0: the current one), read from its implicit collection.</summary>
    public async Task<InterconnectionProfile> DetailsAsync(int version)
    {
        tx.RequireMember();
        var state = await GetAsync(tx.CallerMspId).ConfigureAwait(false);
        var (profile, _) = await VersionAsync(state, version == 0 ? state.Version : version).ConfigureAwait(false);
        return profile;
    }

    /// <summary>A version's exact bytes from the owner's implicit collection (only the owner's peers hold them), checked against the public hash.</summary>
    public async Task<(InterconnectionProfile Profile, byte[] Bytes)> VersionAsync(ProfileState state, int version)
    {
        var recorded = state.Versions.FirstOrDefault(v => v.Version == version)
            ?? throw ChaincodeException.NotFound($"{state.Operator} has no profile version {version}");
        var bytes = await tx.Stub.GetPrivateDataAsync(state.Collection, PeeringKeys.ProfileVersionKey(tx.Stub, version), tx.CancellationToken).ConfigureAwait(false);
        if (bytes is null || bytes.Length == 0)
        {
            throw ChaincodeException.FailedPrecondition($"this peer holds no details of {state.Operator}'s profile version {version}: only {state.Operator}'s peers do");
        }

        if (PeeringTransaction.Hash(bytes) != recorded.Hash)
        {
            throw ChaincodeException.Conflict($"the details this peer holds for {state.Operator}'s profile version {version} do not match the public hash");
        }

        return (InterconnectionProfile.Parse(bytes), bytes);
    }
}
