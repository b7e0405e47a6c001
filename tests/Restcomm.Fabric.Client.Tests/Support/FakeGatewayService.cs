using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Ledger.Rwset;
using Restcomm.Fabric.Protos.Orderer;
using Restcomm.Fabric.Protos.Peer;
using GatewayBase = Restcomm.Fabric.Protos.Gateway.Gateway.GatewayBase;
using DeliverResponse = Restcomm.Fabric.Protos.Peer.DeliverResponse;
using PeerEvent = Restcomm.Fabric.Protos.Peer.ChaincodeEvent;

namespace Restcomm.Fabric.Client.Tests.Support;

/// <summary>What the simulated chaincode answers.</summary>
internal sealed record ChaincodeOutcome(int Status, string Message, byte[] Payload, PeerEvent? Event = null)
{
    public static ChaincodeOutcome Ok(string payload, PeerEvent? chaincodeEvent = null) =>
        new(200, "", System.Text.Encoding.UTF8.GetBytes(payload), chaincodeEvent);
}

/// <summary>A recorded Evaluate or Endorse call.</summary>
internal sealed record RecordedCall(string Method, Invocation Invocation, IReadOnlyList<string> Organizations);

/// <summary>Behaviour and records of the fake peer, shared by its services and the test.</summary>
internal sealed class FakePeerState
{
    public PeerChecks Checks { get; } = new();

    public FakeLedger Ledger { get; } = new();

    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    /// <summary>The simulated chaincode; by default it answers "function:arg1,arg2".</summary>
    public Func<Invocation, ChaincodeOutcome> Chaincode { get; set; } =
        i => ChaincodeOutcome.Ok(i.Function + ":" + string.Join(",", i.StringArgs));

    /// <summary>Scripted failures per phase (return an exception to throw, or null to proceed).</summary>
    public Func<string, RpcException?> EvaluateFault { get; set; } = _ => null;

    public Func<string, RpcException?> EndorseFault { get; set; } = _ => null;

    public Func<string, RpcException?> SubmitFault { get; set; } = _ => null;

    public Func<string, RpcException?> CommitStatusFault { get; set; } = _ => null;

    /// <summary>When set, Evaluate resets its HTTP/2 stream instead of answering (a peer going away mid-call).</summary>
    public bool ResetEvaluate { get; set; }

    /// <summary>How long Evaluate takes before answering (it gives up when the caller's deadline passes).</summary>
    public TimeSpan EvaluateDelay { get; set; }

    /// <summary>The gRPC deadline each call arrived with, by method.</summary>
    public ConcurrentQueue<(string Method, DateTime Deadline)> Deadlines { get; } = new();

    /// <summary>The validation code a submitted transaction commits with.</summary>
    public Func<string, TxValidationCode> CommitCode { get; set; } = _ => TxValidationCode.Valid;

    /// <summary>How long after Submit the transaction commits.</summary>
    public TimeSpan CommitDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Signal a test can hold to keep submitted transactions from committing.</summary>
    public TaskCompletionSource CommitGate { get; set; } = CompletedGate();

    /// <summary>When set, Deliver requests must bind to this TLS client certificate (mutual TLS).</summary>
    public X509Certificate2? RequiredTlsClientCertificate { get; set; }

    public ConcurrentDictionary<string, Envelope> Prepared { get; } = new();

    public ConcurrentQueue<SeekInfo> SeekInfos { get; } = new();

    public ConcurrentQueue<Restcomm.Fabric.Protos.Gateway.ChaincodeEventsRequest> EventRequests { get; } = new();

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}

/// <summary>A Gateway service that checks requests as a Fabric peer does and simulates endorsement, ordering and commit.</summary>
internal sealed class FakeGatewayService(FakePeerState state) : GatewayBase
{
    private const string PeerAddress = "peer0.org1.example.com:7051";

