using Google.Protobuf;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client.Internal;

internal static class TransactionParser
{
    /// <summary>
    /// Finds the chaincode's result in a prepared transaction: payload → Transaction → ChaincodeActionPayload
    /// → ProposalResponsePayload.extension → ChaincodeAction.response.payload.
    /// </summary>
    public static ByteString Result(Envelope envelope)
    {
        var payload = Payload.Parser.ParseFrom(envelope.Payload);
        var transaction = Protos.Peer.Transaction.Parser.ParseFrom(payload.Data);
        foreach (var action in transaction.Actions)
        {
            var actionPayload = ChaincodeActionPayload.Parser.ParseFrom(action.Payload);
            if (actionPayload.Action is null)
            {
                continue;
            }

            var responsePayload = ProposalResponsePayload.Parser.ParseFrom(actionPayload.Action.ProposalResponsePayload);
            var chaincodeAction = ChaincodeAction.Parser.ParseFrom(responsePayload.Extension);
            if (chaincodeAction.Response is not null)
            {
                return chaincodeAction.Response.Payload;
            }
        }

        throw new InvalidDataException("The prepared transaction holds no chaincode response.");
    }

    public static string ChannelName(Envelope envelope)
    {
        var payload = Payload.Parser.ParseFrom(envelope.Payload);
        return Protos.Common.ChannelHeader.Parser.ParseFrom(payload.Header.ChannelHeader).ChannelId;
    }

    public static string ProposalChannelName(ByteString proposalBytes)
    {
        var proposal = Protos.Peer.Proposal.Parser.ParseFrom(proposalBytes);
        var header = Header.Parser.ParseFrom(proposal.Header);
        return Protos.Common.ChannelHeader.Parser.ParseFrom(header.ChannelHeader).ChannelId;
    }
}
