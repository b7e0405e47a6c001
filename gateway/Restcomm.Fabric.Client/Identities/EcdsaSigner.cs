using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Crypto.EC;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Math.EC.Multiplier;
using Org.BouncyCastle.OpenSsl;
using BcX509 = Org.BouncyCastle.X509;

namespace Restcomm.Fabric.Client;

/// <summary>
/// Signs with an ECDSA private key on NIST P-256 or P-384 (the curves Fabric's MSPs accept), producing
/// DER-encoded <c>(r, s)</c> signatures with S normalised to the lower half of the curve order, as peers require.
/// Nonces are derived deterministically (RFC 6979). Instances are thread-safe.
/// </summary>
public sealed class EcdsaSigner : ISigner
{
    private readonly ECPrivateKeyParameters _key;
    private readonly BigInteger _halfOrder;
    private readonly Func<IDigest> _nonceDigest;

    private EcdsaSigner(ECPrivateKeyParameters key)
    {
        var fieldSize = key.Parameters.Curve.FieldSize;
        if (fieldSize is not (256 or 384))
        {
            throw new ArgumentException($"Unsupported elliptic curve with a {fieldSize}-bit field; use P-256 or P-384.", nameof(key));
        }

        key = WithOptimisedCurve(key);
        _key = key;
        _halfOrder = key.Parameters.N.ShiftRight(1);
        _nonceDigest = fieldSize == 256 ? static () => new Sha256Digest() : static () => new Sha384Digest();
        CurveName = fieldSize == 256 ? "P-256" : "P-384";
        var q = new FixedPointCombMultiplier().Multiply(key.Parameters.G, key.D).Normalize();
        PublicKey = new ECPublicKeyParameters(q, key.Parameters);
    }

    /// <summary>
    /// Moves a key onto BouncyCastle's specialised implementation of its named curve (fixed-size field arithmetic),
    /// several times faster than the generic curve that PEM parsing yields.
    /// </summary>
    private static ECPrivateKeyParameters WithOptimisedCurve(ECPrivateKeyParameters key)
    {
        if (key.Parameters is ECNamedDomainParameters { Name: { } oid } && CustomNamedCurves.GetByOid(oid) is { } custom)
        {
            return new ECPrivateKeyParameters(key.D, new ECNamedDomainParameters(oid, custom));
        }

        return key;
    }

    /// <summary>The curve of the key: <c>P-256</c> or <c>P-384</c>.</summary>
    public string CurveName { get; }

    internal ECPublicKeyParameters PublicKey { get; }

    /// <summary>
    /// Creates a signer from a PEM private key: PKCS#8 (<c>PRIVATE KEY</c>, as cryptogen writes to
    /// <c>keystore/priv_sk</c>) or SEC1 (<c>EC PRIVATE KEY</c>). Encrypted keys are not supported.
    /// </summary>
    /// <param name="privateKeyPem">The PEM text.</param>
    public static EcdsaSigner FromPem(string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        object? parsed;
        try
        {
            using var reader = new StringReader(privateKeyPem);
            parsed = new PemReader(reader).ReadObject();
        }
        catch (Exception e) when (e is IOException or PemException or ArgumentException or InvalidCastException)
        {
            throw new ArgumentException("The text is not a readable PEM private key.", nameof(privateKeyPem), e);
        }

        var key = parsed switch
        {
            ECPrivateKeyParameters k => k,
            AsymmetricCipherKeyPair { Private: ECPrivateKeyParameters k } => k,
            null => throw new ArgumentException("No PEM private key found.", nameof(privateKeyPem)),
            _ => throw new ArgumentException($"Not an EC private key ({parsed.GetType().Name}).", nameof(privateKeyPem)),
        };
        return new EcdsaSigner(key);
    }

    /// <summary>Creates a signer from a PEM private-key file such as <c>msp/keystore/priv_sk</c>.</summary>
    /// <param name="privateKeyPemPath">Path of the PEM file.</param>
    public static EcdsaSigner FromPemFile(string privateKeyPemPath) => FromPem(File.ReadAllText(privateKeyPemPath));

    /// <summary>Whether this signer's key is the private half of <paramref name="certificate"/>'s public key.</summary>
    /// <param name="certificate">The certificate to compare against.</param>
    public bool Matches(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var publicKey = new BcX509.X509CertificateParser().ReadCertificate(certificate.RawData).GetPublicKey();
        return publicKey is ECPublicKeyParameters ec && ec.Q.GetEncoded(false).AsSpan().SequenceEqual(PublicKey.Q.GetEncoded(false));
    }

    /// <summary>Signs <paramref name="digest"/> and returns a low-S DER signature.</summary>
    /// <param name="digest">The digest to sign.</param>
    public byte[] Sign(ReadOnlySpan<byte> digest)
    {
        var signer = new ECDsaSigner(new HMacDsaKCalculator(_nonceDigest()));
        signer.Init(true, _key);
        var rs = signer.GenerateSignature(digest.ToArray());
        var s = rs[1];
        if (s.CompareTo(_halfOrder) > 0)
        {
            s = _key.Parameters.N.Subtract(s);
        }

        return new DerSequence(new DerInteger(rs[0]), new DerInteger(s)).GetEncoded(Asn1Encodable.Der);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Sign(digest.Span));
    }

    /// <summary>Verifies a DER signature made by this signer's key (used by tests and tools).</summary>
    /// <param name="digest">The signed digest.</param>
    /// <param name="signature">The DER-encoded signature.</param>
    public bool Verify(ReadOnlySpan<byte> digest, ReadOnlySpan<byte> signature) =>
        Internal.SignatureVerifier.Verify(PublicKey, digest, signature);
}
