using Grpc.Core;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// Who may create a transaction: the channel's Readers and Writers policies by NodeOU role, with the rules of the real
/// network's configtx.yaml (operators' admins and clients write, the regulator's admin alone writes, peers never do).
/// </summary>
public sealed class ChannelPolicyTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    private static string Id() => "asset-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<TxValidationCode> SubmitAsync(Gateway gateway, params string[] args)
    {
        var contract = gateway.GetNetwork(TestNetwork.Channel).GetContract(TestNetwork.Chaincode);
        var transaction = await contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments(args)).EndorseAsync().WaitAsync(Timeout);
        var submitted = await transaction.SubmitAsync().WaitAsync(Timeout);
        return (await submitted.GetStatusAsync().WaitAsync(Timeout)).Code;
    }

    private static void AssertRefusedByTheOrderer(SubmitException refused)
    {
        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        Assert.Contains("received unsuccessful response from orderer: status=FORBIDDEN", refused.Message, StringComparison.Ordinal);
        Assert.Contains("requires 1 of the 'Writers' sub-policies to be satisfied", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_peer_identity_reads_and_is_endorsed_but_the_orderer_refuses_it_as_a_transactions_creator()
    {
        await using var net = await TestNetwork.StartAsync();
        var peer = net.ConnectAsPeer("Org1MSP");
        var contract = peer.GetNetwork(TestNetwork.Channel).GetContract(TestNetwork.Chaincode);
        var id = Id();

        // peer/Propose is the Readers policy, which names peers: evaluating and endorsing work.
        var caller = await contract.EvaluateTransactionAsync("GetCaller").WaitAsync(Timeout);
        var transaction = await contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments(id, "peer", "1")).EndorseAsync().WaitAsync(Timeout);
        var refused = await Assert.ThrowsAsync<SubmitException>(() => transaction.SubmitAsync().WaitAsync(Timeout));

        Assert.Contains("Org1MSP", System.Text.Encoding.UTF8.GetString(caller), StringComparison.Ordinal);
        AssertRefusedByTheOrderer(refused);
        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(net.Connect("Org2MSP"), Id(), "after", "1"));
        Assert.Null(net.Network.Ledgers[TestNetwork.Channel].Store.GetTransaction(transaction.TransactionId));
    }

    [Fact]
    public async Task An_operators_admin_and_client_create_transactions()
    {
        await using var net = await TestNetwork.StartAsync();

        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(net.ConnectAsAdmin("Org2MSP"), Id(), "admin", "1"));
        Assert.Equal(TxValidationCode.Valid, await SubmitAsync(net.Connect("Org2MSP"), Id(), "client", "1"));
    }

    [Fact]
    public async Task The_regulators_admin_may_write_as_the_real_network_admits_it_but_its_client_and_peer_never_do()
    {
        await using var net = await TestNetwork.StartAsync();

        var admin = await SubmitAsync(net.ConnectAsAdmin("RegulatorMSP"), Id(), "regulator-admin", "1");
        var client = await Assert.ThrowsAsync<SubmitException>(() => SubmitAsync(net.Connect("RegulatorMSP"), Id(), "regulator-client", "1"));
        var peer = await Assert.ThrowsAsync<SubmitException>(() => SubmitAsync(net.ConnectAsPeer("RegulatorMSP"), Id(), "regulator-peer", "1"));

        Assert.Equal(TxValidationCode.Valid, admin);
        AssertRefusedByTheOrderer(client);
        AssertRefusedByTheOrderer(peer);
    }

    [Theory]
    [InlineData("Org1MSP", MSPRole.Types.MSPRoleType.Admin, true, true)]
    [InlineData("Org1MSP", MSPRole.Types.MSPRoleType.Client, true, true)]
    [InlineData("Org1MSP", MSPRole.Types.MSPRoleType.Peer, true, false)]
    [InlineData("Org1MSP", MSPRole.Types.MSPRoleType.Orderer, false, false)]
    [InlineData("RegulatorMSP", MSPRole.Types.MSPRoleType.Admin, true, true)]
    [InlineData("RegulatorMSP", MSPRole.Types.MSPRoleType.Client, true, false)]
    [InlineData("RegulatorMSP", MSPRole.Types.MSPRoleType.Peer, true, false)]
    [InlineData("Org9MSP", MSPRole.Types.MSPRoleType.Admin, false, false)]
    public void Readers_and_writers_follow_the_roles_of_the_real_networks_configtx(string mspId, MSPRole.Types.MSPRoleType role, bool reads, bool writes)
    {
        var channel = new ChannelConfig { Name = "eir", Members = ["Org1MSP", "Org2MSP"], Readers = ["RegulatorMSP"] };
        var signer = new Signer(mspId, role);

        Assert.Equal(reads, ChannelPolicies.Readers(channel).IsSatisfiedBy(signer));
        Assert.Equal(writes, ChannelPolicies.Writers(channel).IsSatisfiedBy(signer));
    }
    [Fact]
    public void Every_organisations_readers_and_writers_rules_are_those_of_the_real_networks_configtx_yaml()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Restcomm.Fabric.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }
        var yaml = File.ReadAllText(Path.Combine(root.FullName, "network", "fabric", "configtx.yaml"));
        var rules = System.Text.RegularExpressions.Regex.Matches(yaml, @"ID: (?<org>\w+)\s+MSPDir: \S+\s+Policies:\s+Readers:\s+\{ Type: Signature, Rule: ""(?<readers>[^""]+)"" \}\s+Writers:\s+\{ Type: Signature, Rule: ""(?<writers>[^""]+)"" \}")
            .ToDictionary(m => m.Groups["org"].Value, m => (Readers: m.Groups["readers"].Value, Writers: m.Groups["writers"].Value));
        // The eir channel: the operators and the regulator as a reader.
        var channel = new ChannelConfig { Name = "eir", Members = ["Org1MSP", "Org2MSP", "Org3MSP"], Readers = ["RegulatorMSP"] };
        var readers = ChannelPolicies.Readers(channel);
        var writers = ChannelPolicies.Writers(channel);

        Assert.Equal(["Org1MSP", "Org2MSP", "Org3MSP", "RegulatorMSP"], rules.Keys.Where(k => k != "OrdererMSP").Order(StringComparer.Ordinal));
        Assert.All(channel.AllOrgs, org =>
        {
            Assert.Equal(rules[org].Readers, readers.RuleOf(org));
            Assert.Equal(rules[org].Writers, writers.RuleOf(org));
        });
    }

    [Fact]
    public void Every_channel_has_the_same_organisations_on_the_dev_network_as_in_the_real_networks_configtx_yaml_and_scripts()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Restcomm.Fabric.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        var config = DevNetworkConfig.Load(Path.Combine(root.FullName, "network", "dev", "devnet.json"));
        var yaml = File.ReadAllText(Path.Combine(root.FullName, "network", "fabric", "configtx.yaml"));
        var script = File.ReadAllText(Path.Combine(root.FullName, "network", "fabric", "lib", "common.sh"));
        var ids = System.Text.RegularExpressions.Regex.Matches(yaml, @"&(?<anchor>\w+)\s+Name: (?<id>\w+)")
            .ToDictionary(m => m.Groups["anchor"].Value, m => m.Groups["id"].Value);
        var profileOf = System.Text.RegularExpressions.Regex.Matches(
                System.Text.RegularExpressions.Regex.Match(script, @"CHANNEL_PROFILE=\((?<map>[^)]*)\)").Groups["map"].Value, @"\[(?<channel>[\w-]+)\]=(?<profile>\w+)")
            .ToDictionary(m => m.Groups["channel"].Value, m => m.Groups["profile"].Value);
        var domainOf = config.Orgs.ToDictionary(o => o.Domain.Split('.')[0], o => o.MspId);
        var scriptOrgs = System.Text.RegularExpressions.Regex.Matches(
                System.Text.RegularExpressions.Regex.Match(script, @"CHANNEL_ORGS=\((?<map>[^)]*)\)").Groups["map"].Value, @"\[(?<channel>[\w-]+)\]=""(?<orgs>[^""]*)""")
            .ToDictionary(m => m.Groups["channel"].Value, m => m.Groups["orgs"].Value.Split(' ').Select(o => domainOf[o]).Order(StringComparer.Ordinal).ToList());

        Assert.Equal(config.Channels.Select(c => c.Name).Order(StringComparer.Ordinal), profileOf.Keys.Order(StringComparer.Ordinal));
        foreach (var channel in config.Channels)
        {
            var profile = System.Text.RegularExpressions.Regex.Match(yaml,
                $@"^  {profileOf[channel.Name]}:\s*$(?:\n(?!  \w).*)*?\n\s+Application:(?:\n(?!  \w).*)*?\n\s+Organizations: \[(?<orgs>[^\]]*)\]",
                System.Text.RegularExpressions.RegexOptions.Multiline);
            Assert.True(profile.Success, $"no Application organisations for profile {profileOf[channel.Name]}");
            var real = profile.Groups["orgs"].Value.Split(',').Select(a => ids[a.Trim().TrimStart('*')]).Order(StringComparer.Ordinal).ToList();
            var dev = channel.AllOrgs.Order(StringComparer.Ordinal).ToList();
            Assert.True(real.SequenceEqual(dev), $"{channel.Name}: configtx.yaml has {string.Join(",", real)}, devnet.json {string.Join(",", dev)}");
            Assert.True(scriptOrgs[channel.Name].SequenceEqual(dev), $"{channel.Name}: common.sh joins {string.Join(",", scriptOrgs[channel.Name])}");
        }

        // The regulator reads the EIR, the number registry and the audit channel, and writes none of them.
        Assert.All(new[] { "eir", "numbers", "audit" }, name => Assert.Equal(["RegulatorMSP"], config.Channels.Single(c => c.Name == name).Readers));
    }

    [Fact]
    public void Every_chaincode_is_on_the_same_channels_with_the_same_pair_collections_on_the_dev_network_as_in_the_real_networks_scripts()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Restcomm.Fabric.sln")))
        {
            root = root.Parent ?? throw new InvalidOperationException("repository root not found");
        }

        var config = DevNetworkConfig.Load(Path.Combine(root.FullName, "network", "dev", "devnet.json"));
        var script = File.ReadAllText(Path.Combine(root.FullName, "network", "fabric", "lib", "common.sh"));
        // CC_CHANNELS=( [name]="channels" ... ) and later CC_CHANNELS[name]="channels" lines.
        var real = System.Text.RegularExpressions.Regex.Matches(
                System.Text.RegularExpressions.Regex.Match(script, @"CC_CHANNELS=\((?<map>[^)]*)\)").Groups["map"].Value, @"\[(?<cc>[\w-]+)\]=""(?<channels>[^""]*)""")
            .Concat(System.Text.RegularExpressions.Regex.Matches(script, @"^CC_CHANNELS\[(?<cc>[\w-]+)\]=""(?<channels>[^""]*)""", System.Text.RegularExpressions.RegexOptions.Multiline))
            .ToDictionary(m => m.Groups["cc"].Value, m => m.Groups["channels"].Value.Split(' ').Order(StringComparer.Ordinal).ToList());
        var dev = config.Channels.SelectMany(c => c.Chaincodes.Select(cc => (Chaincode: cc.Name, Channel: c.Name)))
            .GroupBy(x => x.Chaincode).ToDictionary(g => g.Key, g => g.Select(x => x.Channel).Order(StringComparer.Ordinal).ToList());

        Assert.Equal(real.Keys.Order(StringComparer.Ordinal), dev.Keys.Order(StringComparer.Ordinal));
        foreach (var (chaincode, channels) in real)
        {
            Assert.True(channels.SequenceEqual(dev[chaincode]), $"{chaincode}: common.sh defines it on {string.Join(",", channels)}, devnet.json on {string.Join(",", dev[chaincode])}");
        }

        // The real network generates one pair collection per pair of a roaming channel's operators (common.sh
        // channel_collections); the dev network's roaming chaincode must hold exactly those, each of the pair alone.
        foreach (var channel in config.Channels.Where(c => c.Name.StartsWith("roaming-", StringComparison.Ordinal)))
        {
            var members = channel.Members.Order(StringComparer.Ordinal).ToList();
            var pairs = members.SelectMany((a, i) => members.Skip(i + 1).Select(b => $"pair-{a}-{b}")).ToList();
            var roaming = channel.Chaincodes.Single(c => c.Name == "roaming");
            Assert.Equal(pairs, roaming.Collections.Select(c => c.Name).Order(StringComparer.Ordinal));
            Assert.All(roaming.Collections, c => Assert.Equal(c.Name["pair-".Length..].Split('-'), c.Members));
        }

        Assert.Equal(["Org2MSP", "Org3MSP"], config.Channels.Single(c => c.Name == "roaming-apac").Members);
    }
}
