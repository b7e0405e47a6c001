using System.Security.Cryptography;
using System.Text;
using Restcomm.Fabric.Shim.Testing;

namespace Restcomm.Fabric.Shim.Tests;

public sealed class InMemoryStubTests
{
    private readonly InMemoryChaincodeStub _stub = new("eir");

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static async Task<List<string>> Keys(IAsyncEnumerable<KeyValue> results)
    {
        var keys = new List<string>();
        await foreach (var kv in results)
        {
            keys.Add(kv.Key);
        }

        return keys;
    }

    [Fact]
    public async Task State_can_be_written_read_and_deleted()
    {
        await _stub.PutStateAsync("a", Utf8("1"));

        Assert.Equal("1", Encoding.UTF8.GetString((await _stub.GetStateAsync("a"))!));
        await _stub.DeleteStateAsync("a");
        Assert.Null(await _stub.GetStateAsync("a"));
        Assert.Empty(_stub.State);
    }

    [Fact]
    public async Task Multiple_states_are_returned_in_key_order_with_null_for_absent_keys()
    {
        await _stub.PutStateAsync("a", Utf8("1"));

        var values = await _stub.GetMultipleStatesAsync(["a", "missing"]);

        Assert.Equal("1", Encoding.UTF8.GetString(values[0]!));
        Assert.Null(values[1]);
    }

    [Fact]
    public async Task Ranges_are_half_open_ordered_and_skip_composite_keys()
    {
        foreach (var key in new[] { "b", "a", "c", "d" })
        {
            await _stub.PutStateAsync(key, Utf8(key));
        }

        await _stub.PutStateAsync(_stub.CreateCompositeKey("imei", "1"), Utf8("x"));

        Assert.Equal(["b", "c"], await Keys(_stub.GetStateByRangeAsync("b", "d")));
        Assert.Equal(["a", "b", "c", "d"], await Keys(_stub.GetStateByRangeAsync("", "")));
    }

    [Fact]
    public async Task Range_pages_follow_the_bookmark_to_the_end()
    {
        for (var i = 0; i < 5; i++)
        {
            await _stub.PutStateAsync($"k{i}", Utf8("v"));
        }

        var first = await _stub.GetStateByRangeWithPaginationAsync("", "", 2, "");
        var second = await _stub.GetStateByRangeWithPaginationAsync("", "", 2, first.Bookmark);
        var third = await _stub.GetStateByRangeWithPaginationAsync("", "", 2, second.Bookmark);

        Assert.Equal(["k0", "k1"], first.Items.Select(i => i.Key));
        Assert.Equal(["k2", "k3"], second.Items.Select(i => i.Key));
        Assert.Equal(["k4"], third.Items.Select(i => i.Key));
        Assert.Equal("", third.Bookmark);
        Assert.Equal(1, third.FetchedRecordsCount);
    }

    [Fact]
    public async Task Partial_composite_key_queries_match_leading_attributes_only()
    {
        await _stub.PutStateAsync(_stub.CreateCompositeKey("tap", "AAAA1", "BBBB2", "0001"), Utf8("1"));
        await _stub.PutStateAsync(_stub.CreateCompositeKey("tap", "AAAA1", "CCCC3", "0001"), Utf8("2"));
        await _stub.PutStateAsync(_stub.CreateCompositeKey("tap", "AAAA10", "BBBB2", "0001"), Utf8("3"));
        await _stub.PutStateAsync(_stub.CreateCompositeKey("rap", "AAAA1"), Utf8("4"));

        var keys = await Keys(_stub.GetStateByPartialCompositeKeyAsync("tap", ["AAAA1"]));
        var page = await _stub.GetStateByPartialCompositeKeyWithPaginationAsync("tap", [], 2, "");

        Assert.Equal([["AAAA1", "BBBB2", "0001"], ["AAAA1", "CCCC3", "0001"]], keys.Select(k => _stub.SplitCompositeKey(k).Attributes));
        Assert.Equal(2, page.Items.Count);
        Assert.NotEqual("", page.Bookmark);
    }

