using System.Text;
using System.Text.Json;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Pkcs;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;
using Org.BouncyCastle.X509.Extension;
using Restcomm.DevNetwork.Configuration;

namespace Restcomm.DevNetwork.Crypto;

/// <summary>
/// Generates each organisation's CA, TLS CA and identities (admin, users, peer0) with Fabric NodeOUs, in the folder
/// layout Fabric's cryptogen writes, so the same client configuration works here and on a real network.
/// </summary>
internal static class CryptoGenerator
{
    /// <summary>The X.509 extension Fabric CA uses for enrollment attributes.</summary>
    public const string AttributesOid = "1.2.3.4.5.6.7.8.1";

    private static readonly SecureRandom Random = new();

    /// <summary>Writes the material of every organisation that does not have it yet; existing folders are kept.</summary>
    public static void EnsureGenerated(DevNetworkConfig config, string root)
    {
        foreach (var org in config.Orgs)
        {
            var layout = new OrgLayout(root, org.Domain);
            if (File.Exists(layout.CaCert) && org.Users.All(u => File.Exists(layout.UserCert(u.Name))))
            {
                continue;
            }
            if (File.Exists(layout.CaCert))
            {
                // Users were added to the configuration: issue them with the existing CA.
                var existingCa = LoadCa(layout.CaCert, layout.CaKey);
                foreach (var user in org.Users.Where(u => !File.Exists(layout.UserCert(u.Name))))
                {
                    WriteMsp(layout, layout.UserMsp(user.Name), $"{user.Name}@{org.Domain}", "client", existingCa, File.ReadAllText(layout.CaCert), File.ReadAllText(layout.TlsCaCert), user.Attributes);
                }
                continue;
            }
            GenerateOrg(org, layout);
        }
    }

    /// <summary>
    /// The chaincode servers' TLS CA and the client certificate the network presents to them (cryptogen's layout of a
    /// <c>chaincode.example.com</c> organisation, as network/fabric/crypto-config.yaml has it); kept when present.
    /// </summary>
    public static ChaincodeTlsLayout EnsureChaincodeClient(string root)
    {
        var layout = new ChaincodeTlsLayout(root);
        if (!File.Exists(layout.TlsCaCert))
        {
            var ca = NewCa($"tlsca.{ChaincodeTlsLayout.Domain}", ChaincodeTlsLayout.Domain);
            Write(layout.TlsCaKey, KeyPem(ca.Key.Private));
            Write(layout.TlsCaCert, ToPem(ca.Cert));
        }
        if (!File.Exists(Path.Combine(layout.ClientTls, "client.crt")))
        {
            var ca = LoadCa(layout.TlsCaCert, layout.TlsCaKey);
            var client = Issue(ca, $"User1@{ChaincodeTlsLayout.Domain}", null, ChaincodeTlsLayout.Domain, tls: true, san: null, attributes: null);
            WriteTlsPair(layout.ClientTls, "client", ca, client);
        }
        return layout;
    }

    /// <summary>
    /// The TLS server certificate of chaincode <paramref name="name"/> (<c>&lt;name&gt;.chaincode.example.com</c>, also
    /// valid for <c>&lt;name&gt;-chaincode</c>, localhost, 127.0.0.1 and <paramref name="host"/>), issued by the chaincode TLS
    /// CA when missing or not valid for <paramref name="host"/>.
    /// </summary>
    public static ChaincodeTlsLayout EnsureChaincodeServer(string root, string name, string host)
    {
        var layout = EnsureChaincodeClient(root);
        var dir = layout.ServerTls(name);
        var certFile = Path.Combine(dir, "server.crt");
        if (File.Exists(certFile))
        {
            using var existing = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(certFile, Path.Combine(dir, "server.key"));
            if (existing.MatchesHostname(host))
            {
                return layout;
            }
        }
        var ca = LoadCa(layout.TlsCaCert, layout.TlsCaKey);
        var hostName = $"{name}.{ChaincodeTlsLayout.Domain}";
        string[] names = [hostName, $"{name}-chaincode", "localhost", "127.0.0.1"];
        var server = Issue(ca, hostName, null, ChaincodeTlsLayout.Domain, tls: true, san: names.Contains(host) ? names : [.. names, host], attributes: null);
        WriteTlsPair(dir, "server", ca, server);
        return layout;
    }

