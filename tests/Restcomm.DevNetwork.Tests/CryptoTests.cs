using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;

namespace Restcomm.DevNetwork.Tests;

public sealed class CryptoTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "devnet-crypto-" + Guid.NewGuid().ToString("N"));

    private static DevNetworkConfig Config() => new()
    {
        Orgs =
        [
            new OrgConfig
            {
                MspId = "Org1MSP", Domain = "org1.example.com", Gateway = "127.0.0.1:1",
                Users = [new UserConfig { Name = "User1", Attributes = new() { ["eir.reporter"] = "true" } }, new UserConfig { Name = "User2" }],
            },
            new OrgConfig { MspId = "Org2MSP", Domain = "org2.example.com", Gateway = "127.0.0.1:2" },
        ],
    };

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private string P(params string[] parts) => Path.Combine([_root, "peerOrganizations", .. parts]);

    [Fact]
    public void Material_is_written_in_cryptogen_layout_with_node_OUs()
    {
        var config = Config();
        config.Validate();

        CryptoGenerator.EnsureGenerated(config, _root);

        foreach (var file in new[]
        {
            P("org1.example.com", "ca", "ca.org1.example.com-cert.pem"),
            P("org1.example.com", "tlsca", "tlsca.org1.example.com-cert.pem"),
            P("org1.example.com", "msp", "config.yaml"),
            P("org1.example.com", "users", "User1@org1.example.com", "msp", "signcerts", "cert.pem"),
            P("org1.example.com", "users", "User1@org1.example.com", "msp", "keystore", "priv_sk"),
            P("org1.example.com", "users", "Admin@org1.example.com", "msp", "signcerts", "cert.pem"),
            P("org1.example.com", "peers", "peer0.org1.example.com", "msp", "signcerts", "cert.pem"),
            P("org1.example.com", "peers", "peer0.org1.example.com", "tls", "server.crt"),
            P("org1.example.com", "peers", "peer0.org1.example.com", "tls", "server.key"),
            P("org1.example.com", "peers", "peer0.org1.example.com", "tls", "ca.crt"),
            P("org2.example.com", "users", "User1@org2.example.com", "msp", "signcerts", "cert.pem"),
        })
        {
            Assert.True(File.Exists(file), file);
        }
        Assert.Contains("OrganizationalUnitIdentifier: peer", File.ReadAllText(P("org1.example.com", "msp", "config.yaml")), StringComparison.Ordinal);
    }

    [Fact]
    public void Identities_carry_their_role_OU_chain_to_their_CA_and_hold_attributes_as_fabric_CA_writes_them()
    {
        var config = Config();
        config.Validate();
        CryptoGenerator.EnsureGenerated(config, _root);
        var msp = new Msp(config, _root);

        Identity Load(string user)
        {
            var pem = File.ReadAllText(P("org1.example.com", "users", $"{user}@org1.example.com", "msp", "signcerts", "cert.pem"));
            return msp.Deserialize(new SerializedIdentity { Mspid = "Org1MSP", IdBytes = ByteString.CopyFromUtf8(pem) }.ToByteString())!;
        }

        var user1 = Load("User1");
        var admin = Load("Admin");
        var attributes = user1.Certificate.Extensions.Single(e => e.Oid!.Value == CryptoGenerator.AttributesOid).RawData;
        var json = JsonDocument.Parse(attributes).RootElement.GetProperty("attrs");

        Assert.Equal(MSPRole.Types.MSPRoleType.Client, user1.Role);
        Assert.Equal(MSPRole.Types.MSPRoleType.Admin, admin.Role);
        Assert.Equal("true", json.GetProperty("eir.reporter").GetString());
        Assert.DoesNotContain(Load("User2").Certificate.Extensions.Cast<X509Extension>(), e => e.Oid!.Value == CryptoGenerator.AttributesOid);
    }

    [Fact]
    public void Certificate_of_another_organisation_or_claimed_under_the_wrong_MSP_is_not_an_identity()
    {
        var config = Config();
        config.Validate();
        CryptoGenerator.EnsureGenerated(config, _root);
        var msp = new Msp(config, _root);
        var org2Pem = File.ReadAllText(P("org2.example.com", "users", "User1@org2.example.com", "msp", "signcerts", "cert.pem"));

        var claimed = msp.Deserialize(new SerializedIdentity { Mspid = "Org1MSP", IdBytes = ByteString.CopyFromUtf8(org2Pem) }.ToByteString());
        var honest = msp.Deserialize(new SerializedIdentity { Mspid = "Org2MSP", IdBytes = ByteString.CopyFromUtf8(org2Pem) }.ToByteString());

        Assert.Null(claimed);
        Assert.NotNull(honest);
    }

    [Fact]
    public void A_remembered_signature_is_accepted_again_but_any_altered_bit_of_data_signature_or_signer_is_verified_and_refused()
    {
        var config = Config();
        CryptoGenerator.EnsureGenerated(config, _root);
        var msp = new Msp(config, _root);
        var peer1 = msp.Deserialize(ByteString.CopyFrom(msp.Peer("Org1MSP").Serialized))!;
        var peer2 = msp.Deserialize(ByteString.CopyFrom(msp.Peer("Org2MSP").Serialized))!;
        var data = Encoding.UTF8.GetBytes("proposal response payload " + Guid.NewGuid());
        var signature = msp.Peer("Org1MSP").Sign(data);
        var otherData = (byte[])data.Clone();
        otherData[^1] ^= 1;
        var otherSignature = (byte[])signature.Clone();
        otherSignature[^1] ^= 1;
        var highS = EcdsaSignatures.TryReadDer(signature, out var r, out var s) ? EcdsaSignatures.WriteDer(r, EcdsaSignatures.Order(256) - s) : [];

        Assert.True(peer1.Verify(data, signature));
        Assert.True(peer1.Verify(data, signature));
        Assert.False(peer1.Verify(otherData, signature));
        Assert.False(peer1.Verify(data, otherSignature));
        Assert.False(peer1.Verify(data, highS));
        Assert.False(peer2.Verify(data, signature));
    }

    [Fact]
    public void Signatures_are_low_S_and_high_S_or_tampered_ones_do_not_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var data = Encoding.UTF8.GetBytes("payload");
        var parameters = key.ExportParameters(false);

        for (var i = 0; i < 20; i++)
        {
            var signature = EcdsaSignatures.Sign(key, data);
            Assert.True(EcdsaSignatures.TryReadDer(signature, out var r, out var s));
            Assert.True(s <= EcdsaSignatures.Order(256) >> 1);
            Assert.True(EcdsaSignatures.Verify(parameters, data, signature));
            Assert.False(EcdsaSignatures.Verify(parameters, data, EcdsaSignatures.WriteDer(r, EcdsaSignatures.Order(256) - s)));
            Assert.False(EcdsaSignatures.Verify(parameters, Encoding.UTF8.GetBytes("payloaD"), signature));
        }
    }

    [Fact]
    public void Regeneration_keeps_existing_material_and_adds_new_users()
    {
        var config = Config();
        config.Validate();
        CryptoGenerator.EnsureGenerated(config, _root);
        var ca = File.ReadAllText(P("org1.example.com", "ca", "ca.org1.example.com-cert.pem"));
        var user1 = File.ReadAllText(P("org1.example.com", "users", "User1@org1.example.com", "msp", "signcerts", "cert.pem"));

        config.Orgs[0].Users.Add(new UserConfig { Name = "User3" });
        CryptoGenerator.EnsureGenerated(config, _root);
        var msp = new Msp(config, _root);
        var user3 = File.ReadAllText(P("org1.example.com", "users", "User3@org1.example.com", "msp", "signcerts", "cert.pem"));

        Assert.Equal(ca, File.ReadAllText(P("org1.example.com", "ca", "ca.org1.example.com-cert.pem")));
        Assert.Equal(user1, File.ReadAllText(P("org1.example.com", "users", "User1@org1.example.com", "msp", "signcerts", "cert.pem")));
        Assert.NotNull(msp.Deserialize(new SerializedIdentity { Mspid = "Org1MSP", IdBytes = ByteString.CopyFromUtf8(user3) }.ToByteString()));
    }

    [Fact]
    public void Chaincode_server_certificate_is_issued_once_by_the_chaincode_TLS_CA_and_reissued_for_a_new_host()
    {
        var layout = CryptoGenerator.EnsureChaincodeServer(_root, "eir", "127.0.0.1");
        var certFile = Path.Combine(layout.ServerTls("eir"), "server.crt");
        var first = File.ReadAllText(certFile);
        CryptoGenerator.EnsureChaincodeServer(_root, "eir", "localhost");
        var kept = File.ReadAllText(certFile);
        CryptoGenerator.EnsureChaincodeServer(_root, "eir", "cc.internal.example");
        using var reissued = X509Certificate2.CreateFromPem(File.ReadAllText(certFile));
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(layout.TlsCaCert));
        using var client = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(layout.ClientTls, "client.crt")));

        Assert.Equal(first, kept);
        Assert.NotEqual(first, File.ReadAllText(certFile));
        Assert.True(reissued.MatchesHostname("cc.internal.example"));
        Assert.True(reissued.MatchesHostname("eir.chaincode.example.com"));
        Assert.True(reissued.MatchesHostname("127.0.0.1"));
        Assert.Equal(ca.Subject, reissued.Issuer);
        Assert.Equal(ca.Subject, client.Issuer);
        Assert.Equal(P("chaincode.example.com", "peers", "eir.chaincode.example.com", "tls", "server.crt"), certFile);
    }

    [Fact]
    public void A_remembered_signature_is_known_while_one_changed_byte_of_signer_data_or_signature_is_not()
    {
        var signer = RandomNumberGenerator.GetBytes(300);
        var data = RandomNumberGenerator.GetBytes(1000);
        var signature = RandomNumberGenerator.GetBytes(72);
        Assert.False(VerifiedSignatures.Contains(signer, data, signature));

        VerifiedSignatures.Add(signer, data, signature);

        Assert.True(VerifiedSignatures.Contains(signer, data, signature));
        foreach (var part in new[] { signer, data, signature })
        {
            part[^1] ^= 1;
            Assert.False(VerifiedSignatures.Contains(signer, data, signature));
            part[^1] ^= 1;
        }

        // The same bytes split differently between the three parts are another triple.
        Assert.False(VerifiedSignatures.Contains([.. signer, data[0]], data[1..], signature));
    }
}
