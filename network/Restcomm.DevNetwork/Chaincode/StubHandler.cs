using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Ledger;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Ledger.QueryResult;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Chaincode;

/// <summary>
/// Answers the shim's state calls for a transaction (what Fabric's core/chaincode/handler.go does): reads and writes go
/// through the transaction's simulator; private data calls are checked against the collection's membership rules.
/// </summary>
internal sealed class StubHandler(ChaincodeRuntimeConfig runtime)
{
    private readonly long[] _handled = new long[System.Enum.GetValues<ChaincodeMessage.Types.Type>().Max(t => (int)t) + 1];

    /// <summary>
    /// The READY payload: the batched state calls this network offers (Fabric 3's <c>chaincode.runtimeParams</c>), or
    /// empty to behave as a 2.5 peer, whose READY carries nothing.
    /// </summary>
    public ByteString ReadyPayload { get; } = runtime.UseWriteBatch || runtime.UseGetMultipleKeys
        ? new ChaincodeAdditionalParams
        {
            UseWriteBatch = runtime.UseWriteBatch,
            MaxSizeWriteBatch = runtime.UseWriteBatch ? (uint)runtime.MaxSizeWriteBatch : 0,
            UseGetMultipleKeys = runtime.UseGetMultipleKeys,
            MaxSizeGetMultipleKeys = runtime.UseGetMultipleKeys ? (uint)runtime.MaxSizeGetMultipleKeys : 0,
        }.ToByteString()
        : ByteString.Empty;

    /// <summary>Stub calls of this type answered so far (all chaincodes, all channels).</summary>
    public long Handled(ChaincodeMessage.Types.Type type) => Interlocked.Read(ref _handled[(int)type]);

    /// <summary>Results per RESPONSE batch of a range or history query (Fabric's maxResultLimit).</summary>
    public const int BatchSize = 100;

    /// <summary>Most results one query may return (Fabric's totalQueryLimit default).</summary>
    public const int TotalQueryLimit = 100_000;

    private Func<string, ChaincodeConnection?> _connections = _ => null;

    private Func<string, ChannelLedger?> _ledgers = _ => null;

    public void UseConnections(Func<string, ChaincodeConnection?> connections) => _connections = connections;

    /// <summary>The channel ledgers by name, for calls to a chaincode on another channel.</summary>
    public void UseLedgers(Func<string, ChannelLedger?> ledgers) => _ledgers = ledgers;

