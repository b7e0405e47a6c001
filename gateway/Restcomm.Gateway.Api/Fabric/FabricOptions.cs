namespace Restcomm.Gateway.Api.Fabric;

/// <summary>
/// How to reach Fabric (configuration section <c>Fabric</c>). Either point <see cref="NetworkFile"/> at a
/// <c>.run/network.json</c> and the organisation's entry is used, or give the endpoint and files
/// explicitly (explicit values win); the same shape serves the dev network and a real Fabric peer.
/// </summary>
internal sealed class FabricOptions
{
    public const string Section = "Fabric";

    /// <summary>A network description as written by <c>make run</c> / <c>make network-up</c>.</summary>
    public string? NetworkFile { get; set; } = ".run/network.json";

    /// <summary>Gateway peer <c>host:port</c> (TLS).</summary>
    public string? GatewayEndpoint { get; set; }

    /// <summary>PEM file of the CA(s) that sign the peer's TLS certificate.</summary>
    public string? TlsRootCertFile { get; set; }

    /// <summary>Host name to verify in the peer's TLS certificate (default: the endpoint's host).</summary>
    public string? TlsServerName { get; set; }

    /// <summary>PEM certificate of the identity that signs proposals.</summary>
    public string? ClientCertFile { get; set; }

    /// <summary>PEM private key of that identity.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS with the peer, when the peer requires it.</summary>
    public string? TlsClientCertFile { get; set; }

    /// <summary>PEM key of <see cref="TlsClientCertFile"/>.</summary>
    public string? TlsClientKeyFile { get; set; }

    /// <summary>Channels and chaincodes the API uses and follows; default: the organisation's channels in the network file.</summary>
    public List<ChannelOptions> Channels { get; set; } = [];

    /// <summary>Deadline for connecting to the peer (readiness probe, first call).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Deadline of an evaluate call.</summary>
    public TimeSpan EvaluateTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deadline of a submit, including the wait for commit.</summary>
    public TimeSpan SubmitTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>A channel and the chaincodes on it.</summary>
internal sealed class ChannelOptions
{
    public string Name { get; set; } = "";

    public List<string> Chaincodes { get; set; } = [];

    /// <summary>The organisations that are members (writers) of the channel, when known (the network file lists them).</summary>
    public List<string> Members { get; set; } = [];
}
