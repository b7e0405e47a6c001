using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace Restcomm.Fabric.Client;

/// <summary>
/// How to reach a peer's Gateway service: endpoint, TLS roots, the name to expect in the peer's certificate,
/// and an optional client certificate for mutual TLS.
/// </summary>
public sealed class ConnectionOptions
{
    /// <summary>The peer's gRPC endpoint as <c>host:port</c> (e.g. <c>127.0.0.1:7051</c>) or an absolute URI.</summary>
    public required string Endpoint { get; set; }

    /// <summary>Whether to use TLS (the default). Without TLS the connection is plain HTTP/2.</summary>
    public bool UseTls { get; set; } = true;

    /// <summary>PEM root (or intermediate) CA certificates the peer's TLS certificate must chain to. When null, the system trust store is used.</summary>
    public string? TlsRootCertificatesPem { get; set; }

    /// <summary>
    /// The host name to verify in the peer's TLS certificate and to send as SNI and <c>:authority</c>, e.g.
    /// <c>peer0.org1.example.com</c> while dialling <c>127.0.0.1</c>. When null, the endpoint's host is used.
    /// </summary>
    public string? TlsServerName { get; set; }

    /// <summary>PEM client certificate for mutual TLS (with <see cref="TlsClientKeyPem"/>).</summary>
    public string? TlsClientCertificatePem { get; set; }

    /// <summary>PEM private key (PKCS#8 or SEC1) of <see cref="TlsClientCertificatePem"/>.</summary>
    public string? TlsClientKeyPem { get; set; }

    /// <summary>
    /// How long a connection may be silent before it is pinged (2 min). Fabric peers refuse pings more often
    /// than their <c>keepalive.minInterval</c> (60 s by default), so keep this above it.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long to wait for a keep-alive ping's answer before dropping the connection (20 s).</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long to wait for a TCP connection to be established (10 s).</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>SHA-256 of the mutual-TLS client certificate (DER), or empty without one.</summary>
    public byte[] GetTlsClientCertificateHash() =>
        TlsClientCertificatePem is null ? [] : SHA256.HashData(X509Certificate2.CreateFromPem(TlsClientCertificatePem).RawData);

    /// <summary>
    /// Creates a gRPC channel with these settings. A channel multiplexes any number of concurrent calls over
    /// HTTP/2 and can be shared by several <see cref="Gateway"/> instances (for several identities); create one
    /// per peer endpoint and reuse it.
    /// </summary>
    public GrpcChannel CreateChannel()
    {
        var (dialHost, dialPort) = ParseEndpoint(Endpoint, UseTls);
        var authority = TlsServerName ?? dialHost;
        var scheme = UseTls ? "https" : "http";
        var address = new UriBuilder(scheme, authority, dialPort).Uri;

        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = ConnectTimeout,
            // Dial the real endpoint while the URI (hence SNI, :authority and certificate name checks) carries
            // the server name, like gRPC's server-name override elsewhere.
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(dialHost, dialPort, cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };

        if (UseTls)
        {
            handler.SslOptions = CreateSslOptions();
        }

        return GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = 100 * 1024 * 1024,
            MaxSendMessageSize = 100 * 1024 * 1024,
        });
    }

    private SslClientAuthenticationOptions CreateSslOptions()
    {
        var options = new SslClientAuthenticationOptions();
        if (TlsRootCertificatesPem is not null)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(TlsRootCertificatesPem);
            if (roots.Count == 0)
            {
                throw new ArgumentException("No certificate found in TlsRootCertificatesPem.");
            }

            options.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            options.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (TlsClientCertificatePem is not null)
        {
            if (TlsClientKeyPem is null)
            {
                throw new ArgumentException("TlsClientKeyPem is required with TlsClientCertificatePem.");
            }

            using var ephemeral = X509Certificate2.CreateFromPem(TlsClientCertificatePem, TlsClientKeyPem);
            // SslStream on Linux needs a key it can use outside the PEM import's lifetime.
            var certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            options.ClientCertificates = [certificate];
            options.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        return options;
    }

    internal static (string Host, int Port) ParseEndpoint(string endpoint, bool tls)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpoint);
        if (endpoint.Contains("://", StringComparison.Ordinal))
        {
            var uri = new Uri(endpoint);
            return (uri.Host, uri.Port);
        }

        var colon = endpoint.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(endpoint.AsSpan(colon + 1), out var port))
        {
            return (endpoint, tls ? 443 : 80);
        }

        return (endpoint[..colon].Trim('[', ']'), port);
    }
}
