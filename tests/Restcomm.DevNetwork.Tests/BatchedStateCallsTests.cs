using System.Text;
using Restcomm.DevNetwork.Tests.Support;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// The batched state calls Fabric 3 peers offer in READY (WRITE_BATCH_STATE, GET_STATE_MULTIPLE), driven by the real
/// shim, which uses them when offered and falls back to one message per key when not (a 2.5 peer's READY).
/// </summary>
public sealed class BatchedStateCallsTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;

    [Fact]
    public async Task Writes_travel_in_one_write_batch_and_commit_like_single_writes()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var stub = net.Network.Chaincodes[TestNetwork.Chaincode].Handler;
        await contract.SubmitTransactionAsync("Put", "batch-gone", "old").WaitAsync(Timeout);
        var (batchesBefore, putsBefore, deletesBefore) = (stub.Handled(MessageType.WriteBatchState), stub.Handled(MessageType.PutState), stub.Handled(MessageType.DelState));

        await contract.SubmitTransactionAsync("PutMany", "batch", "25", "v").WaitAsync(Timeout);
        var read = await contract.EvaluateTransactionAsync("GetMany", string.Join(",", Enumerable.Range(0, 25).Select(i => $"batch-{i}").Append("batch-gone"))).WaitAsync(Timeout);

        Assert.Equal(1, stub.Handled(MessageType.WriteBatchState) - batchesBefore);
        Assert.Equal((putsBefore, deletesBefore), (stub.Handled(MessageType.PutState), stub.Handled(MessageType.DelState)));
        Assert.Equal(string.Join(",", Enumerable.Repeat("v", 25)) + ",", Encoding.UTF8.GetString(read));
    }

    [Fact]
    public async Task Several_keys_are_read_in_one_get_state_multiple_in_key_order_with_empty_values_for_missing_keys()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var stub = net.Network.Chaincodes[TestNetwork.Chaincode].Handler;
        await contract.SubmitTransactionAsync("PutTwo", "multi-a", "multi-b", "x").WaitAsync(Timeout);
        await contract.SubmitTransactionAsync("Put", "multi-b", "y").WaitAsync(Timeout);
        var (multipleBefore, singleBefore) = (stub.Handled(MessageType.GetStateMultiple), stub.Handled(MessageType.GetState));

        var read = await contract.EvaluateTransactionAsync("GetMany", "multi-b,missing,multi-a").WaitAsync(Timeout);

        Assert.Equal("y,,x", Encoding.UTF8.GetString(read));
        Assert.Equal(1, stub.Handled(MessageType.GetStateMultiple) - multipleBefore);
        Assert.Equal(singleBefore, stub.Handled(MessageType.GetState));
    }

    [Fact]
    public async Task Private_data_batches_keep_the_collection_membership_rules()
    {
        await using var net = await TestNetwork.StartAsync();
        var member = net.KeyPolicy("Org1MSP");
        var outsider = net.KeyPolicy("Org3MSP");

        await member.SubmitTransactionAsync("PutPrivate", "pair-Org1MSP-Org2MSP", "deal", "secret").WaitAsync(Timeout);
        var read = await member.EvaluateTransactionAsync("GetPrivate", "pair-Org1MSP-Org2MSP", "deal").WaitAsync(Timeout);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => outsider.SubmitTransactionAsync("PutPrivate", "pair-Org1MSP-Org2MSP", "deal", "forged").WaitAsync(Timeout));

        Assert.Equal("secret", Encoding.UTF8.GetString(read));
        Assert.Contains("write access permission", refused.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_offer_in_ready_the_shim_sends_one_message_per_key_as_to_a_fabric_2_5_peer()
    {
        await using var net = await TestNetwork.StartAsync(config =>
            config.ChaincodeRuntime = new Configuration.ChaincodeRuntimeConfig { UseWriteBatch = false, UseGetMultipleKeys = false });
        var contract = net.KeyPolicy("Org1MSP");
        var stub = net.Network.Chaincodes[TestNetwork.Chaincode].Handler;

        await contract.SubmitTransactionAsync("PutMany", "single", "3", "v").WaitAsync(Timeout);
        var read = await contract.EvaluateTransactionAsync("GetMany", "single-0,single-2").WaitAsync(Timeout);

        Assert.True(stub.ReadyPayload.IsEmpty);
        Assert.Equal("v,v", Encoding.UTF8.GetString(read));
        Assert.Equal((0, 0), (stub.Handled(MessageType.WriteBatchState), stub.Handled(MessageType.GetStateMultiple)));
        Assert.Equal(3, stub.Handled(MessageType.PutState));
        Assert.Equal(1, stub.Handled(MessageType.DelState));
    }
}
