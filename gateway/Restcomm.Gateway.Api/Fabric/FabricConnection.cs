using Restcomm.Fabric.Client;

namespace Restcomm.Gateway.Api.Fabric;

/// <summary>A resolved connection: one organisation's gateway peer, TLS trust and signing identity.</summary>
internal sealed record FabricConnection(
    string MspId,
    string GatewayEndpoint,
    string? TlsRootCertFile,
    string? TlsServerName,
    string ClientCertFile,
    string ClientKeyFile,
    IReadOnlyList<ChannelOptions> Channels,
    string? TlsClientCertFile = null,
    string? TlsClientKeyFile = null)
{
    /// <summary>Channels of the network (from its file) this organisation is not on: asking for them is forbidden, not unknown.</summary>
    public IReadOnlyList<string> OtherChannels { get; init; } = [];

    public string Host => GatewayEndpoint[..GatewayEndpoint.LastIndexOf(':')];

    public int Port => int.Parse(GatewayEndpoint[(GatewayEndpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Opens a gateway to this organisation's peer with its identity, TLS trust and the configured timeouts.</summary>
    public Restcomm.Fabric.Client.Gateway OpenGateway(FabricOptions options)
    {
        var tlsRoots = TlsRootCertFile is { Length: > 0 } file ? File.ReadAllText(file) : null;
        return Restcomm.Fabric.Client.Gateway.Connect(
            new Restcomm.Fabric.Client.ConnectionOptions
            {
                Endpoint = GatewayEndpoint,
                UseTls = tlsRoots is not null,
                TlsRootCertificatesPem = tlsRoots,
                TlsServerName = TlsServerName,
                TlsClientCertificatePem = TlsClientCertFile is { Length: > 0 } tlsCert ? File.ReadAllText(tlsCert) : null,
                TlsClientKeyPem = TlsClientKeyFile is { Length: > 0 } tlsKey ? File.ReadAllText(tlsKey) : null,
                ConnectTimeout = options.ConnectTimeout,
            },
            new Restcomm.Fabric.Client.GatewayOptions
            {
                Identity = Restcomm.Fabric.Client.X509Identity.FromPemFile(MspId, ClientCertFile),
                Signer = Restcomm.Fabric.Client.Signers.FromPemFile(ClientKeyFile),
                EvaluateTimeout = options.EvaluateTimeout,
                EndorseTimeout = options.SubmitTimeout,
                SubmitTimeout = options.SubmitTimeout,
                CommitStatusTimeout = options.SubmitTimeout,
            });
    }

    /// <summary>
    /// Resolves the connection of <paramref name="mspId"/>: the network file's entry, overridden by
    /// explicit settings. Null when neither gives an endpoint (the API then runs without a ledger and
    /// reports not ready).
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings are incomplete or the network file is unreadable.</exception>
    public static FabricConnection? Resolve(FabricOptions options, string mspId, string baseDirectory)
    {
        string? endpoint = null, tlsRoot = null, serverName = null, cert = null, key = null, tlsCert = null, tlsKey = null;
        var channels = new List<ChannelOptions>();
        var otherChannels = new List<string>();
        var networkFile = string.IsNullOrWhiteSpace(options.NetworkFile) ? null : Path.GetFullPath(Path.Combine(baseDirectory, options.NetworkFile));
        if (networkFile is not null && File.Exists(networkFile))
        {
            FabricNetworkDescription network;
            try
            {
                network = FabricNetworkDescription.Load(networkFile);
            }
            catch (InvalidDataException ex)
            {
                throw new InvalidOperationException($"The network file {networkFile} is not valid: {ex.Message}", ex);
            }

            if (network.Orgs.FirstOrDefault(o => o.MspId == mspId) is { } org)
            {
                endpoint = org.GatewayEndpoint;
                tlsRoot = org.TlsRootCertFile;
                serverName = org.TlsServerName;
                cert = org.ClientCertFile;
                key = org.ClientKeyFile;
                tlsCert = org.TlsClientCertFile;
                tlsKey = org.TlsClientKeyFile;
            }

            otherChannels.AddRange(network.Channels.Where(c => !c.Members.Contains(mspId)).Select(c => c.Name));
            channels.AddRange(network.Channels
                .Where(c => c.Members.Contains(mspId))
                .Select(c => new ChannelOptions { Name = c.Name, Chaincodes = c.Chaincodes.Where(x => x.Length > 0).ToList(), Members = [.. c.Members] }));
        }

        endpoint = Pick(options.GatewayEndpoint, endpoint);
        if (endpoint is null)
        {
            return null;
        }

        tlsRoot = Pick(options.TlsRootCertFile, tlsRoot);
        serverName = Pick(options.TlsServerName, serverName);
        cert = Pick(options.ClientCertFile, cert);
        key = Pick(options.ClientKeyFile, key);
        tlsCert = Pick(options.TlsClientCertFile, tlsCert);
        tlsKey = Pick(options.TlsClientKeyFile, tlsKey);
        if (options.Channels.Count > 0)
        {
            channels = options.Channels;
        }

        if (!endpoint.Contains(':', StringComparison.Ordinal) || !int.TryParse(endpoint[(endpoint.LastIndexOf(':') + 1)..], out _))
        {
            throw new InvalidOperationException($"Fabric:GatewayEndpoint '{endpoint}' must be host:port.");
        }

        if (cert is null || key is null)
        {
            throw new InvalidOperationException($"Fabric connection for {mspId}: ClientCertFile and ClientKeyFile are required (from the network file or Fabric:ClientCertFile/ClientKeyFile).");
        }

        return new FabricConnection(mspId, endpoint, tlsRoot, serverName, cert, key, channels, tlsCert, tlsKey)
        {
            OtherChannels = otherChannels.Where(o => !channels.Any(c => c.Name == o)).ToList(),
        };
    }

    private static string? Pick(string? explicitValue, string? fromFile) => string.IsNullOrWhiteSpace(explicitValue) ? fromFile : explicitValue;

}

/// <summary>The resolved Fabric connection, or null when none is configured.</summary>
internal sealed record FabricConnectionHolder(FabricConnection? Connection);
