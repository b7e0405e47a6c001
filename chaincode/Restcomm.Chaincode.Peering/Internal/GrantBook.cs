using System.Text.Json;
using Restcomm.Fabric.Shim;
using Restcomm.Peering;

namespace Restcomm.Chaincode.Peering.Internal;

/// <summary>
/// Requests, grants and their clients. An approval copies exactly the granted part of the seller's profile into the
/// pair's collection; revocation and expiry purge that copy (and the clients' secret hashes) with PurgePrivateData.
/// </summary>
internal sealed class GrantBook(PeeringTransaction tx)
{
    /// <summary>The transient entry carrying a client secret's SHA-256 (hex).</summary>
    public const string ClientSecretHashKey = "clientSecretHash";

    public async Task<GrantState> RequestAsync(InterconnectionRequest request)
    {
        tx.RequireMember();
        PeeringTransaction.RequireId("grantId", request.GrantId);
        var buyer = tx.CallerMspId;
        if (request.Seller == buyer)
        {
            throw ChaincodeException.InvalidArgument("an operator cannot request interconnection from itself");
        }

        var services = Distinct(request.Services, "services");
        if (string.IsNullOrWhiteSpace(request.Purpose) || request.Purpose.Length > 500)
        {
            throw ChaincodeException.InvalidArgument("purpose: say why in 1 to 500 characters (it is public)");
        }

        _ = Duration(request.DurationSeconds, "durationSeconds");
        var key = PeeringKeys.GrantKey(tx.Stub, request.GrantId);
        var existing = await tx.GetAsync<GrantState>(key).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.Buyer == buyer && JsonSerializer.Serialize(existing.Request, PeeringJson.Options) == JsonSerializer.Serialize(request with { Services = services }, PeeringJson.Options))
            {
                return existing; // the same request again (a retried submit): nothing to write
            }

