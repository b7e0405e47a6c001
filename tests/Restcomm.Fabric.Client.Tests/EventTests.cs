using System.Text;
using Restcomm.Fabric.Client.Tests.Support;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Orderer;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client.Tests;

public sealed class EventTests : PeerTestBase
{
    private Network Network => Gateway.GetNetwork("roaming-emea");

    [Fact]
    public async Task Chaincode_events_from_the_next_commit_include_an_event_set_by_a_submitted_transaction()
    {
        State.Chaincode = i => ChaincodeOutcome.Ok("ok", new PeerEventFactory("example", i.TransactionId, "AssetCreated", "a1").Event);
        State.Ledger.AppendEvents("example", ("old", "Old", TxValidationCode.Valid));
        using var cts = new CancellationTokenSource(Bound);
        await using var events = Network.GetChaincodeEventsAsync("example", cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync().AsTask();
        await WaitForEventRequests(1);

        var submitted = await Contract.SubmitAsync("CreateAsset").WaitAsync(Bound);

        Assert.True(await first.WaitAsync(Bound));
        var e = events.Current;
        Assert.Equal(submitted.TransactionId, e.TransactionId);
        Assert.Equal("AssetCreated", e.EventName);
        Assert.Equal("example", e.ChaincodeName);
        Assert.Equal("a1", Encoding.UTF8.GetString(e.Payload.Span));
        Assert.Equal((await submitted.GetStatusAsync().WaitAsync(Bound)).BlockNumber, e.BlockNumber);
        Assert.Equal(SeekPosition.TypeOneofCase.NextCommit, Assert.Single(State.EventRequests).StartPosition.TypeCase);
    }

    [Fact]
    public async Task Chaincode_events_from_a_given_block_start_at_that_block_and_skip_invalid_transactions()
    {
        State.Ledger.AppendEvents("example", ("t1", "E", TxValidationCode.Valid));
        State.Ledger.AppendEvents("example", ("t2", "E", TxValidationCode.Valid), ("bad", "E", TxValidationCode.MvccReadConflict), ("t3", "E", TxValidationCode.Valid));
        State.Ledger.AppendEvents("other", ("t4", "E", TxValidationCode.Valid));
        State.Ledger.AppendEvents("example", ("t5", "E", TxValidationCode.Valid));

        var received = await Take(Network.GetChaincodeEventsAsync("example", new EventsOptions { StartBlock = 2 }), 3);

        Assert.Equal(["t2", "t3", "t5"], received.Select(e => e.TransactionId));
        Assert.Equal([2UL, 2UL, 4UL], received.Select(e => e.BlockNumber));
    }

    [Fact]
    public async Task Resuming_chaincode_events_from_a_checkpoint_skips_exactly_what_was_processed()
    {
        State.Ledger.AppendEvents("example", ("a", "E", TxValidationCode.Valid), ("b", "E", TxValidationCode.Valid), ("c", "E", TxValidationCode.Valid));
        State.Ledger.AppendEvents("example", ("d", "E", TxValidationCode.Valid));
        var checkpointer = new InMemoryCheckpointer();

        // First run: process a and b, checkpointing each, then stop.
        using (var cts = new CancellationTokenSource(Bound))
        {
            var processed = 0;
            await foreach (var e in Network.GetChaincodeEventsAsync("example", new EventsOptions { StartBlock = 1, Checkpoint = checkpointer }, cts.Token))
            {
                await checkpointer.CheckpointChaincodeEventAsync(e, cts.Token);
                if (++processed == 2)
                {
                    break;
                }
            }
        }

        Assert.Equal(1UL, checkpointer.BlockNumber);
        Assert.Equal("b", checkpointer.TransactionId);

        var resumed = await Take(Network.GetChaincodeEventsAsync("example", new EventsOptions { StartBlock = 0, Checkpoint = checkpointer }), 2);

        Assert.Equal(["c", "d"], resumed.Select(e => e.TransactionId));
        var request = State.EventRequests.Last();
        Assert.Equal(1UL, request.StartPosition.Specified.Number);
        Assert.Equal("b", request.AfterTransactionId);
    }

    [Fact]
    public async Task A_checkpointed_whole_block_resumes_at_the_next_block()
    {
        State.Ledger.AppendEvents("example", ("a", "E", TxValidationCode.Valid));
        State.Ledger.AppendEvents("example", ("b", "E", TxValidationCode.Valid));
        var checkpointer = new InMemoryCheckpointer();
        await checkpointer.CheckpointBlockAsync(1);

        var resumed = await Take(Network.GetChaincodeEventsAsync("example", new EventsOptions { Checkpoint = checkpointer }), 1);

        Assert.Equal("b", Assert.Single(resumed).TransactionId);
        Assert.Null(checkpointer.TransactionId);
    }

    [Fact]
    public async Task A_file_checkpointer_survives_reopening_and_resumes_after_the_processed_event()
    {
        var path = Path.Combine(Path.GetTempPath(), "client-tests-" + Guid.NewGuid().ToString("N"), "checkpoint.json");
        try
        {
            State.Ledger.AppendEvents("example", ("a", "E", TxValidationCode.Valid), ("b", "E", TxValidationCode.Valid));
            var first = await FileCheckpointer.OpenAsync(path).WaitAsync(Bound);
            Assert.Null(first.BlockNumber);
            var firstEvent = Assert.Single(await Take(Network.GetChaincodeEventsAsync("example", new EventsOptions { StartBlock = 1, Checkpoint = first }), 1));
            await first.CheckpointChaincodeEventAsync(firstEvent).AsTask().WaitAsync(Bound);

            var reopened = await FileCheckpointer.OpenAsync(path).WaitAsync(Bound);

            Assert.Equal(1UL, reopened.BlockNumber);
            Assert.Equal("a", reopened.TransactionId);
            var next = await Take(Network.GetChaincodeEventsAsync("example", new EventsOptions { Checkpoint = reopened }), 1);
            Assert.Equal("b", Assert.Single(next).TransactionId);
            await reopened.CheckpointBlockAsync(1).AsTask().WaitAsync(Bound);
            var third = await FileCheckpointer.OpenAsync(path).WaitAsync(Bound);
            Assert.Equal(2UL, third.BlockNumber);
            Assert.Null(third.TransactionId);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task Block_events_deliver_full_blocks_from_the_start_block_with_a_well_formed_seek_info_envelope()
    {
        State.Ledger.AppendEvents("example", ("a", "E", TxValidationCode.Valid));
        State.Ledger.AppendEvents("example", ("b", "E", TxValidationCode.MvccReadConflict));

        var blocks = await Take(Network.GetBlockEventsAsync(new EventsOptions { StartBlock = 1 }), 2);

        Assert.Equal([1UL, 2UL], blocks.Select(b => b.Header.Number));
        Assert.Equal("envelope-b", blocks[1].Data.Data[0].ToStringUtf8());
        Assert.Equal((byte)TxValidationCode.MvccReadConflict, blocks[1].Metadata.Metadata[(int)BlockMetadataIndex.TransactionsFilter][0]);
        var seek = Assert.Single(State.SeekInfos);
        Assert.Equal(1UL, seek.Start.Specified.Number);
        Assert.Equal(ulong.MaxValue, seek.Stop.Specified.Number);
        Assert.Equal(SeekInfo.Types.SeekBehavior.BlockUntilReady, seek.Behavior);
    }

    [Fact]
    public async Task Block_events_without_a_start_begin_at_the_next_commit()
    {
        State.Ledger.AppendEvents("example", ("old", "E", TxValidationCode.Valid));
        using var cts = new CancellationTokenSource(Bound);
        await using var blocks = Network.GetBlockEventsAsync(cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);
        var first = blocks.MoveNextAsync().AsTask();
        while (State.SeekInfos.IsEmpty)
        {
            await Task.Delay(10, cts.Token);
        }

        var number = State.Ledger.AppendEvents("example", ("new", "E", TxValidationCode.Valid));

        Assert.True(await first.WaitAsync(Bound));
        Assert.Equal(number, blocks.Current.Header.Number);
        Assert.Equal(SeekPosition.TypeOneofCase.NextCommit, Assert.Single(State.SeekInfos).Start.TypeCase);
    }

    [Fact]
    public async Task Filtered_block_events_carry_transaction_ids_validation_codes_and_event_names()
    {
        State.Ledger.AppendEvents("example", ("a", "Created", TxValidationCode.Valid), ("b", "Created", TxValidationCode.MvccReadConflict));

        var block = Assert.Single(await Take(Network.GetFilteredBlockEventsAsync(new EventsOptions { StartBlock = 1 }), 1));

        Assert.Equal(1UL, block.Number);
        Assert.Equal(["a", "b"], block.FilteredTransactions.Select(t => t.Txid));
        Assert.Equal([TxValidationCode.Valid, TxValidationCode.MvccReadConflict], block.FilteredTransactions.Select(t => t.TxValidationCode));
        Assert.Equal("Created", block.FilteredTransactions[0].TransactionActions.ChaincodeActions[0].ChaincodeEvent.EventName);
    }

    [Fact]
    public async Task Block_and_private_data_events_carry_the_private_data_of_submitted_transactions()
    {
        var options = new ProposalOptions().PutTransient("collection", "pair-Org1MSP-Org2MSP").WithEndorsingOrganizations("Org1MSP", "Org2MSP");
        var submitted = await Contract.SubmitAsync("PutPrivate", options).WaitAsync(Bound);
        var status = await submitted.GetStatusAsync().WaitAsync(Bound);

        var checkpointer = new InMemoryCheckpointer();
        await checkpointer.CheckpointBlockAsync(status.BlockNumber - 1);
        var block = Assert.Single(await Take(Network.GetBlockAndPrivateDataEventsAsync(new EventsOptions { Checkpoint = checkpointer }), 1));

        Assert.Equal(status.BlockNumber, block.Block.Header.Number);
        Assert.Equal("pair-Org1MSP-Org2MSP", block.PrivateDataMap[0].NsPvtRwset[0].CollectionPvtRwset[0].CollectionName);
    }

    [Fact]
    public async Task A_refused_block_event_request_raises_a_gateway_exception()
    {
        var e = await Assert.ThrowsAsync<GatewayException>(
            () => Take(Gateway.GetNetwork("forbidden").GetBlockEventsAsync(new EventsOptions { StartBlock = 0 }), 1));

        Assert.Contains("Forbidden", e.Message, StringComparison.Ordinal);
    }

    private async Task WaitForEventRequests(int count)
    {
        using var cts = new CancellationTokenSource(Bound);
        while (State.EventRequests.Count < count)
        {
            await Task.Delay(10, cts.Token);
        }

        // The request is recorded before the server starts reading the ledger; give it a moment to settle.
        await Task.Delay(50, cts.Token);
    }

    private static async Task<List<T>> Take<T>(IAsyncEnumerable<T> source, int count)
    {
        using var cts = new CancellationTokenSource(Bound);
        var items = new List<T>();
        await foreach (var item in source.WithCancellation(cts.Token))
        {
            items.Add(item);
            if (items.Count == count)
            {
                break;
            }
        }

        return items;
    }

    private sealed record PeerEventFactory(string Chaincode, string TxId, string Name, string Payload)
    {
        public Protos.Peer.ChaincodeEvent Event => new() { ChaincodeId = Chaincode, TxId = TxId, EventName = Name, Payload = Google.Protobuf.ByteString.CopyFromUtf8(Payload) };
    }
}
