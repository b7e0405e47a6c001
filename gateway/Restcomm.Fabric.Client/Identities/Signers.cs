using System.Security.Cryptography;

namespace Restcomm.Fabric.Client;

/// <summary>
/// The default signer for a PEM private key: <see cref="PlatformEcdsaSigner"/> (the platform's OpenSSL or CNG, several
/// times cheaper per signature) wherever the platform can load the key, else <see cref="EcdsaSigner"/> (BouncyCastle).
/// Both give DER <c>(r, s)</c> with a low S value. <see cref="FabricNetworkDescription"/> connects with it.
/// </summary>
public static class Signers
{
    /// <summary>The default signer for a PEM private key (PKCS#8 or SEC1).</summary>
    /// <param name="privateKeyPem">The PEM text.</param>
    /// <returns>The platform signer, or the BouncyCastle signer where the platform has no ECDSA.</returns>
    public static ISigner FromPem(string privateKeyPem)
    {
        try
        {
            return PlatformEcdsaSigner.FromPem(privateKeyPem);
        }
        catch (Exception e) when (e is PlatformNotSupportedException or CryptographicException)
        {
            return EcdsaSigner.FromPem(privateKeyPem);
        }
    }

    /// <summary>The default signer for a PEM private-key file such as <c>msp/keystore/priv_sk</c>.</summary>
    /// <param name="privateKeyPemPath">Path of the PEM file.</param>
    /// <returns>The signer.</returns>
    public static ISigner FromPemFile(string privateKeyPemPath) => FromPem(File.ReadAllText(privateKeyPemPath));
}