            throw ChaincodeException.Conflict($"grant {request.GrantId} already exists");
        }

        var profile = await new ProfileBook(tx).GetAsync(request.Seller).ConfigureAwait(false);
        var missing = services.Except(profile.Summary.Services).ToList();
        if (missing.Count > 0)
        {
            throw ChaincodeException.FailedPrecondition($"{request.Seller}'s profile offers no {string.Join(", ", missing).ToLowerInvariant()}");
        }

        var grant = new GrantState
        {
            GrantId = request.GrantId,
            Buyer = buyer,
            Seller = request.Seller,
            Collection = PeeringKeys.PairCollection(buyer, request.Seller),
            Status = GrantStatus.Requested,
            Request = request with { Services = services },
            RequestedAt = tx.Now,
        };
        var saved = await SaveAsync(grant, PeeringEvents.GrantRequested).ConfigureAwait(false);
        // Every later change (approval, clients, revocation, expiry) needs the seller's peer, which alone holds the
        // seller's profile: a buyer's peer cannot endorse an approval on its own.
        await tx.RequireEndorsementAsync(key, request.Seller).ConfigureAwait(false);
        return saved;
    }

    public async Task<GrantState> ApproveAsync(string grantId, GrantTerms terms)
    {
        var grant = await SellerGrantAsync(grantId, GrantStatus.Requested).ConfigureAwait(false);
        var services = terms.Services is null ? grant.Request.Services : Distinct(terms.Services, "services");
        var broader = services.Except(grant.Request.Services).ToList();
        if (broader.Count > 0)
        {
            throw ChaincodeException.InvalidArgument($"services: {string.Join(", ", broader).ToLowerInvariant()} was not asked for; a grant may only be narrower");
        }

        var duration = terms.DurationSeconds is { } seconds ? Duration(seconds, "durationSeconds") : TimeSpan.FromSeconds(grant.Request.DurationSeconds);
        if (duration > TimeSpan.FromSeconds(grant.Request.DurationSeconds))
        {
            throw ChaincodeException.InvalidArgument($"durationSeconds: {(long)duration.TotalSeconds} is longer than the {grant.Request.DurationSeconds} asked for");
        }

        var startsAt = terms.StartsAt ?? grant.Request.WantedStart ?? tx.Now;
        if (startsAt < tx.Now)
        {
            startsAt = tx.Now;
        }

        KycAttestation? kyc = null;
        if (tx.Policy.RequireKyc)
        {
            kyc = await tx.GetAsync<KycAttestation>(PeeringKeys.KycKey(tx.Stub, grant.Buyer)).ConfigureAwait(false);
            if (kyc is null || (tx.Policy.KycAttesters.Count > 0 && !tx.Policy.KycAttesters.Contains(kyc.AttestedBy)))
            {
                throw new ChaincodeException("kyc-required", $"{grant.Buyer} has no KYC attestation from {(tx.Policy.KycAttesters.Count > 0 ? string.Join(" or ", tx.Policy.KycAttesters) : "another member")}: it is required before approval", 412);
            }
        }

        var books = new ProfileBook(tx);
        var profileState = await books.GetAsync(grant.Seller).ConfigureAwait(false);
        var (profile, _) = await books.VersionAsync(profileState, profileState.Version).ConfigureAwait(false);
        var missing = services.Except(profile.Services()).ToList();
        if (missing.Count > 0)
        {
            throw ChaincodeException.FailedPrecondition($"the current profile offers no {string.Join(", ", missing).ToLowerInvariant()}");
        }

        var copy = PeeringTransaction.Serialize(profile.Restrict(services));
        await tx.Stub.PutPrivateDataAsync(grant.Collection, PeeringKeys.DetailsKey(tx.Stub, grantId), copy, tx.CancellationToken).ConfigureAwait(false);
        return await SaveAsync(
            grant with
            {
                Status = GrantStatus.Approved,
                DecidedAt = tx.Now,
                Kyc = kyc,
                Granted = new GrantedScope
                {
                    Services = services,
                    StartsAt = startsAt,
                    ExpiresAt = startsAt + duration,
                    ProfileVersion = profileState.Version,
                    DetailsHash = PeeringTransaction.Hash(copy),
                },
            },
            PeeringEvents.GrantApproved).ConfigureAwait(false);
    }

    public async Task<GrantState> DeclineAsync(string grantId, string reason)
    {
        var grant = await SellerGrantAsync(grantId, GrantStatus.Requested).ConfigureAwait(false);
        return await SaveAsync(grant with { Status = GrantStatus.Declined, DecidedAt = tx.Now, DeclineReason = Reason(reason) }, PeeringEvents.GrantDeclined).ConfigureAwait(false);
    }

    public async Task<GrantState> RevokeAsync(string grantId, string reason)
    {
        var grant = await SellerGrantAsync(grantId, GrantStatus.Approved).ConfigureAwait(false);
        await PurgeCopyAsync(grant).ConfigureAwait(false);
        return await SaveAsync(grant with { Status = GrantStatus.Revoked, RevokedAt = tx.Now, RevokeReason = Reason(reason), PurgedAt = tx.Now }, PeeringEvents.GrantRevoked).ConfigureAwait(false);
    }

    /// <summary>Either party purges the copy of a grant whose expiry has passed (by transaction time).</summary>
    public async Task<GrantState> PurgeExpiredAsync(string grantId)
    {
        var grant = await tx.GrantAsync(grantId).ConfigureAwait(false);
        tx.RequireParty(grant);
        if (grant.Status != GrantStatus.Approved || grant.Granted is null)
        {
            throw ChaincodeException.FailedPrecondition($"grant {grantId} is {grant.Status.ToString().ToLowerInvariant()}: only an approved grant expires");
        }

        if (tx.Now < grant.Granted.ExpiresAt)
        {
            throw new ChaincodeException("grant-in-force", $"grant {grantId} runs until {grant.Granted.ExpiresAt:O}", 412);
        }

        await PurgeCopyAsync(grant).ConfigureAwait(false);
        return await SaveAsync(grant with { Status = GrantStatus.Expired, PurgedAt = tx.Now }, PeeringEvents.GrantExpired).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<GrantState>> ListAsync()
    {
        var grants = new List<GrantState>();
        await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(PeeringKeys.Grant, []).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
        {
            grants.Add(JsonSerializer.Deserialize<GrantState>(kv.Value.Span, PeeringJson.Options)!);
        }

        return grants;
    }

    /// <summary>The granted details, for a party while the grant is in force (by transaction time).</summary>
    public async Task<GrantedDetailsView> DetailsAsync(string grantId)
    {
        var grant = await InForceAsync(grantId).ConfigureAwait(false);
        var bytes = await tx.Stub.GetPrivateDataAsync(grant.Collection, PeeringKeys.DetailsKey(tx.Stub, grantId), tx.CancellationToken).ConfigureAwait(false);
        if (bytes is null || bytes.Length == 0)
        {
            throw ChaincodeException.NotFound($"this peer holds no copy of grant {grantId}'s details ({grant.Collection})");
        }

        return new GrantedDetailsView { Grant = grant, Details = InterconnectionProfile.Parse(bytes) };
    }

    /// <summary>What the answering peer keeps of a grant's copy (hashes for anyone on the channel; the copy's presence for a party).</summary>
    public async Task<GrantCopyHolding> HoldingAsync(string grantId)
    {
        var grant = await tx.GrantAsync(grantId).ConfigureAwait(false);
        var key = PeeringKeys.DetailsKey(tx.Stub, grantId);
        var hash = await tx.Stub.GetPrivateDataHashAsync(grant.Collection, key, tx.CancellationToken).ConfigureAwait(false);
        bool? held = null;
        if (tx.CallerMspId == grant.Buyer || tx.CallerMspId == grant.Seller)
        {
            held = await tx.Stub.GetPrivateDataAsync(grant.Collection, key, tx.CancellationToken).ConfigureAwait(false) is { Length: > 0 };
        }

        var secrets = 0;
        foreach (var clientId in grant.Clients)
        {
            if (await tx.Stub.GetPrivateDataHashAsync(grant.Collection, PeeringKeys.ClientSecretKey(tx.Stub, clientId), tx.CancellationToken).ConfigureAwait(false) is { Length: > 0 })
            {
                secrets++;
            }
        }

        return new GrantCopyHolding
        {
            GrantId = grantId,
            Collection = grant.Collection,
            DetailsHashHeld = hash is { Length: > 0 },
            DetailsHeld = held,
            ClientSecretsHeld = secrets,
        };
    }

    /// <summary>The buyer registers an OAuth client under a grant in force; the secret's hash is the transient <c>clientSecretHash</c>.</summary>
    public async Task<GrantClient> RegisterClientAsync(string grantId, string clientId)
    {
        PeeringTransaction.RequireId("clientId", clientId);
        var grant = await tx.GrantAsync(grantId).ConfigureAwait(false);
        tx.RequireMember();
        if (grant.Buyer != tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden($"only the buyer {grant.Buyer} registers clients under grant {grantId}");
        }

        if (grant.Status != GrantStatus.Approved || grant.Granted is null || tx.Now >= grant.Granted.ExpiresAt)
        {
            throw new ChaincodeException(PeeringTransaction.NotInForce, $"grant {grantId} is not in force", 403);
        }

        var secretHash = System.Text.Encoding.UTF8.GetString(tx.Transient(ClientSecretHashKey));
        PeeringTransaction.RequireHash(ClientSecretHashKey, secretHash);
        var key = PeeringKeys.ClientKey(tx.Stub, clientId);
        if (await tx.GetAsync<GrantClient>(key).ConfigureAwait(false) is not null)
        {
            throw ChaincodeException.Conflict($"client {clientId} already exists");
        }

        var client = new GrantClient { ClientId = clientId, GrantId = grantId, Buyer = grant.Buyer, Seller = grant.Seller, RegisteredAt = tx.Now };
        await tx.Stub.PutPrivateDataAsync(grant.Collection, PeeringKeys.ClientSecretKey(tx.Stub, clientId), System.Text.Encoding.UTF8.GetBytes(secretHash), tx.CancellationToken).ConfigureAwait(false);
        await tx.PutAsync(key, client).ConfigureAwait(false);
        var updated = grant with { Clients = [.. grant.Clients, clientId] };
        await tx.PutAsync(PeeringKeys.GrantKey(tx.Stub, grantId), updated).ConfigureAwait(false);
        tx.Emit(new PeeringChange { Change = PeeringEvents.ClientRegistered, TxId = tx.Stub.TxId, Grant = updated, Client = client });
        return client;
    }

    /// <summary>A client with its secret hash and grant, for a party while the grant is in force (the token endpoint's check).</summary>
    public async Task<GrantClientCredentials> ClientCredentialsAsync(string clientId)
    {
        var client = await tx.GetAsync<GrantClient>(PeeringKeys.ClientKey(tx.Stub, clientId)).ConfigureAwait(false)
            ?? throw ChaincodeException.NotFound($"client {clientId} does not exist");
        var grant = await InForceAsync(client.GrantId).ConfigureAwait(false);
        var secretHash = await tx.Stub.GetPrivateDataAsync(grant.Collection, PeeringKeys.ClientSecretKey(tx.Stub, clientId), tx.CancellationToken).ConfigureAwait(false);
        if (secretHash is null || secretHash.Length == 0)
        {
            throw ChaincodeException.NotFound($"this peer holds no secret of client {clientId} ({grant.Collection})");
        }

        return new GrantClientCredentials { Client = client, SecretHash = System.Text.Encoding.UTF8.GetString(secretHash), Grant = grant };
    }

    public async Task<KycAttestation> AttestKycAsync(string subject, string evidenceHash)
    {
        tx.RequireMember();
        PeeringTransaction.RequireHash("evidenceHash", evidenceHash);
        if (subject == tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden("an operator cannot attest its own KYC");
        }

        if (tx.Policy.KycAttesters.Count > 0 && !tx.Policy.KycAttesters.Contains(tx.CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} is not a KYC attester here ({string.Join(", ", tx.Policy.KycAttesters)})");
        }

        var attestation = new KycAttestation { Subject = subject, EvidenceHash = evidenceHash, AttestedBy = tx.CallerMspId, AttestedAt = tx.Now, TxId = tx.Stub.TxId };
        await tx.PutAsync(PeeringKeys.KycKey(tx.Stub, subject), attestation).ConfigureAwait(false);
        tx.Emit(new PeeringChange { Change = PeeringEvents.KycAttested, TxId = tx.Stub.TxId, Kyc = attestation });
        return attestation;
    }

    public async Task<KycAttestation> KycAsync(string subject)
        => await tx.GetAsync<KycAttestation>(PeeringKeys.KycKey(tx.Stub, subject)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"{subject} has no KYC attestation");

    private async Task<GrantState> InForceAsync(string grantId)
    {
        var grant = await tx.GrantAsync(grantId).ConfigureAwait(false);
        tx.RequireParty(grant);
        if (!grant.InForce(tx.Now))
        {
            var why = grant.Status != GrantStatus.Approved || grant.Granted is null
                ? $"is {grant.Status.ToString().ToLowerInvariant()}"
                : tx.Now < grant.Granted.StartsAt ? $"starts at {grant.Granted.StartsAt:O}" : $"expired at {grant.Granted.ExpiresAt:O}";
            throw new ChaincodeException(PeeringTransaction.NotInForce, $"grant {grantId} {why}", 403);
        }

        return grant;
    }

    private async Task<GrantState> SellerGrantAsync(string grantId, GrantStatus expected)
    {
        var grant = await tx.GrantAsync(grantId).ConfigureAwait(false);
        tx.RequireMember();
        if (grant.Seller != tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden($"only the seller {grant.Seller} decides on grant {grantId}");
        }

        if (grant.Status != expected)
        {
            throw ChaincodeException.Conflict($"grant {grantId} is {grant.Status.ToString().ToLowerInvariant()}, not {expected.ToString().ToLowerInvariant()}");
        }

        return grant;
    }

    private async Task PurgeCopyAsync(GrantState grant)
    {
        await tx.Stub.PurgePrivateDataAsync(grant.Collection, PeeringKeys.DetailsKey(tx.Stub, grant.GrantId), tx.CancellationToken).ConfigureAwait(false);
        foreach (var clientId in grant.Clients)
        {
            await tx.Stub.PurgePrivateDataAsync(grant.Collection, PeeringKeys.ClientSecretKey(tx.Stub, clientId), tx.CancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<GrantState> SaveAsync(GrantState grant, string change)
    {
        await tx.PutAsync(PeeringKeys.GrantKey(tx.Stub, grant.GrantId), grant).ConfigureAwait(false);
        tx.Emit(new PeeringChange { Change = change, TxId = tx.Stub.TxId, Grant = grant });
        return grant;
    }

    private TimeSpan Duration(long seconds, string name)
    {
        if (seconds <= 0 || seconds > (long)tx.Policy.MaxDuration.TotalSeconds)
        {
            throw ChaincodeException.InvalidArgument($"{name}: between 1 and {(long)tx.Policy.MaxDuration.TotalSeconds} seconds");
        }

        return TimeSpan.FromSeconds(seconds);
    }

    private static IReadOnlyList<PeeringService> Distinct(IReadOnlyList<PeeringService>? services, string name)
    {
        if (services is null || services.Count == 0)
        {
            throw ChaincodeException.InvalidArgument($"{name}: name at least one service");
        }

        return [.. services.Distinct().Order()];
    }

    private static string Reason(string reason)
        => string.IsNullOrWhiteSpace(reason) || reason.Length > 500
            ? throw ChaincodeException.InvalidArgument("reason: 1 to 500 characters (it is public)")
            : reason;
}
