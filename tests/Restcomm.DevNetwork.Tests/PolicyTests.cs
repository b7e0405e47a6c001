using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Protos.Common;

namespace Restcomm.DevNetwork.Tests;

public sealed class PolicyTests
{
    private static readonly string[] Members = ["Org1MSP", "Org2MSP", "Org3MSP"];

    private static CompiledPolicy Compile(string text) => new(PolicyParser.Parse(text, Members), text);

    private static Signer Peer(string msp) => new(msp, MSPRole.Types.MSPRoleType.Peer);

    [Theory]
    [InlineData("AND('Org1MSP.peer', 'Org2MSP.peer')", "Org1MSP,Org2MSP", true)]
    [InlineData("AND('Org1MSP.peer', 'Org2MSP.peer')", "Org1MSP", false)]
    [InlineData("OR('Org1MSP.peer', 'Org2MSP.peer')", "Org2MSP", true)]
    [InlineData("OutOf(2, 'Org1MSP.member', 'Org2MSP.member', 'Org3MSP.member')", "Org3MSP,Org1MSP", true)]
    [InlineData("OutOf(2, 'Org1MSP.member', 'Org2MSP.member', 'Org3MSP.member')", "Org3MSP", false)]
    [InlineData("MAJORITY", "Org1MSP,Org3MSP", true)]
    [InlineData("MAJORITY", "Org2MSP", false)]
    [InlineData("ANY", "Org2MSP", true)]
    [InlineData("ALL", "Org1MSP,Org2MSP", false)]
    [InlineData("AND('Org1MSP.peer', OR('Org2MSP.peer', 'Org3MSP.peer'))", "Org1MSP,Org3MSP", true)]
    public void Signature_policy_is_satisfied_exactly_by_the_signers_it_names(string policy, string signers, bool satisfied)
    {
        var compiled = Compile(policy);

        Assert.Equal(satisfied, compiled.IsSatisfiedBy([.. signers.Split(',').Select(Peer)]));
    }

    [Fact]
    public void One_signer_counts_once_even_when_two_principals_name_its_organisation()
    {
        var compiled = Compile("AND('Org1MSP.member', 'Org1MSP.peer')");

        Assert.False(compiled.IsSatisfiedBy([Peer("Org1MSP")]));
        // Like Fabric's cauthdsl, principals take the first unused matching signer in order.
        Assert.True(compiled.IsSatisfiedBy([new Signer("Org1MSP", MSPRole.Types.MSPRoleType.Client), Peer("Org1MSP")]));
    }

    [Fact]
    public void Role_principals_require_that_role_and_member_accepts_any()
    {
        var peerOnly = Compile("OR('Org1MSP.peer')");
        var member = Compile("OR('Org1MSP.member')");
        var client = new Signer("Org1MSP", MSPRole.Types.MSPRoleType.Client);

        Assert.False(peerOnly.IsSatisfiedBy([client]));
        Assert.True(member.IsSatisfiedBy([client]));
    }

    [Fact]
    public void Parsed_policy_has_fabric_envelope_shape()
    {
        var envelope = PolicyParser.Parse("OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org1MSP.peer')", Members);

        Assert.Equal(2, envelope.Identities.Count);
        Assert.Equal(2, envelope.Rule.NOutOf.N);
        Assert.Equal([0, 1, 0], envelope.Rule.NOutOf.Rules.Select(r => r.SignedBy));
        var role = MSPRole.Parser.ParseFrom(envelope.Identities[1].Principal);
        Assert.Equal("Org2MSP", role.MspIdentifier);
        Assert.Equal(MSPRole.Types.MSPRoleType.Peer, role.Role);
    }

    [Theory]
    [InlineData("AND('Org1MSP.peer'")]
    [InlineData("XOR('Org1MSP.peer')")]
    [InlineData("OutOf(3, 'Org1MSP.peer', 'Org2MSP.peer')")]
    [InlineData("AND('Org1MSP.king')")]
    [InlineData("AND('Org1MSP.peer') extra")]
    public void Malformed_policy_is_refused_with_its_position(string policy)
    {
        var error = Assert.Throws<InvalidDataException>(() => PolicyParser.Parse(policy, Members));

        Assert.Contains(policy, error.Message, StringComparison.Ordinal);
    }
}
