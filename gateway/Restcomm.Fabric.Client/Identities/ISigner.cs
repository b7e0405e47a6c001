namespace Restcomm.Fabric.Client;

/// <summary>
/// Produces signatures for an identity. Implement this to keep keys in an HSM or a remote signing service;
/// <see cref="EcdsaSigner"/> signs with a private key held in memory.
/// </summary>
public interface ISigner
{
    /// <summary>
    /// Signs a message digest (already computed with the gateway's <see cref="Hash"/>) and returns the
    /// signature in the form the MSP expects: for ECDSA, DER-encoded <c>(r, s)</c> with a low S value.
    /// </summary>
    /// <param name="digest">The digest to sign.</param>
    /// <param name="cancellationToken">Cancels a signature that is still pending, e.g. at a remote signer.</param>
    ValueTask<byte[]> SignAsync(ReadOnlyMemory<byte> digest, CancellationToken cancellationToken = default);
}
