using System.Text;
using System.Text.Json;

namespace Restcomm.Fabric.Client.Tests;

/// <summary>
/// The same scenarios end to end against a running network (dev network or real Fabric) described by
/// <c>.run/network.json</c> (or the file named by <c>RESTCOMM_NETWORK_JSON</c>) with the <c>example</c> chaincode on
/// <c>roaming-emea</c>; skipped when no network runs (no file found, or nobody answers at its gateway endpoint unless
/// the file was named explicitly).
/// </summary>
public sealed class NetworkScenarioTests
{
    private const string Channel = "roaming-emea";
    private const string Chaincode = "example";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly Lazy<FabricNetworkDescription?> Description = new(Load);

    [SkippableFact]
    public async Task A_submitted_asset_can_be_evaluated_and_its_commit_status_is_valid()
    {
        using var gateway = ConnectOrSkip("Org1MSP");
        var contract = gateway.GetNetwork(Channel).GetContract(Chaincode);
        var id = NewId();

        var submitted = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(id, "Org1", "10")).WaitAsync(Bound);
        var status = await submitted.GetStatusAsync().WaitAsync(Bound);
        var read = await contract.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Bound);

        Assert.True(status.IsSuccessful);
        Assert.Contains(id, Encoding.UTF8.GetString(submitted.GetResult()), StringComparison.Ordinal);
        Assert.Equal(id, JsonDocument.Parse(read).RootElement.GetProperty("id").GetString());
    }

    [SkippableFact]
    public async Task A_failing_chaincode_surfaces_as_the_phase_exception_with_the_peer_message()
    {
        using var gateway = ConnectOrSkip("Org1MSP");
        var contract = gateway.GetNetwork(Channel).GetContract(Chaincode);
        var id = NewId();

        var evaluate = await Assert.ThrowsAsync<EvaluateException>(() => contract.EvaluateTransactionAsync("ReadAsset", id).WaitAsync(Bound));
        Assert.Contains("does not exist", evaluate.Message, StringComparison.Ordinal);

        await contract.SubmitTransactionAsync("CreateAsset", id, "Org1", "1").WaitAsync(Bound);
        var endorse = await Assert.ThrowsAsync<EndorseException>(() => contract.SubmitTransactionAsync("CreateAsset", id, "Org1", "1").WaitAsync(Bound));
        Assert.Contains(endorse.Details, d => d.Message.Contains("already exists", StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(endorse.TransactionId));
    }

    [SkippableFact]
    public async Task Private_data_from_transient_data_is_readable_by_the_pair()
    {
        using var gateway = ConnectOrSkip("Org1MSP");
        var contract = gateway.GetNetwork(Channel).GetContract(Chaincode);
        var id = NewId();
        const string collection = "pair-Org1MSP-Org2MSP";

        await contract.SubmitTransactionAsync("PutPrivateAsset", new ProposalOptions()
            .AddArguments(collection, id)
            .PutTransient("asset", "{\"owner\":\"Org1\",\"value\":\"secret\"}")
            .WithEndorsingOrganizations("Org1MSP", "Org2MSP")).WaitAsync(Bound);
        var read = await contract.EvaluateTransactionAsync("ReadPrivateAsset", new ProposalOptions()
            .AddArguments(collection, id)
            .WithTargetOrganizations("Org1MSP")).WaitAsync(Bound);

        Assert.Equal("secret", JsonDocument.Parse(read).RootElement.GetProperty("value").GetString());
    }

    [SkippableFact]
    public async Task A_chaincode_event_is_received_and_a_checkpoint_resumes_after_it()
    {
        using var gateway = ConnectOrSkip("Org1MSP");
        var network = gateway.GetNetwork(Channel);
        var contract = network.GetContract(Chaincode);
        var first = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(NewId(), "Org1", "1")).WaitAsync(Bound);
        var second = await contract.SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(NewId(), "Org1", "2")).WaitAsync(Bound);
        var firstBlock = (await first.GetStatusAsync().WaitAsync(Bound)).BlockNumber;
        await second.GetStatusAsync().WaitAsync(Bound);
        var checkpointer = new InMemoryCheckpointer();
        using var cts = new CancellationTokenSource(Bound);

        await foreach (var e in network.GetChaincodeEventsAsync(Chaincode, new EventsOptions { StartBlock = firstBlock }, cts.Token))
        {
            if (e.TransactionId == first.TransactionId)
            {
                Assert.Equal("AssetCreated", e.EventName);
                await checkpointer.CheckpointChaincodeEventAsync(e, cts.Token);
                break;
            }
        }

        await foreach (var e in network.GetChaincodeEventsAsync(Chaincode, new EventsOptions { Checkpoint = checkpointer }, cts.Token))
        {
            Assert.NotEqual(first.TransactionId, e.TransactionId);
            if (e.TransactionId == second.TransactionId)
            {
                break;
            }
        }
    }

    [SkippableFact]
    public async Task Block_events_include_a_committed_transaction()
    {
        using var gateway = ConnectOrSkip("Org1MSP");
        var network = gateway.GetNetwork(Channel);
        var submitted = await network.GetContract(Chaincode).SubmitAsync("CreateAsset", new ProposalOptions().AddArguments(NewId(), "Org1", "1")).WaitAsync(Bound);
        var status = await submitted.GetStatusAsync().WaitAsync(Bound);
        using var cts = new CancellationTokenSource(Bound);

        await foreach (var block in network.GetFilteredBlockEventsAsync(new EventsOptions { StartBlock = status.BlockNumber }, cts.Token))
        {
            Assert.Equal(status.BlockNumber, block.Number);
            Assert.Contains(block.FilteredTransactions, t => t.Txid == submitted.TransactionId);
            break;
        }

        await foreach (var block in network.GetBlockEventsAsync(new EventsOptions { StartBlock = status.BlockNumber }, cts.Token))
        {
            Assert.Equal(status.BlockNumber, block.Header.Number);
            break;
        }
    }

    private static Gateway ConnectOrSkip(string mspId)
    {
        var description = Description.Value;
        Skip.If(description is null, "No running network (.run/network.json not found).");
        Skip.If(!description!.Channels.Any(c => c.Name == Channel && c.Chaincodes.Contains(Chaincode)), $"No {Chaincode} chaincode on {Channel}.");
        var org = description.GetOrg(mspId);
        Skip.If(!Explicit && !Listening(org.GatewayEndpoint), $"No network answers at {org.GatewayEndpoint} (a stale .run/network.json?).");
        return org.Connect();
    }

    /// <summary>RESTCOMM_NETWORK_JSON names the network to test: then an unreachable one is a failure, not a skip.</summary>
    private static bool Explicit => Environment.GetEnvironmentVariable("RESTCOMM_NETWORK_JSON") is { Length: > 0 };

    private static bool Listening(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(endpoint[(colon + 1)..], out var port))
        {
            return true;
        }

        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        try
        {
            return socket.ConnectAsync(endpoint[..colon], port).Wait(TimeSpan.FromSeconds(2));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    private static FabricNetworkDescription? Load()
    {
        var path = Explicit
            ? Environment.GetEnvironmentVariable("RESTCOMM_NETWORK_JSON")
            : FabricNetworkDescription.FindFile(AppContext.BaseDirectory) ?? FabricNetworkDescription.FindFile();
        return path is null ? null : FabricNetworkDescription.Load(path);
    }

    private static string NewId() => "client-" + Guid.NewGuid().ToString("N")[..12];
}
