namespace Restcomm.Peering;

/// <summary>One version of a profile as the public state names it.</summary>
public sealed record ProfileVersion
{
    /// <summary>1, 2, ...</summary>
    public required int Version { get; init; }

    /// <summary>SHA-256 (hex) of the exact profile bytes, as Fabric's private data hash.</summary>
    public required string Hash { get; init; }

    /// <summary>When it was registered (transaction time).</summary>
    public required DateTimeOffset RegisteredAt { get; init; }

    /// <summary>The registering transaction.</summary>
    public required string TxId { get; init; }
}

/// <summary>The public state of an operator's profile: every version's hash and the current summary, never details.</summary>
public sealed record ProfileState
{
    /// <summary>The operator (MSP ID).</summary>
    public required string Operator { get; init; }

    /// <summary>The implicit collection holding the details (<c>_implicit_org_&lt;MSP&gt;</c>).</summary>
    public required string Collection { get; init; }

    /// <summary>The current version.</summary>
    public required int Version { get; init; }

    /// <summary>The current version's hash.</summary>
    public required string Hash { get; init; }

    /// <summary>The current version's public summary.</summary>
    public required ProfileSummary Summary { get; init; }

    /// <summary>Every version, oldest first.</summary>
    public IReadOnlyList<ProfileVersion> Versions { get; init; } = [];
}

/// <summary>Where a grant stands.</summary>
public enum GrantStatus
{
    /// <summary>The buyer asked; the seller has not answered.</summary>
    Requested,

    /// <summary>The seller declined, with a reason.</summary>
    Declined,

    /// <summary>The seller approved: the granted details are in the pair's collection until the grant ends.</summary>
    Approved,

    /// <summary>The seller revoked the grant; the copy was purged in the same transaction.</summary>
    Revoked,

    /// <summary>The grant ran out and its copy was purged.</summary>
    Expired,
}

/// <summary>A buyer's request for interconnection.</summary>
public sealed record InterconnectionRequest
{
    /// <summary>The grant's identifier, chosen by the buyer (letters, digits, '-', '_', '.', at most 64).</summary>
    public required string GrantId { get; init; }

    /// <summary>The seller (MSP ID) whose details are asked for.</summary>
    public required string Seller { get; init; }

    /// <summary>The services asked for.</summary>
    public required IReadOnlyList<PeeringService> Services { get; init; }

    /// <summary>Why (public: no secrets).</summary>
    public required string Purpose { get; init; }

    /// <summary>When access should start (now if absent or past).</summary>
    public DateTimeOffset? WantedStart { get; init; }

    /// <summary>How long access is wanted, in seconds.</summary>
    public required long DurationSeconds { get; init; }
}

/// <summary>What the seller grants: the services (a subset of those asked), the start and the duration (not longer than asked).</summary>
public sealed record GrantTerms
{
    /// <summary>Granted services; absent: all that were asked.</summary>
    public IReadOnlyList<PeeringService>? Services { get; init; }

    /// <summary>Start; absent: the wanted start, or now if that has passed.</summary>
    public DateTimeOffset? StartsAt { get; init; }

    /// <summary>Duration in seconds; absent: as asked.</summary>
    public long? DurationSeconds { get; init; }
}

/// <summary>The public record of what was granted (the details themselves are only in the pair's collection).</summary>
public sealed record GrantedScope
{
    /// <summary>Granted services.</summary>
    public required IReadOnlyList<PeeringService> Services { get; init; }

    /// <summary>Access starts.</summary>
    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>Access ends (exclusive): reads at or after this transaction time are refused.</summary>
    public required DateTimeOffset ExpiresAt { get; init; }

    /// <summary>The seller's profile version the copy was taken from.</summary>
    public required int ProfileVersion { get; init; }

    /// <summary>SHA-256 (hex) of the exact copied bytes.</summary>
    public required string DetailsHash { get; init; }
}

/// <summary>The public state of a request and its grant: every step, never the details.</summary>
public sealed record GrantState
{
    /// <summary>The identifier.</summary>
    public required string GrantId { get; init; }

    /// <summary>The buyer (MSP ID).</summary>
    public required string Buyer { get; init; }

    /// <summary>The seller (MSP ID).</summary>
    public required string Seller { get; init; }

    /// <summary>The pair's collection (<c>pair-&lt;MSPa&gt;-&lt;MSPb&gt;</c>, ordinal order) holding the granted copy.</summary>
    public required string Collection { get; init; }

    /// <summary>Where it stands.</summary>
    public required GrantStatus Status { get; init; }

    /// <summary>What was asked.</summary>
    public required InterconnectionRequest Request { get; init; }

    /// <summary>When it was asked.</summary>
    public required DateTimeOffset RequestedAt { get; init; }

    /// <summary>What was granted (approved, revoked and expired grants).</summary>
    public GrantedScope? Granted { get; init; }

    /// <summary>When the seller approved or declined.</summary>
    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>Why the seller declined.</summary>
    public string? DeclineReason { get; init; }

    /// <summary>When the seller revoked.</summary>
    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Why the seller revoked.</summary>
    public string? RevokeReason { get; init; }

    /// <summary>When the granted copy was purged from the pair's collection.</summary>
    public DateTimeOffset? PurgedAt { get; init; }

    /// <summary>The KYC attestation the approval relied on, when one was required.</summary>
    public KycAttestation? Kyc { get; init; }

    /// <summary>Client IDs the buyer registered under this grant.</summary>
    public IReadOnlyList<string> Clients { get; init; } = [];