    [Fact]
    public async Task Private_data_is_kept_per_collection_with_its_hash()
    {
        await _stub.PutPrivateDataAsync("pair-Org1MSP-Org2MSP", "k", Utf8("secret"));

        Assert.Null(await _stub.GetStateAsync("k"));
        Assert.Null(await _stub.GetPrivateDataAsync("other", "k"));
        Assert.Equal("secret", Encoding.UTF8.GetString((await _stub.GetPrivateDataAsync("pair-Org1MSP-Org2MSP", "k"))!));
        Assert.Equal(SHA256.HashData(Utf8("secret")), await _stub.GetPrivateDataHashAsync("pair-Org1MSP-Org2MSP", "k"));
        Assert.Single(_stub.GetPrivateState("pair-Org1MSP-Org2MSP"));
    }

    [Fact]
    public async Task Private_data_can_be_deleted_purged_and_ranged()
    {
        const string collection = "c";
        await _stub.PutPrivateDataAsync(collection, "a", Utf8("1"));
        await _stub.PutPrivateDataAsync(collection, "b", Utf8("2"));
        await _stub.PutPrivateDataAsync(collection, _stub.CreateCompositeKey("t", "x"), Utf8("3"));

        Assert.Equal(["a", "b"], await Keys(_stub.GetPrivateDataByRangeAsync(collection, "", "")));
        Assert.Single(await Keys(_stub.GetPrivateDataByPartialCompositeKeyAsync(collection, "t", [])));
        await _stub.DeletePrivateDataAsync(collection, "a");
        await _stub.PurgePrivateDataAsync(collection, "b");
        Assert.Null(await _stub.GetPrivateDataAsync(collection, "a"));
        Assert.Null(await _stub.GetPrivateDataHashAsync(collection, "b"));
    }

    [Fact]
    public async Task An_unreadable_collection_refuses_reads_like_a_non_member_peer_but_gives_hashes()
    {
        await _stub.PutPrivateDataAsync("c", "k", Utf8("secret"));
        _stub.SetCollectionReadable("c", false);

        var error = await Assert.ThrowsAsync<ChaincodeException>(() => _stub.GetPrivateDataAsync("c", "k"));

        Assert.Contains("does not have read access", error.Message, StringComparison.Ordinal);
        Assert.NotNull(await _stub.GetPrivateDataHashAsync("c", "k"));
    }

    [Fact]
    public async Task History_lists_modifications_newest_first_with_transaction_and_timestamp()
    {
        _stub.StartTransaction("f").SetTxTimestamp(DateTimeOffset.FromUnixTimeSeconds(100));
        var firstTx = _stub.TxId;
        await _stub.PutStateAsync("k", Utf8("1"));
        _stub.StartTransaction("f").SetTxTimestamp(DateTimeOffset.FromUnixTimeSeconds(200));
        await _stub.DeleteStateAsync("k");

        var history = new List<HistoryEntry>();
        await foreach (var entry in _stub.GetHistoryForKeyAsync("k"))
        {
            history.Add(entry);
        }

        Assert.Equal(2, history.Count);
        Assert.True(history[0].IsDelete);
        Assert.Equal(200, history[0].Timestamp.ToUnixTimeSeconds());
        Assert.Equal((firstTx, "1", false), (history[1].TxId, Encoding.UTF8.GetString(history[1].Value.Span), history[1].IsDelete));
    }