    public override async Task<EvaluateResponse> Evaluate(EvaluateRequest request, ServerCallContext context)
    {
        state.Deadlines.Enqueue(("Evaluate", context.Deadline));
        if (state.ResetEvaluate)
        {
            context.GetHttpContext().Abort();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }

        if (state.EvaluateDelay > TimeSpan.Zero)
        {
            await Task.Delay(state.EvaluateDelay, context.CancellationToken);
        }

        var invocation = state.Checks.CheckSignedProposal(request.ProposedTransaction, request.TransactionId, request.ChannelId);
        state.Calls.Enqueue(new RecordedCall("Evaluate", invocation, [.. request.TargetOrganizations]));
        if (state.EvaluateFault(invocation.TransactionId) is { } fault)
        {
            throw fault;
        }

        var outcome = state.Chaincode(invocation);
        if (outcome.Status is < 200 or >= 400)
        {
            throw WithDetails(StatusCode.Unknown, $"evaluate call to endorser returned error: chaincode response {outcome.Status}, {outcome.Message}",
                new ErrorDetail { Address = PeerAddress, MspId = "Org1MSP", Message = $"chaincode response {outcome.Status}, {outcome.Message}" });
        }

        return new EvaluateResponse
        {
            Result = new Response { Status = outcome.Status, Message = outcome.Message, Payload = ByteString.CopyFrom(outcome.Payload) },
        };
    }

    public override Task<EndorseResponse> Endorse(EndorseRequest request, ServerCallContext context)
    {
        state.Deadlines.Enqueue(("Endorse", context.Deadline));
        var invocation = state.Checks.CheckSignedProposal(request.ProposedTransaction, request.TransactionId, request.ChannelId);
        state.Calls.Enqueue(new RecordedCall("Endorse", invocation, [.. request.EndorsingOrganizations]));
        if (state.EndorseFault(invocation.TransactionId) is { } fault)
        {
            throw fault;
        }

        var outcome = state.Chaincode(invocation);
        if (outcome.Status is < 200 or >= 400)
        {
            var message = $"chaincode response {outcome.Status}, {outcome.Message}";
            throw WithDetails(StatusCode.Aborted, "failed to endorse transaction, see attached details for more info",
                new ErrorDetail { Address = PeerAddress, MspId = "Org1MSP", Message = message },
                new ErrorDetail { Address = "peer0.org2.example.com:9051", MspId = "Org2MSP", Message = message });
        }

        var envelope = new Envelope { Payload = NonCanonicalPayload(invocation, outcome) };
        state.Prepared[invocation.TransactionId] = envelope.Clone();
        return Task.FromResult(new EndorseResponse { PreparedTransaction = envelope });
    }

    public override Task<SubmitResponse> Submit(SubmitRequest request, ServerCallContext context)
    {
        state.Deadlines.Enqueue(("Submit", context.Deadline));
        var checks = state.Checks;
        checks.Require(state.Prepared.TryGetValue(request.TransactionId, out var prepared), $"unknown transaction {request.TransactionId}");
        var envelope = request.PreparedTransaction;
        checks.Require(envelope.Payload.Equals(prepared!.Payload), "the prepared transaction's payload was altered (it must be signed and sent exactly as received)");
        var payload = checks.Parse(Payload.Parser, envelope.Payload, "payload");
        var channelHeader = checks.Parse(ChannelHeader.Parser, payload.Header.ChannelHeader, "channel header");
        checks.Require(channelHeader.ChannelId == request.ChannelId, "submit to another channel");
        checks.Require(channelHeader.TxId == request.TransactionId, "submit for another transaction ID");
        var signatureHeader = checks.Parse(SignatureHeader.Parser, payload.Header.SignatureHeader, "signature header");
        var creator = checks.CheckSignatureHeader(signatureHeader, channelHeader.TxId);
        checks.CheckSignature(creator.Certificate, envelope.Payload, envelope.Signature, "transaction envelope");

        if (state.SubmitFault(request.TransactionId) is { } fault)
        {
            throw fault;
        }

        var transactionId = request.TransactionId;
        var code = state.CommitCode(transactionId);
        var chaincodeEvent = ParseEvent(payload);
        var gate = state.CommitGate.Task;
        _ = Task.Run(async () =>
        {
            await gate;
            await Task.Delay(state.CommitDelay);
            state.Ledger.Append(new FakeTransaction(transactionId, code, envelope.ToByteString(), chaincodeEvent, PrivateCollection(payload)));
        });
        return Task.FromResult(new SubmitResponse());
    }

