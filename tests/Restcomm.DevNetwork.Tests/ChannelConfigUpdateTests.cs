using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// Channel membership by signed config updates, as Fabric's orderer takes them: a CONFIG_UPDATE broadcast to
/// <c>orderer.AtomicBroadcast/Broadcast</c>, its mod_policy <c>/Channel/Application/Admins</c> (MAJORITY of the member
/// organisations' admins) evaluated over the update's signatures. A refused update leaves the configuration, its
/// sequence and the membership as they were; an accepted one is a config block that changes who reads, writes and shares
/// pair collections at once and after a restart.
/// </summary>
public sealed class ChannelConfigUpdateTests
{
    private const string Org4 = "Org4MSP";
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    /// <summary>
    /// The test network with Org4 (material and a peer, on no channel) and roaming-emea as devnet.json has it, the three
    /// operators only: a read-only organisation is an application organisation too, with an admin that counts in the
    /// MAJORITY (as on Fabric). Its pair collections are endorsed by the pair, as the roaming chaincode's are, so two
    /// partners write their pair whatever the channel's size.
    /// </summary>
    private static Task<TestNetwork> StartWithOrg4Async() => TestNetwork.StartAsync(config =>
    {
        var channel = config.Channels.Single(c => c.Name == TestNetwork.Channel);
        channel.Readers.Clear();
        channel.Chaincodes.Single(c => c.Name == TestNetwork.Chaincode).PairEndorsement = "AND";
        config.Orgs.Add(new Configuration.OrgConfig { MspId = Org4, Domain = "org4.example.com", Gateway = $"127.0.0.1:{TestNetwork.FreePort()}" });
    });

    private static string Id() => "cfg-" + Guid.NewGuid().ToString("N")[..10];

    /// <summary>The update adding Org4 (its MSP from its own msp folder) to the channel's current configuration.</summary>
    private static async Task<ConfigUpdate> AddOrg4Async(TestNetwork net)
    {
        var config = await FetchAsync(net);
        var group = ChannelConfiguration.OrganizationFromMspFolder(Org4, Path.Combine(net.CryptoRoot, "peerOrganizations", "org4.example.com", "msp"));
        return ChannelConfiguration.AddOrganization(config, TestNetwork.Channel, Org4, group)!;
    }

    private static async Task<Config> FetchAsync(TestNetwork net)
    {
        var org1 = FabricNetworkDescription.Load(net.NetworkJson).GetOrg("Org1MSP");
        using var channel = org1.CreateConnectionOptions().CreateChannel();
        var (config, _) = await ChannelConfigUpdates.FetchConfigAsync(channel.CreateCallInvoker(), TestNetwork.Channel, org1.LoadIdentity(FabricUserRole.Admin), org1.LoadSigner(FabricUserRole.Admin)).WaitAsync(Timeout);
        return config;
    }

    /// <summary>Signs as each of <paramref name="signers"/>, then <paramref name="submitter"/>'s admin signs and submits through its own endpoint.</summary>
    private static async Task SubmitAsync(TestNetwork net, ConfigUpdate update, string submitter, params (string MspId, FabricUserRole Role)[] signers)
    {
        var description = FabricNetworkDescription.Load(net.NetworkJson);
        var envelope = ChannelConfiguration.UpdateEnvelope(update);
        foreach (var (mspId, role) in signers)
        {
            var org = description.GetOrg(mspId);
            envelope = await ChannelConfigUpdates.SignAsync(envelope, org.LoadIdentity(role), org.LoadSigner(role)).WaitAsync(Timeout);
        }

        var by = description.GetOrg(submitter);
        using var channel = by.CreateConnectionOptions().CreateChannel();
        await ChannelConfigUpdates.SubmitAsync(channel.CreateCallInvoker(), envelope, by.LoadIdentity(FabricUserRole.Admin), by.LoadSigner(FabricUserRole.Admin)).WaitAsync(Timeout);
    }

    private static void AssertUnchanged(TestNetwork net, ulong height)
    {
        var ledger = net.Network.Ledgers[TestNetwork.Channel];
        Assert.Equal(0ul, ledger.Config.Sequence);
        Assert.Equal(height, ledger.Height);
        Assert.DoesNotContain(Org4, ledger.Definition.Orgs);
        Assert.DoesNotContain(Org4, ChannelConfiguration.Organizations(ledger.Config).Keys);
    }

