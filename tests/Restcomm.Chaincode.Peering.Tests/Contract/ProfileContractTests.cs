using System.Text;
using Restcomm.Chaincode.Peering.Tests.Support;
using Restcomm.Peering;
using static Restcomm.Chaincode.Peering.Tests.Support.PeeringLedger;

namespace Restcomm.Chaincode.Peering.Tests.Contract;

public class ProfileContractTests
{
    private readonly PeeringLedger _ledger = new();

    [Fact]
    public async Task Profile_details_stay_in_the_operators_implicit_collection_and_each_version_is_public_only_as_its_hash()
    {
        var first = ProfileTransient(Profile());
        var second = ProfileTransient(Profile("sbc2.org2.example.net"));

        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], first);
        var state = await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], second);

        Assert.Equal((2, "_implicit_org_Org2MSP"), (state.Version, state.Collection));
        Assert.Equal([Sha256(first["profile"]), Sha256(second["profile"])], state.Versions.Select(v => v.Hash));
        Assert.Equal(Sha256(second["profile"]), state.Hash);
        Assert.Equal([PeeringService.Sip, PeeringService.Ss7, PeeringService.Diameter], state.Summary.Services);
        Assert.Equal(2, _ledger.Stub.GetPrivateState("_implicit_org_Org2MSP").Count);
        Assert.DoesNotContain("sbc", _ledger.PublicText(), StringComparison.Ordinal);
        Assert.DoesNotContain("192.0.2.0", _ledger.PublicText(), StringComparison.Ordinal);
        Assert.DoesNotContain("sbc", Encoding.UTF8.GetString(_ledger.Stub.EventPayload.Span), StringComparison.Ordinal);
        Assert.Equal(PeeringEvents.ProfileRegistered, _ledger.LastEvent().Change);

        var current = await _ledger.Ok<InterconnectionProfile>(B, "GetProfileDetails", ["0"]);
        var older = await _ledger.Ok<InterconnectionProfile>(B, "GetProfileDetails", ["1"]);
        Assert.StartsWith("sip:sbc2.", current.Sip!.Endpoints[0], StringComparison.Ordinal);
        Assert.StartsWith("sip:sbc1.", older.Sip!.Endpoints[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anyone_reads_the_public_record_but_another_operator_reads_no_details_on_its_own_peer()
    {
        await _ledger.Ok<ProfileState>(B, "RegisterProfile", [], ProfileTransient(Profile()));

        var seen = await _ledger.Ok<ProfileState>(C, "GetProfile", [Seller]);
        var all = await _ledger.Ok<List<ProfileState>>(C, "ListProfiles", []);

        Assert.Equal(Seller, seen.Operator);
        Assert.Equal(Seller, Assert.Single(all).Operator);
        // GetProfileDetails reads the caller's own profile: C has none.
        await _ledger.Refused(404, "not-found", C, "GetProfileDetails", ["0"]);
        await _ledger.Refused(403, "forbidden", Regulator, "RegisterProfile", [], ProfileTransient(Profile()));
    }

    [Fact]
    public async Task An_invalid_profile_is_refused_naming_the_field()
    {
        var badRange = Profile() with { Sip = new SipInterconnect { Endpoints = ["sip:sbc:5060"], IpRanges = ["192.0.2.0/99"] } };
        var noContact = Profile() with { Contacts = [] };
        var noService = new InterconnectionProfile { Contacts = Profile().Contacts };

        Assert.Contains("sip.ipRanges", await _ledger.Refused(400, "invalid-profile", B, "RegisterProfile", [], ProfileTransient(badRange)), StringComparison.Ordinal);
        Assert.Contains("contacts", await _ledger.Refused(400, "invalid-profile", B, "RegisterProfile", [], ProfileTransient(noContact)), StringComparison.Ordinal);
        Assert.Contains("at least one service", await _ledger.Refused(400, "invalid-profile", B, "RegisterProfile", [], ProfileTransient(noService)), StringComparison.Ordinal);
        await _ledger.Refused(400, "invalid-argument", B, "RegisterProfile", []);
        Assert.Empty(_ledger.Stub.State);
    }
}
