using Google.Protobuf;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.DevNetwork.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Ledger.Rwset;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Services;

/// <summary>A proposal taken apart (core/endorser UnpackProposal).</summary>
internal sealed class UnpackedProposal
{
    public required SignedProposal Signed { get; init; }
    public required Proposal Proposal { get; init; }
    public required Header Header { get; init; }
    public required ChannelHeader ChannelHeader { get; init; }
    public required SignatureHeader SignatureHeader { get; init; }
    public required ChaincodeProposalPayload Payload { get; init; }
    public required ChaincodeInput Input { get; init; }
    public required string ChaincodeName { get; init; }
    public string ChannelId => ChannelHeader.ChannelId;
    public string TxId => ChannelHeader.TxId;
    public bool HasTransientData => Payload.TransientMap.Count > 0;
}

/// <summary>A proposal the peer refused before running the chaincode (the gRPC error case of ProcessProposal).</summary>
internal sealed class ProposalRejectedException(string message) : Exception(message);

/// <summary>The outcome of running a proposal on one organisation's peer.</summary>
internal sealed class SimulationResult
{
    public required Response Response { get; init; }
    /// <summary>Null when the peer failed before the chaincode answered (status 500 without payload).</summary>
    public ByteString? ProposalResponsePayload { get; init; }
    public TxReadWriteSet? Rwset { get; init; }
    public TxPvtReadWriteSet? Private { get; init; }
    public IReadOnlyList<(string Namespace, string Collection, bool Written, bool PrivateRead)> Collections { get; init; } = [];
}

/// <summary>The endorsing peer's work: unpack and check a signed proposal, simulate it, sign the result.</summary>
internal sealed class Endorser(Msp msp, IReadOnlyDictionary<string, ChannelLedger> ledgers, Func<string, ChaincodeConnection?> chaincodes)
{
    public static UnpackedProposal Unpack(SignedProposal? signed)
    {
        if (signed is null || signed.ProposalBytes.IsEmpty)
        {
            throw new ProposalRejectedException("the proposed transaction must contain a signed proposal");
        }
        try
        {
            var proposal = Proposal.Parser.ParseFrom(signed.ProposalBytes);
            var header = Header.Parser.ParseFrom(proposal.Header);
            var ch = ChannelHeader.Parser.ParseFrom(header.ChannelHeader);
            var sh = SignatureHeader.Parser.ParseFrom(header.SignatureHeader);
            var ext = ChaincodeHeaderExtension.Parser.ParseFrom(ch.Extension);
            if (ext.ChaincodeId is null)
            {
                throw new ProposalRejectedException("ChaincodeHeaderExtension.ChaincodeId is nil");
            }
            if (string.IsNullOrEmpty(ext.ChaincodeId.Name))
            {
                throw new ProposalRejectedException("ChaincodeHeaderExtension.ChaincodeId.Name is empty");
            }
            var payload = ChaincodeProposalPayload.Parser.ParseFrom(proposal.Payload);
            var spec = ChaincodeInvocationSpec.Parser.ParseFrom(payload.Input);
            if (spec.ChaincodeSpec is null)
            {
                throw new ProposalRejectedException("chaincode invocation spec did not contain chaincode spec");
            }
            if (spec.ChaincodeSpec.Input is null)
            {
                throw new ProposalRejectedException("chaincode input did not contain any input");
            }
            return new UnpackedProposal
            {
                Signed = signed,
                Proposal = proposal,
                Header = header,
                ChannelHeader = ch,
                SignatureHeader = sh,
                Payload = payload,
                Input = spec.ChaincodeSpec.Input,
                ChaincodeName = ext.ChaincodeId.Name,
            };
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ProposalRejectedException("error unmarshalling proposal: " + e.Message);
        }
    }

