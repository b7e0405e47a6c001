using System.Text;
using Grpc.Core;
using Restcomm.Fabric.Client.Tests.Support;

namespace Restcomm.Fabric.Client.Tests;

public sealed class TlsTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TestOrg Org = TestOrg.Org1;

    [Fact]
    public async Task Tls_with_a_server_name_override_reaches_a_peer_whose_certificate_names_another_host()
    {
        await using var peer = await FakePeer.StartAsync(new FakePeerTls(Org.PeerTls));
        using var gateway = Gateway.Connect(Connection(peer), Org.Options());

        var result = await gateway.GetNetwork("eir").GetContract("example").EvaluateTransactionAsync("Read", "k").WaitAsync(Bound);

        Assert.Equal("Read:k", Encoding.UTF8.GetString(result));
    }

    [Fact]
    public async Task Tls_refuses_a_peer_whose_certificate_does_not_name_the_expected_server()
    {
        await using var peer = await FakePeer.StartAsync(new FakePeerTls(Org.PeerTls));
        var connection = Connection(peer);
        connection.TlsServerName = "peer1.org1.example.com";
        using var gateway = Gateway.Connect(connection, Org.Options());

        var e = await Assert.ThrowsAsync<EvaluateException>(() => gateway.GetNetwork("eir").GetContract("example").EvaluateTransactionAsync("Read").WaitAsync(Bound));

        // grpc-dotnet reports a failed TLS handshake as Internal; the client reports it as Unavailable, as Fabric's Go
        // and Node clients do, so callers retry it like any unreachable peer.
        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Contains("TLS handshake", e.Message, StringComparison.Ordinal);
        Assert.Empty(peer.State.Calls);
    }

    [Fact]
    public async Task Tls_refuses_a_peer_whose_certificate_does_not_chain_to_the_given_root()
    {
        await using var peer = await FakePeer.StartAsync(new FakePeerTls(Org.PeerTls));
        var connection = Connection(peer);
        connection.TlsRootCertificatesPem = TestCredentials.CreateCa("tlsca.other.example.com").CertificatePem;
        using var gateway = Gateway.Connect(connection, Org.Options());

        var e = await Assert.ThrowsAsync<EvaluateException>(() => gateway.GetNetwork("eir").GetContract("example").EvaluateTransactionAsync("Read").WaitAsync(Bound));

        Assert.Equal(StatusCode.Unavailable, e.StatusCode);
        Assert.Empty(peer.State.Calls);
    }

    [Fact]
    public async Task Mutual_tls_with_a_client_certificate_submits_and_streams_blocks_bound_to_that_certificate()
    {
        await using var peer = await FakePeer.StartAsync(new FakePeerTls(Org.PeerTls, ClientCa: Org.TlsCa));
        peer.State.RequiredTlsClientCertificate = Org.ClientTls.Certificate;
        var connection = Connection(peer);
        connection.TlsClientCertificatePem = Org.ClientTls.CertificatePem;
        connection.TlsClientKeyPem = Org.ClientTls.Sec1KeyPem;
        using var gateway = Gateway.Connect(connection, Org.Options());
        var network = gateway.GetNetwork("eir");

        var result = await network.GetContract("example").SubmitTransactionAsync("Put", "k").WaitAsync(Bound);
        Assert.Equal("Put:k", Encoding.UTF8.GetString(result));

        using var cts = new CancellationTokenSource(Bound);
        await using var blocks = network.GetFilteredBlockEventsAsync(new EventsOptions { StartBlock = 1 }, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await blocks.MoveNextAsync());
        Assert.Equal(1UL, blocks.Current.Number);
        Assert.Empty(peer.State.Checks.Violations);
    }

    [Fact]
    public async Task Mutual_tls_without_a_client_certificate_is_refused()
    {
        await using var peer = await FakePeer.StartAsync(new FakePeerTls(Org.PeerTls, ClientCa: Org.TlsCa));
        using var gateway = Gateway.Connect(Connection(peer), Org.Options());

        var e = await Assert.ThrowsAsync<EvaluateException>(() => gateway.GetNetwork("eir").GetContract("example").EvaluateTransactionAsync("Read").WaitAsync(Bound));

        // The server ends the TLS handshake: grpc-dotnet reports the failed connection as Unavailable, or as Internal
        // ("the server did not complete the HTTP/2 handshake") when the refusal arrives after the client's preface.
        Assert.True(
            e.StatusCode == StatusCode.Unavailable
            || (e.StatusCode == StatusCode.Internal && e.InnerException?.ToString().Contains("HTTP/2 handshake", StringComparison.Ordinal) == true),
            $"expected a refused connection: {e.StatusCode}, {e.InnerException}");
        Assert.Empty(peer.State.Calls);
    }

    private static ConnectionOptions Connection(FakePeer peer) => new()
    {
        Endpoint = peer.Endpoint,
        TlsRootCertificatesPem = Org.TlsCa.CertificatePem,
        TlsServerName = TestOrg.PeerHost,
    };
}
