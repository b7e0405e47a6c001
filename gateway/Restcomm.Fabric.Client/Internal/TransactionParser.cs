using Google.Protobuf;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>What the client needs from prepared transactions and proposals, read with the shared envelope reader.</summary>
internal static class TransactionParser
{
    /// <summary>The chaincode's result in a prepared transaction (the first action's response payload).</summary>
    public static ByteString Result(Envelope envelope)
    {
        if (TryScanResult(envelope.Payload, out var result))
        {
            return result;
        }

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

    /// <summary>
    /// Finds the result by walking the wire format down the one path to it (payload → transaction → its action →
    /// endorsed action → proposal response payload → chaincode action → response) instead of parsing every layer:
    /// each submitted transaction needs its result, and the full parse copies the whole prepared transaction
    /// several times over (≈ 6 µs and 14 KB). The result is a slice of the payload's immutable bytes. Anything the
    /// walk does not expect (a field repeated where protobuf would merge, groups, a missing layer, another header
    /// type) returns false, and the full reader decides.
    /// </summary>
    internal static bool TryScanResult(ByteString payloadBytes, out ByteString result)
    {
        result = ByteString.Empty;
        var payload = payloadBytes.Memory;
        if (Field(payload, Payload.HeaderFieldNumber, out var header) != Scan.Found
            || Field(header, Header.ChannelHeaderFieldNumber, out var channelHeader) != Scan.Found
            || !TryVarint(channelHeader.Span, ChannelHeader.TypeFieldNumber, out var type)
            || type != (ulong)HeaderType.EndorserTransaction
            || Field(payload, Payload.DataFieldNumber, out var transaction) != Scan.Found
            || Field(transaction, Protos.Peer.Transaction.ActionsFieldNumber, out var action) != Scan.Found
            || Field(action, TransactionAction.PayloadFieldNumber, out var actionPayload) != Scan.Found
            || Field(actionPayload, ChaincodeActionPayload.ActionFieldNumber, out var endorsed) != Scan.Found
            || Field(endorsed, ChaincodeEndorsedAction.ProposalResponsePayloadFieldNumber, out var responsePayload) != Scan.Found
            || Field(responsePayload, ProposalResponsePayload.ExtensionFieldNumber, out var chaincodeAction) != Scan.Found
            || Field(chaincodeAction, ChaincodeAction.ResponseFieldNumber, out var response) != Scan.Found)
        {
            return false;
        }

        switch (Field(response, Response.PayloadFieldNumber, out var resultBytes))
        {
            case Scan.Found:
                result = UnsafeByteOperations.UnsafeWrap(resultBytes);
                return true;
            case Scan.Absent:
                return true; // protobuf's default: an empty payload
            default:
                return false;
        }
    }

    private enum Scan
    {
        Found,
        Absent,
        NotUnderstood,
    }

    /// <summary>
    /// The one length-delimited field <paramref name="number"/> of a message, after checking the whole message is
    /// well-formed. Not understood when the message is malformed or the field is of another wire type or present
    /// more than once (protobuf would merge or take the last; a transaction with several actions is not what a peer
    /// prepares).
    /// </summary>
    private static Scan Field(ReadOnlyMemory<byte> message, int number, out ReadOnlyMemory<byte> field)
    {
        field = default;
        var found = false;
        var span = message.Span;
        var position = 0;
        while (position < span.Length)
        {
            if (!TryReadVarint(span, ref position, out var tag))
            {
                return Scan.NotUnderstood;
            }

            var fieldNumber = tag >> 3;
            var wireType = (int)(tag & 7);
            if (fieldNumber == (ulong)number)
            {
                if (found || wireType != 2 || !TryReadLength(span, ref position, out var length))
                {
                    return Scan.NotUnderstood;
                }

                field = message.Slice(position, length);
                found = true;
                position += length;
            }
            else if (fieldNumber == 0 || !TrySkip(span, ref position, wireType))
            {
                return Scan.NotUnderstood;
            }
        }

        return found ? Scan.Found : Scan.Absent;
    }

    /// <summary>The one varint field <paramref name="number"/> of a well-formed message; absent reads as 0.</summary>
    private static bool TryVarint(ReadOnlySpan<byte> message, int number, out ulong value)
    {
        value = 0;
        var found = false;
        var position = 0;
        while (position < message.Length)
        {
            if (!TryReadVarint(message, ref position, out var tag))
            {
                return false;
            }

            var fieldNumber = tag >> 3;
            var wireType = (int)(tag & 7);
            if (fieldNumber == (ulong)number && wireType == 0)
            {
                if (found || !TryReadVarint(message, ref position, out value))
                {
                    return false;
                }

                found = true;
            }
            else if (fieldNumber == 0 || fieldNumber == (ulong)number || !TrySkip(message, ref position, wireType))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkip(ReadOnlySpan<byte> span, ref int position, int wireType)
    {
        switch (wireType)
        {
            case 0:
                return TryReadVarint(span, ref position, out _);
            case 1:
                position += 8;
                return position <= span.Length;
            case 2:
                if (!TryReadLength(span, ref position, out var length))
                {
                    return false;
                }

                position += length;
                return true;
            case 5:
                position += 4;
                return position <= span.Length;
            default:
                return false; // groups (3, 4) are not used by Fabric's messages; leave them to the full parser
        }
    }

    private static bool TryReadLength(ReadOnlySpan<byte> span, ref int position, out int length)
    {
        length = 0;
        if (!TryReadVarint(span, ref position, out var value) || value > (ulong)(span.Length - position))
        {
            return false;
        }

        length = (int)value;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> span, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= span.Length)
            {
                return false;
            }

            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
