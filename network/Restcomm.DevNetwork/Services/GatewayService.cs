using Google.Protobuf;
using Grpc.Core;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Ledger;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Orderer;
using Restcomm.Fabric.Protos.Peer;
using GatewayBase = Restcomm.Fabric.Protos.Gateway.Gateway.GatewayBase;

namespace Restcomm.DevNetwork.Services;

/// <summary>
/// The Fabric Gateway service (internal/pkg/gateway/api.go) of every organisation's endpoint: the same requests,
/// responses, gRPC status codes and messages, so a client behaves the same here and against a real peer.
/// </summary>
internal sealed class GatewayService(NetworkContext network) : GatewayBase
{
    public override async Task<EvaluateResponse> Evaluate(EvaluateRequest request, ServerCallContext context)
    {
        UnpackedProposal up;
        try
        {
            up = Endorser.Unpack(request.ProposedTransaction);
        }
        catch (ProposalRejectedException e)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "failed to unpack transaction proposal: " + e.Message));
        }
        var ledger = Channel(up.ChannelId);
        RequireChaincode(ledger, up.ChaincodeName, "evaluate");
        var local = network.LocalOrg(context).MspId;
        var targets = request.TargetOrganizations.ToList();
        string org;
        if (targets.Count > 0)
        {
            org = targets.Contains(local) ? local : targets[0];
            if (!ledger.Definition.Orgs.Contains(org))
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"no peers available to evaluate chaincode {up.ChaincodeName} in channel {up.ChannelId} for organization(s) {string.Join(", ", targets)}"));
            }
        }
        else if (ledger.Definition.Orgs.Contains(local))
        {
            org = local;
        }
        else if (up.HasTransientData)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "no endorsers found in the gateway's organization; retry specifying target organization(s) to protect transient data"));
        }
        else
        {
            org = ledger.Definition.Orgs[0];
        }

        var creator = Validate(up, ledger, org, "evaluate call to endorser returned error: ", StatusCode.FailedPrecondition);
        var result = await network.Endorser.SimulateAsync(up, creator, org, context.CancellationToken).ConfigureAwait(false);
        if (result.ProposalResponsePayload is null)
        {
            throw NetworkContext.Error(StatusCode.Aborted, "failed to evaluate transaction, see attached details for more info", network.Detail(org, result.Response.Message));
        }
        if (result.Response.Status is < 200 or >= 400)
        {
            var message = $"chaincode response {result.Response.Status}, {result.Response.Message}";
            throw NetworkContext.Error(StatusCode.Unknown, "evaluate call to endorser returned error: " + message, network.Detail(org, message));
        }
        return new EvaluateResponse { Result = result.Response };
    }

    public override async Task<EndorseResponse> Endorse(EndorseRequest request, ServerCallContext context)
    {
        UnpackedProposal up;
        try
        {
            up = Endorser.Unpack(request.ProposedTransaction);
        }
        catch (ProposalRejectedException e)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, e.Message));
        }
        var ledger = Channel(up.ChannelId);
        RequireChaincode(ledger, up.ChaincodeName, "endorse");
        var cc = ledger.Definition.Chaincodes[up.ChaincodeName];
        var local = network.LocalOrg(context).MspId;
        var requested = request.EndorsingOrganizations.Distinct().ToList();
        string first;
        if (requested.Count > 0)
        {
            var unknown = requested.Where(o => !ledger.Definition.Orgs.Contains(o)).ToList();
            if (unknown.Count > 0)
            {
                throw new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, $"failed to find any endorsing peers for org(s): {string.Join(", ", unknown)}"));
            }
            first = requested.Contains(local) ? local : requested[0];
        }
        else if (ledger.Definition.Orgs.Contains(local))
        {
            first = local;
        }
        else if (up.HasTransientData)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, "no endorsers found in the gateway's organization; retry specifying endorsing organization(s) to protect transient data"));
        }
        else
        {
            first = ledger.Definition.Orgs[0];
        }

        var creator = Validate(up, ledger, first, "", StatusCode.Aborted, "failed to endorse transaction, see attached details for more info");
        var result = await network.Endorser.SimulateAsync(up, creator, first, context.CancellationToken).ConfigureAwait(false);
        if (result.ProposalResponsePayload is null)
        {
            throw NetworkContext.Error(StatusCode.Aborted, "failed to endorse transaction, see attached details for more info", network.Detail(first, result.Response.Message));
        }
        if (result.Response.Status is < 200 or >= 400)
        {
            throw NetworkContext.Error(StatusCode.Aborted, "failed to endorse transaction, see attached details for more info",
                network.Detail(first, $"chaincode response {result.Response.Status}, {result.Response.Message}"));
        }

        // The client naming the endorsers takes responsibility for the policy (Fabric's planForOrgs); otherwise
        // the gateway picks the smallest set of organisations that satisfies every policy the writes touch.
        var endorsers = requested.Count > 0 ? requested : Plan(ledger, cc, up, result, first);
        var action = new ChaincodeEndorsedAction { ProposalResponsePayload = result.ProposalResponsePayload };
        foreach (var org in endorsers)
        {
            action.Endorsements.Add(network.Endorser.Endorse(result.ProposalResponsePayload, org));
        }
        if (result.Private is not null)
        {
            ledger.KeepPrivateData(up.TxId, result.Private);
        }

        var transaction = new Transaction();
        transaction.Actions.Add(new TransactionAction
        {
            Header = up.Header.SignatureHeader,
            Payload = new ChaincodeActionPayload
            {
                ChaincodeProposalPayload = ProposalHashing.PayloadForTx(up.Payload),
                Action = action,
            }.ToByteString(),
        });
        var payload = new Payload { Header = up.Header, Data = transaction.ToByteString() };
        return new EndorseResponse { PreparedTransaction = new Envelope { Payload = payload.ToByteString() } };
    }

    /// <summary>
    /// The gateway's own plan (planFromFirstEndorser): the policies of the chaincode interest the first endorser's
    /// simulation gives, including the committed key-level policies of the keys it writes, all satisfied by the fewest
    /// organisations, preferring the one that simulated.
    /// </summary>
    private static List<string> Plan(ChannelLedger ledger, ChaincodeDefinition cc, UnpackedProposal up, SimulationResult result, string first)
    {
        var channel = ledger.Definition;
        var policies = EndorsementRules.ForPlan(channel, ledger.Store, up.ChaincodeName, result.Rwset!, result.Collections);
        IEnumerable<string> candidates = channel.Orgs;
        foreach (var (ns, collName, written, _) in result.Collections)
        {
            var coll = channel.Chaincodes.GetValueOrDefault(ns)?.Collection(collName);
            // Endorsers must hold the private data they read, and must be trusted with transient data they write.
            if (coll is not null && (!written || up.HasTransientData))
            {
                candidates = candidates.Where(coll.IsMember);
            }
        }
        var orgs = candidates.ToList();
        List<string>? best = null;
        for (var mask = 1; mask < 1 << orgs.Count; mask++)
        {
            var set = orgs.Where((_, i) => (mask & (1 << i)) != 0).ToList();
            var signers = set.Select(o => new Signer(o, Restcomm.Fabric.Protos.Common.MSPRole.Types.MSPRoleType.Peer)).ToList();
            if (!policies.All(p => p.IsSatisfiedBy(signers)))
            {
                continue;
            }
            if (best is null || set.Count < best.Count || (set.Count == best.Count && set.Contains(first) && !best.Contains(first)))
            {
                best = set;
            }
        }
        if (best is null)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition,
                $"no combination of peers can be derived which satisfy the endorsement policy: chaincode {cc.Name} on channel {channel.Name} with policy {cc.EndorsementPolicy.Text}"));
        }
        // The organisation that simulated goes first, as Fabric's gateway orders its endorsements.
        return [.. best.OrderBy(o => o == first ? 0 : 1)];
    }

    public override async Task<SubmitResponse> Submit(SubmitRequest request, ServerCallContext context)
    {
        var txn = request.PreparedTransaction ?? throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "a prepared transaction is required"));
        if (txn.Signature.IsEmpty)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "prepared transaction must be signed"));
        }
        var ledger = Channel(request.ChannelId);
        // What the orderer checks on Broadcast: a well-formed envelope for this channel, signed by a writer.
        Restcomm.Fabric.Protos.Common.Status status;
        string info;
        var txId = "";
        try
        {
            var envelope = TransactionEnvelope.Read(txn);
            txId = envelope.TransactionId;
            var creator = network.Msp.Deserialize(envelope.SignatureHeader.Creator);
            if (envelope.ChannelId != ledger.Definition.Name)
            {
                (status, info) = (Restcomm.Fabric.Protos.Common.Status.BadRequest, $"channel {envelope.ChannelId} does not match {ledger.Definition.Name}");
            }
            else if (creator is null || !creator.Verify(txn.Payload.Span, txn.Signature.Span) || !ledger.Definition.Writers.IsSatisfiedBy(creator.AsSigner))
            {
                // The orderer's SigFilter on /Channel/Writers: Fabric wraps the policy's error around "permission denied".
                (status, info) = (Restcomm.Fabric.Protos.Common.Status.Forbidden, ledger.Definition.Writers.FailureMessage + ": permission denied");
            }
            else
            {
                (status, info) = (Restcomm.Fabric.Protos.Common.Status.Success, "");
            }
        }
        catch (MalformedTransactionException e)
        {
            (status, info) = (Restcomm.Fabric.Protos.Common.Status.BadRequest, e.Message);
        }
        if (status != Restcomm.Fabric.Protos.Common.Status.Success)
        {
            throw NetworkContext.Error(StatusCode.Aborted, $"received unsuccessful response from orderer: status={StatusName(status)}, info={info}");
        }
        // Answered once the transaction is on disk: a network killed after this still cuts it into a block on restart.
        if (!await ledger.AcceptAsync(txn.ToByteArray(), txId).ConfigureAwait(false))
        {
            throw NetworkContext.Error(StatusCode.Unavailable, "no orderers could successfully process transaction");
        }
        return new SubmitResponse();
    }

    private static string StatusName(Restcomm.Fabric.Protos.Common.Status s) => s switch
    {
        Restcomm.Fabric.Protos.Common.Status.BadRequest => "BAD_REQUEST",
        Restcomm.Fabric.Protos.Common.Status.Forbidden => "FORBIDDEN",
        _ => s.ToString().ToUpperInvariant(),
    };

    /// <summary>The request inside a signed Gateway request, or InvalidArgument when it is missing or not protobuf.</summary>
    private static T ParseSigned<T>(ByteString bytes, MessageParser<T> parser, string missing, string invalidPrefix)
        where T : IMessage<T>
    {
        if (bytes.IsEmpty)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, missing));
        }

        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, invalidPrefix + e.Message));
        }
    }

    public override async Task<CommitStatusResponse> CommitStatus(SignedCommitStatusRequest request, ServerCallContext context)
    {
        var inner = ParseSigned(request.Request, CommitStatusRequest.Parser, "a commit status request is required", "invalid status request: ");
        var ledger = Channel(inner.ChannelId);
        if (network.CheckReader(ledger, inner.Identity, request.Request.Span, request.Signature.Span) is null)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.PermissionDenied, $"failed evaluating policy on signed data during check policy on channel [{inner.ChannelId}] with policy [/Channel/Application/Readers]: [implicit policy evaluation failed]"));
        }
        using var call = network.CallOrStopping(context);
        try
        {
            var (code, block) = await ledger.WaitForCommitAsync(inner.TransactionId, call.Token).ConfigureAwait(false);
            return new CommitStatusResponse { Result = (TxValidationCode)code, BlockNumber = block };
        }
        catch (OperationCanceledException) when (network.Stopping.IsCancellationRequested)
        {
            throw NetworkContext.ShuttingDown();
        }
    }

    public override async Task ChaincodeEvents(SignedChaincodeEventsRequest request, IServerStreamWriter<ChaincodeEventsResponse> responseStream, ServerCallContext context)
    {
        var inner = ParseSigned(request.Request, ChaincodeEventsRequest.Parser, "a chaincode events request is required", "invalid chaincode events request: ");
        if (!network.Ledgers.TryGetValue(inner.ChannelId, out var ledger))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"channel not found: {inner.ChannelId}"));
        }
        if (network.CheckReader(ledger, inner.Identity, request.Request.Span, request.Signature.Span) is null)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.PermissionDenied, $"failed evaluating policy on signed data during check policy on channel [{inner.ChannelId}] with policy [/Channel/Application/Readers]: [implicit policy evaluation failed]"));
        }

        ulong start;
        var after = inner.AfterTransactionId;
        var afterTx = string.IsNullOrEmpty(after) ? null : ledger.Store.GetTransaction(after);
        if (afterTx is not null)
        {
            start = afterTx.Value.Block;
        }
        else
        {
            start = inner.StartPosition?.TypeCase switch
            {
                null or SeekPosition.TypeOneofCase.None or SeekPosition.TypeOneofCase.NextCommit => ledger.Height,
                SeekPosition.TypeOneofCase.Specified => inner.StartPosition.Specified.Number,
                _ => throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, $"invalid start position type: {inner.StartPosition.TypeCase}")),
            };
        }

        // Resuming after a transaction skips everything up to and including it in its block (checkpointing).
        var passedPrevious = afterTx is null;
        using var call = network.CallOrStopping(context);
        try
        {
            await StreamEventsAsync(ledger, inner.ChaincodeId, start, after, passedPrevious, responseStream, call.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (network.Stopping.IsCancellationRequested)
        {
            throw NetworkContext.ShuttingDown();
        }
    }

    private static async Task StreamEventsAsync(
        ChannelLedger ledger, string chaincodeId, ulong start, string after, bool passedPrevious, IServerStreamWriter<ChaincodeEventsResponse> responseStream, CancellationToken ct)
    {
        // Only cancellation ends the stream, and always as a cancellation: a call that arrives as the network stops must
        // fail (Unavailable, so the client reconnects) rather than end as if the stream were complete.
        for (var number = start; ; number++)
        {
            ct.ThrowIfCancellationRequested();
            await ledger.WaitForBlockAsync(number, ct).ConfigureAwait(false);
            var block = ledger.GetBlock(number) ?? throw new RpcException(new Grpc.Core.Status(StatusCode.Aborted, $"block {number} not found"));
            var response = new ChaincodeEventsResponse { BlockNumber = number };
            foreach (var tx in LedgerBlock.Read(block).Transactions)
            {
                if (!passedPrevious)
                {
                    passedPrevious = tx.TransactionId == after;
                    continue;
                }
                if (tx.IsValid && tx.ChaincodeEvent is { } ev && ev.ChaincodeId == chaincodeId)
                {
                    response.Events.Add(ev);
                }
            }
            if (response.Events.Count > 0)
            {
                await responseStream.WriteAsync(response, ct).ConfigureAwait(false);
            }
        }
    }

    private ChannelLedger Channel(string channelId) =>
        network.Ledgers.TryGetValue(channelId, out var ledger)
            ? ledger
            : throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"channel '{channelId}' not found"));

    private static void RequireChaincode(ChannelLedger ledger, string chaincode, string verb)
    {
        if (!ledger.Definition.Chaincodes.ContainsKey(chaincode))
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, $"no peers available to {verb} chaincode {chaincode} in channel {ledger.Definition.Name}"));
        }
    }

    private Crypto.Identity Validate(UnpackedProposal up, ChannelLedger ledger, string org, string prefix, StatusCode code, string? summary = null)
    {
        try
        {
            return network.Endorser.Validate(up, ledger.Definition);
        }
        catch (ProposalRejectedException e)
        {
            throw NetworkContext.Error(code, summary ?? prefix + e.Message, network.Detail(org, e.Message));
        }
    }
}
