using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using Restcomm.Chaincode.Example;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// Many long-lived calls on one client connection, as a gateway client with hundreds of transactions waiting for their
/// commit status holds them: a peer answers the calls that come after them on the same connection, and so must the dev
/// network (Kestrel's default allows 100 concurrent streams per connection and queues the rest).
/// </summary>
public sealed class ConcurrentStreamsTests
{
    private const int Streams = 300;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Hundreds_of_open_event_streams_on_one_connection_leave_evaluates_and_submits_on_it_answering()
    {
        await using var net = await TestNetwork.StartAsync();
        using var connection = OneConnection.Open(net, "Org1MSP");
        var network = connection.Gateway.GetNetwork(TestNetwork.Channel);
        var from = net.Network.Ledgers[TestNetwork.Channel].Height;
        using var stop = new CancellationTokenSource();
        var listeners = Enumerable.Range(0, Streams).Select(_ => FirstEventAsync(network, from, stop.Token)).ToList();

        var read = await network.GetContract(TestNetwork.Chaincode, KeyPolicyContract.Name).EvaluateTransactionAsync("Get", "nothing-here").WaitAsync(Timeout);
        var id = "asset-" + Guid.NewGuid().ToString("N")[..8];
        await network.GetContract(TestNetwork.Chaincode).SubmitTransactionAsync("CreateAsset", id, "alice", "7").WaitAsync(Timeout);
        var events = await Task.WhenAll(listeners).WaitAsync(Timeout);
        await stop.CancelAsync();

        Assert.Empty(read);
        Assert.All(events, e => Assert.Equal(AssetContract.AssetCreatedEvent, e.EventName));
        Assert.Single(events.Select(e => e.TransactionId).Distinct());
        Assert.Equal(1, connection.Connects);
    }

    [Fact]
    public async Task Open_streams_fail_at_once_when_the_network_restarts_and_the_connection_then_carries_new_calls()
    {
        await using var net = await TestNetwork.StartAsync();
        using var connection = OneConnection.Open(net, "Org1MSP");
        var network = connection.Gateway.GetNetwork(TestNetwork.Channel);
        var contract = network.GetContract(TestNetwork.Chaincode, KeyPolicyContract.Name);
        await contract.EvaluateTransactionAsync("Get", "warm-up").WaitAsync(Timeout);
        var next = net.Network.Ledgers[TestNetwork.Channel].Height;
        using var never = new CancellationTokenSource(); // no deadline: only the network can end these calls
        var listeners = Enumerable.Range(0, Streams).Select(_ => FirstEventAsync(network, next + 1000, never.Token)).ToList();
        var answered = await contract.EvaluateTransactionAsync("Get", "still-answering").WaitAsync(Timeout);

        await net.RestartAsync();
        var outcomes = await Task.WhenAll(listeners.Select(async l =>
        {
            try
            {
                await l.ConfigureAwait(false);
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
            catch (GatewayException e) when (e.InnerException is RpcException rpc)
            {
                return rpc.StatusCode;
            }
        })).WaitAsync(Timeout);
        var afterRestart = await contract.EvaluateTransactionAsync("Get", "after-restart").WaitAsync(Timeout);
        await never.CancelAsync();

        Assert.Empty(answered);
        Assert.All(outcomes, code => Assert.Equal(StatusCode.Unavailable, code));
        Assert.Empty(afterRestart);
    }

    private static async Task<CommittedChaincodeEvent> FirstEventAsync(Restcomm.Fabric.Client.Network network, ulong from, CancellationToken cancellationToken)
    {
        await foreach (var e in network.GetChaincodeEventsAsync(TestNetwork.Chaincode, new EventsOptions { StartBlock = from }, cancellationToken))
        {
            return e;
        }

        throw new InvalidOperationException("the event stream ended without an event");
    }

    /// <summary>A gateway over a gRPC channel that may open only one HTTP/2 connection, counting the connections it opens.</summary>
    private sealed class OneConnection : IDisposable
    {
        private int _connects;

        private OneConnection(GrpcChannel channel, Gateway gateway)
        {
            Channel = channel;
            Gateway = gateway;
        }

        public GrpcChannel Channel { get; }

        public Gateway Gateway { get; }

        public int Connects => Volatile.Read(ref _connects);

        public static OneConnection Open(TestNetwork net, string mspId)
        {
            var org = FabricNetworkDescription.Load(net.NetworkJson).GetOrg(mspId);
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(org.TlsRootCertFile!);
            var parts = org.GatewayEndpoint.Split(':');
            OneConnection? self = null;
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = false, // every call shares one connection, as the issue describes
                PooledConnectionIdleTimeout = System.Threading.Timeout.InfiniteTimeSpan,
                SslOptions = new SslClientAuthenticationOptions
                {
                    CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck },
                },
                ConnectCallback = async (_, cancellationToken) =>
                {
                    Interlocked.Increment(ref self!._connects);
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    await socket.ConnectAsync(parts[0], int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            handler.SslOptions.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
            var channel = GrpcChannel.ForAddress(new UriBuilder("https", org.TlsServerName, int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture)).Uri,
                new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
            self = new OneConnection(channel, Gateway.Connect(channel, org.CreateGatewayOptions()));
            return self;
        }

        public void Dispose()
        {
            Gateway.Dispose();
            Channel.Dispose();
        }
    }
}
