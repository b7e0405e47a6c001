using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Restcomm.Fabric.Client;

/// <summary>An identity backed by an X.509 certificate, as issued by cryptogen or a Fabric CA.</summary>
public sealed class X509Identity : IIdentity
{
    private readonly byte[] _credentials;

    /// <summary>Creates an identity for <paramref name="certificate"/> belonging to the MSP <paramref name="mspId"/>.</summary>
    /// <param name="mspId">The MSP ID, e.g. <c>Org1MSP</c>.</param>
    /// <param name="certificate">The identity's certificate (its private key, if any, is not used).</param>
    public X509Identity(string mspId, X509Certificate2 certificate)
    {
        ArgumentException.ThrowIfNullOrEmpty(mspId);
        ArgumentNullException.ThrowIfNull(certificate);
        MspId = mspId;
        Certificate = certificate;
        // Peers parse id_bytes as PEM; encode it the way Fabric's own tools write certificate files.
        _credentials = Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n");
    }

    /// <inheritdoc />
    public string MspId { get; }

    /// <summary>The identity's certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Credentials => _credentials;

    /// <summary>Creates an identity from a PEM-encoded certificate.</summary>
    /// <param name="mspId">The MSP ID, e.g. <c>Org1MSP</c>.</param>
    /// <param name="certificatePem">Text containing a <c>CERTIFICATE</c> PEM block.</param>
    public static X509Identity FromPem(string mspId, string certificatePem) =>
        new(mspId, X509Certificate2.CreateFromPem(certificatePem));

    /// <summary>Creates an identity from a PEM certificate file such as <c>msp/signcerts/cert.pem</c>.</summary>
    /// <param name="mspId">The MSP ID, e.g. <c>Org1MSP</c>.</param>
    /// <param name="certificatePemPath">Path of the PEM file.</param>
    public static X509Identity FromPemFile(string mspId, string certificatePemPath) =>
        FromPem(mspId, File.ReadAllText(certificatePemPath));
}
