using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.DevNetwork.Ledger;
using Restcomm.DevNetwork.Services;

namespace Restcomm.DevNetwork;

/// <summary>A host lifetime that leaves signals to the process that embeds the network.</summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>Where a dev network keeps its material and what it writes for clients.</summary>
internal sealed class DevNetworkOptions
{
    public required DevNetworkConfig Config { get; init; }
    /// <summary>Root of the cryptogen-style folders (peerOrganizations/...).</summary>
    public required string CryptoRoot { get; init; }
    /// <summary>Folder of the channel ledgers (one SQLite file per channel).</summary>
    public required string DataDir { get; init; }
    /// <summary>Where to write network.json for clients; nothing is written when null.</summary>
    public string? NetworkJsonPath { get; init; }
    public LogLevel LogLevel { get; init; } = LogLevel.Information;
}

/// <summary>
/// One process that behaves like a small Fabric network: per-organisation Gateway and Deliver endpoints with TLS,
/// chaincode servers dialled over the chaincode protocol, ordering, validation and a persistent ledger per channel.
/// </summary>
internal sealed class DevNetwork : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, ChannelLedger> _ledgers;
    private readonly Dictionary<string, ChaincodeConnection> _chaincodes;
    private readonly CancellationTokenSource _stopping;
    private int _disposed;

    private DevNetwork(WebApplication app, Dictionary<string, ChannelLedger> ledgers, Dictionary<string, ChaincodeConnection> chaincodes, DevNetworkOptions options, CancellationTokenSource stopping)
    {
        _app = app;
        _stopping = stopping;
        _ledgers = ledgers;
        _chaincodes = chaincodes;
        Options = options;
    }

    public DevNetworkOptions Options { get; }
    public IReadOnlyDictionary<string, ChannelLedger> Ledgers => _ledgers;

    public static async Task<DevNetwork> StartAsync(DevNetworkOptions options, CancellationToken ct)
    {
        var config = options.Config;
        config.Validate();
        CryptoGenerator.EnsureGenerated(config, options.CryptoRoot);
        var msp = new Msp(config, options.CryptoRoot);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(options.LogLevel);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Logging.AddFilter("Grpc", LogLevel.Warning);
        var orgsByPort = new Dictionary<int, OrgConfig>();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = null;
            ConfigureHttp2(k.Limits.Http2);
            foreach (var org in config.Orgs)
            {
                var layout = new OrgLayout(options.CryptoRoot, org.Domain);
                var cert = X509Certificate2.CreateFromPemFile(Path.Combine(layout.PeerTls, "server.crt"), Path.Combine(layout.PeerTls, "server.key"));
                orgsByPort[org.Port] = org;
                k.Listen(IPAddress.Parse(org.Host), org.Port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    listen.UseHttps(cert);
                });
            }
        });
        // The process owner (Program, tests) decides when to stop; no console signal handling inside the host.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddGrpc(o =>
        {
            o.MaxReceiveMessageSize = 100 * 1024 * 1024;
            o.MaxSendMessageSize = 100 * 1024 * 1024;
            o.EnableDetailedErrors = false;
        });

        var loggerFactory = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(options.LogLevel).AddFilter("Microsoft", LogLevel.Warning));
        var validator = new ConfigUpdateValidator(msp, config, options.CryptoRoot);
        var ledgers = config.Channels.ToDictionary(
            c => c.Name,
            c => new ChannelLedger(c, () => ChannelGenesis.Build(c, options.CryptoRoot, config), validator, options.DataDir, msp, config.BlockCutting, loggerFactory.CreateLogger("Restcomm.DevNetwork.Ledger")),
            StringComparer.Ordinal);
        var handler = new StubHandler(config.ChaincodeRuntime);
        var chaincodes = new Dictionary<string, ChaincodeConnection>(StringComparer.Ordinal);
        var servers = new Dictionary<string, ChaincodeConfig>(StringComparer.Ordinal);
        foreach (var cc in config.Channels.SelectMany(c => c.Chaincodes))
        {
            if (servers.TryGetValue(cc.Name, out var existing))
            {
                if ((existing.Address, existing.TlsRequired, existing.ClientAuthRequired, existing.RootCertFile) != (cc.Address, cc.TlsRequired, cc.ClientAuthRequired, cc.RootCertFile))
                {
                    throw new InvalidDataException($"chaincode {cc.Name} is configured twice with different addresses or TLS settings");
                }
                continue;
            }
            servers[cc.Name] = cc;
            chaincodes[cc.Name] = new ChaincodeConnection(cc.Name, cc.Address, handler, loggerFactory.CreateLogger("Restcomm.DevNetwork.Chaincode"), ChaincodeTls.For(cc, options.CryptoRoot));
        }
        handler.UseConnections(name => chaincodes.GetValueOrDefault(name));
        handler.UseLedgers(name => ledgers.GetValueOrDefault(name));
        var endorser = new Endorser(msp, ledgers, name => chaincodes.GetValueOrDefault(name));
        var stopping = new CancellationTokenSource();
        builder.Services.AddSingleton(new NetworkContext(config, msp, ledgers, endorser, orgsByPort, stopping.Token));

        var app = builder.Build();
        app.MapGrpcService<GatewayService>();
        app.MapGrpcService<DeliverService>();
        app.MapGrpcService<BroadcastService>();
        await app.StartAsync(ct).ConfigureAwait(false);

        var network = new DevNetwork(app, ledgers, chaincodes, options, stopping);
        if (options.NetworkJsonPath is not null)
        {
            network.WriteNetworkJson(options.NetworkJsonPath);
            // Clients learn a membership change from the file, as after the real network's add-member.
            foreach (var ledger in ledgers.Values)
            {
                ledger.ConfigCommitted += _ => network.WriteNetworkJson(options.NetworkJsonPath);
            }
        }
        // Dial the chaincode servers now so the first transaction does not pay for it; failures retry on first use.
        foreach (var cc in chaincodes.Values)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await cc.EnsureConnectedAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (ChaincodeExecutionException)
                {
                }
            }, CancellationToken.None);
        }
        return network;
    }

    /// <summary>
    /// HTTP/2 settings of the gateway endpoints. A Fabric peer (grpc-go) sets no practical limit on concurrent streams,
    /// and gateway clients keep one stream open per transaction waiting for its commit status or per event listener,
    /// next to their evaluates and submits on the same connection: Kestrel's default of 100 streams made the 101st call
    /// wait for a free stream (until its deadline, when the open ones were long-lived). Flow-control windows are sized
    /// for many streams sending at once (the connection window is shared by all of them), and the server pings an idle
    /// connection so that the streams of a client that vanished are released.
    /// </summary>
    internal static void ConfigureHttp2(Http2Limits http2)
    {
        http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
        http2.InitialConnectionWindowSize = 16 * 1024 * 1024;
        http2.InitialStreamWindowSize = 1024 * 1024;
        http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
        http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
    }

    /// <summary>Concurrent HTTP/2 streams one client connection may open on a gateway endpoint.</summary>
    internal const int MaxStreamsPerConnection = 10_000;

    /// <summary>The chaincode servers this network dials, by chaincode name.</summary>
    public IReadOnlyDictionary<string, ChaincodeConnection> Chaincodes => _chaincodes;

    /// <summary>The network description clients read (network/TOPOLOGY.md's .run/network.json).</summary>
    public JsonObject Describe()
    {
        var config = Options.Config;
        var orgs = new JsonArray();
        foreach (var org in config.Orgs)
        {
            var layout = new OrgLayout(Path.GetFullPath(Options.CryptoRoot), org.Domain);
            var user = org.Users[0].Name;
            orgs.Add(new JsonObject
            {
                ["mspId"] = org.MspId,
                ["gatewayEndpoint"] = org.Gateway,
                ["tlsRootCertFile"] = layout.TlsCaCert,
                ["tlsServerName"] = org.PeerName,
                ["clientCertFile"] = layout.UserCert(user),
                ["clientKeyFile"] = layout.UserKey(user),
                ["adminCertFile"] = layout.UserCert("Admin"),
                ["adminKeyFile"] = layout.UserKey("Admin"),
                ["users"] = new JsonArray([.. org.Users.Select(u => (JsonNode)new JsonObject
                {
                    ["name"] = u.Name,
                    ["certFile"] = layout.UserCert(u.Name),
                    ["keyFile"] = layout.UserKey(u.Name),
                })]),
            });
        }
        var channels = new JsonArray();
        foreach (var channel in config.Channels.Select(c => _ledgers[c.Name].Definition.Source))
        {
            channels.Add(new JsonObject
            {
                ["name"] = channel.Name,
                ["members"] = new JsonArray([.. channel.AllOrgs.Select(m => (JsonNode)JsonValue.Create(m))]),
                ["readers"] = new JsonArray([.. channel.Readers.Select(m => (JsonNode)JsonValue.Create(m))]),
                ["chaincodes"] = new JsonArray([.. channel.Chaincodes.Select(c => (JsonNode)JsonValue.Create(c.Name))]),
                ["collections"] = new JsonArray([.. channel.Chaincodes.SelectMany(c => c.Collections).Select(c => c.Name).Distinct().Select(n => (JsonNode)JsonValue.Create(n))]),
                ["chaincodeServers"] = new JsonObject(channel.Chaincodes.Select(c => KeyValuePair.Create(c.Name, (JsonNode?)JsonValue.Create(c.Address)))),
            });
        }
        return new JsonObject { ["kind"] = "dev", ["orgs"] = orgs, ["channels"] = channels };
    }

    public void WriteNetworkJson(string path)
    {
        lock (_networkJsonLock)
        {
            WriteNetworkJsonLocked(path);
        }
    }

    private readonly Lock _networkJsonLock = new();

    private void WriteNetworkJsonLocked(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var tmp = path + ".tmp";
        File.WriteAllText(tmp, Describe().ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(tmp, path, overwrite: true);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        // End the calls that wait for blocks first: clients following the ledger would otherwise keep the graceful stop
        // waiting for Kestrel's shutdown timeout.
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        foreach (var cc in _chaincodes.Values)
        {
            await cc.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var ledger in _ledgers.Values)
        {
            await ledger.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }
}
