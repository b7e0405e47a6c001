using System.Text.Json;
using Google.Protobuf;
using Restcomm.Eir;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Gateway.Api.Eir.Internal;

namespace Restcomm.Gateway.Tests.Eir;

public class EirBlockReaderTests
{
    [Fact]
    public void Changes_of_valid_eir_transactions_are_read_in_block_order()
    {
        var first = ChangeSet("t1", "356938035643809");
        var second = ChangeSet("t2", "490154203237518");
        var block = Block([Tx("t1", "eir", first), Tx("t2", "eir", second)], [TxValidationCode.Valid, TxValidationCode.Valid]);

        var found = EirBlockReader.ChangeSets(block, "eir");

        Assert.Equal(["t1", "t2"], found.Select(c => c.TxId));
        Assert.Equal("356938035643809", found[0].Changes.Single().Entry.Target.ToString());
    }

    [Fact]
    public void Invalidated_transactions_are_skipped()
    {
        var block = Block([Tx("t1", "eir", ChangeSet("t1", "356938035643809")), Tx("t2", "eir", ChangeSet("t2", "490154203237518"))],
            [TxValidationCode.MvccReadConflict, TxValidationCode.Valid]);

        var found = EirBlockReader.ChangeSets(block, "eir");

        Assert.Equal(["t2"], found.Select(c => c.TxId));
    }

    [Fact]
    public void Events_of_other_chaincodes_and_transactions_without_events_are_ignored()
    {
        var block = Block([Tx("t1", "example", ChangeSet("t1", "356938035643809")), Tx("t2", "eir", null)], [TxValidationCode.Valid, TxValidationCode.Valid]);

        Assert.Empty(EirBlockReader.ChangeSets(block, "eir"));
    }

    private static EirChangeSet ChangeSet(string txId, string imei)
        => new() { TxId = txId, Changes = [Entries.Reported(Entries.Black(imei))] };

    private static ByteString Tx(string txId, string chaincode, EirChangeSet? changes)
    {
        var action = new ChaincodeAction();
        if (changes is not null)
        {
            action.Events = new ChaincodeEvent
            {
                ChaincodeId = chaincode,
                TxId = txId,
                EventName = EirChangeSet.EventName,
                Payload = ByteString.CopyFrom(JsonSerializer.SerializeToUtf8Bytes(changes, EirJson.Options)),
            }.ToByteString();
        }

        var actionPayload = new ChaincodeActionPayload
        {
            Action = new ChaincodeEndorsedAction
            {
                ProposalResponsePayload = new ProposalResponsePayload { Extension = action.ToByteString() }.ToByteString(),
            },
        };
        var transaction = new Transaction { Actions = { new TransactionAction { Payload = actionPayload.ToByteString() } } };
        var payload = new Payload
        {
            Header = new Header { ChannelHeader = new ChannelHeader { Type = (int)HeaderType.EndorserTransaction, ChannelId = "eir", TxId = txId }.ToByteString() },
            Data = transaction.ToByteString(),
        };
        return new Envelope { Payload = payload.ToByteString() }.ToByteString();
    }

    private static Block Block(IReadOnlyList<ByteString> envelopes, IReadOnlyList<TxValidationCode> codes)
    {
        var block = new Block { Header = new BlockHeader { Number = 5 }, Data = new BlockData(), Metadata = new BlockMetadata() };
        block.Data.Data.AddRange(envelopes);
        block.Metadata.Metadata.Add(ByteString.Empty);
        block.Metadata.Metadata.Add(ByteString.Empty);
        block.Metadata.Metadata.Add(ByteString.CopyFrom(codes.Select(c => (byte)c).ToArray()));
        return block;
    }
}