    [Fact]
    public async Task Validation_parameters_round_trip_through_the_key_endorsement_policy()
    {
        await _stub.PutStateAsync("k", Utf8("v"));
        await _stub.SetStateValidationParameterAsync("k", new KeyEndorsementPolicy().AddOrganizations(EndorserRole.Member, "Org2MSP", "Org1MSP").ToBytes());

        var policy = KeyEndorsementPolicy.Parse(await _stub.GetStateValidationParameterAsync("k"));

        Assert.Equal(["Org1MSP", "Org2MSP"], policy.Organizations);
        Assert.Null(await _stub.GetStateValidationParameterAsync("other"));
        await _stub.SetPrivateDataValidationParameterAsync("c", "k", policy.RemoveOrganizations("Org1MSP").ToBytes());
        Assert.Equal(["Org2MSP"], KeyEndorsementPolicy.Parse(await _stub.GetPrivateDataValidationParameterAsync("c", "k")).Organizations);
    }

    [Fact]
    public void A_transaction_has_arguments_a_fresh_id_a_timestamp_and_the_transient_map()
    {
        var clock = new FixedClock(DateTimeOffset.FromUnixTimeSeconds(1_750_000_000));
        _stub.TimeProvider = clock;

        _stub.StartTransaction("eir:Report", "490154203237518", "stolen").SetTransient("evidence", "police-report-7");
        var firstTx = _stub.TxId;
        _stub.StartTransaction("eir:Check");

        Assert.NotEqual(firstTx, _stub.TxId);
        Assert.Equal("eir:Check", _stub.FunctionName);
        Assert.Empty(_stub.Transient);
        Assert.Equal(clock.GetUtcNow(), _stub.TxTimestamp);
        _stub.StartTransaction("eir:Report", "1", "2").SetTransient("evidence", "x");
        Assert.Equal(["1", "2"], _stub.Parameters);
        Assert.Equal("x", Encoding.UTF8.GetString(_stub.Transient["evidence"]));
        Assert.Equal("eir", _stub.ChannelId);
    }

    [Fact]
    public async Task The_creator_gives_the_client_identity_with_attributes()
    {
        var identity = TestIdentity.Create("Org1MSP", "reporter1", new Dictionary<string, string> { ["role"] = "eir.reporter" }, "client");
        _stub.SetCreator(identity).StartTransaction("Whoami");

        var client = new TransactionContext(_stub).ClientIdentity;

        Assert.Equal("Org1MSP", client.MspId);
        Assert.Equal("eir.reporter", client.GetAttributeValue("role"));
        Assert.True(client.HasOrganizationalUnit("client"));
        await Task.CompletedTask;
    }

    [Fact]
    public void The_last_event_of_a_transaction_is_the_one_kept_and_a_new_transaction_clears_it()
    {
        _stub.StartTransaction("f");
        _stub.SetEvent("First", Utf8("1"));
        _stub.SetEvent("Second", Utf8("2"));

        Assert.Equal(("Second", "2"), (_stub.EventName, Encoding.UTF8.GetString(_stub.EventPayload.Span)));
        _stub.StartTransaction("g");
        Assert.Null(_stub.EventName);
    }

    [Fact]
    public async Task Rich_queries_and_chaincode_calls_use_the_handlers_given()
    {
        _stub.RichQueryHandler = (collection, query) => [new KeyValue($"{collection}|{query}", Utf8("v"))];
        _stub.InvokeChaincodeHandler = (name, args, channel) => ChaincodeResponse.Success(Utf8($"{name}/{channel}/{args.Count}"));

        Assert.Equal(["|q"], await Keys(_stub.GetQueryResultAsync("q")));
        Assert.Equal(["c|q"], await Keys(_stub.GetPrivateDataQueryResultAsync("c", "q")));
        var response = await _stub.InvokeChaincodeAsync("audit", [Utf8("Anchor")], "audit");
        Assert.Equal("audit/audit/1", Encoding.UTF8.GetString(response.Payload.Span));
    }

    [Fact]
    public async Task Empty_keys_and_composite_range_bounds_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _stub.PutStateAsync("", Utf8("v")));
        Assert.Throws<ArgumentException>(() => _stub.GetStateByRangeAsync(_stub.CreateCompositeKey("a", "b"), ""));
        await Assert.ThrowsAsync<ArgumentException>(() => _stub.GetPrivateDataAsync("", "k"));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
