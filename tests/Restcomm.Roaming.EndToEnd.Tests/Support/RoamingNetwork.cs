using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Roaming.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for roaming, on free 127.0.0.1 ports in a temporary folder: the roaming chaincode served
/// as a CCaaS gRPC server over mutual TLS (with the settings devnet.json gives it, from the variables the dev network
/// prints for its host), the dev network configured from <c>network/dev/devnet.json</c> (its <c>roaming-emea</c>
/// channel with Org1–Org3 and the pair collections whose endorsement policy is the pair) dialling that server, and the
/// REST API of operators A (Org1MSP), B (Org2MSP) and C (Org3MSP), each with its own store and an API key with
/// <c>roaming:read</c>, <c>roaming:submit</c>, <c>settlement:read</c> and <c>settlement:write</c>. The chaincode requires the role attributes devnet.json gives every
/// operator's User1 (<c>roaming.submitter</c>, <c>roaming.approver</c>), so every write also proves that path.
/// </summary>
public sealed class RoamingNetwork : IAsyncLifetime
{
    public const string Channel = "roaming-emea";

    /// <summary>The second consortium of devnet.json: B and C only.</summary>
    public const string ApacChannel = "roaming-apac";
    public const string OperatorA = "Org1MSP";
    public const string OperatorB = "Org2MSP";
    public const string OperatorC = "Org3MSP";

    /// <summary>Operator D: a peer and material from the start, on no channel (devnet.json).</summary>
    public const string OperatorD = "Org4MSP";

    private readonly InProcessDevNetwork _dev = new("roaming-api-e2e");

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(60);

    internal OperatorApi A { get; private set; } = null!;

    internal OperatorApi B { get; private set; } = null!;

    internal OperatorApi C { get; private set; } = null!;

    public string KeyA { get; private set; } = "";

    public string KeyB { get; private set; } = "";

    public string KeyC { get; private set; } = "";

    public string NetworkJson => _dev.NetworkJson;

    /// <summary>Blocks committed on the channel so far (the next block's number).</summary>
    public long LedgerHeight => (long)_dev.Network.Ledgers[Channel].Height;

    /// <summary>The members of a chaincode's collection as the channel's current configuration makes them.</summary>
    public IReadOnlyList<string> CollectionMembers(string channel, string chaincode, string collection) =>
        _dev.Network.Ledgers[channel].Definition.Chaincodes[chaincode].Collection(collection)?.Members ?? [];

    /// <summary>The organisations of <paramref name="channel"/>'s current configuration.</summary>
    public IReadOnlyList<string> OrgsOf(string channel) => _dev.Network.Ledgers[channel].Definition.Orgs;

    /// <summary>Blocks committed on <paramref name="channel"/> so far.</summary>
    public long HeightOf(string channel) => (long)_dev.Network.Ledgers[channel].Height;

    /// <summary>Starts another API of <paramref name="mspId"/> on the same network, with its own store and <paramref name="settings"/>.</summary>
    internal Task<OperatorApi> StartExtraApiAsync(string mspId, IReadOnlyDictionary<string, string> settings)
    {
        var directory = Path.Combine(_dev.Root, "api", mspId.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6]);
        Directory.CreateDirectory(directory);
        return OperatorApi.StartAsync(mspId, directory, NetworkJson, settings);
    }

    public async Task InitializeAsync()
    {
        var config = MakeRunConfig();
        await _dev.StartChaincodeAsync(config, "roaming", RoamingChaincode.Create(new RoamingPolicy(), new SettlementPolicy
        {
            // As make run starts it: the channel's members; vote windows of seconds so a dispute resolves inside a test.
            Members = [OperatorA, OperatorB, OperatorC],
            MinimumVoteSeconds = 1,
        }), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);

        var apis = await Task.WhenAll(StartApiAsync(OperatorA), StartApiAsync(OperatorB), StartApiAsync(OperatorC));
        (A, B, C) = (apis[0], apis[1], apis[2]);
        KeyA = await A.CreateKeyAsync("roaming:read", "roaming:submit", "settlement:read", "settlement:write");
        KeyB = await B.CreateKeyAsync("roaming:read", "roaming:submit", "settlement:read", "settlement:write");
        KeyC = await C.CreateKeyAsync("roaming:read", "roaming:submit", "settlement:read", "settlement:write");
    }

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
        return OperatorApi.StartAsync(mspId, directory, NetworkJson);
    }

    /// <summary>
    /// network/dev/devnet.json as <c>make run</c> uses it, reduced to the two consortium channels (roaming-emea with A, B
    /// and C; roaming-apac with B and C) and their roaming chaincode (pair collections included).
    /// </summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name is not (Channel or ApacChannel));
        Assert.Equal(2, config.Channels.Count);
        foreach (var channel in config.Channels)
        {
            channel.Chaincodes.RemoveAll(c => c.Name != "roaming");
            var roaming = Assert.Single(channel.Chaincodes);
            Assert.True(roaming.TlsRequired && roaming.ClientAuthRequired);
            Assert.All(config.Orgs.Where(o => channel.Members.Contains(o.MspId)), o => Assert.Equal("true", o.Users[0].Attributes.GetValueOrDefault(RoamingPolicy.ApproverRole)));
        }

        Assert.Equal([OperatorB, OperatorC], config.Channels.Single(c => c.Name == ApacChannel).Members);
        return config;
    }
}
