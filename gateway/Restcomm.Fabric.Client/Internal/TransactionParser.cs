using Google.Protobuf;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>What the client needs from prepared transactions and proposals, read with the shared envelope reader.</summary>
internal static class TransactionParser
{
    /// <summary>The chaincode's result in a prepared transaction (the first action's response payload).</summary>
    public static ByteString Result(Envelope envelope)
    {
        try
        {
            return TransactionEnvelope.Read(envelope).Result();
        }
        catch (MalformedTransactionException e)
        {
            throw new InvalidDataException($"The prepared transaction holds no readable chaincode response: {e.Message}", e);
        }
    }

    public static string ChannelName(Envelope envelope) => TransactionEnvelope.Read(envelope).ChannelId;

    public static string ProposalChannelName(ByteString proposalBytes)
    {
        var proposal = Protos.Peer.Proposal.Parser.ParseFrom(proposalBytes);
        var header = Header.Parser.ParseFrom(proposal.Header);
        return ChannelHeader.Parser.ParseFrom(header.ChannelHeader).ChannelId;
    }
}
