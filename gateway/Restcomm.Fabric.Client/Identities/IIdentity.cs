namespace Restcomm.Fabric.Client;

/// <summary>
/// Who is making a request: the MSP the identity belongs to and its credentials (for X.509 identities, the
/// PEM-encoded certificate). Together they form Fabric's <c>SerializedIdentity</c>, the request's creator.
/// </summary>
public interface IIdentity
{
    /// <summary>The MSP ID of the organisation that issued the identity, e.g. <c>Org1MSP</c>.</summary>
    string MspId { get; }

    /// <summary>The identity's credentials exactly as placed in <c>SerializedIdentity.id_bytes</c>.</summary>
    ReadOnlyMemory<byte> Credentials { get; }
}