    /// <summary>The peer's preProcess checks (core/endorser/msgvalidation.go); returns the creator.</summary>
    public Identity Validate(UnpackedProposal up, ChannelDefinition channel)
    {
        if (up.ChannelHeader.Type is not ((int)HeaderType.EndorserTransaction) and not ((int)HeaderType.Config))
        {
            throw new ProposalRejectedException($"invalid header type {up.ChannelHeader.Type}");
        }
        if (up.ChannelHeader.Epoch != 0)
        {
            throw new ProposalRejectedException("epoch is non-zero");
        }
        if (up.SignatureHeader.Nonce.IsEmpty)
        {
            throw new ProposalRejectedException("nonce is empty");
        }
        if (up.SignatureHeader.Creator.IsEmpty)
        {
            throw new ProposalRejectedException("creator is empty");
        }
        var expected = TxIds.Compute(up.SignatureHeader.Nonce, up.SignatureHeader.Creator);
        if (up.TxId != expected)
        {
            throw new ProposalRejectedException($"incorrectly computed txid '{up.TxId}' -- expected '{expected}'");
        }
        if (up.Signed.Signature.IsEmpty)
        {
            throw new ProposalRejectedException("empty signature bytes");
        }
        var creator = msp.Deserialize(up.SignatureHeader.Creator)
            ?? throw new ProposalRejectedException($"access denied: channel [{up.ChannelId}] creator org unknown, creator is malformed");
        if (!creator.Verify(up.Signed.ProposalBytes.Span, up.Signed.Signature.Span) || !channel.Readers.IsSatisfiedBy(creator.AsSigner))
        {
            throw new ProposalRejectedException($"access denied: channel [{up.ChannelId}] creator org [{creator.MspId}]");
        }
        if (ledgers[channel.Name].Store.TransactionExists(up.TxId))
        {
            throw new ProposalRejectedException($"duplicate transaction found [{up.TxId}]. Creator [{Convert.ToHexStringLower(up.SignatureHeader.Creator.Span)}]");
        }
        return creator;
    }

    /// <summary>Runs the chaincode on <paramref name="peerOrg"/>'s peer and builds the proposal response payload.</summary>
    public async Task<SimulationResult> SimulateAsync(UnpackedProposal up, Identity creator, string peerOrg, CancellationToken ct)
    {
        var ledger = ledgers[up.ChannelId];
        var cc = ledger.Definition.Chaincodes[up.ChaincodeName];
        var connection = chaincodes(up.ChaincodeName);
        if (connection is null)
        {
            return Failed($"make sure the chaincode {up.ChaincodeName} has been successfully defined on channel {up.ChannelId} and try again: chaincode {up.ChaincodeName} has no server address");
        }
        var sim = new TxSimulator(ledger.Store, peerOrg);
        var ctx = new TxContext(ledger.Definition, up.TxId, up.Signed, creator, sim);
        ChaincodeMessage completed;
        try
        {
            completed = await connection.ExecuteAsync(ctx, up.Input, ct).ConfigureAwait(false);
        }
        catch (ChaincodeExecutionException e)
        {
            return Failed("error in simulation: " + e.Message);
        }
        Response response;
        try
        {
            response = Response.Parser.ParseFrom(completed.Payload);
        }
        catch (InvalidProtocolBufferException e)
        {
            return Failed("error in simulation: failed to unmarshal chaincode response: " + e.Message);
        }
        StubHandler.CloseAll(ctx);
        var (rwset, pvt) = sim.Build();
        ByteString events = ByteString.Empty;
        if (completed.ChaincodeEvent is { } ev && response.Status < 400)
        {
            ev.TxId = up.TxId;
            ev.ChaincodeId = up.ChaincodeName;
            events = ev.ToByteString();
        }
        var action = new ChaincodeAction
        {
            Results = rwset.ToByteString(),
            Events = events,
            Response = response,
            ChaincodeId = new ChaincodeID { Name = up.ChaincodeName, Version = cc.Version },
        };
        var prp = new ProposalResponsePayload
        {
            ProposalHash = ByteString.CopyFrom(ProposalHashing.Compute(up.Header.ChannelHeader, up.Header.SignatureHeader, ProposalHashing.PayloadForTx(up.Payload))),
            Extension = action.ToByteString(),
        };
        return new SimulationResult
        {
            Response = response,
            ProposalResponsePayload = prp.ToByteString(),
            Rwset = rwset,
            Private = pvt,
            Collections = [.. sim.TouchedCollections()],
        };
    }

    private static SimulationResult Failed(string message) => new() { Response = new Response { Status = 500, Message = message } };

    /// <summary>The ESCC's signature: the peer signs proposal response payload ‖ its serialized identity.</summary>
    public Endorsement Endorse(ByteString prp, string org)
    {
        var peer = msp.Peer(org);
        var data = new byte[prp.Length + peer.Serialized.Length];
        prp.Span.CopyTo(data);
        peer.Serialized.CopyTo(data.AsSpan(prp.Length));
        return new Endorsement { Endorser = peer.SerializedBytes, Signature = ByteString.CopyFrom(peer.Sign(data)) };
    }
}
