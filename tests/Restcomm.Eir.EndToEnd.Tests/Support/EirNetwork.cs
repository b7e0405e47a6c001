using Restcomm.Chaincode.Eir;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Eir.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for the EIR, on free 127.0.0.1 ports in a temporary folder: the eir chaincode served as a
/// CCaaS gRPC server (with the TLS settings devnet.json gives it, from the variables the dev network prints for its
/// host), the dev network configured from <c>network/dev/devnet.json</c> (its <c>eir</c> channel, members,
/// readers and endorsement policy) dialling that server, and the REST API of operator A (Org1MSP), operator B
/// (Org2MSP) and the regulator (RegulatorMSP, a reader of the channel), each with its own store and API key.
/// The chaincode requires the writer role devnet.json gives every operator's User1 (<c>eir.reporter=true</c> in the
/// certificate, <c>EIR_WRITER_ATTRIBUTE=eir.reporter</c>), so every write also proves the attribute path; operator C
/// (Org3MSP) runs its API as an extra user without that attribute.
/// </summary>
public sealed class EirNetwork : IAsyncLifetime
{
    public const string Channel = "eir";
    public const string OperatorA = "Org1MSP";
    public const string OperatorB = "Org2MSP";
    public const string Regulator = "RegulatorMSP";
    public const string OperatorC = "Org3MSP";

    /// <summary>An Org3MSP user whose certificate carries no attributes.</summary>
    public const string UserWithoutWriterRole = "Clerk1";

    /// <summary>The writer role the chaincode requires here (<c>EIR_WRITER_ATTRIBUTE</c>).</summary>
    public const string WriterAttribute = "eir.reporter";

    private readonly InProcessDevNetwork _dev = new("eir-e2e");

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one HTTP call may take: a multi-megabyte bulk report on a loaded 2-core machine needs more than 30 s.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(90);

    internal OperatorApi A { get; private set; } = null!;

    internal OperatorApi B { get; private set; } = null!;

    internal OperatorApi RegulatorApi { get; private set; } = null!;

    /// <summary>Operator C's API acting as <see cref="UserWithoutWriterRole"/>.</summary>
    internal OperatorApi C { get; private set; } = null!;

    /// <summary>A key of operator A with eir:read and eir:write, created in A's store.</summary>
    public string KeyA { get; private set; } = "";

    /// <summary>A key of operator B with eir:read and eir:write, created in B's store.</summary>
    public string KeyB { get; private set; } = "";

    /// <summary>A key of the regulator with eir:read only, as the store allows a read-only organisation.</summary>
    public string KeyRegulator { get; private set; } = "";

    /// <summary>A key of operator C with eir:read and eir:write.</summary>
    public string KeyC { get; private set; } = "";

    public string NetworkJson => _dev.NetworkJson;

    /// <summary>Blocks committed on the eir channel so far (the next block's number).</summary>
    public long LedgerHeight => (long)_dev.Network.Ledgers[Channel].Height;

    public async Task InitializeAsync()
    {
        var config = MakeRunConfig();
        await _dev.StartChaincodeAsync(config, "eir", EirChaincode.Create(Policy), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);

        var clerk = Path.Combine(_dev.CryptoRoot, "peerOrganizations", "org3.example.com", "users", $"{UserWithoutWriterRole}@org3.example.com", "msp");
        var apis = await Task.WhenAll(
            StartApiAsync(OperatorA, new ShiftedClock()),
            StartApiAsync(OperatorB, new ShiftedClock()),
            StartApiAsync(Regulator, new ShiftedClock()),
            StartApiAsync(OperatorC, new ShiftedClock(), new Dictionary<string, string>
            {
                ["Fabric:ClientCertFile"] = Path.Combine(clerk, "signcerts", "cert.pem"),
                ["Fabric:ClientKeyFile"] = Path.Combine(clerk, "keystore", "priv_sk"),
            }));
        (A, B, RegulatorApi, C) = (apis[0], apis[1], apis[2], apis[3]);
        KeyA = await A.CreateKeyAsync("eir:read", "eir:write");
        KeyB = await B.CreateKeyAsync("eir:read", "eir:write");
        KeyRegulator = await RegulatorApi.CreateKeyAsync("eir:read");
        KeyC = await C.CreateKeyAsync("eir:read", "eir:write");
    }

    /// <summary>Stops the dev network and starts it again on the same ledger and ports (the APIs keep running).</summary>
    internal Task RestartNetworkAsync(TimeSpan down) => _dev.RestartNetworkAsync(down, Timeout);

    /// <summary>Stops the eir chaincode server and starts a new one on the same address (the network keeps running).</summary>
    internal async Task RestartChaincodeAsync(TimeSpan down, Func<Task>? whileDown = null)
    {
        await _dev.StopChaincodeAsync("eir");
        await Task.Delay(down);
        if (whileDown is not null)
        {
            await whileDown();
        }

        await _dev.StartChaincodeAgainAsync("eir", EirChaincode.Create(Policy), Timeout);
    }

    /// <summary>Stops operator B's API (its store stays on disk).</summary>
    internal async Task StopBAsync() => await B.DisposeAsync();

    /// <summary>Starts operator B's API again on the same store, network file and clock.</summary>
    internal async Task StartBAsync() => B = await StartApiAsync(OperatorB, B.Clock);

    public async Task DisposeAsync()
    {
        foreach (var api in new[] { A, B, RegulatorApi, C })
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }

        await _dev.DisposeAsync();
    }

    private static EirPolicy Policy => new()
    {
        WriterAttribute = WriterAttribute,
        MemberMsps = new HashSet<string>(StringComparer.Ordinal) { OperatorA, OperatorB, OperatorC },
    };

    private Task<OperatorApi> StartApiAsync(string mspId, ShiftedClock clock, IReadOnlyDictionary<string, string>? settings = null)
    {
        var directory = Path.Combine(_dev.Root, "api", mspId.ToLowerInvariant());
        Directory.CreateDirectory(directory);
        // Webhook receivers of the tests listen on 127.0.0.1, which an API refuses unless told otherwise.
        var merged = new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["Webhooks:AllowLoopback"] = "true" };
        return OperatorApi.StartAsync(mspId, directory, NetworkJson, clock, merged);
    }

    /// <summary>
    /// network/dev/devnet.json as <c>make run</c> uses it, reduced to the eir channel and its eir chaincode (its address
    /// is set once its server listens). Its TLS settings stay as devnet.json has them.
    /// </summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "eir");
        Assert.Single(channel.Chaincodes);
        Assert.All(config.Orgs.Where(o => o.MspId != Regulator), o => Assert.Equal("true", o.Users[0].Attributes.GetValueOrDefault(WriterAttribute)));
        config.Org(OperatorC).Users.Add(new UserConfig { Name = UserWithoutWriterRole });
        return config;
    }
}
