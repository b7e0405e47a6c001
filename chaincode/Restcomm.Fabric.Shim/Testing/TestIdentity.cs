using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Msp;

namespace Restcomm.Fabric.Shim.Testing;

/// <summary>
/// A throw-away client identity for tests: an ECDSA P-256 certificate issued by a throw-away CA, with Fabric CA
/// attributes and organisational units, and its serialized form (<c>msp.SerializedIdentity</c>) to use as a creator.
/// </summary>
public sealed class TestIdentity
{
    private TestIdentity(string mspId, X509Certificate2 certificate, string certificatePem, string privateKeyPem)
    {
        MspId = mspId;
        Certificate = certificate;
        CertificatePem = certificatePem;
        PrivateKeyPem = privateKeyPem;
        SerializedIdentity = new SerializedIdentity { Mspid = mspId, IdBytes = ByteString.CopyFromUtf8(certificatePem) }.ToByteArray();
    }

    /// <summary>The MSP ID.</summary>
    public string MspId { get; }

    /// <summary>The certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate as PEM.</summary>
    public string CertificatePem { get; }

    /// <summary>The private key as PKCS#8 PEM.</summary>
    public string PrivateKeyPem { get; }

    /// <summary>The serialized <c>msp.SerializedIdentity</c> (what a stub's <see cref="IChaincodeStub.Creator"/> holds).</summary>
    public ReadOnlyMemory<byte> SerializedIdentity { get; }

    /// <summary>The identity as the chaincode sees it.</summary>
    public ClientIdentity ClientIdentity => ClientIdentity.FromSerializedIdentity(SerializedIdentity.Span);

    /// <summary>Creates an identity.</summary>
    /// <param name="mspId">The MSP ID, e.g. <c>Org1MSP</c>.</param>
    /// <param name="commonName">The subject CN.</param>
    /// <param name="attributes">Fabric CA attributes to embed (OID 1.2.3.4.5.6.7.8.1), e.g. <c>role=eir.reporter</c>.</param>
    /// <param name="organizationalUnits">Subject OUs, e.g. <c>client</c>.</param>
    /// <returns>The identity.</returns>
    public static TestIdentity Create(string mspId, string commonName = "User1", IReadOnlyDictionary<string, string>? attributes = null, params IReadOnlyList<string> organizationalUnits)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caName = new X500DistinguishedNameBuilder();
        caName.AddCommonName($"ca.{mspId.ToLowerInvariant()}");
        caName.AddOrganizationName(mspId);
        var caRequest = new CertificateRequest(caName.Build(), caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var ca = caRequest.CreateSelfSigned(notBefore, notBefore.AddYears(1));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        // The builder writes the last part added first in DER (O, OUs, CN), as Fabric CA orders subjects.
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(commonName);
        foreach (var ou in organizationalUnits)
        {
            subject.AddOrganizationalUnitName(ou);
        }

        subject.AddOrganizationName(mspId);
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        if (attributes is { Count: > 0 })
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["attrs"] = attributes });
            request.CertificateExtensions.Add(new X509Extension(ClientIdentity.AttributesOid, json, false));
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(ca, notBefore, notBefore.AddYears(1), serial);
        var certificatePem = issued.ExportCertificatePem() + "\n";
        var certificate = X509CertificateLoader.LoadCertificate(issued.RawData);
        return new TestIdentity(mspId, certificate, certificatePem, key.ExportPkcs8PrivateKeyPem());
    }
}
