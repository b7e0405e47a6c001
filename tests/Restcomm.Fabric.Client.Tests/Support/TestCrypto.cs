using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Restcomm.Fabric.Client.Tests.Support;

/// <summary>Test certificates and keys made the way cryptogen makes them (ECDSA, PEM).</summary>
internal sealed class TestCredentials
{
    private TestCredentials(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        Key = key;
    }

    public X509Certificate2 Certificate { get; }

    public ECDsa Key { get; }

    public string CertificatePem => Certificate.ExportCertificatePem() + "\n";

    public string Pkcs8KeyPem => Key.ExportPkcs8PrivateKeyPem() + "\n";

    public string Sec1KeyPem => Key.ExportECPrivateKeyPem() + "\n";

    public static TestCredentials CreateCa(string commonName, ECCurve? curve = null)
    {
        var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=Test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return new TestCredentials(cert, key);
    }

    /// <summary>Issues a leaf certificate signed by this CA, with DNS names for TLS use.</summary>
    public TestCredentials Issue(string commonName, ECCurve? curve = null, bool server = false, bool client = false, params string[] dnsNames)
    {
        var key = ECDsa.Create(curve ?? ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}, O=Test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var usages = new OidCollection();
        if (server)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        }

        if (client)
        {
            usages.Add(new Oid("1.3.6.1.5.5.7.3.2"));
        }

        if (usages.Count > 0)
        {
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        }

        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in dnsNames)
            {
                san.AddDnsName(name);
            }

            request.CertificateExtensions.Add(san.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddMonths(6), serial);
        return new TestCredentials(X509CertificateLoader.LoadCertificate(issued.RawData), key);
    }

    /// <summary>The certificate with its private key, exportable, as Kestrel needs it for TLS.</summary>
    public X509Certificate2 CertificateWithKey()
    {
        using var withKey = Certificate.CopyWithPrivateKey(Key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
