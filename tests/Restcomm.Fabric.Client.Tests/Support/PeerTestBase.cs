using Grpc.Net.Client;

namespace Restcomm.Fabric.Client.Tests.Support;

/// <summary>Starts a plaintext fake peer per test and a gateway connected to it as Org1's user.</summary>
public abstract class PeerTestBase : IAsyncLifetime
{
    protected static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private GrpcChannel? _channel;

    internal FakePeer Peer { get; private set; } = null!;

    internal FakePeerState State => Peer.State;

    protected Gateway Gateway { get; private set; } = null!;

    protected Contract Contract => Gateway.GetNetwork("roaming-emea").GetContract("example");

    public async Task InitializeAsync()
    {
        Peer = await FakePeer.StartAsync();
        Gateway = Connect(TestOrg.Org1.Options());
    }

    public async Task DisposeAsync()
    {
        Gateway.Dispose();
        _channel?.Dispose();
        await Peer.DisposeAsync();
        Assert.DoesNotContain(State.Checks.Violations, v => !ExpectedViolation(v));
    }

    /// <summary>Tests that deliberately send something a peer refuses say so here.</summary>
    protected virtual bool ExpectedViolation(string violation) => false;

    protected Gateway Connect(GatewayOptions options)
    {
        _channel ??= new ConnectionOptions { Endpoint = Peer.Endpoint, UseTls = false }.CreateChannel();
        return Gateway.Connect(_channel, options);
    }
}
