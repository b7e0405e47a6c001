using Google.Protobuf;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client.Tests;

public sealed class BlockReaderTests
{
    [Fact]
    public void A_block_is_read_into_transactions_with_their_codes_ids_and_events()
    {
        var block = new BlockBuilder("eir", 7)
            .AddTransaction("tx-a", "eir", "eir.changed", [1, 2])
            .AddTransaction("tx-b", "eir", "eir.changed", [3], TxValidationCode.MvccReadConflict)
            .AddTransaction("tx-c", "example")
            .AddMalformed()
            .Read();

        Assert.Equal(7UL, block.Number);
        Assert.Equal(["tx-a", "tx-b", "tx-c", ""], block.Transactions.Select(t => t.TransactionId));
        Assert.Equal([true, false, true, false], block.Transactions.Select(t => t.IsValid));
        Assert.Equal([0, 1, 2, 3], block.Transactions.Select(t => t.Index));
        Assert.Equal(new byte[] { 1, 2 }, block.Transactions[0].ChaincodeEvent!.Payload.ToByteArray());
        Assert.Equal("eir.changed", block.Transactions[1].ChaincodeEvent!.EventName);
        Assert.Null(block.Transactions[2].ChaincodeEvent);
        Assert.Equal("example", block.Transactions[2].Envelope!.Action!.ChaincodeName);
        Assert.Null(block.Transactions[3].Envelope);
        Assert.Equal(TxValidationCode.BadPayload, block.Transactions[3].Malformed!.Code);
        Assert.Equal("Org1MSP", block.Transactions[0].Envelope!.Creator.Mspid);
    }

    [Fact]
    public void A_transaction_the_metadata_does_not_cover_is_not_validated()
    {
        var built = new BlockBuilder("eir", 1).AddTransaction("tx-a", "eir").AddTransaction("tx-b", "eir").Build();
        built.Metadata.Metadata[(int)BlockMetadataIndex.TransactionsFilter] = ByteString.CopyFrom(0);

        var block = LedgerBlock.Read(built);

        Assert.Equal([TxValidationCode.Valid, TxValidationCode.NotValidated], block.Transactions.Select(t => t.ValidationCode));
    }

    [Theory]
    [InlineData(0, TxValidationCode.NilEnvelope)]
    [InlineData(1, TxValidationCode.BadPayload)]
    [InlineData(2, TxValidationCode.BadCommonHeader)]
    public void An_unreadable_envelope_carries_the_code_a_peer_gives_it(int damage, TxValidationCode expected)
    {
        var bytes = damage switch
        {
            0 => ByteString.Empty,
            1 => new Envelope { Payload = ByteString.CopyFrom(0xFF, 0xFF) }.ToByteString(),
            _ => new Envelope { Payload = new Payload { Data = ByteString.CopyFromUtf8("no header") }.ToByteString() }.ToByteString(),
        };

        var e = Assert.Throws<MalformedTransactionException>(() => TransactionEnvelope.Read(bytes));

        Assert.Equal(expected, e.Code);
    }

    [Theory]
    [InlineData("envelope", TxValidationCode.InvalidOtherReason)]
    [InlineData("transaction", TxValidationCode.InvalidEndorserTransaction)]
    [InlineData("action payload", TxValidationCode.InvalidEndorserTransaction)]
    [InlineData("no endorsed action", TxValidationCode.InvalidEndorserTransaction)]
    [InlineData("proposal response payload", TxValidationCode.InvalidEndorserTransaction)]
    [InlineData("chaincode action", TxValidationCode.BadResponsePayload)]
    [InlineData("read/write set", TxValidationCode.BadRwset)]
    [InlineData("event", TxValidationCode.InvalidOtherReason)]
    public void Each_unreadable_layer_of_an_endorser_transaction_carries_the_code_a_fabric_2_5_peer_gives_it(string layer, TxValidationCode expected)
    {
        var garbage = ByteString.CopyFrom(0xFF, 0xFF, 0xFF);
        var chaincodeAction = new ChaincodeAction
        {
            ChaincodeId = new ChaincodeID { Name = "eir", Version = "1" },
            Response = new Response { Status = 200 },
            Results = layer == "read/write set" ? garbage : ByteString.Empty,
            Events = layer == "event" ? garbage : ByteString.Empty,
        };
        var responsePayload = new ProposalResponsePayload { Extension = layer == "chaincode action" ? garbage : chaincodeAction.ToByteString() };
        var actionPayload = new ChaincodeActionPayload
        {
            Action = layer == "no endorsed action" ? null : new ChaincodeEndorsedAction
            {
                ProposalResponsePayload = layer == "proposal response payload" ? garbage : responsePayload.ToByteString(),
            },
        };
        var transaction = new Restcomm.Fabric.Protos.Peer.Transaction();
        transaction.Actions.Add(new TransactionAction { Payload = layer == "action payload" ? garbage : actionPayload.ToByteString() });
        var header = new Header
        {
            ChannelHeader = new ChannelHeader { Type = (int)HeaderType.EndorserTransaction, ChannelId = "eir", TxId = "tx-a" }.ToByteString(),
            SignatureHeader = new SignatureHeader().ToByteString(),
        };
        var payload = new Payload { Header = header, Data = layer == "transaction" ? garbage : transaction.ToByteString() };
        var bytes = layer == "envelope" ? garbage : new Envelope { Payload = payload.ToByteString() }.ToByteString();

        var e = Assert.Throws<MalformedTransactionException>(() =>
        {
            var action = TransactionEnvelope.Read(bytes).Action!;
            _ = action.ReadWriteSet;
            _ = action.Event;
        });

        Assert.Equal(expected, e.Code);
    }

    [Fact]
    public void The_result_of_a_transaction_is_its_first_action_response_payload()
    {
        var envelope = new BlockBuilder("eir", 1).AddTransaction("tx-a", "eir").Read().Transactions[0].Envelope!;

        Assert.Equal("eir", envelope.ChannelId);
        Assert.True(envelope.IsEndorserTransaction);
        Assert.Equal("eir", envelope.HeaderExtension.ChaincodeId.Name);
        Assert.Equal(200, envelope.Action!.Response!.Status);
        Assert.Empty(envelope.Result().ToByteArray());
        Assert.Empty(envelope.Action.Namespaces());
    }
}
