using System.Text;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>One transaction per stub call, so protocol tests can watch each call's messages.</summary>
[Contract(Name = "probe")]
public sealed class ProbeContract
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(byte[]? bytes) => bytes is null ? "<absent>" : Encoding.UTF8.GetString(bytes);

    private static string[] List(string csv) => csv.Length == 0 ? [] : csv.Split(',');

    private static async Task<List<string>> KeysAsync(IAsyncEnumerable<KeyValue> results)
    {
        var list = new List<string>();
        await foreach (var kv in results)
        {
            list.Add($"{kv.Key.Replace('\0', '|')}={Encoding.UTF8.GetString(kv.Value.Span)}");
        }

        return list;
    }

    private static object Page(QueryPage<KeyValue> page) => new
    {
        keys = page.Items.Select(kv => $"{kv.Key.Replace('\0', '|')}={Encoding.UTF8.GetString(kv.Value.Span)}").ToList(),
        page.Bookmark,
        count = page.FetchedRecordsCount,
    };

    [EvaluateTransaction]
    public async Task<string> Get(TransactionContext ctx, string key) => Text(await ctx.Stub.GetStateAsync(key));

    [EvaluateTransaction]
    public async Task<List<string>> GetMany(TransactionContext ctx, string keys) =>
        [.. (await ctx.Stub.GetMultipleStatesAsync(List(keys))).Select(Text)];

    [SubmitTransaction]
    public Task Put(TransactionContext ctx, string key, string value) => ctx.Stub.PutStateAsync(key, Utf8(value));

    [SubmitTransaction]
    public Task Del(TransactionContext ctx, string key) => ctx.Stub.DeleteStateAsync(key);

    [SubmitTransaction]
    public async Task PutTwice(TransactionContext ctx, string key, string first, string second)
    {
        await ctx.Stub.PutStateAsync(key, Utf8(first));
        await ctx.Stub.PutStateAsync(key, Utf8(second));
        await ctx.Stub.PutStateAsync(key + "-other", Utf8(second));
    }

    [SubmitTransaction]
    public async Task PutMany(TransactionContext ctx, string prefix, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await ctx.Stub.PutStateAsync($"{prefix}{i:D4}", Utf8("v"));
        }
    }

    [EvaluateTransaction]
    public Task<List<string>> Range(TransactionContext ctx, string start, string end) => KeysAsync(ctx.Stub.GetStateByRangeAsync(start, end));

    [EvaluateTransaction]
    public async Task<string> RangeFirst(TransactionContext ctx, string start, string end)
    {
        await foreach (var kv in ctx.Stub.GetStateByRangeAsync(start, end))
        {
            return kv.Key;
        }

        return "<none>";
    }

    [EvaluateTransaction]
    public async Task<object> RangePage(TransactionContext ctx, string start, string end, int pageSize, string bookmark) =>
        Page(await ctx.Stub.GetStateByRangeWithPaginationAsync(start, end, pageSize, bookmark));

    [EvaluateTransaction]
    public Task<List<string>> Partial(TransactionContext ctx, string objectType, string attributes) =>
        KeysAsync(ctx.Stub.GetStateByPartialCompositeKeyAsync(objectType, List(attributes)));

    [EvaluateTransaction]
    public async Task<object> PartialPage(TransactionContext ctx, string objectType, string attributes, int pageSize, string bookmark) =>
        Page(await ctx.Stub.GetStateByPartialCompositeKeyWithPaginationAsync(objectType, List(attributes), pageSize, bookmark));

    [EvaluateTransaction]
    public Task<List<string>> Query(TransactionContext ctx, string query) => KeysAsync(ctx.Stub.GetQueryResultAsync(query));

    [EvaluateTransaction]
    public async Task<object> QueryPage(TransactionContext ctx, string query, int pageSize, string bookmark) =>
        Page(await ctx.Stub.GetQueryResultWithPaginationAsync(query, pageSize, bookmark));

    [EvaluateTransaction]
    public async Task<List<string>> History(TransactionContext ctx, string key)
    {
        var list = new List<string>();
        await foreach (var entry in ctx.Stub.GetHistoryForKeyAsync(key))
        {
            list.Add($"{entry.TxId}:{Encoding.UTF8.GetString(entry.Value.Span)}:{entry.IsDelete}:{entry.Timestamp.ToUnixTimeSeconds()}");
        }

        return list;
    }

    [EvaluateTransaction]
    public async Task<string> Endorsers(TransactionContext ctx, string key)
    {
        var policy = await ctx.Stub.GetStateValidationParameterAsync(key);
        return policy is null ? "<none>" : string.Join(",", KeyEndorsementPolicy.Parse(policy).Organizations);
    }

    [SubmitTransaction]
    public Task SetEndorsers(TransactionContext ctx, string key, string orgs) =>
        ctx.Stub.SetStateValidationParameterAsync(key, new KeyEndorsementPolicy().AddOrganizations(EndorserRole.Peer, List(orgs)).ToBytes());

    [EvaluateTransaction]
    public async Task<string> PrivGet(TransactionContext ctx, string collection, string key) => Text(await ctx.Stub.GetPrivateDataAsync(collection, key));

    [EvaluateTransaction]
    public async Task<List<string>> PrivGetMany(TransactionContext ctx, string collection, string keys) =>
        [.. (await ctx.Stub.GetMultiplePrivateDataAsync(collection, List(keys))).Select(Text)];

    [EvaluateTransaction]
    public async Task<string> PrivHash(TransactionContext ctx, string collection, string key)
    {
        var hash = await ctx.Stub.GetPrivateDataHashAsync(collection, key);
        return hash is null ? "<absent>" : Convert.ToHexStringLower(hash);
    }

    [SubmitTransaction]
    public Task PrivPut(TransactionContext ctx, string collection, string key, string value) => ctx.Stub.PutPrivateDataAsync(collection, key, Utf8(value));

    [SubmitTransaction]
    public Task PrivDel(TransactionContext ctx, string collection, string key) => ctx.Stub.DeletePrivateDataAsync(collection, key);

    [SubmitTransaction]
    public Task PrivPurge(TransactionContext ctx, string collection, string key) => ctx.Stub.PurgePrivateDataAsync(collection, key);

    [EvaluateTransaction]
    public Task<List<string>> PrivRange(TransactionContext ctx, string collection, string start, string end) =>
        KeysAsync(ctx.Stub.GetPrivateDataByRangeAsync(collection, start, end));

    [EvaluateTransaction]
    public Task<List<string>> PrivPartial(TransactionContext ctx, string collection, string objectType, string attributes) =>
        KeysAsync(ctx.Stub.GetPrivateDataByPartialCompositeKeyAsync(collection, objectType, List(attributes)));

    [EvaluateTransaction]
    public Task<List<string>> PrivQuery(TransactionContext ctx, string collection, string query) =>
        KeysAsync(ctx.Stub.GetPrivateDataQueryResultAsync(collection, query));

    [EvaluateTransaction]
    public async Task<string> PrivEndorsers(TransactionContext ctx, string collection, string key)
    {
        var policy = await ctx.Stub.GetPrivateDataValidationParameterAsync(collection, key);
        return policy is null ? "<none>" : string.Join(",", KeyEndorsementPolicy.Parse(policy).Organizations);
    }

    [SubmitTransaction]
    public Task PrivSetEndorsers(TransactionContext ctx, string collection, string key, string orgs) =>
        ctx.Stub.SetPrivateDataValidationParameterAsync(collection, key, new KeyEndorsementPolicy().AddOrganizations(EndorserRole.Member, List(orgs)).ToBytes());

    [SubmitTransaction]
    public async Task<string> Call(TransactionContext ctx, string chaincode, string channel, string argument)
    {
        var response = await ctx.Stub.InvokeChaincodeAsync(chaincode, [Utf8("Fn"), Utf8(argument)], channel.Length == 0 ? null : channel);
        return $"{response.Status}:{response.Message}:{Encoding.UTF8.GetString(response.Payload.Span)}";
    }

    [EvaluateTransaction]
    public async Task<string> Two(TransactionContext ctx, string first, string second)
    {
        var values = await Task.WhenAll(ctx.Stub.GetStateAsync(first), ctx.Stub.GetStateAsync(second));
        return $"{Text(values[0])}|{Text(values[1])}";
    }

    [SubmitTransaction]
    public void Fail(string message) => throw new InvalidOperationException(message);

    [SubmitTransaction]
    public void Forbid() => throw new ChaincodeException("not allowed here", 403);

    [SubmitTransaction]
    public void Emit(TransactionContext ctx, string name, string payload) => ctx.Stub.SetEvent(name, Utf8(payload));

    [EvaluateTransaction]
    public object Info(TransactionContext ctx) => new
    {
        channel = ctx.Stub.ChannelId,
        txId = ctx.Stub.TxId,
        timestamp = ctx.Stub.TxTimestamp.ToUnixTimeSeconds(),
        transient = ctx.Stub.Transient.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={Encoding.UTF8.GetString(t.Value)}").ToList(),
        binding = Convert.ToHexStringLower(ctx.Stub.Binding.Span),
        mspId = ctx.ClientIdentity.MspId,
        hasProposal = ctx.Stub.SignedProposal is not null,
    };
}
