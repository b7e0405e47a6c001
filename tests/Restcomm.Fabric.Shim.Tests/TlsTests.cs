using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Restcomm.Chaincode.Example;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>TLS as Fabric's connection.json configures it: server certificate, optional client certificate.</summary>
public sealed class TlsTests
{
    private sealed record Pki(X509Certificate2 Ca, string CaPem, string ServerCertPem, string ServerKeyPem, X509Certificate2 Client);

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, bool server, out string keyPem, bool isCa = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        if (isCa)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        }

        if (server)
        {
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var issued = request.Create(ca, now, now.AddDays(1), RandomNumberGenerator.GetBytes(8));
        keyPem = key.ExportPkcs8PrivateKeyPem();
        return issued.CopyWithPrivateKey(key);
    }

    private static X509Certificate2 CreateCa(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        var now = DateTimeOffset.UtcNow.AddMinutes(-5);
        return request.CreateSelfSigned(now, now.AddDays(2));
    }

    private static Pki CreatePki()
    {
        var ca = CreateCa("tlsca.org1.example.com");
        var server = Issue(ca, "CN=example.chaincode", server: true, out var serverKey);
        var client = Issue(ca, "CN=peer0.org1.example.com", server: false, out _);
        return new Pki(ca, ca.ExportCertificatePem(), server.ExportCertificatePem(), serverKey, client);
    }

    private static async Task<ChaincodeServer> StartAsync(Pki pki, bool requireClientCertificate)
    {
        var options = new ChaincodeServerOptions
        {
            Address = "127.0.0.1:0",
            ChaincodeId = "example:tls",
            Tls = new ChaincodeTlsOptions
            {
                CertificatePem = pki.ServerCertPem,
                KeyPem = pki.ServerKeyPem,
                ClientCaCertificatesPem = requireClientCertificate ? pki.CaPem : null,
            },
        };
        return await ChaincodeServer.StartAsync(options, new ContractChaincode(new AssetContract())).WaitAsync(TestPeer.Timeout);
    }

    private static GrpcChannelOptions Client(X509Certificate2 trustedCa, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, sent, _) =>
                {
                    using var chain = new X509Chain();
                    // Only what the server sent (its intermediates) may complete the chain to the trusted CA.
                    if (sent is not null)
                    {
                        foreach (var element in sent.ChainElements)
                        {
                            chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                        }
                    }

                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(trustedCa);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return certificate is X509Certificate2 c && chain.Build(c);
                },
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            },
        };
        return new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true };
    }

    private static async Task<MessageType> FirstMessageAsync(string address, GrpcChannelOptions options)
    {
        using var channel = GrpcChannel.ForAddress($"https://{address}", options);
        using var call = new Protos.Peer.Chaincode.ChaincodeClient(channel).Connect();
        Assert.True(await call.ResponseStream.MoveNext().WaitAsync(TestPeer.Timeout));
        return call.ResponseStream.Current.Type;
    }

    [Fact]
    public async Task A_peer_that_trusts_the_tls_ca_gets_register_over_tls()
    {
        var pki = CreatePki();
        await using var server = await StartAsync(pki, requireClientCertificate: false);

        Assert.Equal(MessageType.Register, await FirstMessageAsync(server.Address, Client(pki.Ca, null)));
    }

    [Fact]
    public async Task A_full_transaction_runs_over_mutual_tls()
    {
        var pki = CreatePki();
        await using var server = await StartAsync(pki, requireClientCertificate: true);
        await using var peer = await TestPeer.ConnectAsync(server.Address, options: Client(pki.Ca, pki.Client), scheme: "https");

        await peer.StartTransactionAsync("ch", "tls-tx", ["ReadAsset", "nope"]);
        await peer.RespondAsync(await peer.NextAsync("ch", "tls-tx"), Google.Protobuf.ByteString.Empty);
        var response = await peer.ResponseAsync("ch", "tls-tx");

        Assert.Equal(500, response.Status);
        Assert.Contains("does not exist", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_client_auth_a_peer_without_a_client_certificate_is_refused()
    {
        var pki = CreatePki();
        await using var server = await StartAsync(pki, requireClientCertificate: true);

        await Assert.ThrowsAsync<RpcException>(() => FirstMessageAsync(server.Address, Client(pki.Ca, null)));
    }

    [Fact]
    public async Task With_client_auth_a_client_certificate_from_another_ca_is_refused()
    {
        var pki = CreatePki();
        var stranger = Issue(CreateCa("someone-else"), "CN=intruder", server: false, out _);
        await using var server = await StartAsync(pki, requireClientCertificate: true);

        await Assert.ThrowsAsync<RpcException>(() => FirstMessageAsync(server.Address, Client(pki.Ca, stranger)));
    }

    [Fact]
    public async Task Tls_settings_are_read_from_fabric_shim_environment_variables()
    {
        var pki = CreatePki();
        var directory = Directory.CreateTempSubdirectory("shim-tls-");
        try
        {
            var cert = Path.Combine(directory.FullName, "server.crt");
            var key = Path.Combine(directory.FullName, "server.key");
            var root = Path.Combine(directory.FullName, "ca.crt");
            await File.WriteAllTextAsync(cert, pki.ServerCertPem);
            await File.WriteAllTextAsync(key, Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(pki.ServerKeyPem)));
            await File.WriteAllTextAsync(root, pki.CaPem);

            var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>
            {
                ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
                ["CORE_CHAINCODE_ID_NAME"] = "example:abc",
                ["CORE_PEER_TLS_ENABLED"] = "true",
                ["CORE_TLS_CLIENT_CERT_FILE"] = cert,
                ["CORE_TLS_CLIENT_KEY_PATH"] = key, // base64 of the PEM, as the Go shim reads _PATH files
                ["CORE_PEER_TLS_ROOTCERT_FILE"] = root,
            });
            await using var server = await ChaincodeServer.StartAsync(options, new ContractChaincode(new AssetContract())).WaitAsync(TestPeer.Timeout);

            Assert.Equal("example:abc", options.ChaincodeId);
            Assert.Equal(pki.ServerCertPem, options.Tls!.CertificatePem);
            Assert.Equal(pki.ServerKeyPem, options.Tls.KeyPem);
            Assert.Equal(MessageType.Register, await FirstMessageAsync(server.Address, Client(pki.Ca, pki.Client)));
            await Assert.ThrowsAsync<RpcException>(() => FirstMessageAsync(server.Address, Client(pki.Ca, null)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Intermediate_certificates_after_the_server_certificate_are_sent_to_the_peer()
    {
        var root = CreateCa("root-ca");
        var intermediate = Issue(root, "CN=intermediate-ca", server: false, out _, isCa: true);
        var server = Issue(intermediate, "CN=example.chaincode", server: true, out var serverKey);
        var options = new ChaincodeServerOptions
        {
            Address = "127.0.0.1:0",
            ChaincodeId = "example:chain",
            Tls = new ChaincodeTlsOptions { CertificatePem = server.ExportCertificatePem() + "\n" + intermediate.ExportCertificatePem(), KeyPem = serverKey },
        };
        await using var chaincodeServer = await ChaincodeServer.StartAsync(options, new ContractChaincode(new AssetContract())).WaitAsync(TestPeer.Timeout);

        Assert.Equal(MessageType.Register, await FirstMessageAsync(chaincodeServer.Address, Client(root, null)));
    }
}
