using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Ledger.Testing;

/// <summary>
/// Builds committed blocks in Fabric's layout (unsigned) for tests of code that follows the ledger: endorser transactions
/// with a chaincode event and a validation code, in the block metadata's transaction filter.
/// </summary>
public sealed class BlockBuilder
{
    private readonly List<(Envelope Envelope, TxValidationCode Code)> _transactions = [];
    private readonly string _channel;
    private readonly ulong _number;

    /// <summary>Starts block <paramref name="number"/> of <paramref name="channel"/>.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="number">The block number.</param>
    public BlockBuilder(string channel, ulong number)
    {
        _channel = channel;
        _number = number;
    }

    /// <summary>Adds an endorser transaction of <paramref name="chaincode"/> that set an event (or none when <paramref name="eventName"/> is null).</summary>
    /// <param name="transactionId">The transaction ID.</param>
    /// <param name="chaincode">The chaincode that ran.</param>
    /// <param name="eventName">The event name, or null for none.</param>
    /// <param name="eventPayload">The event payload.</param>
    /// <param name="code">The validation code.</param>
    /// <param name="creatorMspId">The creator's MSP.</param>
    /// <returns>This builder.</returns>
    public BlockBuilder AddTransaction(
        string transactionId, string chaincode, string? eventName = null, ReadOnlySpan<byte> eventPayload = default,
        TxValidationCode code = TxValidationCode.Valid, string creatorMspId = "Org1MSP")
    {
        var action = new ChaincodeAction
        {
            ChaincodeId = new ChaincodeID { Name = chaincode, Version = "1.0" },
            Response = new Response { Status = 200 },
        };
        if (eventName is not null)
        {
            action.Events = new ChaincodeEvent { ChaincodeId = chaincode, TxId = transactionId, EventName = eventName, Payload = ByteString.CopyFrom(eventPayload) }.ToByteString();
        }

        var endorsed = new ChaincodeEndorsedAction { ProposalResponsePayload = new ProposalResponsePayload { Extension = action.ToByteString() }.ToByteString() };
        var transaction = new Transaction();
        transaction.Actions.Add(new TransactionAction { Payload = new ChaincodeActionPayload { Action = endorsed }.ToByteString() });
        var channelHeader = new ChannelHeader
        {
            Type = (int)HeaderType.EndorserTransaction,
            ChannelId = _channel,
            TxId = transactionId,
            Timestamp = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch),
            Extension = new ChaincodeHeaderExtension { ChaincodeId = new ChaincodeID { Name = chaincode } }.ToByteString(),
        };
        var signatureHeader = new SignatureHeader { Creator = new SerializedIdentity { Mspid = creatorMspId }.ToByteString(), Nonce = ByteString.CopyFromUtf8(transactionId) };
        var payload = new Payload
        {
            Header = new Header { ChannelHeader = channelHeader.ToByteString(), SignatureHeader = signatureHeader.ToByteString() },
            Data = transaction.ToByteString(),
        };
        _transactions.Add((new Envelope { Payload = payload.ToByteString() }, code));
        return this;
    }

    /// <summary>Adds bytes that are not an envelope, as a block keeps a malformed transaction with its invalid code.</summary>
    /// <param name="code">The validation code.</param>
    /// <returns>This builder.</returns>
    public BlockBuilder AddMalformed(TxValidationCode code = TxValidationCode.BadPayload)
    {
        _transactions.Add((new Envelope { Payload = ByteString.CopyFrom(0xFF, 0xFF, 0xFF) }, code));
        return this;
    }

    /// <summary>The block.</summary>
    /// <returns>The block, with the transaction filter in its metadata.</returns>
    public Block Build()
    {
        var block = new Block
        {
            Header = new BlockHeader { Number = _number },
            Data = new BlockData(),
            Metadata = new BlockMetadata(),
        };
        foreach (var (envelope, _) in _transactions)
        {
            block.Data.Data.Add(envelope.ToByteString());
        }

        for (var i = 0; i <= (int)BlockMetadataIndex.TransactionsFilter; i++)
        {
            block.Metadata.Metadata.Add(ByteString.Empty);
        }

        block.Metadata.Metadata[(int)BlockMetadataIndex.TransactionsFilter] = ByteString.CopyFrom(_transactions.Select(t => (byte)t.Code).ToArray());
        return block;
    }

    /// <summary>The block, read.</summary>
    /// <returns>The read block.</returns>
    public LedgerBlock Read() => LedgerBlock.Read(Build());
}
