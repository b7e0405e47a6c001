using System.Text.Json;
using Restcomm.Eir;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Gateway.Api.Eir.Internal;

/// <summary>Finds the <c>eir.changed</c> events of a block's valid transactions.</summary>
/// <remarks>Public so that its parsing of Fabric blocks can be tested on hand-built blocks.</remarks>
public static class EirBlockReader
{
    public static IReadOnlyList<EirChangeSet> ChangeSets(Block block, string chaincodeName)
    {
        var found = new List<EirChangeSet>();
        var metadata = block.Metadata?.Metadata;
        var filter = metadata is { Count: > (int)BlockMetadataIndex.TransactionsFilter }
            ? metadata[(int)BlockMetadataIndex.TransactionsFilter].Span
            : [];
        var data = block.Data?.Data;
        if (data is null)
        {
            return found;
        }

        for (var i = 0; i < data.Count; i++)
        {
            // Invalid transactions (MVCC conflicts, failed endorsement policy) stay in the block but changed nothing.
            if (i < filter.Length && filter[i] != (byte)TxValidationCode.Valid)
            {
                continue;
            }

            var payload = Payload.Parser.ParseFrom(Envelope.Parser.ParseFrom(data[i]).Payload);
            if (payload.Header is null || ChannelHeader.Parser.ParseFrom(payload.Header.ChannelHeader).Type != (int)HeaderType.EndorserTransaction)
            {
                continue;
            }

            foreach (var action in Transaction.Parser.ParseFrom(payload.Data).Actions)
            {
                var endorsed = ChaincodeActionPayload.Parser.ParseFrom(action.Payload).Action;
                if (endorsed is null)
                {
                    continue;
                }

                var chaincodeAction = ChaincodeAction.Parser.ParseFrom(ProposalResponsePayload.Parser.ParseFrom(endorsed.ProposalResponsePayload).Extension);
                if (chaincodeAction.Events.IsEmpty)
                {
                    continue;
                }

                var e = ChaincodeEvent.Parser.ParseFrom(chaincodeAction.Events);
                if (e.ChaincodeId == chaincodeName && e.EventName == EirChangeSet.EventName)
                {
                    found.Add(JsonSerializer.Deserialize<EirChangeSet>(e.Payload.Span, EirJson.Options)
                        ?? throw new InvalidDataException($"Transaction {e.TxId} carries an empty {EirChangeSet.EventName} event."));
                }
            }
        }

        return found;
    }
}