    public async Task<ByteString> HandleAsync(ChaincodeConnection connection, TxContext ctx, ChaincodeMessage msg, CancellationToken ct)
    {
        var ns = connection.Name;
        var sim = ctx.Simulator;
        if ((uint)msg.Type < (uint)_handled.Length)
        {
            Interlocked.Increment(ref _handled[(int)msg.Type]);
        }

        switch (msg.Type)
        {
            case ChaincodeMessage.Types.Type.GetState:
            {
                var req = GetState.Parser.ParseFrom(msg.Payload);
                var value = string.IsNullOrEmpty(req.Collection)
                    ? sim.GetState(ns, req.Key)
                    : ReadPrivate(ctx, ns, req.Collection, () => sim.GetPrivateData(ns, req.Collection, req.Key));
                return value is null ? ByteString.Empty : ByteString.CopyFrom(value);
            }
            case ChaincodeMessage.Types.Type.GetPrivateDataHash:
            {
                var req = GetState.Parser.ParseFrom(msg.Payload);
                RequireCollection(ctx, ns, req.Collection);
                var hash = sim.GetPrivateDataHash(ns, req.Collection, req.Key);
                return hash is null ? ByteString.Empty : ByteString.CopyFrom(hash);
            }
            case ChaincodeMessage.Types.Type.GetStateMetadata:
            {
                var req = GetStateMetadata.Parser.ParseFrom(msg.Payload);
                var raw = string.IsNullOrEmpty(req.Collection)
                    ? sim.GetStateMetadata(ns, req.Key)
                    : ReadPrivate(ctx, ns, req.Collection, () => sim.GetPrivateDataMetadata(ns, req.Collection, req.Key));
                return raw is null ? new StateMetadataResult().ToByteString() : ByteString.CopyFrom(raw);
            }
            case ChaincodeMessage.Types.Type.GetStateMultiple:
            {
                // HandleGetStateMultipleKeys: one value per key, in key order, empty where a key has none.
                var req = GetStateMultiple.Parser.ParseFrom(msg.Payload);
                var result = new GetStateMultipleResult();
                if (string.IsNullOrEmpty(req.Collection))
                {
                    foreach (var key in req.Keys)
                    {
                        result.Values.Add(Bytes(sim.GetState(ns, key)));
                    }
                }
                else
                {
                    RequireReadable(ctx, ns, req.Collection);
                    foreach (var key in req.Keys)
                    {
                        result.Values.Add(Bytes(sim.GetPrivateData(ns, req.Collection, key)));
                    }
                }
                return result.ToByteString();
            }
            case ChaincodeMessage.Types.Type.PutState:
            {
                var req = PutState.Parser.ParseFrom(msg.Payload);
                Put(ctx, ns, req.Collection, req.Key, req.Value);
                return ByteString.Empty;
            }
            case ChaincodeMessage.Types.Type.DelState:
            {
                var req = DelState.Parser.ParseFrom(msg.Payload);
                Delete(ctx, ns, req.Collection, req.Key);
                return ByteString.Empty;
            }
            case ChaincodeMessage.Types.Type.PurgePrivateData:
            {
                var req = DelState.Parser.ParseFrom(msg.Payload);
                Purge(ctx, ns, req.Collection, req.Key);
                return ByteString.Empty;
            }
            case ChaincodeMessage.Types.Type.PutStateMetadata:
            {
                var req = PutStateMetadata.Parser.ParseFrom(msg.Payload);
                PutMetadata(ctx, ns, req.Collection, req.Key, req.Metadata);
                return ByteString.Empty;
            }
            case ChaincodeMessage.Types.Type.WriteBatchState:
            {
                // HandleWriteBatch: the records in order, each as its single-write message would be.
                foreach (var rec in WriteBatchState.Parser.ParseFrom(msg.Payload).Rec)
                {
                    switch (rec.Type)
                    {
                        case WriteRecord.Types.Type.PutState:
                            Put(ctx, ns, rec.Collection, rec.Key, rec.Value);
                            break;
                        case WriteRecord.Types.Type.DelState:
                            Delete(ctx, ns, rec.Collection, rec.Key);
                            break;
                        case WriteRecord.Types.Type.PurgePrivateData:
                            Purge(ctx, ns, rec.Collection, rec.Key);
                            break;
                        case WriteRecord.Types.Type.PutStateMetadata:
                            PutMetadata(ctx, ns, rec.Collection, rec.Key, rec.Metadata);
                            break;
                        default:
                            throw new InvalidOperationException("unknown operation type");
                    }
                }
                return ByteString.Empty;
            }
            case ChaincodeMessage.Types.Type.GetStateByRange:
                return Range(ctx, ns, GetStateByRange.Parser.ParseFrom(msg.Payload));
            case ChaincodeMessage.Types.Type.QueryStateNext:
                return Next(ctx, QueryStateNext.Parser.ParseFrom(msg.Payload).Id);
            case ChaincodeMessage.Types.Type.QueryStateClose:
            {
                var id = QueryStateClose.Parser.ParseFrom(msg.Payload).Id;
                Close(ctx, id);
                return new QueryResponse { Id = id }.ToByteString();
            }
            case ChaincodeMessage.Types.Type.GetHistoryForKey:
            {
                var req = GetHistoryForKey.Parser.ParseFrom(msg.Payload);
                var results = sim.GetHistory(ns, req.Key).Select(h => new KeyModification
                {
                    TxId = h.TxId,
                    Value = ByteString.CopyFrom(h.Value),
                    IsDelete = h.IsDelete,
                    Timestamp = Timestamp.FromDateTime(new DateTime(h.TimestampTicks, DateTimeKind.Utc)),
                }.ToByteString()).ToList();
                return Open(ctx, new QueryIterator(ns, req.Key, req.Key, false, results, null));
            }
            case ChaincodeMessage.Types.Type.GetQueryResult:
                throw new InvalidOperationException("ExecuteQuery not supported for leveldb");
            case ChaincodeMessage.Types.Type.InvokeChaincode:
                return await InvokeAsync(ctx, ChaincodeSpec.Parser.ParseFrom(msg.Payload), ct).ConfigureAwait(false);
            default:
                throw new InvalidOperationException($"the dev network does not handle {msg.Type}");
        }
    }

    private static ByteString Bytes(byte[]? value) => value is null ? ByteString.Empty : ByteString.CopyFrom(value);

    private static void Put(TxContext ctx, string ns, string collection, string key, ByteString value)
    {
        if (string.IsNullOrEmpty(collection))
        {
            ctx.Simulator.PutState(ns, key, value.ToByteArray());
        }
        else
        {
            WritePrivate(ctx, ns, collection);
            ctx.Simulator.PutPrivateData(ns, collection, key, value.ToByteArray());
        }
    }

