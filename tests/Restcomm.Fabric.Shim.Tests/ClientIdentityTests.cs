using Google.Protobuf;
using Restcomm.Fabric.Protos.Msp;
using Restcomm.Fabric.Shim.Testing;

namespace Restcomm.Fabric.Shim.Tests;

public sealed class ClientIdentityTests
{
    [Fact]
    public void The_id_is_x509_subject_and_issuer_most_specific_part_first()
    {
        var identity = TestIdentity.Create("Org1MSP", "User1@org1.example.com", organizationalUnits: ["client"]).ClientIdentity;

        Assert.Equal("x509::CN=User1@org1.example.com,OU=client,O=Org1MSP::CN=ca.org1msp,O=Org1MSP", identity.Id);
    }

    [Fact]
    public void Special_characters_in_names_are_escaped_like_fabric_does()
    {
        var identity = TestIdentity.Create("Org1MSP", "Smith, John").ClientIdentity;

        Assert.StartsWith("x509::CN=Smith\\, John,O=Org1MSP::", identity.Id, StringComparison.Ordinal);
    }

    [Fact]
    public void Attributes_from_fabric_ca_are_read_and_asserted()
    {
        var identity = TestIdentity.Create("Org2MSP", attributes: new Dictionary<string, string> { ["role"] = "roaming.submitter", ["hf.EnrollmentID"] = "user2" }).ClientIdentity;

        Assert.Equal("roaming.submitter", identity.GetAttributeValue("role"));
        Assert.True(identity.HasAttributeValue("hf.EnrollmentID", "user2"));
        Assert.Null(identity.GetAttributeValue("missing"));
        identity.AssertAttributeValue("role", "roaming.submitter");
        var wrong = Assert.Throws<ChaincodeException>(() => identity.AssertAttributeValue("role", "eir.reporter"));
        Assert.Equal(403, wrong.Status);
        Assert.Equal("attribute 'role' equals 'roaming.submitter', not 'eir.reporter'", wrong.Message);
        Assert.Equal(403, Assert.Throws<ChaincodeException>(() => identity.AssertAttributeValue("absent", "x")).Status);
    }

    [Fact]
    public void Organizational_units_are_checked_exactly()
    {
        var identity = TestIdentity.Create("Org1MSP", organizationalUnits: ["client", "department1"]).ClientIdentity;

        Assert.True(identity.HasOrganizationalUnit("client"));
        Assert.True(identity.HasOrganizationalUnit("department1"));
        Assert.False(identity.HasOrganizationalUnit("admin"));
        Assert.False(identity.HasOrganizationalUnit("Client"));
    }

    [Fact]
    public void A_creator_that_is_not_an_x509_pem_is_refused_with_403()
    {
        var idemix = new SerializedIdentity { Mspid = "Org1MSP", IdBytes = ByteString.CopyFrom(1, 2, 3) }.ToByteArray();

        Assert.Equal(403, Assert.Throws<ChaincodeException>(() => ClientIdentity.FromSerializedIdentity(idemix)).Status);
        Assert.Equal(403, Assert.Throws<ChaincodeException>(() => ClientIdentity.FromSerializedIdentity([])).Status);
    }

    [Fact]
    public void The_certificate_and_msp_id_come_from_the_serialized_identity()
    {
        var test = TestIdentity.Create("RegulatorMSP");

        var identity = ClientIdentity.FromSerializedIdentity(test.SerializedIdentity.Span);

        Assert.Equal("RegulatorMSP", identity.MspId);
        Assert.Equal(test.Certificate.Thumbprint, identity.Certificate.Thumbprint);
    }

    [Fact]
    public void A_creator_read_again_is_the_same_identity_and_another_creator_is_not_mistaken_for_it()
    {
        var first = TestIdentity.Create("Org1MSP", "User1@org1.example.com");
        var second = TestIdentity.Create("Org1MSP", "User2@org1.example.com");

        var once = ClientIdentity.FromSerializedIdentity(first.SerializedIdentity.Span);
        var again = ClientIdentity.FromSerializedIdentity(first.SerializedIdentity.ToArray());
        var other = ClientIdentity.FromSerializedIdentity(second.SerializedIdentity.Span);

        Assert.Same(once, again);
        Assert.NotSame(once, other);
        Assert.Contains("CN=User2@org1.example.com", other.Id, StringComparison.Ordinal);

        // The same certificate under another MSP ID is another identity, and a refused creator stays refused.
        var relabelled = SerializedIdentity.Parser.ParseFrom(first.SerializedIdentity.Span);
        relabelled.Mspid = "Org2MSP";
        Assert.Equal("Org2MSP", ClientIdentity.FromSerializedIdentity(relabelled.ToByteArray()).MspId);
        var idemix = new SerializedIdentity { Mspid = "Org1MSP", IdBytes = ByteString.CopyFrom(1, 2, 3) }.ToByteArray();
        Assert.Throws<ChaincodeException>(() => ClientIdentity.FromSerializedIdentity(idemix));
        Assert.Throws<ChaincodeException>(() => ClientIdentity.FromSerializedIdentity(idemix));
    }
}