    private static void WriteTlsPair(string dir, string kind, Issued ca, Issued pair)
    {
        Write(Path.Combine(dir, "ca.crt"), ToPem(ca.Cert));
        Write(Path.Combine(dir, $"{kind}.key"), KeyPem(pair.Key.Private));
        Write(Path.Combine(dir, $"{kind}.crt"), ToPem(pair.Cert));
    }

    private static void GenerateOrg(OrgConfig org, OrgLayout layout)
    {
        var ca = NewCa($"ca.{org.Domain}", org.Domain);
        var tlsCa = NewCa($"tlsca.{org.Domain}", org.Domain);
        var caPem = ToPem(ca.Cert);
        var tlsCaPem = ToPem(tlsCa.Cert);

        Write(layout.CaCert, caPem);
        Write(Path.Combine(Path.GetDirectoryName(layout.CaCert)!, "priv_sk"), KeyPem(ca.Key.Private));
        Write(layout.TlsCaCert, tlsCaPem);
        Write(Path.Combine(Path.GetDirectoryName(layout.TlsCaCert)!, "priv_sk"), KeyPem(tlsCa.Key.Private));

        // Organisation MSP: what a channel configuration would hold.
        WriteMspFolder(layout.OrgMsp, layout.Domain, caPem, tlsCaPem);

        WriteMsp(layout, layout.PeerMsp, org.PeerName, "peer", ca, caPem, tlsCaPem, null);
        var tls = Issue(tlsCa, $"{org.PeerName}", null, org.Domain, tls: true, san: [org.PeerName, "peer0", "localhost", "127.0.0.1"], attributes: null);
        Write(Path.Combine(layout.PeerTls, "ca.crt"), tlsCaPem);
        Write(Path.Combine(layout.PeerTls, "server.crt"), ToPem(tls.Cert));
        Write(Path.Combine(layout.PeerTls, "server.key"), KeyPem(tls.Key.Private));

        WriteMsp(layout, layout.UserMsp("Admin"), $"Admin@{org.Domain}", "admin", ca, caPem, tlsCaPem, null);
        foreach (var user in org.Users)
        {
            WriteMsp(layout, layout.UserMsp(user.Name), $"{user.Name}@{org.Domain}", "client", ca, caPem, tlsCaPem, user.Attributes);
        }
    }

    private static void WriteMsp(OrgLayout layout, string msp, string commonName, string ou, Issued ca, string caPem, string tlsCaPem, Dictionary<string, string>? attributes)
    {
        WriteMspFolder(msp, layout.Domain, caPem, tlsCaPem);
        var id = Issue(ca, commonName, ou, layout.Domain, tls: false, san: null, attributes: attributes);
        Write(Path.Combine(msp, "signcerts", "cert.pem"), ToPem(id.Cert));
        Write(Path.Combine(msp, "keystore", "priv_sk"), KeyPem(id.Key.Private));
    }

    private static void WriteMspFolder(string msp, string domain, string caPem, string tlsCaPem)
    {
        Write(Path.Combine(msp, "cacerts", $"ca.{domain}-cert.pem"), caPem);
        Write(Path.Combine(msp, "tlscacerts", $"tlsca.{domain}-cert.pem"), tlsCaPem);
        var sb = new StringBuilder();
        sb.Append("NodeOUs:\n  Enable: true\n");
        foreach (var (key, value) in new[] { ("ClientOUIdentifier", "client"), ("PeerOUIdentifier", "peer"), ("AdminOUIdentifier", "admin"), ("OrdererOUIdentifier", "orderer") })
        {
            sb.Append("  ").Append(key).Append(":\n    Certificate: cacerts/ca.").Append(domain).Append("-cert.pem\n    OrganizationalUnitIdentifier: ").Append(value).Append('\n');
        }
        Write(Path.Combine(msp, "config.yaml"), sb.ToString());
    }

    internal sealed record Issued(X509Certificate Cert, AsymmetricCipherKeyPair Key);

    private static AsymmetricCipherKeyPair NewKey()
    {
        var gen = new ECKeyPairGenerator("EC");
        gen.Init(new ECKeyGenerationParameters(Org.BouncyCastle.Asn1.X9.ECNamedCurveTable.GetOid("P-256"), Random));
        return gen.GenerateKeyPair();
    }

    private static X509Name Name(string cn, string? ou, string org) =>
        ou is null
            ? new X509Name($"C=US,ST=California,L=San Francisco,O={org},CN={cn}")
            : new X509Name($"C=US,ST=California,L=San Francisco,OU={ou},CN={cn}");