    /// <summary>Whether <paramref name="mspId"/> is the buyer or the seller.</summary>
    /// <param name="mspId">An organisation.</param>
    /// <returns>True for a party.</returns>
    public bool IsParty(string mspId) => Buyer == mspId || Seller == mspId;

    /// <summary>Whether the granted details may be read at <paramref name="now"/>: approved, started, not expired.</summary>
    /// <param name="now">The transaction time (or the gateway's clock).</param>
    /// <returns>True while the grant is in force.</returns>
    public bool InForce(DateTimeOffset now) => Status == GrantStatus.Approved && Granted is not null && now >= Granted.StartsAt && now < Granted.ExpiresAt;
}

/// <summary>A KYC/AML attestation about an operator: the hash of the attesting evidence and who attested.</summary>
public sealed record KycAttestation
{
    /// <summary>The operator attested (MSP ID).</summary>
    public required string Subject { get; init; }

    /// <summary>SHA-256 (hex) of the evidence the attester keeps.</summary>
    public required string EvidenceHash { get; init; }

    /// <summary>The attesting organisation (MSP ID).</summary>
    public required string AttestedBy { get; init; }

    /// <summary>When (transaction time).</summary>
    public required DateTimeOffset AttestedAt { get; init; }

    /// <summary>The attesting transaction.</summary>
    public required string TxId { get; init; }
}

/// <summary>An OAuth client the buyer registered under a grant; the secret's hash is only in the pair's collection.</summary>
public sealed record GrantClient
{
    /// <summary>The OAuth <c>client_id</c>.</summary>
    public required string ClientId { get; init; }

    /// <summary>The grant it may use.</summary>
    public required string GrantId { get; init; }

    /// <summary>The buyer that registered it.</summary>
    public required string Buyer { get; init; }

    /// <summary>The seller whose gateway issues its tokens.</summary>
    public required string Seller { get; init; }

    /// <summary>When it was registered.</summary>
    public required DateTimeOffset RegisteredAt { get; init; }
}

/// <summary>A client with its secret's SHA-256 (hex), for the parties (the seller's gateway checks credentials with it).</summary>
public sealed record GrantClientCredentials
{
    /// <summary>The public record.</summary>
    public required GrantClient Client { get; init; }

    /// <summary>SHA-256 (hex) of the client secret.</summary>
    public required string SecretHash { get; init; }

    /// <summary>The grant, in force when this is answered.</summary>
    public required GrantState Grant { get; init; }
}

/// <summary>The granted details with the grant, for the parties while the grant is in force.</summary>
public sealed record GrantedDetailsView
{
    /// <summary>The grant.</summary>
    public required GrantState Grant { get; init; }

    /// <summary>Exactly the granted part of the seller's profile.</summary>
    public required InterconnectionProfile Details { get; init; }
}

/// <summary>
/// What the answering peer keeps of a grant's copy, never the copy itself: anyone on the channel can check that a
/// revoked or expired grant's copy is gone from the hashed state every peer keeps, and a party that its own peer no
/// longer holds the bytes.
/// </summary>
public sealed record GrantCopyHolding
{
    /// <summary>The grant.</summary>
    public required string GrantId { get; init; }

    /// <summary>The pair's collection the copy is (or was) in.</summary>
    public required string Collection { get; init; }

    /// <summary>Whether the peer's hashed state still holds the copy's hash.</summary>
    public required bool DetailsHashHeld { get; init; }

    /// <summary>Whether the peer holds the copy itself: answered to the buyer and the seller only (null to others, whose peers never hold it).</summary>
    public bool? DetailsHeld { get; init; }

    /// <summary>How many of the grant's client secret hashes the peer's hashed state still holds.</summary>
    public required int ClientSecretsHeld { get; init; }
}

/// <summary>Names of the chaincode event and of its changes.</summary>
public static class PeeringEvents
{
    /// <summary>The one chaincode event every change sets.</summary>
    public const string Name = "peering.changed";

    /// <summary>A profile version was registered.</summary>
    public const string ProfileRegistered = "profile.registered";

    /// <summary>A buyer asked.</summary>
    public const string GrantRequested = "grant.requested";

    /// <summary>The seller approved.</summary>
    public const string GrantApproved = "grant.approved";

    /// <summary>The seller declined.</summary>
    public const string GrantDeclined = "grant.declined";

    /// <summary>The seller revoked.</summary>
    public const string GrantRevoked = "grant.revoked";

    /// <summary>An expired grant's copy was purged.</summary>
    public const string GrantExpired = "grant.expired";

    /// <summary>The buyer registered a client.</summary>
    public const string ClientRegistered = "client.registered";

    /// <summary>An organisation attested another's KYC.</summary>
    public const string KycAttested = "kyc.attested";
}

/// <summary>The payload of <see cref="PeeringEvents.Name"/>: the full public state after the change.</summary>
public sealed record PeeringChange
{
    /// <summary>One of <see cref="PeeringEvents"/>' change names.</summary>
    public required string Change { get; init; }

    /// <summary>The transaction.</summary>
    public required string TxId { get; init; }

    /// <summary>The profile after the change.</summary>
    public ProfileState? Profile { get; init; }

    /// <summary>The grant after the change.</summary>
    public GrantState? Grant { get; init; }

    /// <summary>The client registered.</summary>
    public GrantClient? Client { get; init; }

    /// <summary>The attestation.</summary>
    public KycAttestation? Kyc { get; init; }
}
