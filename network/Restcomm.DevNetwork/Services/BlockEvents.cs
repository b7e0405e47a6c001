using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Services;

/// <summary>Reads transactions and chaincode events back out of committed blocks.</summary>
internal static class BlockEvents
{
    public static byte[] Filter(Block block) =>
        block.Metadata.Metadata.Count > (int)BlockMetadataIndex.TransactionsFilter
            ? block.Metadata.Metadata[(int)BlockMetadataIndex.TransactionsFilter].ToByteArray()
            : [];

    /// <summary>Each transaction's ID, header type, validation code and chaincode event (if any).</summary>
    public static IEnumerable<(string TxId, HeaderType Type, TxValidationCode Code, ChaincodeEvent? Event)> Transactions(Block block)
    {
        var filter = Filter(block);
        for (var i = 0; i < block.Data.Data.Count; i++)
        {
            var code = i < filter.Length ? (TxValidationCode)filter[i] : TxValidationCode.NotValidated;
            string txId = "";
            var type = HeaderType.Message;
            ChaincodeEvent? ev = null;
            try
            {
                var env = Envelope.Parser.ParseFrom(block.Data.Data[i]);
                var payload = Payload.Parser.ParseFrom(env.Payload);
                var ch = ChannelHeader.Parser.ParseFrom(payload.Header.ChannelHeader);
                txId = ch.TxId;
                type = (HeaderType)ch.Type;
                if (type == HeaderType.EndorserTransaction)
                {
                    var tx = Transaction.Parser.ParseFrom(payload.Data);
                    var cap = ChaincodeActionPayload.Parser.ParseFrom(tx.Actions[0].Payload);
                    var prp = ProposalResponsePayload.Parser.ParseFrom(cap.Action.ProposalResponsePayload);
                    var action = ChaincodeAction.Parser.ParseFrom(prp.Extension);
                    if (!action.Events.IsEmpty)
                    {
                        ev = ChaincodeEvent.Parser.ParseFrom(action.Events);
                    }
                }
            }
            catch (Exception e) when (e is Google.Protobuf.InvalidProtocolBufferException or NullReferenceException or ArgumentOutOfRangeException)
            {
                // A malformed transaction was stored with its invalid code; it has no events.
            }
            yield return (txId, type, code, ev);
        }
    }

    /// <summary>Chaincode events of the block's valid transactions, in block order.</summary>
    public static IEnumerable<ChaincodeEvent> ChaincodeEvents(Block block) =>
        Transactions(block).Where(t => t.Code == TxValidationCode.Valid && t.Event is not null).Select(t => t.Event!);
}
