using System.Security.Cryptography;
using Google.Protobuf;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client.Tests;

public sealed class TransactionParserTests
{
    private static readonly ByteString SignatureHeaderBytes = new SignatureHeader
    {
        Creator = new SerializedIdentity { Mspid = "Org1MSP", IdBytes = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(700)) }.ToByteString(),
        Nonce = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(24)),
    }.ToByteString();

    [Fact]
    public void The_result_of_a_prepared_transaction_is_found_without_the_full_parse_and_equals_the_full_readers()
    {
        var envelope = Prepared(Action(new Response { Status = 200, Payload = ByteString.CopyFromUtf8("{\"id\":\"asset1\"}") }));

        Assert.True(TransactionParser.TryScanResult(envelope.Payload, out var scanned));
        Assert.Equal(FullReader(envelope), scanned);
        Assert.Equal(FullReader(envelope), TransactionParser.Result(envelope));
    }

    [Fact]
    public void A_payload_with_its_fields_in_another_order_gives_the_same_result()
    {
        var canonical = Prepared(Action(new Response { Status = 200, Payload = ByteString.CopyFromUtf8("result") }));
        var payload = Payload.Parser.ParseFrom(canonical.Payload);
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(Payload.DataFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(payload.Data);
        output.WriteTag(Payload.HeaderFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteMessage(payload.Header);
        output.Flush();
        var reordered = new Envelope { Payload = ByteString.CopyFrom(buffer.ToArray()) };

        Assert.True(TransactionParser.TryScanResult(reordered.Payload, out var scanned));
        Assert.Equal("result", scanned.ToStringUtf8());
        Assert.Equal(FullReader(reordered), scanned);
    }

    [Fact]
    public void A_response_without_a_payload_gives_an_empty_result_as_the_full_reader_does()
    {
        var envelope = Prepared(Action(new Response { Status = 200, Message = "no payload" }));

        Assert.True(TransactionParser.TryScanResult(envelope.Payload, out var scanned));
        Assert.True(scanned.IsEmpty);
        Assert.Equal(FullReader(envelope), TransactionParser.Result(envelope));
    }

    [Fact]
    public void A_response_payload_given_twice_is_left_to_the_full_reader_which_takes_the_last()
    {
        var response = new Response { Status = 200, Payload = ByteString.CopyFromUtf8("first") }.ToByteString()
            .Concat(new Response { Payload = ByteString.CopyFromUtf8("last") }.ToByteString()).ToArray();
        using var buffer = new MemoryStream();
        new ChaincodeAction { ChaincodeId = new ChaincodeID { Name = "example" } }.WriteTo(buffer);
        var output = new CodedOutputStream(buffer);
        output.WriteTag(ChaincodeAction.ResponseFieldNumber, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(response));
        output.Flush();
        var envelope = Prepared(ByteString.CopyFrom(buffer.ToArray()));

        Assert.False(TransactionParser.TryScanResult(envelope.Payload, out _));
        Assert.Equal("last", TransactionParser.Result(envelope).ToStringUtf8());
        Assert.Equal(FullReader(envelope), TransactionParser.Result(envelope));
    }

    [Fact]
    public void A_transaction_of_another_type_or_a_truncated_one_is_refused_as_before()
    {
        var config = Prepared(Action(new Response { Status = 200, Payload = ByteString.CopyFromUtf8("x") }), HeaderType.Config);
        var whole = Prepared(Action(new Response { Status = 200, Payload = ByteString.CopyFromUtf8("x") })).Payload;
        var truncated = new Envelope { Payload = ByteString.CopyFrom(whole.Span[..^5]) };

        foreach (var envelope in new[] { config, truncated })
        {
            Assert.False(TransactionParser.TryScanResult(envelope.Payload, out _));
            Assert.Throws<InvalidDataException>(() => TransactionParser.Result(envelope));
        }
    }

    private static ByteString FullReader(Envelope envelope) => TransactionEnvelope.Read(envelope).Result();

    private static ByteString Action(Response response) => new ChaincodeAction
    {
        Results = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(120)),
        Events = ByteString.CopyFrom(RandomNumberGenerator.GetBytes(60)),
        Response = response,
        ChaincodeId = new ChaincodeID { Name = "example", Version = "1.0" },
    }.ToByteString();

    /// <summary>A prepared transaction shaped as a peer's Gateway returns it: one action, two endorsements.</summary>
    private static Envelope Prepared(ByteString chaincodeAction, HeaderType type = HeaderType.EndorserTransaction)
    {
        var responsePayload = new ProposalResponsePayload { ProposalHash = ByteString.CopyFrom(new byte[32]), Extension = chaincodeAction };
        var actionPayload = new ChaincodeActionPayload
        {
            ChaincodeProposalPayload = ByteString.CopyFromUtf8("proposal payload"),
            Action = new ChaincodeEndorsedAction { ProposalResponsePayload = responsePayload.ToByteString() },
        };
        actionPayload.Action.Endorsements.Add(new Endorsement { Endorser = SignatureHeaderBytes, Signature = ByteString.CopyFrom(new byte[71]) });
        actionPayload.Action.Endorsements.Add(new Endorsement { Endorser = SignatureHeaderBytes, Signature = ByteString.CopyFrom(new byte[70]) });
        var transaction = new Protos.Peer.Transaction();
        transaction.Actions.Add(new TransactionAction { Header = SignatureHeaderBytes, Payload = actionPayload.ToByteString() });
        var channelHeader = new ChannelHeader { Type = (int)type, ChannelId = "roaming-emea", TxId = new string('a', 64) };
        var payload = new Payload
        {
            Header = new Header { ChannelHeader = channelHeader.ToByteString(), SignatureHeader = SignatureHeaderBytes },
            Data = transaction.ToByteString(),
        };
        return new Envelope { Payload = payload.ToByteString() };
    }
}
