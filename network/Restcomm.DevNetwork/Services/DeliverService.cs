using Google.Protobuf;
using Grpc.Core;
using Restcomm.DevNetwork.Ledger;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Ledger.Rwset;
using Restcomm.Fabric.Protos.Orderer;
using Restcomm.Fabric.Protos.Peer;
using DeliverBase = Restcomm.Fabric.Protos.Peer.Deliver.DeliverBase;
using DeliverResponse = Restcomm.Fabric.Protos.Peer.DeliverResponse;
using Status = Restcomm.Fabric.Protos.Common.Status;

namespace Restcomm.DevNetwork.Services;

/// <summary>The peer's Deliver service: blocks, filtered blocks, and blocks with the private data the caller may see.</summary>
internal sealed class DeliverService(NetworkContext network) : DeliverBase
{
    private enum Kind { Full, Filtered, WithPrivateData }

    public override Task Deliver(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context) =>
        ServeAsync(Kind.Full, requestStream, responseStream, context);

    public override Task DeliverFiltered(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context) =>
        ServeAsync(Kind.Filtered, requestStream, responseStream, context);

    public override Task DeliverWithPrivateData(IAsyncStreamReader<Envelope> requestStream, IServerStreamWriter<DeliverResponse> responseStream, ServerCallContext context) =>
        ServeAsync(Kind.WithPrivateData, requestStream, responseStream, context);

    private async Task ServeAsync(Kind kind, IAsyncStreamReader<Envelope> requests, IServerStreamWriter<DeliverResponse> responses, ServerCallContext context)
    {
        using var call = network.CallOrStopping(context);
        var ct = call.Token;
        try
        {
            while (await requests.MoveNext(ct).ConfigureAwait(false))
            {
                var status = await HandleAsync(kind, requests.Current, responses, ct).ConfigureAwait(false);
                await responses.WriteAsync(new DeliverResponse { Status = status }, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (network.Stopping.IsCancellationRequested)
        {
            throw NetworkContext.ShuttingDown();
        }
    }

    private async Task<Status> HandleAsync(Kind kind, Envelope envelope, IServerStreamWriter<DeliverResponse> responses, CancellationToken ct)
    {
        ChannelLedger? ledger;
        SeekInfo seek;
        Crypto.Identity? caller;
        try
        {
            var request = TransactionEnvelope.Read(envelope);
            if (request.Type != HeaderType.DeliverSeekInfo)
            {
                return Status.BadRequest;
            }
            if (!network.Ledgers.TryGetValue(request.ChannelId, out ledger))
            {
                return Status.NotFound;
            }
            caller = network.CheckReader(ledger, request.SignatureHeader.Creator, envelope.Payload.Span, envelope.Signature.Span);
            if (caller is null)
            {
                return Status.Forbidden;
            }
            seek = SeekInfo.Parser.ParseFrom(request.Payload.Data);
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or MalformedTransactionException)
        {
            return Status.BadRequest;
        }

        var height = ledger.Height;
        ulong Position(SeekPosition? p, ulong fallback) => p?.TypeCase switch
        {
            SeekPosition.TypeOneofCase.Oldest => 0,
            SeekPosition.TypeOneofCase.Newest => height - 1,
            SeekPosition.TypeOneofCase.Specified => p.Specified.Number,
            SeekPosition.TypeOneofCase.NextCommit => height,
            _ => fallback,
        };
        var start = Position(seek.Start, height - 1);
        var stop = seek.Stop?.TypeCase == SeekPosition.TypeOneofCase.Newest ? height - 1 : Position(seek.Stop, ulong.MaxValue);
        if (stop < start)
        {
            return Status.BadRequest;
        }
        for (var number = start; number <= stop; number++)
        {
            if (ledger.Height <= number)
            {
                if (seek.Behavior == SeekInfo.Types.SeekBehavior.FailIfNotReady)
                {
                    return Status.NotFound;
                }
                await ledger.WaitForBlockAsync(number, ct).ConfigureAwait(false);
            }
            var block = ledger.GetBlock(number);
            if (block is null)
            {
                return Status.NotFound;
            }
            var response = kind switch
            {
                Kind.Filtered => new DeliverResponse { FilteredBlock = Filtered(ledger.Definition.Name, block) },
                Kind.WithPrivateData => new DeliverResponse { BlockAndPrivateData = WithPrivateData(ledger, block, caller.MspId) },
                _ => new DeliverResponse { Block = block },
            };
            await responses.WriteAsync(response, ct).ConfigureAwait(false);
            if (number == ulong.MaxValue)
            {
                break;
            }
        }
        return Status.Success;
    }

    private static FilteredBlock Filtered(string channel, Block block)
    {
        var filtered = new FilteredBlock { ChannelId = channel, Number = block.Header.Number };
        foreach (var tx in LedgerBlock.Read(block).Transactions)
        {
            var ft = new FilteredTransaction { Txid = tx.TransactionId, Type = tx.Type, TxValidationCode = tx.ValidationCode };
            var ev = tx.ChaincodeEvent;
            if (tx.Type == HeaderType.EndorserTransaction)
            {
                var actions = new FilteredTransactionActions();
                // Filtered blocks carry chaincode events without their payloads.
                actions.ChaincodeActions.Add(new FilteredChaincodeAction
                {
                    ChaincodeEvent = ev is null ? null : new ChaincodeEvent { ChaincodeId = ev.ChaincodeId, TxId = ev.TxId, EventName = ev.EventName },
                });
                ft.TransactionActions = actions;
            }
            filtered.FilteredTransactions.Add(ft);
        }
        return filtered;
    }

    private static BlockAndPrivateData WithPrivateData(ChannelLedger ledger, Block block, string mspId)
    {
        var result = new BlockAndPrivateData { Block = block };
        foreach (var group in ledger.Store.GetPrivateRwsets(block.Header.Number).GroupBy(r => r.TxNum))
        {
            var txPvt = new TxPvtReadWriteSet { DataModel = TxReadWriteSet.Types.DataModel.Kv };
            foreach (var nsGroup in group.GroupBy(r => r.Namespace))
            {
                var ns = new NsPvtReadWriteSet { Namespace = nsGroup.Key };
                foreach (var r in nsGroup)
                {
                    var coll = ledger.Definition.Chaincodes.GetValueOrDefault(r.Namespace)?.Collection(r.Collection);
                    if (coll is not null && coll.IsMember(mspId))
                    {
                        ns.CollectionPvtRwset.Add(new CollectionPvtReadWriteSet { CollectionName = r.Collection, Rwset = ByteString.CopyFrom(r.Rwset) });
                    }
                }
                if (ns.CollectionPvtRwset.Count > 0)
                {
                    txPvt.NsPvtRwset.Add(ns);
                }
            }
            if (txPvt.NsPvtRwset.Count > 0)
            {
                result.PrivateDataMap[group.Key] = txPvt;
            }
        }
        return result;
    }
}
