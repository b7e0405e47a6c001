using System.Security.Cryptography;
using System.Text.Json;
using Google.Protobuf;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Ledger.QueryResult;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Fabric.Shim.Testing;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>The shim against a test peer over a real gRPC connection: handshake, routing, errors, keepalive.</summary>
public sealed class ProtocolTests(ChaincodeServerFixture fixture) : IClassFixture<ChaincodeServerFixture>
{
    private const string Channel = "roaming-emea";

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    private static string Text(ByteString bytes) => bytes.ToStringUtf8();

    [Fact]
    public async Task The_chaincode_speaks_first_with_register_carrying_its_chaincode_id()
    {
        var peer = TestPeer.Dial(fixture.Server.Address);
        await using (peer)
        {
            var register = await peer.ReadRawAsync();

            Assert.Equal(MessageType.Register, register.Type);
            Assert.Equal(ChaincodeServerFixture.ChaincodeId, ChaincodeID.Parser.ParseFrom(register.Payload).Name);
        }
    }

    [Fact]
    public async Task After_registered_and_ready_without_payload_transactions_run()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "tx1", ["ReadAsset", "a1"]);
        var get = await peer.NextAsync(Channel, "tx1");
        Assert.Equal(MessageType.GetState, get.Type);
        await peer.RespondAsync(get, Bytes("""{"id":"a1","owner":"alice","value":"5"}"""));
        var response = await peer.ResponseAsync(Channel, "tx1");

        Assert.Equal(200, response.Status);
        Assert.Equal("""{"id":"a1","owner":"alice","value":"5"}""", Text(response.Payload));
    }

    [Fact]
    public async Task A_transaction_before_ready_is_refused_with_an_error()
    {
        var peer = TestPeer.Dial(fixture.Server.Address);
        await using (peer)
        {
            await peer.ReadRawAsync(); // REGISTER
            await peer.StartTransactionAsync(Channel, "early", ["ReadAsset", "a1"]);

            var error = await peer.ReadRawAsync();

            Assert.Equal(MessageType.Error, error.Type);
            Assert.Contains("REGISTER", Text(error.Payload), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task Keepalive_is_echoed()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.SendAsync(new ChaincodeMessage { Type = MessageType.Keepalive });

        Assert.Equal(MessageType.Keepalive, (await peer.NextUntargetedAsync()).Type);
    }

    [Fact]
    public async Task Completed_carries_the_response_and_the_chaincode_event()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "create", ["CreateAsset", "a9", "bob", "12"]);
        await peer.RespondAsync(await peer.NextAsync(Channel, "create"), ByteString.Empty); // GET_STATE: absent
        var put = await peer.NextAsync(Channel, "create");
        Assert.Equal(MessageType.PutState, put.Type);
        await peer.RespondAsync(put);
        var completed = await peer.CompletionAsync(Channel, "create");

        Assert.Equal(MessageType.Completed, completed.Type);
        Assert.Equal("create", completed.Txid);
        Assert.Equal(Channel, completed.ChannelId);
        var response = Response.Parser.ParseFrom(completed.Payload);
        Assert.Equal(200, response.Status);
        Assert.Equal("AssetCreated", completed.ChaincodeEvent.EventName);
        Assert.Equal("""{"id":"a9","owner":"bob","value":"12"}""", Text(completed.ChaincodeEvent.Payload));
        Assert.Equal(Text(put.Payload.Length > 0 ? PutState.Parser.ParseFrom(put.Payload).Value : ByteString.Empty), Text(completed.ChaincodeEvent.Payload));
    }

    [Fact]
    public async Task An_exception_in_a_transaction_becomes_status_500_with_its_message()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "fail", ["probe:Fail", "disk on fire"]);
        var response = await peer.ResponseAsync(Channel, "fail");

        Assert.Equal(500, response.Status);
        Assert.Equal("disk on fire", response.Message);
    }

    [Fact]
    public async Task A_chaincode_exception_keeps_its_status()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "forbid", ["probe:Forbid"]);
        var response = await peer.ResponseAsync(Channel, "forbid");

        Assert.Equal(403, response.Status);
        Assert.Equal("not allowed here", response.Message);
    }

    [Fact]
    public async Task A_peer_error_on_a_stub_call_fails_the_transaction_with_the_peers_message()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "failed", ["probe:PrivGet", "pair-Org1MSP-Org2MSP", "k"]);
        await peer.RespondErrorAsync(await peer.NextAsync(Channel, "failed"), "ledger closed");
        var response = await peer.ResponseAsync(Channel, "failed");

        Assert.Equal(500, response.Status);
        Assert.Equal("ledger closed", response.Message);
    }

    [Fact]
    public async Task A_peer_refusing_a_private_collection_to_the_creator_fails_the_transaction_as_forbidden()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "denied", ["probe:PrivGet", "pair-Org1MSP-Org2MSP", "k"]);
        await peer.RespondErrorAsync(await peer.NextAsync(Channel, "denied"),
            "tx creator does not have read access permission on privatedata in chaincodeName:probe collectionName: pair-Org1MSP-Org2MSP");
        var response = await peer.ResponseAsync(Channel, "denied");
        var error = ChaincodeError.FromResponse(response.Status, response.Message);

        Assert.Equal(403, response.Status);
        Assert.Equal(ChaincodeErrorCodes.Forbidden, error.Code);
        Assert.Contains("does not have read access", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_transaction_payload_is_answered_with_error()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.SendAsync(new ChaincodeMessage { Type = MessageType.Transaction, Txid = "junk", ChannelId = Channel, Payload = ByteString.CopyFrom(0xFF, 0xFF, 0xFF) });
        var message = await peer.CompletionAsync(Channel, "junk");

        Assert.Equal(MessageType.Error, message.Type);
        Assert.False(message.Payload.IsEmpty);
    }

    [Fact]
    public async Task Init_failure_is_answered_with_error_and_the_message()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "init", ["probe:Fail", "cannot init"], type: MessageType.Init);
        var message = await peer.CompletionAsync(Channel, "init");

        Assert.Equal(MessageType.Error, message.Type);
        Assert.Equal("cannot init", Text(message.Payload));
    }

    [Fact]
    public async Task Bad_arguments_become_a_400_naming_the_parameter()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "bad", ["probe:RangePage", "a", "z", "ten", ""]);
        var response = await peer.ResponseAsync(Channel, "bad");

        Assert.Equal(400, response.Status);
        Assert.Contains("pageSize", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_function_is_a_400_naming_the_functions_that_exist()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "unknown", ["Transfer", "a1"]);
        var response = await peer.ResponseAsync(Channel, "unknown");

        Assert.Equal(400, response.Status);
        Assert.Contains("Transfer", response.Message, StringComparison.Ordinal);
        Assert.Contains("CreateAsset", response.Message, StringComparison.Ordinal);
        Assert.Contains("ReadPrivateAsset", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_system_contract_returns_the_metadata_json()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "meta", ["org.hyperledger.fabric:GetMetadata"]);
        var response = await peer.ResponseAsync(Channel, "meta");

        Assert.Equal(200, response.Status);
        using var document = JsonDocument.Parse(response.Payload.Memory);
        Assert.True(document.RootElement.GetProperty("contracts").GetProperty("AssetContract").GetProperty("default").GetBoolean());
        Assert.True(document.RootElement.GetProperty("contracts").TryGetProperty("probe", out _));
    }

    [Fact]
    public async Task A_second_stub_call_of_a_transaction_is_not_sent_before_the_first_is_answered()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        // The contract asks for two keys concurrently (Task.WhenAll).
        await peer.StartTransactionAsync(Channel, "two", ["probe:Two", "k1", "k2"]);
        var first = await peer.NextAsync(Channel, "two");
        Assert.Equal(MessageType.GetState, first.Type);

        Assert.False(await peer.SendsWithinAsync(Channel, "two", TimeSpan.FromMilliseconds(500)), "a second request was sent while the first was outstanding");

        await peer.RespondAsync(first, Bytes("v-" + GetState.Parser.ParseFrom(first.Payload).Key));
        var second = await peer.NextAsync(Channel, "two");
        Assert.Equal(MessageType.GetState, second.Type);
        Assert.NotEqual(GetState.Parser.ParseFrom(first.Payload).Key, GetState.Parser.ParseFrom(second.Payload).Key);
        await peer.RespondAsync(second, Bytes("v-" + GetState.Parser.ParseFrom(second.Payload).Key));

        var response = await peer.ResponseAsync(Channel, "two");
        Assert.Equal("v-k1|v-k2", Text(response.Payload));
    }

    [Fact]
    public async Task One_hundred_interleaved_transactions_on_one_stream_complete_with_the_right_results()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        string[] channels = ["roaming-emea", "eir"];
        var transactions = Enumerable.Range(0, 100).Select(i => (Channel: channels[i % 2], TxId: $"tx{i / 2}", Key: $"key{i}")).ToList();

        // Every transaction starts before any is answered; a range of them even shares a txid across channels.
        foreach (var (channel, txId, key) in transactions)
        {
            await peer.StartTransactionAsync(channel, txId, ["probe:Two", key, key + "b"]);
        }

        // Answer the first GET_STATE of each, in reverse order, then the second, shuffled.
        var firsts = new List<ChaincodeMessage>();
        foreach (var (channel, txId, _) in transactions)
        {
            firsts.Add(await peer.NextAsync(channel, txId));
        }

        firsts.Reverse();
        foreach (var request in firsts)
        {
            await peer.RespondAsync(request, Bytes($"{request.ChannelId}/{GetState.Parser.ParseFrom(request.Payload).Key}"));
        }

        var seconds = new List<ChaincodeMessage>();
        foreach (var (channel, txId, _) in transactions)
        {
            seconds.Add(await peer.NextAsync(channel, txId));
        }

        foreach (var request in seconds.OrderBy(_ => Random.Shared.Next()))
        {
            await peer.RespondAsync(request, Bytes($"{request.ChannelId}/{GetState.Parser.ParseFrom(request.Payload).Key}"));
        }

        foreach (var (channel, txId, key) in transactions)
        {
            var response = await peer.ResponseAsync(channel, txId);
            Assert.Equal(200, response.Status);
            Assert.Equal($"{channel}/{key}|{channel}/{key}b", Text(response.Payload));
        }
    }

    [Fact]
    public async Task The_proposal_gives_creator_transient_map_timestamp_and_binding()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        var identity = TestIdentity.Create("Org2MSP", "User1@org2.example.com");
        var nonce = RandomNumberGenerator.GetBytes(24);
        var timestamp = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var proposal = TestPeer.Proposal(Channel, "info", identity.SerializedIdentity, new Dictionary<string, byte[]> { ["secret"] = "s3"u8.ToArray() }, timestamp, nonce, epoch: 0);

        await peer.StartTransactionAsync(Channel, "info", ["probe:Info"], proposal);
        var response = await peer.ResponseAsync(Channel, "info");

        Assert.Equal(200, response.Status);
        using var json = JsonDocument.Parse(response.Payload.Memory);
        var root = json.RootElement;
        Assert.Equal("Org2MSP", root.GetProperty("mspId").GetString());
        Assert.Equal(1_800_000_000, root.GetProperty("timestamp").GetInt64());
        Assert.Equal("secret=s3", root.GetProperty("transient")[0].GetString());
        var expectedBinding = SHA256.HashData([.. nonce, .. identity.SerializedIdentity.ToArray(), .. new byte[8]]);
        Assert.Equal(Convert.ToHexStringLower(expectedBinding), root.GetProperty("binding").GetString());
        Assert.True(root.GetProperty("hasProposal").GetBoolean());
    }

    [Fact]
    public async Task Private_assets_come_from_the_transient_map_and_carry_the_collection()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        var identity = TestIdentity.Create("Org1MSP");
        var transient = new Dictionary<string, byte[]> { ["asset"] = """{"owner":"carol","value":"77"}"""u8.ToArray() };

        await peer.StartTransactionAsync(Channel, "pp", ["PutPrivateAsset", "pair-Org1MSP-Org2MSP", "p1"], TestPeer.Proposal(Channel, "pp", identity.SerializedIdentity, transient));
        var put = await peer.NextAsync(Channel, "pp");
        await peer.RespondAsync(put);
        var response = await peer.ResponseAsync(Channel, "pp");

        Assert.Equal(MessageType.PutState, put.Type);
        var request = PutState.Parser.ParseFrom(put.Payload);
        Assert.Equal("pair-Org1MSP-Org2MSP", request.Collection);
        Assert.Equal("p1", request.Key);
        Assert.Equal("""{"id":"p1","owner":"carol","value":"77"}""", Text(request.Value));
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Get_caller_reports_the_msp_and_the_x509_identity_string()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        var identity = TestIdentity.Create("Org3MSP", "User7", organizationalUnits: ["client"]);

        await peer.StartTransactionAsync(Channel, "caller", ["GetCaller"], TestPeer.Proposal(Channel, "caller", identity.SerializedIdentity));
        var response = await peer.ResponseAsync(Channel, "caller");

        Assert.Equal(200, response.Status);
        Assert.Equal("""{"mspId":"Org3MSP","id":"x509::CN=User7,OU=client,O=Org3MSP::CN=ca.org3msp,O=Org3MSP"}""", Text(response.Payload));
    }

    [Fact]
    public async Task A_closed_stream_fails_its_waiting_transactions_without_hanging_the_server()
    {
        var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        await peer.StartTransactionAsync(Channel, "orphan", ["ReadAsset", "a1"]);
        Assert.Equal(MessageType.GetState, (await peer.NextAsync(Channel, "orphan")).Type);

        await peer.DisposeAsync();

        // The server still serves new streams.
        await using var next = await TestPeer.ConnectAsync(fixture.Server.Address);
        await next.StartTransactionAsync(Channel, "after", ["probe:Fail", "still here"]);
        Assert.Equal("still here", (await next.ResponseAsync(Channel, "after")).Message);
    }

    internal static ByteString Kvs(params (string Key, string Value)[] items) => Results(false, "", items);

    internal static ByteString Results(bool hasMore, string id, params (string Key, string Value)[] items)
    {
        var response = new QueryResponse { HasMore = hasMore, Id = id };
        foreach (var (key, value) in items)
        {
            response.Results.Add(new QueryResultBytes { ResultBytes = new KV { Namespace = "example", Key = key, Value = ByteString.CopyFromUtf8(value) }.ToByteString() });
        }

        return response.ToByteString();
    }
}
