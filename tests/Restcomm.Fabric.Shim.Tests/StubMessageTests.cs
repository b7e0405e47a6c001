using System.Text.Json;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Ledger.QueryResult;
using Restcomm.Fabric.Protos.Peer;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>The exact message each stub call sends, and how the peer's answer is read.</summary>
public sealed class StubMessageTests(ChaincodeServerFixture fixture) : IClassFixture<ChaincodeServerFixture>
{
    private const string Channel = "eir";
    private const string Collection = "pair-Org1MSP-Org2MSP";

    private static ByteString Bytes(string text) => ByteString.CopyFromUtf8(text);

    /// <summary>Runs one transaction: returns the first request after asserting its envelope, answers it, returns the response.</summary>
    private async Task<(ChaincodeMessage Request, Response Response)> OneCallAsync(string txId, string[] args, MessageType expected, ByteString answer)
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        await peer.StartTransactionAsync(Channel, txId, args);
        var request = await peer.NextAsync(Channel, txId);
        Assert.Equal(expected, request.Type);
        Assert.Equal(txId, request.Txid);
        Assert.Equal(Channel, request.ChannelId);
        await peer.RespondAsync(request, answer);
        return (request, await peer.ResponseAsync(Channel, txId));
    }

    private static List<string> Strings(Response response) =>
        JsonSerializer.Deserialize<List<string>>(response.Payload.Span) ?? [];

    [Fact]
    public async Task Get_state_sends_the_key_without_collection_and_reads_an_empty_answer_as_absent()
    {
        var (request, response) = await OneCallAsync("g1", ["probe:Get", "imei-1"], MessageType.GetState, ByteString.Empty);

        var payload = GetState.Parser.ParseFrom(request.Payload);
        Assert.Equal("imei-1", payload.Key);
        Assert.Equal("", payload.Collection);
        Assert.Equal("<absent>", response.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Put_state_sends_key_and_value()
    {
        var (request, response) = await OneCallAsync("p1", ["probe:Put", "k", "v"], MessageType.PutState, ByteString.Empty);

        var payload = PutState.Parser.ParseFrom(request.Payload);
        Assert.Equal(("k", "v", ""), (payload.Key, payload.Value.ToStringUtf8(), payload.Collection));
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Delete_state_sends_the_key()
    {
        var (request, _) = await OneCallAsync("d1", ["probe:Del", "k"], MessageType.DelState, ByteString.Empty);

        Assert.Equal("k", DelState.Parser.ParseFrom(request.Payload).Key);
    }

    [Fact]
    public async Task Range_query_sends_bounds_and_decodes_kv_results()
    {
        var (request, response) = await OneCallAsync("r1", ["probe:Range", "a", "m"], MessageType.GetStateByRange, ProtocolTests.Kvs(("a1", "x"), ("b2", "y")));

        var payload = GetStateByRange.Parser.ParseFrom(request.Payload);
        Assert.Equal(("a", "m", "", true), (payload.StartKey, payload.EndKey, payload.Collection, payload.Metadata.IsEmpty));
        Assert.Equal(["a1=x", "b2=y"], Strings(response));
    }

    [Fact]
    public async Task An_empty_range_start_is_sent_as_u0001()
    {
        var (request, _) = await OneCallAsync("r0", ["probe:Range", "", ""], MessageType.GetStateByRange, ProtocolTests.Kvs());

        Assert.Equal("\u0001", GetStateByRange.Parser.ParseFrom(request.Payload).StartKey);
    }

    [Fact]
    public async Task A_range_with_more_results_fetches_them_with_query_state_next()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        await peer.StartTransactionAsync(Channel, "rn", ["probe:Range", "a", "z"]);

        await peer.RespondAsync(await peer.NextAsync(Channel, "rn"), ProtocolTests.Results(true, "iter-7", ("a", "1")));
        var next = await peer.NextAsync(Channel, "rn");
        Assert.Equal(MessageType.QueryStateNext, next.Type);
        Assert.Equal("iter-7", QueryStateNext.Parser.ParseFrom(next.Payload).Id);
        await peer.RespondAsync(next, ProtocolTests.Results(false, "iter-7", ("b", "2")));

        Assert.Equal(["a=1", "b=2"], Strings(await peer.ResponseAsync(Channel, "rn")));
    }

    [Fact]
    public async Task Stopping_a_range_early_closes_the_iterator_on_the_peer()
    {
        await using var peer = await TestPeer.ConnectAsync(fixture.Server.Address);
        await peer.StartTransactionAsync(Channel, "rc", ["probe:RangeFirst", "a", "z"]);

        await peer.RespondAsync(await peer.NextAsync(Channel, "rc"), ProtocolTests.Results(true, "iter-9", ("a", "1"), ("b", "2")));
        var close = await peer.NextAsync(Channel, "rc");
        Assert.Equal(MessageType.QueryStateClose, close.Type);
        Assert.Equal("iter-9", QueryStateClose.Parser.ParseFrom(close.Payload).Id);
        await peer.RespondAsync(close, new QueryResponse { Id = "iter-9" });

        Assert.Equal("a", (await peer.ResponseAsync(Channel, "rc")).Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Paginated_range_sends_page_size_and_bookmark_and_returns_the_next_bookmark()
    {
        var answer = new QueryResponse { Id = "p", Metadata = new QueryResponseMetadata { FetchedRecordsCount = 1, Bookmark = "b2" }.ToByteString() };
        answer.Results.Add(new QueryResultBytes { ResultBytes = new KV { Key = "b1", Value = Bytes("v") }.ToByteString() });

        var (request, response) = await OneCallAsync("pg", ["probe:RangePage", "a", "z", "1", "b1"], MessageType.GetStateByRange, answer.ToByteString());

        var metadata = QueryMetadata.Parser.ParseFrom(GetStateByRange.Parser.ParseFrom(request.Payload).Metadata);
        Assert.Equal((1, "b1"), (metadata.PageSize, metadata.Bookmark));
        Assert.Equal("""{"keys":["b1=v"],"bookmark":"b2","count":1}""", response.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Partial_composite_key_query_sends_the_composite_range()
    {
        var (request, response) = await OneCallAsync(
            "pc", ["probe:Partial", "imei", "35"], MessageType.GetStateByRange, ProtocolTests.Kvs(("\0imei\u000035\u0000490154203237518\0", "black")));

        var payload = GetStateByRange.Parser.ParseFrom(request.Payload);
        Assert.Equal("\0imei\u000035\0", payload.StartKey);
        Assert.Equal("\0imei\u000035\0\U0010FFFF", payload.EndKey);
        Assert.Equal(["|imei|35|490154203237518|=black"], Strings(response));
    }

    [Fact]
    public async Task Paginated_partial_composite_key_query_carries_query_metadata()
    {
        var (request, _) = await OneCallAsync("pcp", ["probe:PartialPage", "imei", "", "5", ""], MessageType.GetStateByRange, new QueryResponse().ToByteString());

        var payload = GetStateByRange.Parser.ParseFrom(request.Payload);
        Assert.Equal("\0imei\0", payload.StartKey);
        Assert.Equal(5, QueryMetadata.Parser.ParseFrom(payload.Metadata).PageSize);
    }

    [Fact]
    public async Task Rich_query_is_passed_through_unchanged()
    {
        const string query = """{"selector":{"owner":"alice"}}""";
        var (request, response) = await OneCallAsync("q1", ["probe:Query", query], MessageType.GetQueryResult, ProtocolTests.Kvs(("a1", "{}")));

        Assert.Equal(query, GetQueryResult.Parser.ParseFrom(request.Payload).Query);
        Assert.Equal(["a1={}"], Strings(response));
    }

    [Fact]
    public async Task Paginated_rich_query_carries_query_metadata()
    {
        var (request, _) = await OneCallAsync("q2", ["probe:QueryPage", "{}", "3", "bm"], MessageType.GetQueryResult, new QueryResponse().ToByteString());

        var metadata = QueryMetadata.Parser.ParseFrom(GetQueryResult.Parser.ParseFrom(request.Payload).Metadata);
        Assert.Equal((3, "bm"), (metadata.PageSize, metadata.Bookmark));
    }

    [Fact]
    public async Task History_sends_the_key_and_decodes_key_modifications()
    {
        var answer = new QueryResponse();
        answer.Results.Add(new QueryResultBytes
        {
            ResultBytes = new KeyModification { TxId = "t9", Value = Bytes("v9"), IsDelete = false, Timestamp = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1_700_000_000 } }.ToByteString(),
        });
        answer.Results.Add(new QueryResultBytes { ResultBytes = new KeyModification { TxId = "t8", IsDelete = true, Timestamp = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1_600_000_000 } }.ToByteString() });

        var (request, response) = await OneCallAsync("h1", ["probe:History", "k"], MessageType.GetHistoryForKey, answer.ToByteString());

        Assert.Equal("k", GetHistoryForKey.Parser.ParseFrom(request.Payload).Key);
        Assert.Equal(["t9:v9:False:1700000000", "t8::True:1600000000"], Strings(response));
    }

    [Fact]
    public async Task Validation_parameter_is_read_from_the_state_metadata()
    {
        var policy = new KeyEndorsementPolicy().AddOrganizations(EndorserRole.Peer, "Org2MSP", "Org1MSP").ToBytes();
        var answer = new StateMetadataResult();
        answer.Entries.Add(new StateMetadata { Metakey = "VALIDATION_PARAMETER", Value = ByteString.CopyFrom(policy) });

        var (request, response) = await OneCallAsync("m1", ["probe:Endorsers", "k"], MessageType.GetStateMetadata, answer.ToByteString());

        Assert.Equal(("k", ""), (GetStateMetadata.Parser.ParseFrom(request.Payload).Key, GetStateMetadata.Parser.ParseFrom(request.Payload).Collection));
        Assert.Equal("Org1MSP,Org2MSP", response.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Setting_endorsers_writes_a_signature_policy_envelope_under_validation_parameter()
    {
        var (request, _) = await OneCallAsync("m2", ["probe:SetEndorsers", "k", "Org2MSP,Org1MSP"], MessageType.PutStateMetadata, ByteString.Empty);

        var payload = PutStateMetadata.Parser.ParseFrom(request.Payload);
        Assert.Equal("k", payload.Key);
        Assert.Equal("VALIDATION_PARAMETER", payload.Metadata.Metakey);
        var envelope = SignaturePolicyEnvelope.Parser.ParseFrom(payload.Metadata.Value);
        Assert.Equal(2, envelope.Rule.NOutOf.N);
        Assert.Equal([0, 1], envelope.Rule.NOutOf.Rules.Select(r => r.SignedBy));
        var roles = envelope.Identities.Select(i => MSPRole.Parser.ParseFrom(i.Principal)).ToList();
        Assert.Equal(["Org1MSP", "Org2MSP"], roles.Select(r => r.MspIdentifier));
        Assert.All(roles, r => Assert.Equal(MSPRole.Types.MSPRoleType.Peer, r.Role));
        Assert.All(envelope.Identities, i => Assert.Equal(MSPPrincipal.Types.Classification.Role, i.PrincipalClassification));
    }

    [Theory]
    [InlineData("probe:PrivGet", MessageType.GetState)]
    [InlineData("probe:PrivHash", MessageType.GetPrivateDataHash)]
    [InlineData("probe:PrivDel", MessageType.DelState)]
    [InlineData("probe:PrivPurge", MessageType.PurgePrivateData)]
    [InlineData("probe:PrivEndorsers", MessageType.GetStateMetadata)]
    public async Task Private_data_calls_carry_the_collection(string function, MessageType expected)
    {
        var (request, response) = await OneCallAsync("pv-" + function, [function, Collection, "key-1"], expected, ByteString.Empty);

        // Every one of these payloads has key = 1 and collection = 2 (GetState, DelState, GetStateMetadata).
        var payload = GetState.Parser.ParseFrom(request.Payload);
        Assert.Equal(("key-1", Collection), (payload.Key, payload.Collection));
        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Private_put_carries_collection_key_and_value()
    {
        var (request, _) = await OneCallAsync("pp", ["probe:PrivPut", Collection, "k", "secret"], MessageType.PutState, ByteString.Empty);

        var payload = PutState.Parser.ParseFrom(request.Payload);
        Assert.Equal((Collection, "k", "secret"), (payload.Collection, payload.Key, payload.Value.ToStringUtf8()));
    }

    [Fact]
    public async Task Private_hash_is_returned_as_given_by_the_peer()
    {
        var (_, response) = await OneCallAsync("ph", ["probe:PrivHash", Collection, "k"], MessageType.GetPrivateDataHash, ByteString.CopyFrom(0xAB, 0xCD));

        Assert.Equal("abcd", response.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Private_range_and_partial_key_queries_carry_the_collection()
    {
        var (range, _) = await OneCallAsync("pr", ["probe:PrivRange", Collection, "a", "b"], MessageType.GetStateByRange, ProtocolTests.Kvs());
        var (partial, _) = await OneCallAsync("ppk", ["probe:PrivPartial", Collection, "tap", "AAAA1"], MessageType.GetStateByRange, ProtocolTests.Kvs());
        var (query, _) = await OneCallAsync("pq", ["probe:PrivQuery", Collection, "{}"], MessageType.GetQueryResult, ProtocolTests.Kvs());

        Assert.Equal(Collection, GetStateByRange.Parser.ParseFrom(range.Payload).Collection);
        Assert.Equal(Collection, GetStateByRange.Parser.ParseFrom(partial.Payload).Collection);
        Assert.Equal("\0tap\0AAAA1\0", GetStateByRange.Parser.ParseFrom(partial.Payload).StartKey);
        Assert.Equal(Collection, GetQueryResult.Parser.ParseFrom(query.Payload).Collection);
    }

    [Fact]
    public async Task Private_validation_parameter_is_written_with_the_collection()
    {
        var (request, _) = await OneCallAsync("pvp", ["probe:PrivSetEndorsers", Collection, "k", "Org1MSP"], MessageType.PutStateMetadata, ByteString.Empty);

        var payload = PutStateMetadata.Parser.ParseFrom(request.Payload);
        Assert.Equal((Collection, "k", "VALIDATION_PARAMETER"), (payload.Collection, payload.Key, payload.Metadata.Metakey));
    }

    [Fact]
    public async Task Invoke_chaincode_names_chaincode_and_channel_and_reads_the_completed_response()
    {
        var completed = new ChaincodeMessage
        {
            Type = MessageType.Completed,
            Payload = new Response { Status = 200, Message = "fine", Payload = Bytes("out") }.ToByteString(),
        };

        var (request, response) = await OneCallAsync("cc", ["probe:Call", "eir", "audit", "arg1"], MessageType.InvokeChaincode, completed.ToByteString());

        var spec = ChaincodeSpec.Parser.ParseFrom(request.Payload);
        Assert.Equal("eir/audit", spec.ChaincodeId.Name);
        Assert.Equal(["Fn", "arg1"], spec.Input.Args.Select(a => a.ToStringUtf8()));
        Assert.Equal("200:fine:out", response.Payload.ToStringUtf8());
    }

    [Fact]
    public async Task Invoke_chaincode_on_the_same_channel_sends_only_the_name()
    {
        var completed = new ChaincodeMessage { Type = MessageType.Completed, Payload = new Response { Status = 500, Message = "no" }.ToByteString() };

        var (request, response) = await OneCallAsync("cc2", ["probe:Call", "eir", "", "x"], MessageType.InvokeChaincode, completed.ToByteString());

        Assert.Equal("eir", ChaincodeSpec.Parser.ParseFrom(request.Payload).ChaincodeId.Name);
        Assert.Equal("500:no:", response.Payload.ToStringUtf8());
    }
}
