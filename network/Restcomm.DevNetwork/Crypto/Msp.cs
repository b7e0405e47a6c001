using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Google.Protobuf;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;

namespace Restcomm.DevNetwork.Crypto;

/// <summary>A deserialised, validated identity: its MSP, NodeOU role and public key.</summary>
internal sealed class Identity(string mspId, MSPRole.Types.MSPRoleType role, ECParameters publicKey, byte[] serialized, X509Certificate2 certificate)
{
    public string MspId => mspId;
    public MSPRole.Types.MSPRoleType Role => role;
    public byte[] Serialized => serialized;
    public X509Certificate2 Certificate => certificate;

    // Importing a key into OpenSSL costs more than a verification; keep a few per identity. (A queue, whose Count is
    // cheap: a bag's takes every per-thread lock, on every verification.)
    private readonly ConcurrentQueue<ECDsa> _keys = new();

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var digest = VerifiedSignatures.Of(serialized, data, signature);
        if (VerifiedSignatures.Contains(digest))
        {
            return true;
        }
        if (!_keys.TryDequeue(out var key))
        {
            key = ECDsa.Create(publicKey);
        }
        try
        {
            var valid = EcdsaSignatures.Verify(key, data, signature);
            if (valid)
            {
                VerifiedSignatures.Add(digest);
            }
            return valid;
        }
        finally
        {
            if (_keys.Count < 8)
            {
                _keys.Enqueue(key);
            }
            else
            {
                key.Dispose();
            }
        }
    }

    /// <summary>The identity as a policy sees it.</summary>
    public Signer AsSigner => new(mspId, role);

    /// <summary>Whether this identity satisfies an MSP role principal (member covers every role).</summary>
    public bool Satisfies(MSPRole principal) =>
        principal.MspIdentifier == mspId
        && (principal.Role == MSPRole.Types.MSPRoleType.Member || principal.Role == role);
}

/// <summary>A signing identity the network itself holds (each organisation's peer).</summary>
internal sealed class SigningIdentity(string mspId, byte[] serialized, ECDsa key)
{
    public string MspId => mspId;
    public byte[] Serialized => serialized;
    public ByteString SerializedBytes { get; } = ByteString.CopyFrom(serialized);
    private readonly ECDsa _key = key;
    private readonly Lock _lock = new();

    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        byte[] signature;
        lock (_lock)
        {
            signature = EcdsaSignatures.Sign(_key, data);
        }
        VerifiedSignatures.Add(serialized, data, signature);
        return signature;
    }
}

/// <summary>
/// The membership service: which certificates belong to which organisation (issued by its CA) and with which NodeOU
/// role; the peers' own signing identities.
/// </summary>
internal sealed class Msp
{
    private readonly Dictionary<string, X509Certificate2> _cas = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SigningIdentity> _peers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<ByteString, Identity?> _cache = new();

    public Msp(DevNetworkConfig config, string cryptoRoot)
    {
        foreach (var org in config.Orgs)
        {
            var layout = new OrgLayout(cryptoRoot, org.Domain);
            _cas[org.MspId] = X509Certificate2.CreateFromPem(File.ReadAllText(layout.CaCert));
            var peerCertPem = File.ReadAllText(Path.Combine(layout.PeerMsp, "signcerts", "cert.pem"));
            var key = ECDsa.Create();
            key.ImportFromPem(File.ReadAllText(Path.Combine(layout.PeerMsp, "keystore", "priv_sk")));
            var serialized = new SerializedIdentity { Mspid = org.MspId, IdBytes = ByteString.CopyFromUtf8(peerCertPem) }.ToByteArray();
            _peers[org.MspId] = new SigningIdentity(org.MspId, serialized, key);
        }
    }

    public SigningIdentity Peer(string mspId) => _peers[mspId];

    public IEnumerable<string> MspIds => _cas.Keys;

    /// <summary>Deserialises and validates a SerializedIdentity; null when malformed, unknown or not issued by its MSP's CA.</summary>
    public Identity? Deserialize(ByteString serialized)
    {
        if (_cache.TryGetValue(serialized, out var cached))
        {
            return cached;
        }
        var identity = DeserializeUncached(serialized);
        if (_cache.Count < 100_000)
        {
            _cache[serialized] = identity;
        }
        return identity;
    }

    private Identity? DeserializeUncached(ByteString serialized)
    {
        try
        {
            var sid = SerializedIdentity.Parser.ParseFrom(serialized);
            if (!_cas.TryGetValue(sid.Mspid, out var ca))
            {
                return null;
            }
            var cert = X509Certificate2.CreateFromPem(Encoding.UTF8.GetString(sid.IdBytes.Span));
            var now = DateTime.UtcNow;
            if (cert.NotBefore.ToUniversalTime() > now || cert.NotAfter.ToUniversalTime() < now)
            {
                return null;
            }
            if (!IssuedBy(cert, ca))
            {
                return null;
            }
            using var pub = cert.GetECDsaPublicKey();
            if (pub is null)
            {
                return null;
            }
            var role = RoleFromOus(cert.SubjectName);
            if (role is null)
            {
                return null;
            }
            return new Identity(sid.Mspid, role.Value, pub.ExportParameters(false), serialized.ToByteArray(), cert);
        }
        catch (Exception e) when (e is CryptographicException or InvalidProtocolBufferException or ArgumentException)
        {
            return null;
        }
    }

    private static bool IssuedBy(X509Certificate2 cert, X509Certificate2 ca)
    {
        if (cert.IssuerName.RawData.AsSpan().SequenceEqual(ca.SubjectName.RawData) is false)
        {
            return false;
        }
        var bcCert = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(cert.RawData);
        var bcCa = new Org.BouncyCastle.X509.X509CertificateParser().ReadCertificate(ca.RawData);
        try
        {
            bcCert.Verify(bcCa.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.SignatureException or Org.BouncyCastle.Security.InvalidKeyException or Org.BouncyCastle.Security.Certificates.CertificateException)
        {
            return false;
        }
    }

    /// <summary>NodeOUs: the OU of the subject names the role, as Fabric's MSP does with NodeOUs enabled.</summary>
    private static MSPRole.Types.MSPRoleType? RoleFromOus(X500DistinguishedName name)
    {
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames())
        {
            if (rdn.GetSingleElementType().Value != "2.5.4.11")
            {
                continue;
            }
            switch (rdn.GetSingleElementValue())
            {
                case "client": return MSPRole.Types.MSPRoleType.Client;
                case "peer": return MSPRole.Types.MSPRoleType.Peer;
                case "admin": return MSPRole.Types.MSPRoleType.Admin;
                case "orderer": return MSPRole.Types.MSPRoleType.Orderer;
                default: break;
            }
        }
        return null;
    }
}
