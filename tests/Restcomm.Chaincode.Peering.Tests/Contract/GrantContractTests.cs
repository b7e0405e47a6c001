using System.Text;
using Restcomm.Chaincode.Peering.Internal;
using Restcomm.Chaincode.Peering.Tests.Support;
using Restcomm.Peering;
using static Restcomm.Chaincode.Peering.Tests.Support.PeeringLedger;

namespace Restcomm.Chaincode.Peering.Tests.Contract;

public class GrantContractTests
{
    private static readonly string SecretHash = new('a', 64);

    private readonly PeeringLedger _ledger = new();

    [Fact]
    public async Task The_seller_approves_a_narrower_and_shorter_grant_and_exactly_that_part_is_copied_to_the_pairs_collection()
    {
        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        var requested = await _ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request("g-1", 30 * 86400, PeeringService.Sip, PeeringService.Ss7))]);
        Assert.Equal((GrantStatus.Requested, Buyer, Seller, PairCollection), (requested.Status, requested.Buyer, requested.Seller, requested.Collection));

        var approved = await _ledger.Ok<GrantState>(B, "ApproveInterconnection", ["g-1", Json(new GrantTerms { Services = [PeeringService.Sip], DurationSeconds = 7 * 86400 })]);

        Assert.Equal(GrantStatus.Approved, approved.Status);
        Assert.Equal([PeeringService.Sip], approved.Granted!.Services);
        Assert.Equal(_ledger.Clock.Now, approved.Granted.StartsAt);
        Assert.Equal(_ledger.Clock.Now.AddDays(7), approved.Granted.ExpiresAt);
        var copy = Assert.Single(_ledger.Stub.GetPrivateState(PairCollection)).Value;
        Assert.Equal(Sha256(copy), approved.Granted.DetailsHash);
        var details = InterconnectionProfile.Parse(copy);
        Assert.Equal(Profile().Sip!.Endpoints, details.Sip!.Endpoints);
        Assert.Equal(Profile().Sip!.IpRanges, details.Sip.IpRanges);
        Assert.Null(details.Ss7);
        Assert.Null(details.Diameter);
        Assert.Equal(Profile().Contacts, details.Contacts);
        Assert.DoesNotContain("sbc1", _ledger.PublicText(), StringComparison.Ordinal);
        Assert.DoesNotContain("sbc1", Encoding.UTF8.GetString(_ledger.Stub.EventPayload.Span), StringComparison.Ordinal);
        Assert.Equal(PeeringEvents.GrantApproved, _ledger.LastEvent().Change);

        var read = await _ledger.Ok<GrantedDetailsView>(A, "GetGrantedDetails", ["g-1"]);
        Assert.Equal(details.Sip.Endpoints, read.Details.Sip!.Endpoints);
        Assert.Null(read.Details.Ss7);
    }

    [Fact]
    public async Task A_grant_may_not_be_broader_or_longer_than_the_request_nor_ask_for_a_service_the_seller_does_not_offer()
    {
        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        await _ledger.Refused(412, "failed-precondition", A, "RequestInterconnection", [Json(Request("g-0", 86400, PeeringService.Smpp))]);
        await _ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request("g-1", 7 * 86400))]);

        await _ledger.Refused(400, "invalid-argument", B, "ApproveInterconnection", ["g-1", Json(new GrantTerms { Services = [PeeringService.Sip, PeeringService.Ss7] })]);
        await _ledger.Refused(400, "invalid-argument", B, "ApproveInterconnection", ["g-1", Json(new GrantTerms { DurationSeconds = 8 * 86400 })]);
        Assert.Empty(_ledger.Stub.GetPrivateState(PairCollection));
    }

    [Fact]
    public async Task The_seller_declines_with_a_public_reason_and_nothing_is_copied()
    {
        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        await _ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request())]);

        var declined = await _ledger.Ok<GrantState>(B, "DeclineInterconnection", ["g-1", "no capacity this quarter"]);

        Assert.Equal((GrantStatus.Declined, "no capacity this quarter"), (declined.Status, declined.DeclineReason));
        Assert.Empty(_ledger.Stub.GetPrivateState(PairCollection));
        await _ledger.Refused(409, "conflict", B, "ApproveInterconnection", ["g-1", Json(new GrantTerms())]);
        await _ledger.Refused(403, "grant-not-in-force", A, "GetGrantedDetails", ["g-1"]);
    }

    [Fact]
    public async Task Only_the_seller_decides_and_a_third_operator_sees_only_the_public_record()
    {
        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        await _ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request())]);

        await _ledger.Refused(403, "forbidden", A, "ApproveInterconnection", ["g-1", Json(new GrantTerms())]);
        await _ledger.Refused(403, "forbidden", C, "ApproveInterconnection", ["g-1", Json(new GrantTerms())]);
        await _ledger.Ok<GrantState>(B, "ApproveInterconnection", ["g-1", Json(new GrantTerms())]);
        await _ledger.Ok<GrantClient>(A, "RegisterGrantClient", ["g-1", "app-1"], new Dictionary<string, byte[]> { ["clientSecretHash"] = Encoding.UTF8.GetBytes(SecretHash) });

        var seen = await _ledger.Ok<GrantState>(C, "GetGrant", ["g-1"]);
        Assert.Equal(GrantStatus.Approved, seen.Status);
        await _ledger.Refused(403, "forbidden", C, "GetGrantedDetails", ["g-1"]);
        await _ledger.Refused(403, "forbidden", C, "GetGrantClientCredentials", ["app-1"]);
        await _ledger.Refused(403, "forbidden", C, "RevokeGrant", ["g-1", "not mine"]);
        await _ledger.Refused(403, "forbidden", Regulator, "GetGrantedDetails", ["g-1"]);
        // On C's own peer the pair's collection is not readable at all.
        _ledger.Stub.SetCollectionReadable(PairCollection, false);
        Assert.False((await _ledger.Invoke(C, "GetGrantedDetails", ["g-1"])).IsSuccess);
    }

    [Fact]
    public async Task Reads_are_refused_from_the_expiry_by_transaction_time_and_either_party_then_purges_the_copy()
    {
        var grant = await _ledger.ApprovedSipGrantAsync(approvedSeconds: 3600);
        await _ledger.Ok<GrantClient>(A, "RegisterGrantClient", ["g-1", "app-1"], new Dictionary<string, byte[]> { ["clientSecretHash"] = Encoding.UTF8.GetBytes(SecretHash) });
        await _ledger.Refused(412, "grant-in-force", A, "PurgeExpiredGrant", ["g-1"]);

        _ledger.Clock.Now = grant.Granted!.ExpiresAt.AddTicks(-1);
        await _ledger.Ok<GrantedDetailsView>(A, "GetGrantedDetails", ["g-1"]);
        _ledger.Clock.Now = grant.Granted.ExpiresAt;
        Assert.Contains("expired", await _ledger.Refused(403, "grant-not-in-force", A, "GetGrantedDetails", ["g-1"]), StringComparison.Ordinal);
        await _ledger.Refused(403, "grant-not-in-force", B, "GetGrantClientCredentials", ["app-1"]);
        await _ledger.Refused(403, "grant-not-in-force", A, "RegisterGrantClient", ["g-1", "app-2"], new Dictionary<string, byte[]> { ["clientSecretHash"] = Encoding.UTF8.GetBytes(SecretHash) });
        Assert.Equal(2, _ledger.Stub.GetPrivateState(PairCollection).Count);
        var before = await _ledger.Ok<GrantCopyHolding>(A, "GetGrantCopyHolding", ["g-1"]);
        var beforeByC = await _ledger.Ok<GrantCopyHolding>(C, "GetGrantCopyHolding", ["g-1"]);

        await _ledger.Refused(403, "forbidden", C, "PurgeExpiredGrant", ["g-1"]);
        var expired = await _ledger.Ok<GrantState>(A, "PurgeExpiredGrant", ["g-1"]);

        Assert.Equal((GrantStatus.Expired, _ledger.Clock.Now), (expired.Status, expired.PurgedAt));
        Assert.Empty(_ledger.Stub.GetPrivateState(PairCollection));
        Assert.Equal(PeeringEvents.GrantExpired, _ledger.LastEvent().Change);
        // Before the purge the hash is on every peer and the copy on the parties'; after it, neither (and C is never told about the copy).
        Assert.Equal((true, (bool?)true, 1, PairCollection), (before.DetailsHashHeld, before.DetailsHeld, before.ClientSecretsHeld, before.Collection));
        Assert.Equal((true, (bool?)null), (beforeByC.DetailsHashHeld, beforeByC.DetailsHeld));
        var after = await _ledger.Ok<GrantCopyHolding>(B, "GetGrantCopyHolding", ["g-1"]);
        Assert.Equal((false, (bool?)false, 0), (after.DetailsHashHeld, after.DetailsHeld, after.ClientSecretsHeld));
        Assert.False((await _ledger.Ok<GrantCopyHolding>(C, "GetGrantCopyHolding", ["g-1"])).DetailsHashHeld);
        await _ledger.Refused(404, "not-found", C, "GetGrantCopyHolding", ["g-none"]);
    }

    [Fact]
    public async Task Revocation_purges_the_copy_and_the_client_secrets_and_refuses_reads_at_once()
    {
        await _ledger.ApprovedSipGrantAsync();
        await _ledger.Ok<GrantClient>(A, "RegisterGrantClient", ["g-1", "app-1"], new Dictionary<string, byte[]> { ["clientSecretHash"] = Encoding.UTF8.GetBytes(SecretHash) });
        await _ledger.Refused(403, "forbidden", A, "RevokeGrant", ["g-1", "the buyer may not"]);

        var revoked = await _ledger.Ok<GrantState>(B, "RevokeGrant", ["g-1", "contract ended"]);

        Assert.Equal((GrantStatus.Revoked, "contract ended", _ledger.Clock.Now), (revoked.Status, revoked.RevokeReason, revoked.PurgedAt));
        Assert.Equal(PeeringEvents.GrantRevoked, _ledger.LastEvent().Change);
        Assert.Empty(_ledger.Stub.GetPrivateState(PairCollection));
        await _ledger.Refused(403, "grant-not-in-force", A, "GetGrantedDetails", ["g-1"]);
        await _ledger.Refused(403, "grant-not-in-force", B, "GetGrantClientCredentials", ["app-1"]);
        await _ledger.Refused(409, "conflict", B, "RevokeGrant", ["g-1", "again"]);
    }

    [Fact]
    public async Task Only_the_buyer_registers_a_client_and_the_parties_read_its_secret_hash()
    {
        await _ledger.ApprovedSipGrantAsync();
        var transient = new Dictionary<string, byte[]> { ["clientSecretHash"] = Encoding.UTF8.GetBytes(SecretHash) };

        await _ledger.Refused(403, "forbidden", B, "RegisterGrantClient", ["g-1", "app-1"], transient);
        await _ledger.Refused(400, "invalid-argument", A, "RegisterGrantClient", ["g-1", "app-1"], new Dictionary<string, byte[]> { ["clientSecretHash"] = "not-a-hash"u8.ToArray() });
        var client = await _ledger.Ok<GrantClient>(A, "RegisterGrantClient", ["g-1", "app-1"], transient);
        await _ledger.Refused(409, "conflict", A, "RegisterGrantClient", ["g-1", "app-1"], transient);

        var credentials = await _ledger.Ok<GrantClientCredentials>(B, "GetGrantClientCredentials", ["app-1"]);
        Assert.Equal((SecretHash, "g-1", Seller), (credentials.SecretHash, credentials.Client.GrantId, client.Seller));
        Assert.Equal(["app-1"], credentials.Grant.Clients);
        Assert.DoesNotContain(SecretHash, _ledger.PublicText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_request_again_returns_the_original_and_another_under_the_same_id_conflicts()
    {
        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        var first = await _ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request())]);

        var again = await _ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request())]);

        Assert.Equal(first, again with { Request = first.Request, Clients = first.Clients });
        await _ledger.Refused(409, "conflict", A, "RequestInterconnection", [Json(Request("g-1", 86400))]);
        await _ledger.Refused(409, "conflict", C, "RequestInterconnection", [Json(Request())]);
        await _ledger.Refused(400, "invalid-argument", B, "RequestInterconnection", [Json(Request("g-2"))]);
        await _ledger.Refused(400, "invalid-argument", A, "RequestInterconnection", [Json(Request("g 3"))]);
    }

    [Fact]
    public async Task Approval_needs_a_KYC_attestation_of_the_buyer_from_an_attester_when_configured()
    {
        var ledger = new PeeringLedger(new PeeringPolicy { RequireKyc = true, KycAttesters = new HashSet<string>(StringComparer.Ordinal) { Third } });
        await ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        await ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request())]);

        await ledger.Refused(412, "kyc-required", B, "ApproveInterconnection", ["g-1", Json(new GrantTerms())]);
        await ledger.Refused(403, "forbidden", B, "AttestKyc", [Buyer, new string('b', 64)]);
        await ledger.Refused(403, "forbidden", A, "AttestKyc", [Buyer, new string('b', 64)]);
        var attestation = await ledger.Ok<KycAttestation>(C, "AttestKyc", [Buyer, new string('b', 64)]);
        var approved = await ledger.Ok<GrantState>(B, "ApproveInterconnection", ["g-1", Json(new GrantTerms())]);

        Assert.Equal((Third, new string('b', 64)), (attestation.AttestedBy, attestation.EvidenceHash));
        Assert.Equal(attestation, approved.Kyc);
    }

    [Fact]
    public async Task A_grant_record_and_a_profile_record_change_only_with_the_sellers_peer_endorsement()
    {
        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));
        await _ledger.Ok<GrantState>(A, "RequestInterconnection", [Json(Request())]);

        var grantPolicy = await _ledger.Stub.GetStateValidationParameterAsync(_ledger.Stub.CreateCompositeKey("peering.grant", ["g-1"]));
        var profilePolicy = await _ledger.Stub.GetStateValidationParameterAsync(_ledger.Stub.CreateCompositeKey("peering.profile", [Seller]));

        Assert.Equal([Seller], Restcomm.Fabric.Shim.KeyEndorsementPolicy.Parse(grantPolicy).Organizations);
        Assert.Equal([Seller], Restcomm.Fabric.Shim.KeyEndorsementPolicy.Parse(profilePolicy).Organizations);
    }
}
