using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>A self-signed P-256 client identity written as a PEM certificate and a PKCS#8 key, for an API run as a process.</summary>
internal static class ClientIdentityFiles
{
    public static (string Cert, string Key) Write(string directory)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=User1@org1.example.com", ecdsa, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(directory, "cert.pem");
        var key = Path.Combine(directory, "priv_sk");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }
}
