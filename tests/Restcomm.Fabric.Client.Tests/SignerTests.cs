using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Restcomm.Fabric.Client.Tests.Support;

namespace Restcomm.Fabric.Client.Tests;

public sealed class SignerTests
{
    private static readonly TestCredentials Ca = TestCredentials.CreateCa("ca.org1.example.com");

    public static TheoryData<string, string> Curves => new()
    {
        { "P-256", "pkcs8" }, { "P-256", "sec1" }, { "P-384", "pkcs8" }, { "P-384", "sec1" },
    };

    [Theory]
    [MemberData(nameof(Curves))]
    public async Task The_default_signer_for_a_pem_key_is_the_platform_signer_and_gives_verifiable_low_s_der(string curveName, string format)
    {
        var curve = curveName == "P-256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384;
        var user = Ca.Issue("User1@org1.example.com", curve);
        var signer = Signers.FromPem(format == "pkcs8" ? user.Pkcs8KeyPem : user.Sec1KeyPem);

        Assert.Equal(curveName, Assert.IsType<PlatformEcdsaSigner>(signer).CurveName);
        using var publicKey = user.Certificate.GetECDsaPublicKey()!;
        for (var i = 0; i < 32; i++)
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(i));
            var signature = await signer.SignAsync(digest);

            Assert.True(publicKey.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
            Assert.True(ReadDer(signature).S <= Order(curveName) / 2, "S must be in the lower half of the curve order");
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Signatures_from_pem_keys_verify_against_the_certificate_and_are_low_s_der(string curveName, string format)
    {
        var curve = curveName == "P-256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384;
        var user = Ca.Issue("User1@org1.example.com", curve);
        var signer = EcdsaSigner.FromPem(format == "pkcs8" ? user.Pkcs8KeyPem : user.Sec1KeyPem);
        Assert.Equal(curveName, signer.CurveName);
        Assert.True(signer.Matches(user.Certificate));

        using var publicKey = user.Certificate.GetECDsaPublicKey()!;
        var order = Order(curveName);
        for (var i = 0; i < 64; i++)
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(i));
            var signature = signer.Sign(digest);

            Assert.True(publicKey.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
            var (_, s) = ReadDer(signature);
            Assert.True(s <= order / 2, "S must be in the lower half of the curve order");
            Assert.True(signer.Verify(digest, signature));
        }
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Platform_signatures_verify_against_the_certificate_and_are_low_s_der(string curveName, string format)
    {
        var curve = curveName == "P-256" ? ECCurve.NamedCurves.nistP256 : ECCurve.NamedCurves.nistP384;
        var user = Ca.Issue("User1@org1.example.com", curve);
        using var signer = PlatformEcdsaSigner.FromPem(format == "pkcs8" ? user.Pkcs8KeyPem : user.Sec1KeyPem);
        var verifier = EcdsaSigner.FromPem(user.Pkcs8KeyPem);
        Assert.Equal(curveName, signer.CurveName);

        using var publicKey = user.Certificate.GetECDsaPublicKey()!;
        var order = Order(curveName);
        for (var i = 0; i < 64; i++)
        {
            var digest = SHA256.HashData(BitConverter.GetBytes(i));
            var signature = signer.Sign(digest);

            Assert.True(publicKey.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
            var (_, s) = ReadDer(signature);
            Assert.True(s <= order / 2, "S must be in the lower half of the curve order");
            Assert.True(verifier.Verify(digest, signature));
        }

    }

    [Fact]
    public void A_high_s_signature_is_rejected_by_verification()
    {
        var user = Ca.Issue("User1@org1.example.com");
        var signer = EcdsaSigner.FromPem(user.Pkcs8KeyPem);
        var digest = SHA256.HashData("message"u8);
        var signature = signer.Sign(digest);
        var (r, s) = ReadDer(signature);
        var highS = WriteDer(r, Order("P-256") - s);

        using var publicKey = user.Certificate.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyHash(digest, highS, DSASignatureFormat.Rfc3279DerSequence));
        Assert.False(signer.Verify(digest, highS));
    }

    [Theory]
    [InlineData("pkcs8")]
    [InlineData("sec1")]
    public void Pem_keys_are_moved_onto_the_specialised_curve_implementation(string format)
    {
        var user = Ca.Issue("User1@org1.example.com");
        var signer = EcdsaSigner.FromPem(format == "pkcs8" ? user.Pkcs8KeyPem : user.Sec1KeyPem);

        Assert.Equal("SecP256R1Curve", signer.PublicKey.Parameters.Curve.GetType().Name);
    }

    [Fact]
    public void A_key_that_is_not_the_certificate_s_does_not_match_it()
    {
        var user = Ca.Issue("User1@org1.example.com");
        var other = Ca.Issue("User2@org1.example.com");
        Assert.False(EcdsaSigner.FromPem(other.Pkcs8KeyPem).Matches(user.Certificate));
    }

    [Fact]
    public void Non_key_pem_text_is_refused_with_an_argument_exception()
    {
        var user = Ca.Issue("User1@org1.example.com");
        Assert.Throws<ArgumentException>(() => EcdsaSigner.FromPem(user.CertificatePem));
        Assert.Throws<ArgumentException>(() => EcdsaSigner.FromPem("not pem"));
        using var rsa = RSA.Create(2048);
        Assert.Throws<ArgumentException>(() => EcdsaSigner.FromPem(rsa.ExportPkcs8PrivateKeyPem()));
    }

    [Fact]
    public async Task Signing_through_the_interface_gives_the_same_verifiable_signature()
    {
        var user = Ca.Issue("User1@org1.example.com");
        ISigner signer = EcdsaSigner.FromPem(user.Pkcs8KeyPem);
        var digest = SHA256.HashData("hello"u8);
        var signature = await signer.SignAsync(digest).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        using var publicKey = user.Certificate.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void Hashes_compute_the_named_digests()
    {
        var message = "fabric"u8.ToArray();
        Assert.Equal(SHA256.HashData(message), Hash.Sha256.Compute(message));
        Assert.Equal(SHA384.HashData(message), Hash.Sha384.Compute(message));
        Assert.Equal(32, Hash.Sha3_256.Compute(message).Length);
        Assert.Equal(48, Hash.Sha3_384.Compute(message).Length);
        // Known SHA3 answers for the empty message (FIPS 202 examples).
        Assert.Equal(Convert.FromHexString("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a"), Hash.Sha3_256.Compute([]));
        Assert.Equal(
            Convert.FromHexString("0c63a75b845e4f7d01107d852e4c2485c51a50aaaa94fc61995e71bbee983a2ac3713831264adb47fb6bd1e058d5f004"),
            Hash.Sha3_384.Compute([]));
        Assert.Equal(message, Hash.None.Compute(message));
    }

    [Fact]
    public void An_x509_identity_serializes_its_certificate_as_pem()
    {
        var user = Ca.Issue("User1@org1.example.com");
        var identity = X509Identity.FromPem("Org1MSP", user.CertificatePem);
        Assert.Equal("Org1MSP", identity.MspId);
        Assert.Equal(user.CertificatePem, System.Text.Encoding.ASCII.GetString(identity.Credentials.Span));
    }

    private static BigInteger Order(string curve) => curve == "P-256"
        ? BigInteger.Parse("0FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", System.Globalization.NumberStyles.HexNumber)
        : BigInteger.Parse("0FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973", System.Globalization.NumberStyles.HexNumber);

    internal static (BigInteger R, BigInteger S) ReadDer(byte[] signature)
    {
        var reader = new AsnReader(signature, AsnEncodingRules.DER);
        var sequence = reader.ReadSequence();
        var r = sequence.ReadInteger();
        var s = sequence.ReadInteger();
        sequence.ThrowIfNotEmpty();
        reader.ThrowIfNotEmpty();
        return (r, s);
    }

    private static byte[] WriteDer(BigInteger r, BigInteger s)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteInteger(r);
            writer.WriteInteger(s);
        }

        return writer.Encode();
    }
}
