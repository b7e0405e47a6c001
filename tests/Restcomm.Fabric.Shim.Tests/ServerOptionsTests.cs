namespace Restcomm.Fabric.Shim.Tests;

public sealed class ServerOptionsTests
{
    [Fact]
    public void Address_and_chaincode_id_come_from_chaincode_server_address_and_core_chaincode_id_name()
    {
        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "0.0.0.0:9999",
            ["CORE_CHAINCODE_ID_NAME"] = "example_1.0:4f1e",
        });

        Assert.Equal(("0.0.0.0:9999", "example_1.0:4f1e"), (options.Address, options.ChaincodeId));
        Assert.Null(options.Tls);
    }

    [Fact]
    public void Chaincode_id_is_also_accepted_as_in_fabric_samples()
    {
        var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:9999",
            ["CHAINCODE_ID"] = "basic_1.0:abc",
        });

        Assert.Equal("basic_1.0:abc", options.ChaincodeId);
    }

    [Fact]
    public void A_missing_address_names_the_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string> { ["CORE_CHAINCODE_ID_NAME"] = "x:1" }));

        Assert.Contains("CHAINCODE_SERVER_ADDRESS", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_chaincode_id_names_the_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string> { ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:1" }));

        Assert.Contains("CORE_CHAINCODE_ID_NAME", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tls_enabled_without_key_names_what_is_missing()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>
        {
            ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:1",
            ["CORE_CHAINCODE_ID_NAME"] = "x:1",
            ["CORE_PEER_TLS_ENABLED"] = "true",
        }));

        Assert.Contains("CORE_TLS_CLIENT_KEY_FILE", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_on_port_zero_reports_the_port_it_bound()
    {
        await using var server = await ChaincodeServer.StartLocalAsync("example:1", new ProbeContract()).WaitAsync(TestPeer.Timeout);

        Assert.StartsWith("127.0.0.1:", server.Address, StringComparison.Ordinal);
        Assert.NotEqual(0, server.Port);
        await using var peer = await TestPeer.ConnectAsync(server.Address);
        Assert.Equal("example:1", Protos.Peer.ChaincodeID.Parser.ParseFrom(peer.Register!.Payload).Name);
    }

    [Fact]
    public async Task Stopping_the_server_ends_connected_peer_streams()
    {
        var server = await ChaincodeServer.StartLocalAsync("example:1", new ProbeContract()).WaitAsync(TestPeer.Timeout);
        await using var peer = await TestPeer.ConnectAsync(server.Address);

        await server.StopAsync().WaitAsync(TestPeer.Timeout);
        await server.DisposeAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => peer.NextUntargetedAsync());
    }

    [Fact]
    public async Task A_server_with_http2_pings_off_still_serves_transactions()
    {
        var options = new ChaincodeServerOptions { Address = "127.0.0.1:0", ChaincodeId = "example:nopings", KeepAliveInterval = null };
        await using var server = await ChaincodeServer.StartAsync(options, new ContractChaincode(new ProbeContract())).WaitAsync(TestPeer.Timeout);
        await using var peer = await TestPeer.ConnectAsync(server.Address);

        await peer.StartTransactionAsync("ch", "t", ["Fail", "pong"]);

        Assert.Equal("pong", (await peer.ResponseAsync("ch", "t")).Message);
    }

    [Fact]
    public async Task Connected_peers_are_counted_once_past_the_handshake()
    {
        await using var server = await ChaincodeServer.StartLocalAsync("example:1", new ProbeContract()).WaitAsync(TestPeer.Timeout);
        await using var peer = await TestPeer.ConnectAsync(server.Address);
        await peer.StartTransactionAsync("ch", "t", ["Fail", "x"]);
        await peer.ResponseAsync("ch", "t");

        Assert.Equal(1, server.ConnectedPeers);
    }
}