    private static Issued NewCa(string cn, string org)
    {
        var key = NewKey();
        var gen = new X509V3CertificateGenerator();
        var name = Name(cn, null, org);
        gen.SetSerialNumber(new BigInteger(128, Random));
        gen.SetIssuerDN(name);
        gen.SetSubjectDN(name);
        gen.SetNotBefore(DateTime.UtcNow.AddMinutes(-5));
        gen.SetNotAfter(DateTime.UtcNow.AddYears(10));
        gen.SetPublicKey(key.Public);
        gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment | KeyUsage.KeyCertSign | KeyUsage.CrlSign));
        gen.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_clientAuth, KeyPurposeID.id_kp_serverAuth));
        gen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(true));
        gen.AddExtension(X509Extensions.SubjectKeyIdentifier, false, X509ExtensionUtilities.CreateSubjectKeyIdentifier(key.Public));
        var cert = gen.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", key.Private, Random));
        return new Issued(cert, key);
    }

    private static Issued Issue(Issued ca, string cn, string? ou, string org, bool tls, string[]? san, Dictionary<string, string>? attributes)
    {
        var key = NewKey();
        var gen = new X509V3CertificateGenerator();
        gen.SetSerialNumber(new BigInteger(128, Random));
        gen.SetIssuerDN(ca.Cert.SubjectDN);
        gen.SetSubjectDN(tls ? new X509Name($"C=US,ST=California,L=San Francisco,CN={cn}") : Name(cn, ou, org));
        gen.SetNotBefore(DateTime.UtcNow.AddMinutes(-5));
        gen.SetNotAfter(DateTime.UtcNow.AddYears(10));
        gen.SetPublicKey(key.Public);
        gen.AddExtension(X509Extensions.KeyUsage, true, new KeyUsage(tls ? KeyUsage.DigitalSignature | KeyUsage.KeyEncipherment : KeyUsage.DigitalSignature));
        gen.AddExtension(X509Extensions.BasicConstraints, true, new BasicConstraints(false));
        gen.AddExtension(X509Extensions.AuthorityKeyIdentifier, false, X509ExtensionUtilities.CreateAuthorityKeyIdentifier(ca.Cert));
        if (tls)
        {
            gen.AddExtension(X509Extensions.ExtendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeID.id_kp_serverAuth, KeyPurposeID.id_kp_clientAuth));
        }
        if (san is not null)
        {
            var names = san.Select(s => System.Net.IPAddress.TryParse(s, out _) ? new GeneralName(GeneralName.IPAddress, s) : new GeneralName(GeneralName.DnsName, s)).ToArray();
            gen.AddExtension(X509Extensions.SubjectAlternativeName, false, new DerSequence(names.Cast<Asn1Encodable>().ToArray()));
        }
        var cert = gen.Generate(new Asn1SignatureFactory("SHA256WITHECDSA", ca.Key.Private, Random));
        if (attributes is { Count: > 0 })
        {
            var attrs = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["hf.Affiliation"] = "",
                ["hf.EnrollmentID"] = cn,
                ["hf.Type"] = ou ?? "client",
            };
            foreach (var (k, v) in attributes)
            {
                attrs[k] = v;
            }
            var json = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, Dictionary<string, string>> { ["attrs"] = attrs });
            cert = WithRawExtension(cert, AttributesOid, json, ca.Key.Private);
        }
        return new Issued(cert, key);
    }

    /// <summary>
    /// Re-issues <paramref name="cert"/> with an extension whose extnValue is exactly <paramref name="raw"/> (Fabric CA
    /// stores the attribute JSON itself there, not an ASN.1-wrapped copy).
    /// </summary>
    private static X509Certificate WithRawExtension(X509Certificate cert, string oid, byte[] raw, AsymmetricKeyParameter issuerKey)
    {
        var tbs = cert.CertificateStructure.TbsCertificate;
        var extensions = new Dictionary<DerObjectIdentifier, X509Extension>();
        var ordering = new List<DerObjectIdentifier>();
        foreach (var id in tbs.Extensions.ExtensionOids)
        {
            extensions[id] = tbs.Extensions.GetExtension(id);
            ordering.Add(id);
        }
        var attrOid = new DerObjectIdentifier(oid);
        extensions[attrOid] = new X509Extension(false, new DerOctetString(raw));
        ordering.Add(attrOid);
        var gen = new V3TbsCertificateGenerator();
        gen.SetSerialNumber(tbs.SerialNumber);
        gen.SetSignature(tbs.Signature);
        gen.SetIssuer(tbs.Issuer);
        gen.SetStartDate(tbs.StartDate);
        gen.SetEndDate(tbs.EndDate);
        gen.SetSubject(tbs.Subject);
        gen.SetSubjectPublicKeyInfo(tbs.SubjectPublicKeyInfo);
        gen.SetExtensions(new X509Extensions(ordering, extensions));
        var newTbs = gen.GenerateTbsCertificate();
        var signer = new Asn1SignatureFactory("SHA256WITHECDSA", issuerKey, Random).CreateCalculator();
        using (var stream = signer.Stream)
        {
            newTbs.EncodeTo(stream, Asn1Encodable.Der);
        }
        var signature = signer.GetResult().Collect();
        return new X509Certificate(new X509CertificateStructure(newTbs, tbs.Signature, new DerBitString(signature)));
    }

    private static Issued LoadCa(string certPath, string keyPath)
    {
        var cert = new X509CertificateParser().ReadCertificate(Encoding.ASCII.GetBytes(File.ReadAllText(certPath)));
        var keyInfo = PrivateKeyFactory.CreateKey(Convert.FromBase64String(StripPem(File.ReadAllText(keyPath))));
        return new Issued(cert, new AsymmetricCipherKeyPair(cert.GetPublicKey(), keyInfo));
    }

    private static string StripPem(string pem) =>
        string.Concat(pem.Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)).Select(l => l.Trim()));

    private static string ToPem(X509Certificate cert) => Pem("CERTIFICATE", cert.GetEncoded());

    private static string KeyPem(AsymmetricKeyParameter key) =>
        Pem("PRIVATE KEY", PrivateKeyInfoFactory.CreatePrivateKeyInfo(key).GetEncoded());

    private static string Pem(string label, byte[] der)
    {
        var b64 = Convert.ToBase64String(der);
        var sb = new StringBuilder().Append("-----BEGIN ").Append(label).Append("-----\n");
        for (var i = 0; i < b64.Length; i += 64)
        {
            sb.Append(b64, i, Math.Min(64, b64.Length - i)).Append('\n');
        }
        return sb.Append("-----END ").Append(label).Append("-----\n").ToString();
    }

    private static void Write(string path, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }
}

