using System.Text;
using Restcomm.Fabric.Shim;

namespace Restcomm.DevNetwork.Tests.Support;

/// <summary>
/// A probe contract served next to the example one: plain writes and key-level endorsement policies on public and
/// private keys, so tests can drive state-based endorsement through the real shim. Organisations are comma-separated
/// MSP IDs; a policy lists the organisations whose peers must all endorse.
/// </summary>
[Contract(Name = Name)]
public sealed class KeyPolicyContract : ContractBase
{
    public const string Name = "KeyPolicy";

    [SubmitTransaction]
    public async Task Put(TransactionContext ctx, string key, string value) =>
        await ctx.Stub.PutStateAsync(key, Encoding.UTF8.GetBytes(value), ctx.CancellationToken).ConfigureAwait(false);

    /// <summary>Writes two keys in one transaction.</summary>
    [SubmitTransaction]
    public async Task PutTwo(TransactionContext ctx, string key1, string key2, string value)
    {
        await ctx.Stub.PutStateAsync(key1, Encoding.UTF8.GetBytes(value), ctx.CancellationToken).ConfigureAwait(false);
        await ctx.Stub.PutStateAsync(key2, Encoding.UTF8.GetBytes(value), ctx.CancellationToken).ConfigureAwait(false);
    }

    [EvaluateTransaction]
    public async Task<string> Get(TransactionContext ctx, string key) =>
        Encoding.UTF8.GetString(await ctx.Stub.GetStateAsync(key, ctx.CancellationToken).ConfigureAwait(false) ?? []);

    /// <summary>Reads comma-separated keys in one call; the values joined by commas (empty for a missing key).</summary>
    [EvaluateTransaction]
    public async Task<string> GetMany(TransactionContext ctx, string keys)
    {
        var values = await ctx.Stub.GetMultipleStatesAsync(keys.Split(','), ctx.CancellationToken).ConfigureAwait(false);
        return string.Join(",", values.Select(v => Encoding.UTF8.GetString(v ?? [])));
    }

    /// <summary>Writes <paramref name="count"/> keys <c>prefix-0</c>… and deletes <c>prefix-gone</c>, in one transaction.</summary>
    [SubmitTransaction]
    public async Task PutMany(TransactionContext ctx, string prefix, int count, string value)
    {
        for (var i = 0; i < count; i++)
        {
            await ctx.Stub.PutStateAsync($"{prefix}-{i}", Encoding.UTF8.GetBytes(value), ctx.CancellationToken).ConfigureAwait(false);
        }

        await ctx.Stub.DeleteStateAsync($"{prefix}-gone", ctx.CancellationToken).ConfigureAwait(false);
    }

    [SubmitTransaction]
    public async Task SetPolicy(TransactionContext ctx, string key, string orgs) =>
        await ctx.Stub.SetStateValidationParameterAsync(key, Policy(orgs), ctx.CancellationToken).ConfigureAwait(false);

    /// <summary>Creates a key and gives it a policy in the same transaction.</summary>
    [SubmitTransaction]
    public async Task PutWithPolicy(TransactionContext ctx, string key, string value, string orgs)
    {
        await ctx.Stub.PutStateAsync(key, Encoding.UTF8.GetBytes(value), ctx.CancellationToken).ConfigureAwait(false);
        await ctx.Stub.SetStateValidationParameterAsync(key, Policy(orgs), ctx.CancellationToken).ConfigureAwait(false);
    }

    [EvaluateTransaction]
    public async Task<string> GetPolicy(TransactionContext ctx, string key) =>
        Describe(await ctx.Stub.GetStateValidationParameterAsync(key, ctx.CancellationToken).ConfigureAwait(false));

    [SubmitTransaction]
    public async Task PutPrivate(TransactionContext ctx, string collection, string key, string value) =>
        await ctx.Stub.PutPrivateDataAsync(collection, key, Encoding.UTF8.GetBytes(value), ctx.CancellationToken).ConfigureAwait(false);

    [SubmitTransaction]
    public async Task PurgePrivate(TransactionContext ctx, string collection, string key) =>
        await ctx.Stub.PurgePrivateDataAsync(collection, key, ctx.CancellationToken).ConfigureAwait(false);

    [EvaluateTransaction]
    public async Task<string> GetPrivate(TransactionContext ctx, string collection, string key) =>
        Encoding.UTF8.GetString(await ctx.Stub.GetPrivateDataAsync(collection, key, ctx.CancellationToken).ConfigureAwait(false) ?? []);

    [SubmitTransaction]
    public async Task SetPrivatePolicy(TransactionContext ctx, string collection, string key, string orgs) =>
        await ctx.Stub.SetPrivateDataValidationParameterAsync(collection, key, Policy(orgs), ctx.CancellationToken).ConfigureAwait(false);

    [EvaluateTransaction]
    public async Task<string> GetPrivatePolicy(TransactionContext ctx, string collection, string key) =>
        Describe(await ctx.Stub.GetPrivateDataValidationParameterAsync(collection, key, ctx.CancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Calls <paramref name="function"/> of <paramref name="chaincode"/> on <paramref name="channel"/> (the shim sends
    /// "chaincode/channel") with comma-separated arguments; returns its payload, or fails with its message.
    /// </summary>
    [SubmitTransaction]
    public async Task<string> CallOther(TransactionContext ctx, string chaincode, string channel, string function, string args)
    {
        List<byte[]> input = [Encoding.UTF8.GetBytes(function), .. args.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Encoding.UTF8.GetBytes)];
        var response = await ctx.Stub.InvokeChaincodeAsync(chaincode, input, channel, ctx.CancellationToken).ConfigureAwait(false);
        return response.Status >= ChaincodeResponse.ErrorThreshold
            ? throw new ChaincodeException($"called chaincode failed ({response.Status}): {response.Message}")
            : Encoding.UTF8.GetString(response.Payload.Span);
    }

    private static byte[] Policy(string orgs) =>
        new KeyEndorsementPolicy().AddOrganizations(EndorserRole.Peer, orgs.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToBytes();

    private static string Describe(byte[]? policy) =>
        string.Join(",", KeyEndorsementPolicy.Parse(policy ?? []).Organizations);
}
