using System.Collections;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// Settings of a chaincode-as-a-service server. <see cref="FromEnvironment"/> reads them the way Fabric's other
/// shims do (<c>CHAINCODE_SERVER_ADDRESS</c>, <c>CORE_CHAINCODE_ID_NAME</c>, <c>CORE_PEER_TLS_ENABLED</c>, …).
/// </summary>
public sealed class ChaincodeServerOptions
{
    /// <summary>Where to listen, <c>host:port</c>; port 0 picks a free port (see <see cref="ChaincodeServer.Address"/>).</summary>
    public string Address { get; set; } = "127.0.0.1:9999";

    /// <summary>
    /// The chaincode ID sent in REGISTER: on Fabric 2.x the package ID (<c>label:hash</c>) the peer computed when the
    /// package was installed.
    /// </summary>
    public string ChaincodeId { get; set; } = string.Empty;

    /// <summary>TLS settings; null serves plain HTTP/2 (connection.json <c>tls_required: false</c>).</summary>
    public ChaincodeTlsOptions? Tls { get; set; }

    /// <summary>
    /// How often the server pings an idle peer connection at the HTTP/2 level (Fabric's shims use one minute); null
    /// disables pings. The peer's own KEEPALIVE messages are always echoed.
    /// </summary>
    public TimeSpan? KeepAliveInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long to wait for a ping's answer before closing the connection.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Largest message accepted or sent (Fabric's default is 100 MiB).</summary>
    public int MaxMessageSize { get; set; } = 100 * 1024 * 1024;

    /// <summary>Where the server logs; null logs nowhere.</summary>
    public ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>
    /// Reads settings from environment variables:
    /// <list type="bullet">
    /// <item><c>CHAINCODE_SERVER_ADDRESS</c> (required): listen address <c>host:port</c>.</item>
    /// <item><c>CORE_CHAINCODE_ID_NAME</c> (required; <c>CHAINCODE_ID</c> is accepted too): the package ID.</item>
    /// <item><c>CORE_PEER_TLS_ENABLED</c>: <c>true</c> to serve TLS with the key and certificate from
    /// <c>CORE_TLS_CLIENT_KEY_FILE</c>/<c>CORE_TLS_CLIENT_CERT_FILE</c> (PEM files) or
    /// <c>CORE_TLS_CLIENT_KEY_PATH</c>/<c>CORE_TLS_CLIENT_CERT_PATH</c> (files holding base64 of the PEM, as the Go
    /// shim reads them).</item>
    /// <item><c>CORE_PEER_TLS_ROOTCERT_FILE</c> (with TLS): a PEM CA bundle; when set, the peer must present a client
    /// certificate issued by it (connection.json <c>client_auth_required: true</c>).</item>
    /// </list>
    /// </summary>
    /// <param name="environment">Variables to read; the process environment when null.</param>
    /// <returns>The settings.</returns>
    /// <exception cref="InvalidOperationException">A required variable is missing or a file cannot be read.</exception>
    public static ChaincodeServerOptions FromEnvironment(IReadOnlyDictionary<string, string>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables()
            .Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? string.Empty, StringComparer.Ordinal);

        string? Get(string name) => environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var address = Get("CHAINCODE_SERVER_ADDRESS")
            ?? throw new InvalidOperationException("CHAINCODE_SERVER_ADDRESS must be set to the address to listen on, e.g. 0.0.0.0:9999");
        var id = Get("CORE_CHAINCODE_ID_NAME") ?? Get("CHAINCODE_ID")
            ?? throw new InvalidOperationException("CORE_CHAINCODE_ID_NAME must be set to the chaincode package ID (label:hash)");

        var options = new ChaincodeServerOptions { Address = address, ChaincodeId = id };
        var tlsEnabled = Get("CORE_PEER_TLS_ENABLED");
        if (tlsEnabled is not null && bool.TryParse(tlsEnabled, out var enabled) && enabled)
        {
            var keyPem = ReadPem(Get("CORE_TLS_CLIENT_KEY_FILE"), Get("CORE_TLS_CLIENT_KEY_PATH"), "CORE_TLS_CLIENT_KEY_FILE", "key");
            var certPem = ReadPem(Get("CORE_TLS_CLIENT_CERT_FILE"), Get("CORE_TLS_CLIENT_CERT_PATH"), "CORE_TLS_CLIENT_CERT_FILE", "certificate");
            var tls = new ChaincodeTlsOptions { CertificatePem = certPem, KeyPem = keyPem };
            var root = Get("CORE_PEER_TLS_ROOTCERT_FILE");
            if (root is not null)
            {
                tls.ClientCaCertificatesPem = File.ReadAllText(root);
            }

            options.Tls = tls;
        }
        else if (tlsEnabled is not null && !bool.TryParse(tlsEnabled, out _))
        {
            throw new InvalidOperationException("CORE_PEER_TLS_ENABLED must be 'true' or 'false'");
        }

        return options;
    }

    private static string ReadPem(string? pemFile, string? base64File, string variable, string what)
    {
        if (pemFile is not null)
        {
            return File.ReadAllText(pemFile);
        }

        if (base64File is not null)
        {
            var text = File.ReadAllText(base64File).Trim();
            return text.StartsWith("-----BEGIN", StringComparison.Ordinal)
                ? text
                : System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(text));
        }

        throw new InvalidOperationException($"TLS is enabled but no {what} was given: set {variable} (PEM) or its _PATH form (base64 of the PEM)");
    }
}

/// <summary>TLS settings of a chaincode server.</summary>
public sealed class ChaincodeTlsOptions
{
    /// <summary>The server certificate (PEM; may include intermediate certificates after it).</summary>
    public string CertificatePem { get; set; } = string.Empty;

    /// <summary>The server's private key (PEM, PKCS#8, SEC1 or PKCS#1).</summary>
    public string KeyPem { get; set; } = string.Empty;

    /// <summary>
    /// CA certificates (PEM) that issue the peer's client certificate; when set, connections without a client
    /// certificate issued by one of them are refused.
    /// </summary>
    public string? ClientCaCertificatesPem { get; set; }

    internal X509Certificate2 LoadServerCertificate()
    {
        using var loaded = X509Certificate2.CreateFromPem(CertificatePem, KeyPem);
        // Re-import so the key is usable by SslStream on every platform (ephemeral keys are not on Windows).
        return X509CertificateLoader.LoadPkcs12(loaded.Export(X509ContentType.Pkcs12), null);
    }

    // Certificates after the first one in CertificatePem (intermediates), sent with the server certificate.
    internal X509Certificate2Collection LoadIntermediates()
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(CertificatePem);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            intermediates.Add(all[i]);
        }

        return intermediates;
    }

    internal X509Certificate2Collection LoadClientCas()
    {
        var collection = new X509Certificate2Collection();
        if (!string.IsNullOrWhiteSpace(ClientCaCertificatesPem))
        {
            collection.ImportFromPem(ClientCaCertificatesPem);
        }

        return collection;
    }
}