    public override async Task<CommitStatusResponse> CommitStatus(SignedCommitStatusRequest request, ServerCallContext context)
    {
        state.Deadlines.Enqueue(("CommitStatus", context.Deadline));
        var checks = state.Checks;
        var statusRequest = checks.Parse(CommitStatusRequest.Parser, request.Request, "commit status request");
        var identity = checks.Creator(statusRequest.Identity);
        checks.CheckSignature(identity.Certificate, request.Request, request.Signature, "commit status request");
        if (state.CommitStatusFault(statusRequest.TransactionId) is { } fault)
        {
            throw fault;
        }

        await state.Ledger.WaitForTransactionAsync(statusRequest.TransactionId, context.CancellationToken);
        var (tx, block) = state.Ledger.Find(statusRequest.TransactionId)!.Value;
        return new CommitStatusResponse { Result = tx.Code, BlockNumber = block };
    }

    public override async Task ChaincodeEvents(SignedChaincodeEventsRequest request, IServerStreamWriter<ChaincodeEventsResponse> responseStream, ServerCallContext context)
    {
        var checks = state.Checks;
        var eventsRequest = checks.Parse(Restcomm.Fabric.Protos.Gateway.ChaincodeEventsRequest.Parser, request.Request, "chaincode events request");
        var identity = checks.Creator(eventsRequest.Identity);
        checks.CheckSignature(identity.Certificate, request.Request, request.Signature, "chaincode events request");
        state.EventRequests.Enqueue(eventsRequest);

        var next = eventsRequest.StartPosition?.TypeCase switch
        {
            SeekPosition.TypeOneofCase.Specified => eventsRequest.StartPosition.Specified.Number,
            SeekPosition.TypeOneofCase.NextCommit or null or SeekPosition.TypeOneofCase.None => state.Ledger.Height,
            _ => throw new RpcException(new Grpc.Core.Status(StatusCode.InvalidArgument, "unsupported start position")),
        };
        var skipUntil = eventsRequest.AfterTransactionId;
        var first = true;
        try
        {
            while (!context.CancellationToken.IsCancellationRequested)
            {
                var block = await state.Ledger.GetBlockAsync(next, context.CancellationToken);
                var events = block.Transactions
                    .Where(t => t.Code == TxValidationCode.Valid && t.Event is not null && t.Event.ChaincodeId == eventsRequest.ChaincodeId)
                    .ToList();
                if (first && !string.IsNullOrEmpty(skipUntil))
                {
                    // Resume after a checkpointed transaction: skip events up to and including it.
                    var index = events.FindIndex(t => t.TransactionId == skipUntil);
                    events = events.Skip(index + 1).ToList();
                }

                first = false;
                if (events.Count > 0)
                {
                    var response = new ChaincodeEventsResponse { BlockNumber = block.Number };
                    response.Events.AddRange(events.Select(e => e.Event!));
                    await responseStream.WriteAsync(response, context.CancellationToken);
                }

                next++;
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
    }

    internal static RpcException WithDetails(StatusCode code, string message, params ErrorDetail[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        status.Details.AddRange(details.Select(Any.Pack));
        return status.ToRpcException();
    }

    /// <summary>
    /// Builds the prepared transaction's payload with its fields in reverse order (data before header): valid
    /// protobuf, but re-serialising it would produce different bytes, so only a client that signs and sends the
    /// bytes exactly as received gets past Submit.
    /// </summary>
    private static ByteString NonCanonicalPayload(Invocation invocation, ChaincodeOutcome outcome)
    {
        var chaincodeAction = new ChaincodeAction
        {
            Response = new Response { Status = outcome.Status, Message = outcome.Message, Payload = ByteString.CopyFrom(outcome.Payload) },
            ChaincodeId = new ChaincodeID { Name = invocation.ChaincodeName },
            Events = outcome.Event?.ToByteString() ?? ByteString.Empty,
        };
        var responsePayload = new ProposalResponsePayload
        {
            ProposalHash = ByteString.CopyFrom(SHA256.HashData(invocation.ProposalBytes.Span)),
            Extension = chaincodeAction.ToByteString(),
        };
        var actionPayload = new ChaincodeActionPayload
        {
            ChaincodeProposalPayload = invocation.ProposalPayload,
            Action = new ChaincodeEndorsedAction { ProposalResponsePayload = responsePayload.ToByteString() },
        };
        actionPayload.Action.Endorsements.Add(new Endorsement { Endorser = invocation.Creator, Signature = ByteString.CopyFromUtf8("endorsement") });
        var transaction = new Protos.Peer.Transaction();
        transaction.Actions.Add(new TransactionAction { Header = invocation.SignatureHeaderBytes, Payload = actionPayload.ToByteString() });

        var header = Header.Parser.ParseFrom(invocation.HeaderBytes);
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer);
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(transaction.ToByteString());
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteMessage(header);
        output.Flush();
        var bytes = ByteString.CopyFrom(buffer.ToArray());
        if (bytes.Equals(Payload.Parser.ParseFrom(bytes).ToByteString()))
        {
            throw new InvalidOperationException("The fake payload should not survive re-serialisation.");
        }

        return bytes;
    }

    private static PeerEvent? ParseEvent(Payload payload)
    {
        var transaction = Protos.Peer.Transaction.Parser.ParseFrom(payload.Data);
        var actionPayload = ChaincodeActionPayload.Parser.ParseFrom(transaction.Actions[0].Payload);
        var responsePayload = ProposalResponsePayload.Parser.ParseFrom(actionPayload.Action.ProposalResponsePayload);
        var action = ChaincodeAction.Parser.ParseFrom(responsePayload.Extension);
        return action.Events.IsEmpty ? null : PeerEvent.Parser.ParseFrom(action.Events);
    }

    private static string? PrivateCollection(Payload payload)
    {
        var transaction = Protos.Peer.Transaction.Parser.ParseFrom(payload.Data);
        var actionPayload = ChaincodeActionPayload.Parser.ParseFrom(transaction.Actions[0].Payload);
        var proposalPayload = ChaincodeProposalPayload.Parser.ParseFrom(actionPayload.ChaincodeProposalPayload);
        return proposalPayload.TransientMap.ContainsKey("collection") ? proposalPayload.TransientMap["collection"].ToStringUtf8() : null;
    }
}

/// <summary>The peer's Deliver service over the fake ledger, checking the SeekInfo envelope as a peer does.</summary>
internal sealed class FakeDeliverService(FakePeerState state) : Deliver.DeliverBase
{
    public override Task Deliver(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context) =>
        Serve(requestStream, responseStream, context, b => new DeliverResponse { Block = b.ToBlock() });

    public override Task DeliverFiltered(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context) =>
        Serve(requestStream, responseStream, context, b => new DeliverResponse { FilteredBlock = Filtered(b) });

    public override Task DeliverWithPrivateData(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context) =>
        Serve(requestStream, responseStream, context, b => new DeliverResponse { BlockAndPrivateData = WithPrivateData(b) });

    private async Task Serve(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context, Func<FakeBlock, DeliverResponse> convert)
    {
        var checks = state.Checks;
        if (!await requestStream.MoveNext(context.CancellationToken))
        {
            return;
        }

        var envelope = requestStream.Current;
        var payload = checks.Parse(Payload.Parser, envelope.Payload, "deliver payload");
        checks.Require(payload.Header is not null, "deliver payload without header");
        var channelHeader = checks.Parse(ChannelHeader.Parser, payload.Header!.ChannelHeader, "channel header");
        checks.Require(channelHeader.Type == (int)HeaderType.DeliverSeekInfo, $"channel header type {channelHeader.Type}, want DELIVER_SEEK_INFO");
        checks.Require(channelHeader.Epoch == 0, "non-zero epoch");
        checks.Require(channelHeader.Timestamp is not null, "missing timestamp");
        var signatureHeader = checks.Parse(SignatureHeader.Parser, payload.Header.SignatureHeader, "signature header");
        var creator = checks.CheckSignatureHeader(signatureHeader, channelHeader.TxId);
        checks.CheckSignature(creator.Certificate, envelope.Payload, envelope.Signature, "deliver envelope");

        if (state.RequiredTlsClientCertificate is { } required)
        {
            // A peer with mutual TLS binds the request to the TLS session: the header must carry the hash of the
            // client certificate actually presented.
            var presented = context.GetHttpContext().Connection.ClientCertificate;
            checks.Require(presented is not null && presented.RawData.AsSpan().SequenceEqual(required.RawData), "no or another TLS client certificate");
            checks.Require(channelHeader.TlsCertHash.Span.SequenceEqual(SHA256.HashData(required.RawData)), "tls_cert_hash does not match the TLS client certificate");
        }

        var seekInfo = checks.Parse(SeekInfo.Parser, payload.Data, "seek info");
        state.SeekInfos.Enqueue(seekInfo);
        checks.Require(seekInfo.Stop?.TypeCase == SeekPosition.TypeOneofCase.Specified && seekInfo.Stop.Specified.Number == ulong.MaxValue, "stop position is not the largest block number");

        if (channelHeader.ChannelId == "forbidden")
        {
            await responseStream.WriteAsync(new DeliverResponse { Status = Restcomm.Fabric.Protos.Common.Status.Forbidden });
            return;
        }

        var next = seekInfo.Start?.TypeCase switch
        {
            SeekPosition.TypeOneofCase.Specified => seekInfo.Start.Specified.Number,
            SeekPosition.TypeOneofCase.Oldest => 0UL,
            _ => state.Ledger.Height,
        };
        try
        {
            while (!context.CancellationToken.IsCancellationRequested)
            {
                var block = await state.Ledger.GetBlockAsync(next, context.CancellationToken);
                await responseStream.WriteAsync(convert(block), context.CancellationToken);
                next++;
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
        }
    }

    private static FilteredBlock Filtered(FakeBlock block)
    {
        var filtered = new FilteredBlock { ChannelId = "", Number = block.Number };
        foreach (var tx in block.Transactions)
        {
            var ftx = new FilteredTransaction { Txid = tx.TransactionId, Type = HeaderType.EndorserTransaction, TxValidationCode = tx.Code };
            if (tx.Event is not null)
            {
                ftx.TransactionActions = new FilteredTransactionActions();
                ftx.TransactionActions.ChaincodeActions.Add(new FilteredChaincodeAction
                {
                    ChaincodeEvent = new PeerEvent { ChaincodeId = tx.Event.ChaincodeId, TxId = tx.Event.TxId, EventName = tx.Event.EventName },
                });
            }

            filtered.FilteredTransactions.Add(ftx);
        }

        return filtered;
    }

    private static BlockAndPrivateData WithPrivateData(FakeBlock block)
    {
        var result = new BlockAndPrivateData { Block = block.ToBlock() };
        for (var i = 0; i < block.Transactions.Count; i++)
        {
            if (block.Transactions[i].PrivateCollection is { } collection)
            {
                var set = new TxPvtReadWriteSet();
                var ns = new NsPvtReadWriteSet { Namespace = "example" };
                ns.CollectionPvtRwset.Add(new CollectionPvtReadWriteSet { CollectionName = collection, Rwset = ByteString.CopyFromUtf8("private") });
                set.NsPvtRwset.Add(ns);
                result.PrivateDataMap.Add((ulong)i, set);
            }
        }

        return result;
    }
}
