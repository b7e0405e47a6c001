using System.Text;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// How private data leaves the peers, as on Fabric 2.5: <c>PurgePrivateData</c> removes a key from private and hashed
/// state and every earlier version from the private data store; a collection's <c>blockToLive</c> expires data
/// written in block b when block b + blockToLive + 1 commits.
/// </summary>
public sealed class PrivateDataLifetimeTests
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;
    private const string Pair = "pair-Org1MSP-Org2MSP";

    private static string Key() => "k-" + Guid.NewGuid().ToString("N")[..8];

    private static async Task<CommitStatus> SubmitAsync(Contract contract, string function, params string[] args)
    {
        var submitted = await contract.SubmitAsync(function, new ProposalOptions().AddArguments(args).WithEndorsingOrganizations("Org1MSP", "Org2MSP")).WaitAsync(Timeout);
        var status = await submitted.GetStatusAsync().WaitAsync(Timeout);
        Assert.Equal(TxValidationCode.Valid, status.Code);
        return status;
    }

    private static async Task<string> ReadAsync(Contract contract, string collection, string key) =>
        Encoding.UTF8.GetString(await contract.EvaluateTransactionAsync("GetPrivate", collection, key).WaitAsync(Timeout));

    private static bool StoreHolds(TestNetwork net, string collection, string key, string value)
    {
        var store = net.Network.Ledgers[TestNetwork.Channel].Store;
        return store.PrivateRwsets(TestNetwork.Chaincode, collection)
            .SelectMany(r => KVRWSet.Parser.ParseFrom(r).Writes)
            .Any(w => w.Key == key && w.Value.ToStringUtf8() == value);
    }

    [Fact]
    public async Task Purged_private_data_is_gone_from_every_members_state_and_from_the_private_data_store()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        var other = Key();
        await SubmitAsync(contract, "PutPrivate", Pair, key, "first");
        await SubmitAsync(contract, "PutPrivate", Pair, key, "second");
        await SubmitAsync(contract, "PutPrivate", Pair, other, "kept");
        Assert.True(StoreHolds(net, Pair, key, "first"));

        await SubmitAsync(contract, "PurgePrivate", Pair, key);

        var store = net.Network.Ledgers[TestNetwork.Channel].Store;
        Assert.DoesNotContain(key, store.PrivateKeys("Org1MSP", TestNetwork.Chaincode, Pair));
        Assert.DoesNotContain(key, store.PrivateKeys("Org2MSP", TestNetwork.Chaincode, Pair));
        Assert.Null(store.GetHashed(TestNetwork.Chaincode, Pair, Ledger.TxSimulator.HashKey(key)));
        Assert.False(StoreHolds(net, Pair, key, "first"));
        Assert.False(StoreHolds(net, Pair, key, "second"));
        Assert.True(StoreHolds(net, Pair, other, "kept"));
        Assert.Equal("", await ReadAsync(net.KeyPolicy("Org2MSP"), Pair, key));
        Assert.Equal("kept", await ReadAsync(net.KeyPolicy("Org2MSP"), Pair, other));
    }

    [Fact]
    public async Task Private_data_with_a_block_to_live_of_one_is_readable_one_block_later_and_gone_when_the_next_commits()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        const string Short = TestNetwork.ShortLivedCollection;
        var store = net.Network.Ledgers[TestNetwork.Channel].Store;

        // Each submit waits for its commit before the next, so each transaction has a block of its own.
        var written = await SubmitAsync(contract, "PutPrivate", Short, key, "brief");
        var next = await SubmitAsync(contract, "Put", Key(), "tick");
        var heldOneBlockLater = await ReadAsync(contract, Short, key);
        var expiring = await SubmitAsync(contract, "Put", Key(), "tock");

        Assert.Equal((written.BlockNumber + 1, written.BlockNumber + 2), (next.BlockNumber, expiring.BlockNumber));
        Assert.Equal("brief", heldOneBlockLater);
        Assert.DoesNotContain(key, store.PrivateKeys("Org1MSP", TestNetwork.Chaincode, Short));
        Assert.DoesNotContain(key, store.PrivateKeys("Org2MSP", TestNetwork.Chaincode, Short));
        Assert.Null(store.GetHashed(TestNetwork.Chaincode, Short, Ledger.TxSimulator.HashKey(key)));
        Assert.False(StoreHolds(net, Short, key, "brief"));
        Assert.Equal("", await ReadAsync(contract, Short, key));
    }

    [Fact]
    public async Task A_private_key_written_again_lives_block_to_live_blocks_from_its_new_version()
    {
        await using var net = await TestNetwork.StartAsync();
        var contract = net.KeyPolicy("Org1MSP");
        var key = Key();
        const string Short = TestNetwork.ShortLivedCollection;
        var store = net.Network.Ledgers[TestNetwork.Channel].Store;

        var first = await SubmitAsync(contract, "PutPrivate", Short, key, "v1");
        var second = await SubmitAsync(contract, "PutPrivate", Short, key, "v2");
        var firstExpiry = await SubmitAsync(contract, "Put", Key(), "tick");
        var readAfterFirstExpiry = await ReadAsync(contract, Short, key);
        var secondExpiry = await SubmitAsync(contract, "Put", Key(), "tock");

        Assert.Equal((first.BlockNumber + 1, first.BlockNumber + 2, first.BlockNumber + 3), (second.BlockNumber, firstExpiry.BlockNumber, secondExpiry.BlockNumber));
        Assert.Equal("v2", readAfterFirstExpiry);
        Assert.False(StoreHolds(net, Short, key, "v1"));
        Assert.DoesNotContain(key, store.PrivateKeys("Org2MSP", TestNetwork.Chaincode, Short));
        Assert.False(StoreHolds(net, Short, key, "v2"));
    }
}