    [Fact]
    public async Task Block_0_holds_the_channel_configuration_with_each_members_msp_and_a_majority_of_admins_to_change_it()
    {
        await using var net = await StartWithOrg4Async();

        var config = await FetchAsync(net);

        var application = config.ChannelGroup.Groups[ChannelConfiguration.ApplicationGroup];
        Assert.Equal(0ul, config.Sequence);
        Assert.Equal(["Org1MSP", "Org2MSP", "Org3MSP"], application.Groups.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Admins", application.ModPolicy);
        var admins = ImplicitMetaPolicy.Parser.ParseFrom(application.Policies["Admins"].Policy.Value);
        Assert.Equal((ImplicitMetaPolicy.Types.Rule.Majority, "Admins"), (admins.Rule, admins.SubPolicy));
        var msp = Restcomm.Fabric.Protos.Msp.FabricMSPConfig.Parser.ParseFrom(Restcomm.Fabric.Protos.Msp.MSPConfig.Parser.ParseFrom(application.Groups["Org1MSP"].Values["MSP"].Value).Config);
        Assert.Equal("Org1MSP", msp.Name);
        Assert.Equal(File.ReadAllText(Path.Combine(net.CryptoRoot, "peerOrganizations", "org1.example.com", "ca", "ca.org1.example.com-cert.pem")), msp.RootCerts.Single().ToStringUtf8());
        Assert.True(msp.FabricNodeOus.Enable);
        Assert.Equal("admin", msp.FabricNodeOus.AdminOuIdentifier.OrganizationalUnitIdentifier);
    }

    [Fact]
    public async Task One_admins_signature_is_refused_and_the_channel_is_unchanged()
    {
        await using var net = await StartWithOrg4Async();
        var update = await AddOrg4Async(net);
        var height = net.Network.Ledgers[TestNetwork.Channel].Height;

        var refused = await Assert.ThrowsAsync<ConfigUpdateException>(() => SubmitAsync(net, update, "Org1MSP"));

        Assert.Equal(Status.BadRequest, refused.Status);
        Assert.Contains(
            "error applying config update to existing channel 'roaming-emea': error authorizing update: error validating DeltaSet: policy for [Group]  /Channel/Application not satisfied: "
            + "implicit policy evaluation failed - 1 sub-policies were satisfied, but this policy requires 2 of the 'Admins' sub-policies to be satisfied",
            refused.Message, StringComparison.Ordinal);
        AssertUnchanged(net, height);
    }

    [Fact]
    public async Task A_submitter_the_channels_Writers_do_not_name_is_forbidden_even_with_a_majority_of_signatures()
    {
        await using var net = await StartWithOrg4Async();
        var update = await AddOrg4Async(net);
        var height = net.Network.Ledgers[TestNetwork.Channel].Height;

        var refused = await Assert.ThrowsAsync<ConfigUpdateException>(() => SubmitAsync(net, update, "Org4MSP", ("Org1MSP", FabricUserRole.Admin), ("Org2MSP", FabricUserRole.Admin)));

        Assert.Equal(Status.Forbidden, refused.Status);
        Assert.Contains("requires 1 of the 'Writers' sub-policies to be satisfied: permission denied", refused.Info, StringComparison.Ordinal);
        AssertUnchanged(net, height);
    }

    [Fact]
    public async Task Two_signatures_where_one_is_a_client_are_refused_and_the_channel_is_unchanged()
    {
        await using var net = await StartWithOrg4Async();
        var update = await AddOrg4Async(net);
        var height = net.Network.Ledgers[TestNetwork.Channel].Height;

        var refused = await Assert.ThrowsAsync<ConfigUpdateException>(() => SubmitAsync(net, update, "Org1MSP", ("Org2MSP", FabricUserRole.User)));

        Assert.Contains("1 sub-policies were satisfied, but this policy requires 2 of the 'Admins' sub-policies to be satisfied", refused.Info, StringComparison.Ordinal);
        AssertUnchanged(net, height);
    }

    [Fact]
    public async Task An_msp_without_a_ca_certificate_is_refused_even_with_a_majority_and_the_channel_is_unchanged()
    {
        await using var net = await StartWithOrg4Async();
        var config = await FetchAsync(net);
        var update = ChannelConfiguration.AddOrganization(config, TestNetwork.Channel, Org4, ChannelConfiguration.Organization(Org4, [], []))!;
        var height = net.Network.Ledgers[TestNetwork.Channel].Height;

        var refused = await Assert.ThrowsAsync<ConfigUpdateException>(() => SubmitAsync(net, update, "Org1MSP", ("Org2MSP", FabricUserRole.Admin)));

        Assert.Contains("setting up the MSP manager failed: MSP Org4MSP: expected at least one CA certificate", refused.Info, StringComparison.Ordinal);
        AssertUnchanged(net, height);
        Assert.Throws<InvalidDataException>(() => ChannelConfiguration.OrganizationFromMspFolder(Org4, Path.Combine(net.CryptoRoot, "no-such-msp")));
    }

    [Fact]
    public async Task An_update_read_at_an_old_version_is_refused()
    {
        await using var net = await StartWithOrg4Async();
        var update = await AddOrg4Async(net);
        await SubmitAsync(net, update, "Org1MSP", ("Org2MSP", FabricUserRole.Admin));

        // The same update again: its read set names the application group at the version it had before.
        var refused = await Assert.ThrowsAsync<ConfigUpdateException>(() => SubmitAsync(net, update, "Org1MSP", ("Org2MSP", FabricUserRole.Admin), ("Org3MSP", FabricUserRole.Admin)));

        Assert.Contains("error validating ReadSet: proposed update requires that key [Group]  /Channel/Application be at version 0, but it is currently at version 1", refused.Info, StringComparison.Ordinal);
        Assert.Equal(1ul, net.Network.Ledgers[TestNetwork.Channel].Config.Sequence);
    }

    [Fact]
    public async Task Two_admins_add_a_member_that_writes_and_shares_a_pair_at_once_keeps_it_after_a_restart_and_three_of_four_remove_it()
    {
        await using var net = await StartWithOrg4Async();
        var ledger = net.Network.Ledgers[TestNetwork.Channel];
        var refusedBefore = await Assert.ThrowsAnyAsync<Exception>(() => net.Contract(Org4).SubmitTransactionAsync("CreateAsset", Id(), "d", "1").WaitAsync(Timeout));

        await SubmitAsync(net, await AddOrg4Async(net), "Org1MSP", ("Org3MSP", FabricUserRole.Admin));

        // A config block with sequence 1, which later blocks name as their last configuration.
        var configBlock = ledger.GetBlock(ledger.Height - 1)!;
        var envelope = ChannelConfiguration.ReadConfigBlock(configBlock)!;
        Assert.Equal(1ul, envelope.Config.Sequence);
        Assert.Equal(configBlock.Header.Number, ChannelConfiguration.LastConfigIndex(configBlock));
        Assert.NotNull(envelope.LastUpdate);
        Assert.Contains(Org4, ChannelConfiguration.Organizations((await FetchAsync(net))).Keys);

        // The newcomer writes at once, and shares a pair collection with Org1 that Org2 cannot read.
        var id = Id();
        await net.Contract(Org4).SubmitTransactionAsync("CreateAsset", id, "d", "1").WaitAsync(Timeout);
        Assert.Equal(ChannelConfiguration.LastConfigIndex(configBlock), ChannelConfiguration.LastConfigIndex(ledger.GetBlock(ledger.Height - 1)!));
        const string pair = "pair-Org1MSP-Org4MSP";
        var put = new ProposalOptions().AddArguments(pair, id).PutTransient("asset", """{"owner":"d","value":"shared"}""").WithEndorsingOrganizations("Org1MSP", Org4);
        var submitted = await net.Contract(Org4).SubmitAsync("PutPrivateAsset", put).WaitAsync(Timeout);
        Assert.Equal(TxValidationCode.Valid, (await submitted.GetStatusAsync().WaitAsync(Timeout)).Code);
        Assert.NotEmpty(await net.Contract("Org1MSP").EvaluateTransactionAsync("ReadPrivateAsset", pair, id).WaitAsync(Timeout));
        var byOrg2 = await Assert.ThrowsAsync<EvaluateException>(() => net.Contract("Org2MSP").EvaluateTransactionAsync("ReadPrivateAsset", pair, id).WaitAsync(Timeout));
        Assert.Contains("does not have read access permission", byOrg2.Message, StringComparison.Ordinal);

        await net.RestartAsync();
        ledger = net.Network.Ledgers[TestNetwork.Channel];
        Assert.Equal(1ul, ledger.Config.Sequence);
        Assert.Contains(Org4, ledger.Definition.Orgs);
        Assert.NotEmpty(await net.Contract(Org4).EvaluateTransactionAsync("ReadPrivateAsset", pair, id).WaitAsync(Timeout));

        // Leaving: MAJORITY of four is three.
        var remove = ChannelConfiguration.RemoveOrganization(await FetchAsync(net), TestNetwork.Channel, Org4)!;
        var tooFew = await Assert.ThrowsAsync<ConfigUpdateException>(() => SubmitAsync(net, remove, "Org1MSP", ("Org2MSP", FabricUserRole.Admin)));
        Assert.Contains("2 sub-policies were satisfied, but this policy requires 3 of the 'Admins' sub-policies to be satisfied", tooFew.Info, StringComparison.Ordinal);
        Assert.Contains(Org4, ledger.Definition.Orgs);
        await SubmitAsync(net, remove, "Org1MSP", ("Org2MSP", FabricUserRole.Admin), ("Org3MSP", FabricUserRole.Admin));

        Assert.Equal(2ul, ledger.Config.Sequence);
        Assert.DoesNotContain(Org4, ledger.Definition.Orgs);
        var retired = ledger.Definition.Chaincodes[TestNetwork.Chaincode].Collection(pair)!;
        Assert.Equal(["Org1MSP"], retired.Members);
        var write = await Assert.ThrowsAnyAsync<Exception>(() => net.Contract(Org4).SubmitTransactionAsync("CreateAsset", Id(), "d", "1").WaitAsync(Timeout));
        Assert.Contains("access denied", write.Message + string.Concat((write as GatewayException)?.Details.Select(d => d.Message) ?? []), StringComparison.Ordinal);
        Assert.NotEmpty(await net.Contract("Org1MSP").EvaluateTransactionAsync("ReadPrivateAsset", pair, id).WaitAsync(Timeout));
        Assert.NotNull(refusedBefore);

        await net.RestartAsync();
        Assert.DoesNotContain(Org4, net.Network.Ledgers[TestNetwork.Channel].Definition.Orgs);
        Assert.Equal(["Org1MSP"], net.Network.Ledgers[TestNetwork.Channel].Definition.Chaincodes[TestNetwork.Chaincode].Collection(pair)!.Members);
    }
}
