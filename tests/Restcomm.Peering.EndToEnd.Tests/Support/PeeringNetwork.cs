using Restcomm.Chaincode.Peering;
using Restcomm.Chaincode.Peering.Internal;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Peering.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for peering, on free 127.0.0.1 ports in a temporary folder: the peering chaincode served
/// as a CCaaS gRPC server over mutual TLS, the dev network configured from <c>network/dev/devnet.json</c> (its
/// <c>roaming-emea</c> channel, reduced to the peering chaincode and its collections) dialling it, and the REST APIs of
/// operators A (Org1MSP, the buyer), B (Org2MSP, the seller) and C (Org3MSP), each with its own store and a key with
/// <c>peering:read</c> and <c>peering:write</c>. The APIs purge expired grants every second.
/// </summary>
public sealed class PeeringNetwork : IAsyncLifetime
{
    public const string Channel = "roaming-emea";
    public const string OperatorA = "Org1MSP";
    public const string OperatorB = "Org2MSP";
    public const string OperatorC = "Org3MSP";

    private readonly InProcessDevNetwork _dev = new("peering-api-e2e");

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(60);

    internal OperatorApi A { get; private set; } = null!;

    internal OperatorApi B { get; private set; } = null!;

    internal OperatorApi C { get; private set; } = null!;

    public string KeyA { get; private set; } = "";

    public string KeyB { get; private set; } = "";

    public string KeyC { get; private set; } = "";

    public string NetworkJson => _dev.NetworkJson;

    public async Task InitializeAsync()
    {
        var config = MakeRunConfig();
        await _dev.StartChaincodeAsync(config, "peering", PeeringChaincode.Create(new PeeringPolicy()), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);

        var apis = await Task.WhenAll(StartApiAsync(OperatorA), StartApiAsync(OperatorB), StartApiAsync(OperatorC));
        (A, B, C) = (apis[0], apis[1], apis[2]);
        KeyA = await A.CreateKeyAsync("peering:read", "peering:write");
        KeyB = await B.CreateKeyAsync("peering:read", "peering:write");
        KeyC = await C.CreateKeyAsync("peering:read", "peering:write");
    }

    /// <summary>
    /// Whether any organisation's private state, or the private data store, of a peering pair collection still holds a
    /// value under a key naming <paramref name="grantId"/> (the grant's copy, its clients' secret hashes).
    /// </summary>
    public bool PairStoresHold(string grantId)
    {
        var store = _dev.Network.Ledgers[Channel].Store;
        foreach (var collection in new[] { "pair-Org1MSP-Org2MSP", "pair-Org1MSP-Org3MSP", "pair-Org2MSP-Org3MSP" })
        {
            if (new[] { OperatorA, OperatorB, OperatorC }.Any(org => store.PrivateKeys(org, "peering", collection).Any(k => k.Contains(grantId, StringComparison.Ordinal))))
            {
                return true;
            }

            if (store.PrivateRwsets("peering", collection).SelectMany(r => KVRWSet.Parser.ParseFrom(r).Writes).Any(w => !w.IsDelete && w.Key.Contains(grantId, StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Private keys <paramref name="mspId"/>'s peer holds in a peering collection.</summary>
    public IReadOnlyList<string> PrivateKeys(string mspId, string collection) => _dev.Network.Ledgers[Channel].Store.PrivateKeys(mspId, "peering", collection);

    public async Task DisposeAsync()
    {
        foreach (var api in new[] { A, B, C })
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }

        await _dev.DisposeAsync();
    }

    private Task<OperatorApi> StartApiAsync(string mspId)
    {
        var directory = Path.Combine(_dev.Root, "api", mspId.ToLowerInvariant());
        Directory.CreateDirectory(directory);
        return OperatorApi.StartAsync(mspId, directory, NetworkJson, new Dictionary<string, string> { ["Peering:PurgeInterval"] = "00:00:01" });
    }

    /// <summary>network/dev/devnet.json as <c>make run</c> uses it, reduced to roaming-emea and its peering chaincode.</summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "peering");
        var peering = Assert.Single(channel.Chaincodes);
        Assert.True(peering.TlsRequired && peering.ClientAuthRequired);
        return config;
    }
}