    private static void Delete(TxContext ctx, string ns, string collection, string key)
    {
        if (string.IsNullOrEmpty(collection))
        {
            ctx.Simulator.PutState(ns, key, null);
        }
        else
        {
            WritePrivate(ctx, ns, collection);
            ctx.Simulator.PutPrivateData(ns, collection, key, null);
        }
    }

    private static void Purge(TxContext ctx, string ns, string collection, string key)
    {
        WritePrivate(ctx, ns, collection);
        ctx.Simulator.PutPrivateData(ns, collection, key, null, purge: true);
    }

    /// <summary>Like the peer's handler: the metadata written is this one entry, replacing any the key had.</summary>
    private static void PutMetadata(TxContext ctx, string ns, string collection, string key, StateMetadata? metadata)
    {
        List<KVMetadataEntry> entries = [new KVMetadataEntry { Name = metadata?.Metakey ?? "", Value = metadata?.Value ?? ByteString.Empty }];
        if (string.IsNullOrEmpty(collection))
        {
            ctx.Simulator.PutStateMetadata(ns, key, entries);
        }
        else
        {
            WritePrivate(ctx, ns, collection);
            ctx.Simulator.PutPrivateDataMetadata(ns, collection, key, entries);
        }
    }

    private static CollectionDefinition RequireCollection(TxContext ctx, string ns, string collection)
    {
        var cc = ctx.Channel.Chaincodes.GetValueOrDefault(ns)
            ?? throw new InvalidOperationException($"chaincode {ns} is not defined on channel {ctx.Channel.Name}");
        return cc.Collection(collection)
            ?? throw new InvalidOperationException($"collection {collection} could not be found for chaincode {ns}");
    }

    private static byte[]? ReadPrivate(TxContext ctx, string ns, string collection, Func<byte[]?> read)
    {
        RequireReadable(ctx, ns, collection);
        return read();
    }

    private static void RequireReadable(TxContext ctx, string ns, string collection)
    {
        var coll = RequireCollection(ctx, ns, collection);
        if (coll.MemberOnlyRead && !coll.IsMember(ctx.Creator.MspId))
        {
            throw new InvalidOperationException($"tx creator does not have read access permission on privatedata in chaincodeName:{ns} collectionName: {collection}");
        }
    }

    private static void WritePrivate(TxContext ctx, string ns, string collection)
    {
        var coll = RequireCollection(ctx, ns, collection);
        if (coll.MemberOnlyWrite && !coll.IsMember(ctx.Creator.MspId))
        {
            throw new InvalidOperationException($"tx creator does not have write access permission on privatedata in chaincodeName:{ns} collectionName: {collection}");
        }
    }

    private static ByteString Range(TxContext ctx, string ns, GetStateByRange req)
    {
        var sim = ctx.Simulator;
        var start = req.StartKey;
        var end = req.EndKey;
        if (!string.IsNullOrEmpty(req.Collection))
        {
            var coll = RequireCollection(ctx, ns, req.Collection);
            if (coll.MemberOnlyRead && !coll.IsMember(ctx.Creator.MspId))
            {
                throw new InvalidOperationException($"tx creator does not have read access permission on privatedata in chaincodeName:{ns} collectionName: {req.Collection}");
            }
            var pvt = sim.ScanPrivateRange(ns, req.Collection, start, end, TotalQueryLimit);
            return Open(ctx, new QueryIterator(ns, start, end, false, pvt.Select(e => ToKv(ns, e)).ToList(), null));
        }
        if (!req.Metadata.IsEmpty)
        {
            var meta = QueryMetadata.Parser.ParseFrom(req.Metadata);
            var pageStart = string.IsNullOrEmpty(meta.Bookmark) ? start : meta.Bookmark;
            var size = meta.PageSize <= 0 ? TotalQueryLimit : Math.Min(meta.PageSize, TotalQueryLimit);
            var page = sim.ScanRange(ns, pageStart, end, size + 1, paginated: true);
            var bookmark = page.Count > size ? page[size].Key : "";
            var delivered = page.Take(size).ToList();
            sim.RecordRange(ns, pageStart, end, page.Count <= size, delivered);
            var response = new QueryResponse
            {
                HasMore = false,
                Id = Guid.NewGuid().ToString("N"),
                Metadata = new QueryResponseMetadata { FetchedRecordsCount = delivered.Count, Bookmark = bookmark }.ToByteString(),
            };
            response.Results.AddRange(delivered.Select(e => new QueryResultBytes { ResultBytes = ToKv(ns, e) }));
            return response.ToByteString();
        }
        var entries = sim.ScanRange(ns, start, end, TotalQueryLimit, paginated: false);
        return Open(ctx, new QueryIterator(ns, start, end, true, entries.Select(e => ToKv(ns, e)).ToList(), entries));
    }

