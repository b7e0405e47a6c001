using System.Text.Json;
using Grpc.Core;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>The scenarios, end to end: the C# gateway client, the dev network, the shim's example chaincode.</summary>
public sealed class EndToEndTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    private static string Id() => "asset-" + Guid.NewGuid().ToString("N")[..8];

    private static JsonElement Json(byte[] bytes) => JsonDocument.Parse(bytes).RootElement;

    [Fact]
    public async Task Submitted_transaction_commits_and_evaluate_reads_it_back()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        var id = Id();

        var created = await contract.SubmitTransactionAsync("CreateAsset", id, "alice", "100").WaitAsync(Timeout);
        var read = await net.Contract("Org2MSP").EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout);

        Assert.Equal("alice", Json(created).GetProperty("owner").GetString());
        Assert.Equal("100", Json(read).GetProperty("value").GetString());
    }

    [Fact]
    public async Task Chaincode_error_is_reported_as_a_fabric_gateway_would()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");

        var evaluate = await Assert.ThrowsAsync<EvaluateException>(() => contract.EvaluateTransactionAsync("ReadAsset", "missing").WaitAsync(Timeout));
        var endorse = await Assert.ThrowsAsync<EndorseException>(() => contract.SubmitTransactionAsync("UpdateAsset", "missing", "x", "y").WaitAsync(Timeout));

        Assert.Equal(StatusCode.Unknown, evaluate.StatusCode);
        Assert.Contains("chaincode response 500", evaluate.Message, StringComparison.Ordinal);
        Assert.Contains("the asset missing does not exist", evaluate.Message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Aborted, endorse.StatusCode);
        Assert.Contains(endorse.Details, d => d.MspId == "Org1MSP" && d.Message.Contains("chaincode response 500", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unreachable_chaincode_server_fails_endorsement_with_the_peer_in_the_details()
    {
        await using var net = await TestNetwork.StartAsync(config => config.Channels.Add(new Configuration.ChannelConfig
        {
            Name = "down",
            Members = ["Org1MSP", "Org2MSP"],
            Chaincodes = [new Configuration.ChaincodeConfig { Name = "absent", Address = "127.0.0.1:1", EndorsementPolicy = "ANY" }],
        }));
        var contract = net.Connect("Org1MSP").GetNetwork("down").GetContract("absent");

        var error = await Assert.ThrowsAsync<EndorseException>(() => contract.SubmitTransactionAsync("Anything").WaitAsync(Timeout));

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        var detail = Assert.Single(error.Details);
        Assert.Equal("Org1MSP", detail.MspId);
        Assert.Contains("127.0.0.1:1", detail.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_conflicting_concurrent_transactions_commit_exactly_one_and_the_other_is_an_MVCC_read_conflict()
    {
        await using var net = await TestNetwork.StartAsync();
        var org1 = net.Contract("Org1MSP");
        var org2 = net.Contract("Org2MSP");
        var id = Id();
        await org1.SubmitTransactionAsync("CreateAsset", id, "alice", "1").WaitAsync(Timeout);

        // Both read the same version before either commits.
        var first = await org1.NewProposal("UpdateAsset", new ProposalOptions().AddArguments(id, "bob", "2")).EndorseAsync().WaitAsync(Timeout);
        var second = await org2.NewProposal("UpdateAsset", new ProposalOptions().AddArguments(id, "carol", "3")).EndorseAsync().WaitAsync(Timeout);
        var submitted = await Task.WhenAll(first.SubmitAsync(), second.SubmitAsync()).WaitAsync(Timeout);
        var statuses = await Task.WhenAll(submitted.Select(s => s.GetStatusAsync())).WaitAsync(Timeout);

        Assert.Single(statuses, s => s.Code == TxValidationCode.Valid);
        Assert.Single(statuses, s => s.Code == TxValidationCode.MvccReadConflict);
        var winner = statuses[0].IsSuccessful ? "bob" : "carol";
        var read = await org1.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout);
        Assert.Equal(winner, Json(read).GetProperty("owner").GetString());
    }

    [Fact]
    public async Task Private_data_is_visible_to_collection_members_and_refused_to_others()
    {
        await using var net = await TestNetwork.StartAsync();
        const string collection = "pair-Org1MSP-Org2MSP";
        var id = Id();
        var put = new ProposalOptions()
            .AddArguments(collection, id)
            .PutTransient("asset", """{"owner":"alice","value":"secret"}""")
            .WithEndorsingOrganizations("Org1MSP", "Org2MSP");

        var submitted = await net.Contract("Org1MSP").SubmitAsync("PutPrivateAsset", put).WaitAsync(Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(Timeout);
        var byOrg2 = await net.Contract("Org2MSP").EvaluateTransactionAsync("ReadPrivateAsset", collection, id).WaitAsync(Timeout);
        var byOrg3 = await Assert.ThrowsAsync<EvaluateException>(() => net.Contract("Org3MSP").EvaluateTransactionAsync("ReadPrivateAsset", collection, id).WaitAsync(Timeout));

        Assert.Equal(TxValidationCode.Valid, status.Code);
        Assert.Equal("secret", Json(byOrg2).GetProperty("value").GetString());
        Assert.Contains("does not have read access permission", byOrg3.Message, StringComparison.Ordinal);
        // Only member organisations hold the data; the public side holds its hash only.
        var ledger = net.Network.Ledgers[TestNetwork.Channel].Store;
        Assert.NotNull(ledger.GetPrivate("Org1MSP", "example", collection, id));
        Assert.NotNull(ledger.GetPrivate("Org2MSP", "example", collection, id));
        Assert.Null(ledger.GetPrivate("Org3MSP", "example", collection, id));
        Assert.NotNull(ledger.GetHashed("example", collection, Ledger.TxSimulator.HashKey(id)));
        Assert.Null(ledger.GetState("example", id));
    }

    [Fact]
    public async Task Endorsement_policy_that_needs_two_orgs_fails_with_one_and_passes_with_both()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP", TestNetwork.StrictChannel);

        var one = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(Id(), "a", "1").WithEndorsingOrganizations("Org1MSP")).WaitAsync(Timeout);
        var oneStatus = await one.GetStatusAsync().WaitAsync(Timeout);
        var both = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(Id(), "a", "1").WithEndorsingOrganizations("Org1MSP", "Org2MSP")).WaitAsync(Timeout);
        var bothStatus = await both.GetStatusAsync().WaitAsync(Timeout);
        var planned = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(Id(), "a", "1")).WaitAsync(Timeout);
        var plannedStatus = await planned.GetStatusAsync().WaitAsync(Timeout);

        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, oneStatus.Code);
        Assert.Equal(TxValidationCode.Valid, bothStatus.Code);
        Assert.Equal(TxValidationCode.Valid, plannedStatus.Code);
    }

    [Fact]
    public async Task Collection_endorsement_policy_replaces_the_chaincode_policy_for_its_writes()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        ProposalOptions Put() => new ProposalOptions()
            .AddArguments(TestNetwork.GuardedCollection, Id())
            .PutTransient("asset", """{"owner":"alice","value":"v"}""");

        // Org1 and Org2 satisfy the chaincode's MAJORITY but not the collection's AND(Org1, Org3).
        var majority = await contract.SubmitAsync("PutPrivateAsset", Put().WithEndorsingOrganizations("Org1MSP", "Org2MSP")).WaitAsync(Timeout);
        var majorityStatus = await majority.GetStatusAsync().WaitAsync(Timeout);
        var planned = await contract.SubmitAsync("PutPrivateAsset", Put()).WaitAsync(Timeout);
        var plannedStatus = await planned.GetStatusAsync().WaitAsync(Timeout);

        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, majorityStatus.Code);
        Assert.Equal(TxValidationCode.Valid, plannedStatus.Code);
    }

    [Fact]
    public async Task Write_to_an_orgs_implicit_collection_needs_only_that_orgs_endorsement()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        ProposalOptions Put(string collection, params string[] endorsers) => new ProposalOptions()
            .AddArguments(collection, Id())
            .PutTransient("asset", """{"owner":"alice","value":"v"}""")
            .WithEndorsingOrganizations(endorsers);

        // Org1 alone does not satisfy the chaincode's MAJORITY, but Fabric validates implicit-collection
        // writes against the owning org's own endorsement policy.
        var own = await contract.SubmitAsync("PutPrivateAsset", Put("_implicit_org_Org1MSP", "Org1MSP")).WaitAsync(Timeout);
        var ownStatus = await own.GetStatusAsync().WaitAsync(Timeout);
        var other = await contract.SubmitAsync("PutPrivateAsset", Put("_implicit_org_Org2MSP", "Org1MSP")).WaitAsync(Timeout);
        var otherStatus = await other.GetStatusAsync().WaitAsync(Timeout);

        Assert.Equal(TxValidationCode.Valid, ownStatus.Code);
        Assert.Equal(TxValidationCode.EndorsementPolicyFailure, otherStatus.Code);
    }

    [Fact]
    public async Task Restart_keeps_state_blocks_and_event_checkpoints()
    {
        await using var net = await TestNetwork.StartAsync();
        var id = Id();
        var committed = await net.Contract("Org1MSP").SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(id, "alice", "7")).WaitAsync(Timeout);
        var status = await committed.GetStatusAsync().WaitAsync(Timeout);
        var heightBefore = net.Network.Ledgers[TestNetwork.Channel].Height;
        var checkpointer = new InMemoryCheckpointer();
        await checkpointer.CheckpointTransactionAsync(status.BlockNumber, committed.TransactionId);

        await net.RestartAsync();
        var after = await net.Contract("Org2MSP").SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(id + "-b", "bob", "8")).WaitAsync(Timeout);
        await after.GetStatusAsync().WaitAsync(Timeout);
        var read = await net.Contract("Org2MSP").EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout);
        var network = net.Connect("Org3MSP").GetNetwork(TestNetwork.Channel);
        using var cts = new CancellationTokenSource(Timeout);
        Restcomm.Fabric.Client.CommittedChaincodeEvent? next = null;
        await foreach (var e in network.GetChaincodeEventsAsync(TestNetwork.Chaincode, new EventsOptions { Checkpoint = checkpointer }, cts.Token))
        {
            next = e;
            break;
        }

        Assert.Equal("7", Json(read).GetProperty("value").GetString());
        Assert.True(net.Network.Ledgers[TestNetwork.Channel].Height > heightBefore);
        Assert.NotNull(net.Network.Ledgers[TestNetwork.Channel].GetBlock(status.BlockNumber));
        Assert.NotNull(next);
        Assert.Equal(after.TransactionId, next.TransactionId);
    }

    [Fact]
    public async Task Chaincode_events_resume_from_a_checkpoint_without_loss_or_repeats()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        var ids = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var id = Id();
            ids.Add(id);
            await contract.SubmitTransactionAsync("CreateAsset", id, "o", i.ToString(System.Globalization.CultureInfo.InvariantCulture)).WaitAsync(Timeout);
        }
        var network = net.Connect("Org2MSP").GetNetwork(TestNetwork.Channel);
        var checkpointer = new InMemoryCheckpointer();
        var seen = new List<string>();

        // Read three events from the start, checkpointing each, then stop.
        using (var cts = new CancellationTokenSource(Timeout))
        {
            await foreach (var e in network.GetChaincodeEventsAsync(TestNetwork.Chaincode, new EventsOptions { StartBlock = 0 }, cts.Token))
            {
                seen.Add(Json(e.Payload.ToArray()).GetProperty("id").GetString()!);
                await checkpointer.CheckpointChaincodeEventAsync(e);
                if (seen.Count == 3)
                {
                    break;
                }
            }
        }
        // Resume from the checkpoint: exactly the remaining three, in order.
        using (var cts = new CancellationTokenSource(Timeout))
        {
            await foreach (var e in network.GetChaincodeEventsAsync(TestNetwork.Chaincode, new EventsOptions { Checkpoint = checkpointer }, cts.Token))
            {
                seen.Add(Json(e.Payload.ToArray()).GetProperty("id").GetString()!);
                await checkpointer.CheckpointChaincodeEventAsync(e);
                if (seen.Count == 6)
                {
                    break;
                }
            }
        }

        Assert.Equal(ids, seen);
    }

    [Fact]
    public async Task A_chaincode_server_back_after_a_transaction_failed_to_reach_it_serves_the_next_one_at_once()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.Contract("Org1MSP");
        await contract.SubmitTransactionAsync("CreateAsset", Id(), "alice", "1").WaitAsync(Timeout);
        EndorseException? whileDown = null;

        await net.RestartChaincodeAsync(async () =>
            whileDown = await Assert.ThrowsAsync<EndorseException>(() => contract.SubmitTransactionAsync("CreateAsset", Id(), "bob", "2").WaitAsync(Timeout)));
        var created = await contract.SubmitTransactionAsync("CreateAsset", Id(), "carol", "3").WaitAsync(Timeout);

        Assert.Contains(whileDown!.Details, d => d.Message.Contains("could not connect to chaincode example", StringComparison.Ordinal));
        Assert.Equal("carol", Json(created).GetProperty("owner").GetString());
    }

    [Fact]
    public async Task Stopping_the_network_ends_open_block_and_event_streams_at_once_instead_of_waiting_for_them()
    {
        await using var net = await TestNetwork.StartAsync();
        var channel = net.Connect("Org2MSP").GetNetwork(TestNetwork.Channel);
        using var cts = new CancellationTokenSource(Timeout);
        var firstBlock = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task FollowBlocksAsync()
        {
            await foreach (var _ in channel.GetBlockEventsAsync(new EventsOptions { StartBlock = 0 }, cts.Token))
            {
                firstBlock.TrySetResult();
            }
        }

        async Task FollowEventsAsync()
        {
            await foreach (var _ in channel.GetChaincodeEventsAsync(TestNetwork.Chaincode, new EventsOptions { StartBlock = 0 }, cts.Token))
            {
            }
        }

        var blocks = FollowBlocksAsync();
        var events = FollowEventsAsync();
        await net.Contract("Org1MSP").SubmitTransactionAsync("CreateAsset", Id(), "alice", "1").WaitAsync(Timeout);
        await firstBlock.Task.WaitAsync(Timeout);

        // Kestrel's graceful stop would wait 30 s for the two open streams; the network ends them itself.
        await net.Network.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var blocksEnded = await Assert.ThrowsAsync<GatewayException>(() => blocks.WaitAsync(Timeout));
        var eventsEnded = await Assert.ThrowsAsync<GatewayException>(() => events.WaitAsync(Timeout));

        // The network answers UNAVAILABLE; a duplex stream may instead see its connection reset as the host closes, which
        // the client reports as UNAVAILABLE too (an HTTP/2 INTERNAL_ERROR reset) or as CANCEL.
        Assert.False(cts.IsCancellationRequested, "the streams ended by themselves, not by the test's timeout");
        Assert.All(new[] { blocksEnded, eventsEnded }, e => Assert.True(e.StatusCode is StatusCode.Unavailable or StatusCode.Cancelled, e.ToString()));
    }

    [Fact]
    public async Task Regulator_reads_but_the_orderer_refuses_its_transactions()
    {
        await using var net = await TestNetwork.StartAsync();
        var id = Id();
        await net.Contract("Org1MSP").SubmitTransactionAsync("CreateAsset", id, "alice", "1").WaitAsync(Timeout);
        var regulator = net.Contract("RegulatorMSP");

        var read = await regulator.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Timeout);
        var refused = await Assert.ThrowsAsync<SubmitException>(() => regulator.SubmitTransactionAsync("CreateAsset", Id(), "reg", "1").WaitAsync(Timeout));

        Assert.Equal("alice", Json(read).GetProperty("owner").GetString());
        Assert.Equal(StatusCode.Aborted, refused.StatusCode);
        Assert.Contains("FORBIDDEN", refused.Message, StringComparison.Ordinal);
    }
}
