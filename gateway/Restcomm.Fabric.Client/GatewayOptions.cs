namespace Restcomm.Fabric.Client;

/// <summary>Who a <see cref="Gateway"/> acts as, how it signs, and how long each phase may take.</summary>
public sealed class GatewayOptions
{
    /// <summary>The client identity: the creator of every proposal and request.</summary>
    public required IIdentity Identity { get; set; }

    /// <summary>
    /// Signs requests. Leave null for offline signing: then each step exposes its bytes and digest, and
    /// you supply the signature through <c>Gateway.NewSigned…</c>.
    /// </summary>
    public ISigner? Signer { get; set; }

    /// <summary>The hash applied to messages before signing; SHA-256 by default.</summary>
    public Hash Hash { get; set; } = Hash.Sha256;

    /// <summary>Default time limit for an evaluate call (5 s).</summary>
    public TimeSpan EvaluateTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Default time limit for an endorse call (15 s).</summary>
    public TimeSpan EndorseTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Default time limit for a submit call (5 s).</summary>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Default time limit for a commit status call, i.e. for waiting until the transaction commits (1 min).</summary>
    public TimeSpan CommitStatusTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// SHA-256 of the client's TLS certificate (DER), placed in block-event requests so that peers requiring
    /// mutual TLS accept them. Set automatically when connecting with a client certificate.
    /// </summary>
    public ReadOnlyMemory<byte> TlsClientCertificateHash { get; set; }

    /// <summary>
    /// Where the client logs (category <c>Restcomm.Fabric.Client</c>): each call at Debug, each failed call at
    /// Information. Null logs nothing. Traces and metrics: <see cref="FabricClientDiagnostics"/>.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    internal GatewayOptions Clone() => (GatewayOptions)MemberwiseClone();
}
