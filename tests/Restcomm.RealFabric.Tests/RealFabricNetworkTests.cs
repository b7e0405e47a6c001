using System.Text.Json;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// The network itself, on real Fabric 2.5 peers and orderer: what network.sh up promises
/// (channels, the example chaincode as a service, .run/network.json) and an end-to-end run of
/// Hyperledger's own Node gateway client against it.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricNetworkTests(FabricNetworkFixture network)
{
    private static readonly string[] Channels = ["roaming-emea", "roaming-apac", "eir", "numbers", "audit"];

    /// <summary>The channels the example chaincode is on (every one but the second roaming consortium).</summary>
    private static readonly string[] ExampleChannels = ["roaming-emea", "eir", "numbers", "audit"];

    private static Task<ProcessResult> CommonAsync(string script, TimeSpan timeout) =>
        Repository.BashAsync(["-c", "set -euo pipefail; source network/fabric/lib/common.sh; source network/fabric/lib/native.sh; native_check; source network/fabric/lib/lifecycle.sh; " + script], timeout);

    private static async Task<int> CommittedSequenceAsync(string channel)
    {
        var result = await CommonAsync($"committed_field {channel} example sequence", TimeSpan.FromSeconds(60));
        Assert.True(result.ExitCode == 0, result.ToString());
        return int.Parse(result.Output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [SkippableFact]
    public async Task Network_json_describes_every_org_with_credentials_that_exist_and_every_channel()
    {
        network.Require();

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.NetworkJson));
        var root = json.RootElement;
        Assert.Equal("fabric", root.GetProperty("kind").GetString());
        var orgs = root.GetProperty("orgs").EnumerateArray().ToDictionary(o => o.GetProperty("mspId").GetString()!);
        // Org4MSP appears once it has joined a consortium (RealFabricMembershipTests).
        Assert.Equal(["Org1MSP", "Org2MSP", "Org3MSP", "RegulatorMSP"], orgs.Keys.Where(k => k != "Org4MSP"));
        Assert.Equal("127.0.0.1:7051", orgs["Org1MSP"].GetProperty("gatewayEndpoint").GetString());
        Assert.Equal("127.0.0.1:13051", orgs["RegulatorMSP"].GetProperty("gatewayEndpoint").GetString());
        foreach (var org in orgs.Values)
        {
            foreach (var file in new[] { "tlsRootCertFile", "clientCertFile", "clientKeyFile", "adminCertFile", "adminKeyFile" })
            {
                var path = org.GetProperty(file).GetString()!;
                Assert.True(Path.IsPathRooted(path) && File.Exists(path), $"{file} {path}");
            }
        }

        var channels = root.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(Channels, channels.Keys);
        Assert.Equal(
            ["Org1MSP", "Org2MSP", "Org3MSP", "RegulatorMSP"],
            channels["audit"].GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(
            ["pair-Org1MSP-Org2MSP", "pair-Org1MSP-Org3MSP", "pair-Org2MSP-Org3MSP"],
            channels["roaming-emea"].GetProperty("collections").EnumerateArray().Select(m => m.GetString()).Where(n => !n!.Contains("Org4MSP", StringComparison.Ordinal)));
        Assert.Equal(["Org2MSP", "Org3MSP"], channels["roaming-apac"].GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["pair-Org2MSP-Org3MSP"], channels["roaming-apac"].GetProperty("collections").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["roaming"], channels["roaming-apac"].GetProperty("chaincodes").EnumerateArray().Select(x => x.GetString()));
        Assert.All(ExampleChannels, c => Assert.Contains("example", channels[c].GetProperty("chaincodes").EnumerateArray().Select(x => x.GetString())));
        Assert.Equal(["eir", "example"], channels["eir"].GetProperty("chaincodes").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["example", "numbers"], channels["numbers"].GetProperty("chaincodes").EnumerateArray().Select(x => x.GetString()));
    }

    [SkippableFact]
    public async Task Every_peer_has_joined_its_channels_and_the_orderer_serves_all_four()
    {
        network.Require();

        var result = await CommonAsync(
            """
            for ch in "${CHANNELS[@]}"; do
              for org in ${CHANNEL_ORGS[$ch]}; do
                as_admin "$org"; fabric_tool peer channel getinfo -c "$ch" >/dev/null 2>&1 && echo "joined $ch $org"
              done
            done
            TOOL_ENV=()
            fabric_tool osnadmin channel list -o 127.0.0.1:$ORDERER_ADMIN_PORT --ca-file "$ORDERER_TLSCA" \
              --client-cert "$ORDERER_ADMIN_TLS/client.crt" --client-key "$ORDERER_ADMIN_TLS/client.key"
            """,
            TimeSpan.FromMinutes(2));

        Assert.True(result.ExitCode == 0, result.ToString());
        foreach (var expected in new[]
        {
            "joined roaming-emea org1", "joined roaming-emea org3", "joined eir regulator", "joined numbers org2",
            "joined audit regulator", "joined audit org3",
        })
        {
            Assert.Contains(expected, result.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("joined roaming-emea regulator", result.Output, StringComparison.Ordinal);
        Assert.Contains("joined roaming-apac org2", result.Output, StringComparison.Ordinal);
        Assert.Contains("joined roaming-apac org3", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("joined roaming-apac org1", result.Output, StringComparison.Ordinal);
        foreach (var channel in Channels)
        {
            Assert.Contains($"\"name\": \"{channel}\"", result.Output, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Example_chaincode_definition_is_committed_on_every_channel()
    {
        network.Require();

        foreach (var channel in ExampleChannels)
        {
            Assert.True(await CommittedSequenceAsync(channel) >= 1, channel);
        }
    }

    [SkippableFact]
    public async Task Upgrade_bumps_the_sequence_on_every_channel_and_the_new_package_serves()
    {
        network.Require();
        var before = new Dictionary<string, int>();
        foreach (var channel in ExampleChannels)
        {
            before[channel] = await CommittedSequenceAsync(channel);
        }

        var upgrade = await Repository.BashAsync([Repository.NetworkScript, "upgrade", "example"], TimeSpan.FromMinutes(5));

        Assert.True(upgrade.ExitCode == 0, upgrade.ToString());
        foreach (var channel in ExampleChannels)
        {
            Assert.Equal(before[channel] + 1, await CommittedSequenceAsync(channel));
        }

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Repository.NetworkJson));
        var packageId = json.RootElement.GetProperty("chaincodeServers").GetProperty("example").GetProperty("packageId").GetString();
        Assert.Contains(packageId!, upgrade.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Official_node_gateway_client_drives_the_example_chaincode_end_to_end()
    {
        network.Require();
        var folder = Path.Combine(Repository.Root, "tests", "official-client");
        Skip.If(
            !Directory.Exists(Path.Combine(folder, "node_modules", "@hyperledger", "fabric-gateway")),
            "Needs Node.js and `npm ci` (or `npm install`) in tests/official-client.");

        var result = await Repository.RunAsync("node", ["check.mjs", Repository.NetworkJson], TimeSpan.FromMinutes(5), workingDirectory: folder);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ALL PASSED", result.Output, StringComparison.Ordinal);
    }
}