    private static ByteString ToKv(string ns, RangeEntry e) =>
        new KV { Namespace = ns, Key = e.Key, Value = ByteString.CopyFrom(e.Value) }.ToByteString();

    private static ByteString Open(TxContext ctx, QueryIterator it)
    {
        var id = Guid.NewGuid().ToString("N");
        lock (ctx.Sync)
        {
            ctx.Iterators[id] = it;
        }
        return Batch(ctx, id, it);
    }

    private static ByteString Next(TxContext ctx, string id)
    {
        QueryIterator? it;
        lock (ctx.Sync)
        {
            ctx.Iterators.TryGetValue(id, out it);
        }
        return it is null ? throw new InvalidOperationException("query iterator not found") : Batch(ctx, id, it);
    }

    private static ByteString Batch(TxContext ctx, string id, QueryIterator it)
    {
        var response = new QueryResponse { Id = id };
        var take = Math.Min(BatchSize, it.Results.Count - it.Position);
        for (var i = 0; i < take; i++)
        {
            response.Results.Add(new QueryResultBytes { ResultBytes = it.Results[it.Position + i] });
        }
        it.Position += take;
        response.HasMore = !it.Exhausted;
        if (it.Exhausted)
        {
            Close(ctx, id);
        }
        return response.ToByteString();
    }

    /// <summary>Records what a range iterator delivered (for phantom checks) and forgets it.</summary>
    public static void Close(TxContext ctx, string id)
    {
        QueryIterator? it;
        lock (ctx.Sync)
        {
            if (!ctx.Iterators.Remove(id, out it))
            {
                return;
            }
        }
        if (it.RecordRange && it.Entries is not null)
        {
            var exhausted = it.Exhausted && it.Entries.Count < TotalQueryLimit;
            ctx.Simulator.RecordRange(it.Namespace, it.Start, it.End, exhausted, it.Entries.Take(it.Position));
        }
    }

    public static void CloseAll(TxContext ctx)
    {
        string[] ids;
        lock (ctx.Sync)
        {
            ids = [.. ctx.Iterators.Keys];
        }
        foreach (var id in ids)
        {
            Close(ctx, id);
        }
    }

    /// <summary>
    /// INVOKE_CHAINCODE, as the peer's HandleInvokeChaincode: the name reads <c>chaincode[:version]/channel</c> (version
    /// ignored, no channel meaning the caller's). The creator must satisfy the target channel's Writers (the
    /// <c>peer/ChaincodeToChaincode</c> ACL). On the caller's channel the called chaincode shares the caller's simulator;
    /// on another channel it runs against that channel's state in a simulator of its own whose results are thrown away,
    /// so its writes are neither committed nor part of the caller's read/write set.
    /// </summary>
    private async Task<ByteString> InvokeAsync(TxContext ctx, ChaincodeSpec spec, CancellationToken ct)
    {
        var name = spec.ChaincodeId?.Name ?? "";
        var channel = ctx.Channel.Name;
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            channel = name[(slash + 1)..];
            name = name[..slash];
        }
        var colon = name.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            name = name[..colon];
        }
        var target = ctx;
        if (channel != ctx.Channel.Name)
        {
            // A peer holds only the channels its organisation joined; the ACL check finds no policies for any other.
            var ledger = _ledgers(channel);
            if (ledger is null || !ledger.Definition.Orgs.Contains(ctx.Simulator.PeerOrg))
            {
                throw new InvalidOperationException($"Failed to get policy manager for channel [{channel}]");
            }
            target = new TxContext(ledger.Definition, ctx.TxId, ctx.Proposal, ctx.Creator, new TxSimulator(ledger.Store, ctx.Simulator.PeerOrg));
        }
        if (!target.Channel.Writers.IsSatisfiedBy(ctx.Creator.AsSigner))
        {
            throw new InvalidOperationException(
                $"Failed evaluating policy on signed data during check policy on channel [{channel}] with policy [/Channel/Application/Writers]: " +
                $"[{target.Channel.Writers.FailureMessage}]");
        }
        if (!target.Channel.Chaincodes.ContainsKey(name))
        {
            throw new InvalidOperationException($"execute failed: invalid invocation: [channel {channel}] failed to get chaincode container info for {name}: chaincode {name} is not defined on channel {channel}");
        }
        var connection = _connections(name) ?? throw new InvalidOperationException($"chaincode {name} is not reachable");
        try
        {
            var completed = await connection.ExecuteAsync(target, spec.Input ?? new ChaincodeInput(), ct).ConfigureAwait(false);
            return completed.ToByteString();
        }
        finally
        {
            if (target != ctx)
            {
                CloseAll(target);
            }
        }
    }
}