/// <summary>Paths of one organisation's material in cryptogen's layout.</summary>
internal sealed class OrgLayout(string root, string domain)
{
    public string Domain => domain;
    public string OrgDir => Path.Combine(root, "peerOrganizations", domain);
    public string OrgMsp => Path.Combine(OrgDir, "msp");
    public string CaCert => Path.Combine(OrgDir, "ca", $"ca.{domain}-cert.pem");
    public string CaKey => Path.Combine(OrgDir, "ca", "priv_sk");
    public string TlsCaCert => Path.Combine(OrgDir, "tlsca", $"tlsca.{domain}-cert.pem");
    public string PeerDir => Path.Combine(OrgDir, "peers", $"peer0.{domain}");
    public string PeerMsp => Path.Combine(PeerDir, "msp");
    public string PeerTls => Path.Combine(PeerDir, "tls");
    public string UserMsp(string name) => Path.Combine(OrgDir, "users", $"{name}@{domain}", "msp");
    public string UserCert(string name) => Path.Combine(UserMsp(name), "signcerts", "cert.pem");
    public string UserKey(string name) => Path.Combine(UserMsp(name), "keystore", "priv_sk");
}

/// <summary>Paths of the chaincode servers' TLS material (the <c>chaincode.example.com</c> organisation).</summary>
internal sealed class ChaincodeTlsLayout(string root)
{
    public const string Domain = "chaincode.example.com";
    public string OrgDir => Path.Combine(root, "peerOrganizations", Domain);
    public string TlsCaCert => Path.Combine(OrgDir, "tlsca", $"tlsca.{Domain}-cert.pem");
    public string TlsCaKey => Path.Combine(OrgDir, "tlsca", "priv_sk");
    /// <summary>ca.crt, server.crt, server.key of one chaincode server.</summary>
    public string ServerTls(string name) => Path.Combine(OrgDir, "peers", $"{name}.{Domain}", "tls");
    /// <summary>ca.crt, client.crt, client.key: what the network presents to the chaincode servers.</summary>
    public string ClientTls => Path.Combine(OrgDir, "users", $"User1@{Domain}", "tls");
}
