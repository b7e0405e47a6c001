using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;

namespace Restcomm.DevNetwork.Chaincode;

/// <summary>
/// How the network dials one chaincode server over TLS, as a Fabric peer does from a CCaaS connection.json with
/// <c>tls_required</c>: the server's certificate must chain to the configured root and name the address's host; with
/// <c>client_auth_required</c> the network presents its chaincode TLS client certificate.
/// </summary>
internal sealed class ChaincodeTls(string chaincode, string host, X509Certificate2Collection roots, X509Certificate2? clientCertificate)
{
    private string? _problem;

    /// <summary>Whether a client certificate is presented.</summary>
    public bool PresentsClientCertificate => clientCertificate is not null;

    /// <summary>Why the last handshake refused the server, if it did; cleared by <see cref="CreateHandler"/>.</summary>
    public string? LastProblem => Volatile.Read(ref _problem);

    /// <summary>The dial settings for a configured chaincode, or null when it is dialled in plaintext.</summary>
    public static ChaincodeTls? For(ChaincodeConfig cc, string cryptoRoot)
    {
        if (!cc.TlsRequired)
        {
            return null;
        }
        var layout = CryptoGenerator.EnsureChaincodeClient(cryptoRoot);
        var rootFile = cc.RootCertFile ?? layout.TlsCaCert;
        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(rootFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new InvalidDataException($"chaincode {cc.Name}: cannot read its root certificate {rootFile}: {e.Message}");
        }
        if (roots.Count == 0)
        {
            throw new InvalidDataException($"chaincode {cc.Name}: no certificate in {rootFile}");
        }
        X509Certificate2? client = null;
        if (cc.ClientAuthRequired)
        {
            using var pem = X509Certificate2.CreateFromPemFile(Path.Combine(layout.ClientTls, "client.crt"), Path.Combine(layout.ClientTls, "client.key"));
            // Re-imported so SslStream can use the key on every platform.
            client = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        return new ChaincodeTls(cc.Name, HostOf(cc.Address), roots, client);
    }

    /// <summary>
    /// The environment a chaincode host (our shim's <c>ChaincodeServerOptions.FromEnvironment</c>) needs to serve what
    /// the network expects of <paramref name="name"/>: TLS with a certificate from the dev network's chaincode TLS CA
    /// (issued on first use) and, with client auth, that CA to check the network's client certificate.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ShimEnvironment(DevNetworkConfig config, string cryptoRoot, string name)
    {
        var cc = config.Channels.SelectMany(c => c.Chaincodes).FirstOrDefault(c => c.Name == name)
            ?? throw new InvalidDataException($"no chaincode {name} in the configuration");
        if (!cc.TlsRequired)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal) { ["CORE_PEER_TLS_ENABLED"] = "false" };
        }
        if (cc.RootCertFile is not null)
        {
            throw new InvalidDataException($"chaincode {name}: its server certificate comes from the CA in {cc.RootCertFile}, not from the dev network's; give its host the TLS variables yourself");
        }
        var layout = CryptoGenerator.EnsureChaincodeServer(cryptoRoot, name, HostOf(cc.Address));
        var server = layout.ServerTls(name);
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CORE_PEER_TLS_ENABLED"] = "true",
            ["CORE_TLS_CLIENT_CERT_FILE"] = Path.Combine(server, "server.crt"),
            ["CORE_TLS_CLIENT_KEY_FILE"] = Path.Combine(server, "server.key"),
        };
        if (cc.ClientAuthRequired)
        {
            env["CORE_PEER_TLS_ROOTCERT_FILE"] = layout.TlsCaCert;
        }
        return env;
    }

    /// <summary>An HTTP handler that dials with these settings.</summary>
    public SocketsHttpHandler CreateHandler()
    {
        Volatile.Write(ref _problem, null);
        return new SocketsHttpHandler
        {
            // As gRPC's own default handler: the one long-lived stream is never dropped as idle.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                // Always our certificate, whatever CA names the server lists (Fabric's shims list none).
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                RemoteCertificateValidationCallback = Validate,
            },
        };
    }

    /// <summary>
    /// Words for a failed dial: the certificate problem found in the handshake, or what the TLS layer reported
    /// (a plaintext server, or a server that wanted a client certificate).
    /// </summary>
    public string Explain(Exception? failure)
    {
        if (LastProblem is { } problem)
        {
            return problem;
        }
        var messages = new List<string>();
        for (var e = failure; e is not null; e = e.InnerException)
        {
            if (!messages.Contains(e.Message))
            {
                messages.Add(e.Message);
            }
        }
        var detail = string.Join(": ", messages);
        var hint = clientCertificate is null
            ? "is the server serving TLS, and does it require a client certificate (clientAuthRequired)?"
            : "is the server serving TLS, and does it accept the network's chaincode TLS client certificate?";
        return $"the TLS connection failed ({hint}): {detail}";
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? platformChain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Volatile.Write(ref _problem, "the server presented no TLS certificate");
            return false;
        }
        var server = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (platformChain is not null)
        {
            chain.ChainPolicy.ExtraStore.AddRange(platformChain.ChainPolicy.ExtraStore);
        }
        if (!chain.Build(server))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
            Volatile.Write(ref _problem, $"the server's TLS certificate ({server.Subject}, issued by {server.Issuer}) is not trusted: it does not chain to chaincode {chaincode}'s root CA ({roots[0].Subject}){(status.Length > 0 ? ": " + status : "")}");
            return false;
        }
        if (!server.MatchesHostname(host))
        {
            Volatile.Write(ref _problem, $"the server's TLS certificate ({server.Subject}) is not valid for {host}");
            return false;
        }
        return true;
    }

    private static string HostOf(string address)
    {
        var colon = address.LastIndexOf(':');
        var host = colon > 0 ? address[..colon] : address;
        return host.Trim('[', ']');
    }
}
