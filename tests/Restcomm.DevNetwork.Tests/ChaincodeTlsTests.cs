using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Restcomm.Chaincode.Example;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Shim;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// The network dials chaincode servers over (mutual) TLS as a peer does with a CCaaS connection.json: the real shim
/// serves TLS, the C# gateway client drives transactions through the network.
/// </summary>
public sealed class ChaincodeTlsTests
{
    private const string Channel = "tls";
    private const string Name = "example";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Evaluate_and_submit_succeed_over_mutual_TLS_with_the_environment_the_dev_network_prints()
    {
        await using var net = new Setup();
        var chaincode = net.Chaincode(tls: true, clientAuth: true);
        var env = ChaincodeTls.ShimEnvironment(net.Config(chaincode), net.CryptoRoot, Name);
        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(env)
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["CORE_CHAINCODE_ID_NAME"] = "example:1.0",
        });
        // The server serves TLS and refuses connections without a client certificate from the network's CA.
        Assert.NotNull(options.Tls?.ClientCaCertificatesPem);
        await net.StartAsync(options, chaincode);
        var contract = net.Contract();

        var created = await contract.SubmitTransactionAsync("CreateAsset", "tls-1", "alice", "7").WaitAsync(Timeout);
        var read = await contract.EvaluateTransactionAsync("ReadAsset", "tls-1").WaitAsync(Timeout);

        Assert.Equal("alice", JsonDocument.Parse(created).RootElement.GetProperty("owner").GetString());
        Assert.Equal("7", JsonDocument.Parse(read).RootElement.GetProperty("value").GetString());
        Assert.True(net.Network.Chaincodes[Name].UsesTls);
    }

    [Fact]
    public async Task Chaincode_server_with_a_certificate_from_another_CA_is_refused_with_an_error_naming_the_chaincode()
    {
        await using var net = new Setup();
        var foreign = CryptoGenerator.EnsureChaincodeServer(Path.Combine(net.Root, "foreign"), Name, "127.0.0.1");
        await net.StartAsync(ServerOptions(foreign.ServerTls(Name), clientCa: null), net.Chaincode(tls: true, clientAuth: false));

        var evaluate = await net.RefusalAsync();
        var endorse = await Assert.ThrowsAsync<EndorseException>(() => net.Contract().SubmitTransactionAsync("CreateAsset", "x", "bob", "1").WaitAsync(Timeout));

        Assert.Contains($"does not chain to chaincode {Name}'s root CA", evaluate, StringComparison.Ordinal);
        Assert.Contains(endorse.Details, d => d.Message.Contains($"does not chain to chaincode {Name}'s root CA", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Chaincode_server_certificate_is_accepted_from_the_CA_named_by_rootCertFile()
    {
        await using var net = new Setup();
        var foreign = CryptoGenerator.EnsureChaincodeServer(Path.Combine(net.Root, "foreign"), Name, "127.0.0.1");
        var chaincode = net.Chaincode(tls: true, clientAuth: false);
        chaincode.RootCertFile = foreign.TlsCaCert;
        await net.StartAsync(ServerOptions(foreign.ServerTls(Name), clientCa: null), chaincode);

        await net.Contract().SubmitTransactionAsync("CreateAsset", "tls-2", "carol", "3").WaitAsync(Timeout);
    }

    [Fact]
    public async Task Chaincode_server_certificate_for_another_host_name_is_refused()
    {
        await using var net = new Setup();
        var layout = CryptoGenerator.EnsureChaincodeClient(net.CryptoRoot);
        var dir = Path.Combine(net.Root, "elsewhere");
        IssueFor(layout, "elsewhere.example.com", dir);
        await net.StartAsync(ServerOptions(dir, clientCa: null), net.Chaincode(tls: true, clientAuth: false));

        var error = await net.RefusalAsync();

        Assert.Contains("is not valid for 127.0.0.1", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_requiring_client_auth_refuses_a_network_configured_without_client_auth()
    {
        await using var net = new Setup();
        var layout = CryptoGenerator.EnsureChaincodeServer(net.CryptoRoot, Name, "127.0.0.1");
        await net.StartAsync(ServerOptions(layout.ServerTls(Name), clientCa: layout.TlsCaCert), net.Chaincode(tls: true, clientAuth: false));

        var error = await net.RefusalAsync();

        Assert.Contains("client certificate", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plaintext_server_where_TLS_is_required_fails_with_a_TLS_error()
    {
        await using var net = new Setup();
        await net.StartAsync(new ChaincodeServerOptions { Address = "127.0.0.1:0", ChaincodeId = "example:1.0" }, net.Chaincode(tls: true, clientAuth: true));

        var error = await net.RefusalAsync();

        Assert.Contains("the TLS connection failed (is the server serving TLS", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_auth_without_TLS_is_refused_in_the_configuration()
    {
        var config = new DevNetworkConfig
        {
            Orgs = [new OrgConfig { MspId = "Org1MSP", Domain = "org1.example.com", Gateway = "127.0.0.1:1" }],
            Channels = [new ChannelConfig { Name = Channel, Members = ["Org1MSP"], Chaincodes = [new ChaincodeConfig { Name = Name, Address = "127.0.0.1:2", ClientAuthRequired = true }] }],
        };

        var error = Assert.Throws<InvalidDataException>(config.Validate);

        Assert.Contains("need tlsRequired", error.Message, StringComparison.Ordinal);
    }

    private static ChaincodeServerOptions ServerOptions(string tlsDir, string? clientCa) => new()
    {
        Address = "127.0.0.1:0",
        ChaincodeId = "example:1.0",
        Tls = new ChaincodeTlsOptions
        {
            CertificatePem = File.ReadAllText(Path.Combine(tlsDir, "server.crt")),
            KeyPem = File.ReadAllText(Path.Combine(tlsDir, "server.key")),
            ClientCaCertificatesPem = clientCa is null ? null : File.ReadAllText(clientCa),
        },
    };

    /// <summary>A server pair from the network's own chaincode TLS CA, valid only for <paramref name="host"/>.</summary>
    private static void IssueFor(ChaincodeTlsLayout layout, string host, string dir)
    {
        using var ca = X509Certificate2.CreateFromPemFile(layout.TlsCaCert, layout.TlsCaKey);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(host);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var cert = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), RandomNumberGenerator.GetBytes(16));
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "server.crt"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, "server.key"), key.ExportPkcs8PrivateKeyPem());
    }

    /// <summary>One organisation, one channel, the example chaincode served by the shim with the given TLS settings.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private ChaincodeServer? _server;
        private Gateway? _gateway;

        public string Root { get; } = Path.Combine(Path.GetTempPath(), "devnet-tls-tests", Guid.NewGuid().ToString("N"));
        public string CryptoRoot => Path.Combine(Root, "crypto");
        public string Address => _server!.Address;
        public DevNetwork Network { get; private set; } = null!;

        public ChaincodeConfig Chaincode(bool tls, bool clientAuth) =>
            new() { Name = Name, Address = "127.0.0.1:0", EndorsementPolicy = "ANY", TlsRequired = tls, ClientAuthRequired = clientAuth };

        public DevNetworkConfig Config(ChaincodeConfig chaincode) => new()
        {
            Orgs = [new OrgConfig { MspId = "Org1MSP", Domain = "org1.example.com", Gateway = $"127.0.0.1:{FreePort()}" }],
            Channels = [new ChannelConfig { Name = Channel, Members = ["Org1MSP"], Chaincodes = [chaincode] }],
            BlockCutting = new BlockCuttingConfig { MaxTransactions = 10, TimeoutMs = 20 },
        };

        public async Task StartAsync(ChaincodeServerOptions server, ChaincodeConfig chaincode)
        {
            _server = await ChaincodeServer.StartAsync(server, new ContractChaincode(new AssetContract())).WaitAsync(Timeout);
            chaincode.Address = _server.Address;
            var config = Config(chaincode);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    Network = await DevNetwork.StartAsync(new DevNetworkOptions
                    {
                        Config = config,
                        CryptoRoot = CryptoRoot,
                        DataDir = Path.Combine(Root, "ledger"),
                        NetworkJsonPath = Path.Combine(Root, "network.json"),
                        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
                    }, CancellationToken.None).WaitAsync(Timeout);
                    return;
                }
                catch (IOException e) when (attempt < 5 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    config.Orgs[0].Gateway = $"127.0.0.1:{FreePort()}";
                }
            }
        }

        public Contract Contract()
        {
            _gateway ??= FabricNetworkDescription.Load(Path.Combine(Root, "network.json")).GetOrg("Org1MSP").Connect();
            return _gateway.GetNetwork(Channel).GetContract(Name);
        }

        /// <summary>Evaluates through the network; the refusal must name the chaincode, its address and TLS.</summary>
        public async Task<string> RefusalAsync()
        {
            var error = await Assert.ThrowsAsync<EvaluateException>(() => Contract().EvaluateTransactionAsync("ReadAsset", "x").WaitAsync(Timeout));
            Assert.Contains($"could not connect to chaincode {Name} at {Address} over TLS", error.Message, StringComparison.Ordinal);
            return error.Message;
        }

        public async ValueTask DisposeAsync()
        {
            _gateway?.Dispose();
            if (Network is not null)
            {
                await Network.DisposeAsync();
            }
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
