using System.Text.Json;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Peer;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>Batched reads and writes when READY offers them (ChaincodeAdditionalParams), single calls when it does not.</summary>
public sealed class BatchingTests(ChaincodeServerFixture fixture) : IClassFixture<ChaincodeServerFixture>
{
    private const string Channel = "numbers";

    private static readonly ChaincodeAdditionalParams Offered = new()
    {
        UseWriteBatch = true,
        MaxSizeWriteBatch = 1000,
        UseGetMultipleKeys = true,
        MaxSizeGetMultipleKeys = 1000,
    };

    [Fact]
    public async Task With_write_batching_offered_writes_go_in_one_write_batch_before_completed()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address, Offered);

        await peer.StartTransactionAsync(Channel, "wb", ["probe:PutTwice", "k", "first", "second"]);
        var batch = await peer.NextAsync(Channel, "wb");
        Assert.Equal(MessageType.WriteBatchState, batch.Type);
        await peer.RespondAsync(batch);
        var response = await peer.ResponseAsync(Channel, "wb");

        var records = WriteBatchState.Parser.ParseFrom(batch.Payload).Rec;
        Assert.Equal(2, records.Count);
        Assert.Equal(("k", "second", WriteRecord.Types.Type.PutState), (records[0].Key, records[0].Value.ToStringUtf8(), records[0].Type));
        Assert.Equal("k-other", records[1].Key);
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task With_write_batching_offered_deletes_purges_and_metadata_are_batched_with_their_types()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address, Offered);

        await peer.StartTransactionAsync(Channel, "wb-del", ["probe:Del", "k"]);
        var delete = await peer.NextAsync(Channel, "wb-del");
        await peer.RespondAsync(delete);
        await peer.ResponseAsync(Channel, "wb-del");
        await peer.StartTransactionAsync(Channel, "wb-purge", ["probe:PrivPurge", "c", "k"]);
        var purge = await peer.NextAsync(Channel, "wb-purge");
        await peer.RespondAsync(purge);
        await peer.ResponseAsync(Channel, "wb-purge");
        await peer.StartTransactionAsync(Channel, "wb-meta", ["probe:SetEndorsers", "k", "Org1MSP"]);
        var metadata = await peer.NextAsync(Channel, "wb-meta");
        await peer.RespondAsync(metadata);
        await peer.ResponseAsync(Channel, "wb-meta");

        Assert.Equal(WriteRecord.Types.Type.DelState, WriteBatchState.Parser.ParseFrom(delete.Payload).Rec.Single().Type);
        var purged = WriteBatchState.Parser.ParseFrom(purge.Payload).Rec.Single();
        Assert.Equal((WriteRecord.Types.Type.PurgePrivateData, "c"), (purged.Type, purged.Collection));
        var meta = WriteBatchState.Parser.ParseFrom(metadata.Payload).Rec.Single();
        Assert.Equal((WriteRecord.Types.Type.PutStateMetadata, "VALIDATION_PARAMETER"), (meta.Type, meta.Metadata.Metakey));
    }

    [Fact]
    public async Task A_failed_transaction_sends_no_write_batch()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address, Offered);

        await peer.StartTransactionAsync(Channel, "wb-fail", ["UpdateAsset", "missing", "o", "v"]);
        await peer.RespondAsync(await peer.NextAsync(Channel, "wb-fail"), ByteString.Empty);
        var message = await peer.CompletionAsync(Channel, "wb-fail");

        Assert.Equal(MessageType.Completed, message.Type);
        Assert.Equal(500, Response.Parser.ParseFrom(message.Payload).Status);
    }

    [Fact]
    public async Task A_write_batch_larger_than_the_peers_limit_is_split()
    {
        // A limit under Fabric's default of 100 is raised to 100, as the Go shim does.
        var small = new ChaincodeAdditionalParams { UseWriteBatch = true, MaxSizeWriteBatch = 10 };
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address, small);

        await peer.StartTransactionAsync(Channel, "split", ["probe:PutMany", "n", "150"]);
        var first = await peer.NextAsync(Channel, "split");
        await peer.RespondAsync(first);
        var second = await peer.NextAsync(Channel, "split");
        await peer.RespondAsync(second);
        var response = await peer.ResponseAsync(Channel, "split");

        Assert.Equal((MessageType.WriteBatchState, 100), (first.Type, WriteBatchState.Parser.ParseFrom(first.Payload).Rec.Count));
        Assert.Equal((MessageType.WriteBatchState, 50), (second.Type, WriteBatchState.Parser.ParseFrom(second.Payload).Rec.Count));
        Assert.Equal("n0100", WriteBatchState.Parser.ParseFrom(second.Payload).Rec[0].Key);
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Without_write_batching_each_write_is_its_own_put_state()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "nb", ["probe:PutTwice", "k", "first", "second"]);
        var types = new List<MessageType>();
        for (var i = 0; i < 3; i++)
        {
            var request = await peer.NextAsync(Channel, "nb");
            types.Add(request.Type);
            await peer.RespondAsync(request);
        }

        Assert.Equal(200, (await peer.ResponseAsync(Channel, "nb")).Status);
        Assert.All(types, t => Assert.Equal(MessageType.PutState, t));
    }

    [Fact]
    public async Task With_get_multiple_offered_several_keys_are_read_in_one_request()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address, Offered);

        await peer.StartTransactionAsync(Channel, "gm", ["probe:GetMany", "a,b,c"]);
        var request = await peer.NextAsync(Channel, "gm");
        Assert.Equal(MessageType.GetStateMultiple, request.Type);
        var answer = new GetStateMultipleResult();
        answer.Values.Add(ByteString.CopyFromUtf8("A"));
        answer.Values.Add(ByteString.Empty);
        answer.Values.Add(ByteString.CopyFromUtf8("C"));
        await peer.RespondAsync(request, answer);
        var response = await peer.ResponseAsync(Channel, "gm");

        Assert.Equal(["a", "b", "c"], GetStateMultiple.Parser.ParseFrom(request.Payload).Keys);
        Assert.Equal(["A", "<absent>", "C"], JsonSerializer.Deserialize<List<string>>(response.Payload.Span));
    }

    [Fact]
    public async Task With_get_multiple_offered_private_keys_are_read_with_the_collection()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address, Offered);

        await peer.StartTransactionAsync(Channel, "gmp", ["probe:PrivGetMany", "c1", "a,b"]);
        var request = await peer.NextAsync(Channel, "gmp");
        var answer = new GetStateMultipleResult();
        answer.Values.Add(ByteString.CopyFromUtf8("A"));
        answer.Values.Add(ByteString.CopyFromUtf8("B"));
        await peer.RespondAsync(request, answer);
        await peer.ResponseAsync(Channel, "gmp");

        Assert.Equal("c1", GetStateMultiple.Parser.ParseFrom(request.Payload).Collection);
    }

    [Fact]
    public async Task Without_get_multiple_keys_are_read_one_by_one()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);

        await peer.StartTransactionAsync(Channel, "g1", ["probe:GetMany", "a,b"]);
        var first = await peer.NextAsync(Channel, "g1");
        await peer.RespondAsync(first, ByteString.CopyFromUtf8("A"));
        var second = await peer.NextAsync(Channel, "g1");
        await peer.RespondAsync(second, ByteString.CopyFromUtf8("B"));
        var response = await peer.ResponseAsync(Channel, "g1");

        Assert.Equal((MessageType.GetState, "a"), (first.Type, GetState.Parser.ParseFrom(first.Payload).Key));
        Assert.Equal((MessageType.GetState, "b"), (second.Type, GetState.Parser.ParseFrom(second.Payload).Key));
        Assert.Equal(["A", "B"], JsonSerializer.Deserialize<List<string>>(response.Payload.Span));
    }

    [Fact]
    public async Task Ready_params_that_offer_nothing_keep_single_calls()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address, new ChaincodeAdditionalParams { MaxSizeWriteBatch = 1000, MaxSizeGetMultipleKeys = 1000 });

        await peer.StartTransactionAsync(Channel, "off", ["probe:Put", "k", "v"]);
        var put = await peer.NextAsync(Channel, "off");
        await peer.RespondAsync(put);
        await peer.ResponseAsync(Channel, "off");

        Assert.Equal(MessageType.PutState, put.Type);
    }
}
