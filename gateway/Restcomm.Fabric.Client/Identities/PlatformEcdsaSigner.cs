using System.Security.Cryptography;

namespace Restcomm.Fabric.Client;

/// <summary>
/// An ECDSA P-256/P-384 signer on the platform's cryptography (OpenSSL on Linux) instead of BouncyCastle:
/// several times faster, for high-rate submitters. Signatures are DER <c>(r, s)</c> with S normalised to the lower
/// half of the curve order, exactly as <see cref="EcdsaSigner"/> produces (though not deterministic). Thread-safe.
/// </summary>
public sealed class PlatformEcdsaSigner : ISigner, IDisposable
{
    private readonly ECDsa _key;
    private readonly int _fieldBytes;

    private PlatformEcdsaSigner(ECDsa key)
    {
        _key = key;
        (_fieldBytes, CurveName) = key.KeySize switch
        {
            256 => (32, "P-256"),
            384 => (48, "P-384"),
            _ => throw new ArgumentException($"Unsupported elliptic curve of {key.KeySize} bits; use P-256 or P-384.", nameof(key)),
        };
    }

    /// <summary>The curve of the key: <c>P-256</c> or <c>P-384</c>.</summary>
    public string CurveName { get; }

    /// <summary>Creates a signer from a PEM private key (PKCS#8 <c>PRIVATE KEY</c> or SEC1 <c>EC PRIVATE KEY</c>).</summary>
    /// <param name="privateKeyPem">The PEM text.</param>
    public static PlatformEcdsaSigner FromPem(string privateKeyPem)
    {
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(privateKeyPem);
            return new PlatformEcdsaSigner(key);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new ArgumentException("The text is not a readable PEM EC private key.", nameof(privateKeyPem), e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Creates a signer from a PEM private-key file such as <c>msp/keystore/priv_sk</c>.</summary>
    /// <param name="privateKeyPemPath">Path of the PEM file.</param>
    public static PlatformEcdsaSigner FromPemFile(string privateKeyPemPath) => FromPem(File.ReadAllText(privateKeyPemPath));

    /// <summary>Signs <paramref name="digest"/> and returns a low-S DER signature.</summary>
    /// <param name="digest">The digest to sign.</param>
    public byte[] Sign(ReadOnlySpan<byte> digest)
    {
        Span<byte> rs = stackalloc byte[2 * 48];
        rs = rs[..(2 * _fieldBytes)];
        if (!_key.TrySignHash(digest, rs, DSASignatureFormat.IeeeP1363FixedFieldConcatenation, out var written) || written != rs.Length)
        {
            throw new CryptographicException("ECDSA signing failed.");
        }

        return Internal.LowSSignature.FromFixed(rs);
    }

    /// <inheritdoc />
    public ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Sign(digest.Span));
    }

    /// <summary>Releases the key.</summary>
    public void Dispose() => _key.Dispose();
}
