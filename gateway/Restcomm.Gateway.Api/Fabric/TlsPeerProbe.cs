using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Restcomm.Gateway.Api.Fabric;

/// <summary>
/// Readiness of the gateway peer: a TCP connection and a TLS handshake that verifies the peer's
/// certificate against the configured roots and server name, within the connect timeout.
/// </summary>
internal sealed class TlsPeerProbe(FabricConnection connection, TimeSpan timeout) : IPeerProbe
{
    private readonly X509Certificate2Collection? _roots = LoadRoots(connection.TlsRootCertFile);
    private readonly X509Certificate2? _clientCertificate = LoadClientCertificate(connection.TlsClientCertFile, connection.TlsClientKeyFile);

    public async Task<string?> ProbeAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(connection.Host, connection.Port, deadline.Token).ConfigureAwait(false);
            if (_roots is null)
            {
                return null;
            }

            await using var tls = new SslStream(client.GetStream(), leaveInnerStreamOpen: false);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(_roots);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = connection.TlsServerName ?? connection.Host,
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                CertificateChainPolicy = policy,
                ClientCertificates = _clientCertificate is null ? null : [_clientCertificate],
            }, deadline.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"peer {connection.GatewayEndpoint} did not answer within {timeout.TotalSeconds:0.#} s";
        }
        catch (SocketException ex)
        {
            return $"peer {connection.GatewayEndpoint} is unreachable: {ex.SocketErrorCode}";
        }
        catch (System.Security.Authentication.AuthenticationException ex)
        {
            return $"TLS handshake with peer {connection.GatewayEndpoint} failed: {ex.Message}";
        }
        catch (IOException ex)
        {
            return $"peer {connection.GatewayEndpoint} closed the connection: {ex.Message}";
        }
    }

    private static X509Certificate2? LoadClientCertificate(string? certFile, string? keyFile)
    {
        if (string.IsNullOrWhiteSpace(certFile) || string.IsNullOrWhiteSpace(keyFile))
        {
            return null;
        }

        // SslStream on Linux needs a key that outlives the PEM import.
        using var ephemeral = X509Certificate2.CreateFromPemFile(certFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
    }

    private static X509Certificate2Collection? LoadRoots(string? file)
    {
        if (string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(file);
        return roots;
    }
}
