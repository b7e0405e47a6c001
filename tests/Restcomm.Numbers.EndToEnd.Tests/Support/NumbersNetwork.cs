using Restcomm.Chaincode.Numbers;
using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Numbers.EndToEnd.Tests.Support;

/// <summary>
/// What <c>make run</c> starts for the number registry, on free 127.0.0.1 ports in a temporary folder: the numbers
/// chaincode served as a CCaaS gRPC server over the mutual TLS devnet.json gives it, with a donor's window of
/// <see cref="PortWindow"/> (<c>NUMBERS_PORT_WINDOW</c>, so a port comes due within the test), the dev network from
/// <c>network/dev/devnet.json</c> reduced to the <c>numbers</c> channel, and the REST APIs of provider A (Org1MSP) and
/// provider B (Org2MSP), each with its own store, key and port activator.
/// </summary>
public sealed class NumbersNetwork : IAsyncLifetime
{
    public const string Channel = "numbers";
    public const string ProviderA = "Org1MSP";
    public const string ProviderB = "Org2MSP";

    /// <summary>The donor's window here: short enough that a port comes due during the test.</summary>
    public static readonly TimeSpan PortWindow = TimeSpan.FromSeconds(4);

    /// <summary>How often each API's port activator looks for due ports.</summary>
    public static readonly TimeSpan ActivationInterval = TimeSpan.FromMilliseconds(300);

    private readonly InProcessDevNetwork _dev = new("numbers-e2e");

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    internal ProviderApi A { get; private set; } = null!;

    internal ProviderApi B { get; private set; } = null!;

    public string KeyA { get; private set; } = "";

    public string KeyB { get; private set; } = "";

    public string NetworkJson => _dev.NetworkJson;

    /// <summary>Blocks committed on the numbers channel so far.</summary>
    public long LedgerHeight => (long)_dev.Network.Ledgers[Channel].Height;

    public async Task InitializeAsync()
    {
        var config = MakeRunConfig();
        await _dev.StartChaincodeAsync(config, "numbers", NumbersChaincode.Create(new NumbersPolicy { PortWindow = PortWindow }), Timeout);
        await _dev.StartNetworkAsync(config, Timeout);

        var apis = await Task.WhenAll(StartApiAsync(ProviderA), StartApiAsync(ProviderB));
        (A, B) = (apis[0], apis[1]);
        KeyA = await A.CreateKeyAsync("numbers:read", "numbers:write");
        KeyB = await B.CreateKeyAsync("numbers:read", "numbers:write");
    }

    public async Task DisposeAsync()
    {
        foreach (var api in new[] { A, B })
        {
            if (api is not null)
            {
                await api.DisposeAsync();
            }
        }

        await _dev.DisposeAsync();
    }

    private Task<ProviderApi> StartApiAsync(string mspId)
    {
        var directory = Path.Combine(_dev.Root, "api", mspId.ToLowerInvariant());
        Directory.CreateDirectory(directory);
        return ProviderApi.StartAsync(mspId, directory, NetworkJson);
    }

    /// <summary>network/dev/devnet.json as <c>make run</c> uses it, reduced to the numbers channel and its numbers chaincode.</summary>
    private static DevNetworkConfig MakeRunConfig()
    {
        var config = InProcessDevNetwork.LoadMakeRunConfig();
        config.Channels.RemoveAll(c => c.Name != Channel);
        var channel = Assert.Single(config.Channels);
        channel.Chaincodes.RemoveAll(c => c.Name != "numbers");
        Assert.Equal("127.0.0.1:7204", Assert.Single(channel.Chaincodes).Address);
        return config;
    }
}
