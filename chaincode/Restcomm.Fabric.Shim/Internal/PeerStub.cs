using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;
using QueryKV = Restcomm.Fabric.Protos.Ledger.QueryResult.KV;
using QueryKeyModification = Restcomm.Fabric.Protos.Ledger.QueryResult.KeyModification;

namespace Restcomm.Fabric.Shim.Internal;

/// <summary>The stub of one transaction running against a real peer stream.</summary>
internal sealed class PeerStub : ChaincodeStubBase
{
    private readonly PeerSession _session;
    // Fabric drops a second outstanding request of the same transaction: calls queue here.
    private readonly SemaphoreSlim _oneCallAtATime = new(1, 1);
    private WriteBatch? _batch;

    public PeerStub(PeerSession session, string channelId, string txId, ChaincodeInput input, SignedProposal? signedProposal)
        : base(channelId, txId, [.. input.Args.Select(a => a.ToByteArray())], input.Decorations.ToDictionary(d => d.Key, d => d.Value.ToByteArray(), StringComparer.Ordinal))
    {
        _session = session;
        if (session.UseWriteBatch)
        {
            _batch = new WriteBatch();
        }

        if (signedProposal is null || signedProposal.ProposalBytes.IsEmpty)
        {
            return;
        }

        SignedProposal = signedProposal;
        var proposal = Proposal.Parser.ParseFrom(signedProposal.ProposalBytes);
        if (proposal.Header.IsEmpty)
        {
            throw new InvalidOperationException("failed to extract proposal fields: the proposal header is empty");
        }

        var header = Header.Parser.ParseFrom(proposal.Header);
        var channelHeader = ChannelHeader.Parser.ParseFrom(header.ChannelHeader);
        if (channelHeader.Type is not ((int)HeaderType.EndorserTransaction or (int)HeaderType.Config))
        {
            throw new InvalidOperationException($"invalid channel header type {channelHeader.Type}: expected ENDORSER_TRANSACTION or CONFIG");
        }

        var signatureHeader = SignatureHeader.Parser.ParseFrom(header.SignatureHeader);
        Creator = signatureHeader.Creator.ToByteArray();
        if (channelHeader.Timestamp is { } timestamp)
        {
            TxTimestamp = timestamp.ToDateTimeOffset();
        }

        var payload = ChaincodeProposalPayload.Parser.ParseFrom(proposal.Payload);
        Transient = payload.TransientMap.ToDictionary(t => t.Key, t => t.Value.ToByteArray(), StringComparer.Ordinal);

        // The binding ties the proposal to its creator and nonce: SHA-256(nonce || creator || epoch as 8 bytes LE).
        var nonce = signatureHeader.Nonce.Span;
        var creator = signatureHeader.Creator.Span;
        var material = new byte[nonce.Length + creator.Length + 8];
        nonce.CopyTo(material);
        creator.CopyTo(material.AsSpan(nonce.Length));
        BinaryPrimitives.WriteUInt64LittleEndian(material.AsSpan(nonce.Length + creator.Length), channelHeader.Epoch);
        Binding = SHA256.HashData(material);
    }

    public ChaincodeEvent? Event => EventName is null ? null : new ChaincodeEvent { EventName = EventName, Payload = ByteString.CopyFrom(EventPayload.Span) };

    /// <summary>Sends buffered writes in WRITE_BATCH_STATE messages of at most the peer's batch size.</summary>
    public async Task FlushWritesAsync(CancellationToken cancellationToken)
    {
        var batch = _batch;
        _batch = null;
        if (batch is null || batch.Count == 0)
        {
            return;
        }

        foreach (var chunk in batch.Records.Chunk(_session.MaxWriteBatch))
        {
            var message = new WriteBatchState();
            message.Rec.AddRange(chunk);
            await CallAsync(MessageType.WriteBatchState, message, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ByteString> CallAsync(MessageType type, IMessage payload, CancellationToken cancellationToken)
    {
        var request = new ChaincodeMessage { Type = type, Payload = payload.ToByteString(), Txid = TxId, ChannelId = ChannelId };
        await _oneCallAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        ChaincodeMessage response;
        try
        {
            response = await _session.CallAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneCallAtATime.Release();
        }

        return response.Type switch
        {
            MessageType.Response => response.Payload,
            MessageType.Error => throw PeerError(PeerSession.Text(response.Payload)),
            _ => throw new ChaincodeException($"unexpected {response.Type} in answer to {type}: expected RESPONSE or ERROR"),
        };
    }

    /// <summary>
    /// A peer's ERROR to a stub call. Fabric's peer says only in words (core/chaincode/handler.go) that the creator's
    /// organisation is outside a private data collection it reads or writes; that is a refusal the caller must see as
    /// <c>forbidden</c> (403), not a chaincode failure.
    /// </summary>
    internal static ChaincodeException PeerError(string message)
        => message.Contains("does not have read access permission", StringComparison.Ordinal) ||
           message.Contains("does not have write access permission", StringComparison.Ordinal)
            ? ChaincodeException.Forbidden(message)
            : new ChaincodeException(message);

    private static byte[]? ValueOrNull(ByteString value) => value.IsEmpty ? null : value.ToByteArray();

    protected override async Task<byte[]?> GetAsync(string collection, string key, CancellationToken cancellationToken) =>
        ValueOrNull(await CallAsync(MessageType.GetState, new GetState { Key = key, Collection = collection }, cancellationToken).ConfigureAwait(false));

    protected override async Task<IReadOnlyList<byte[]?>> GetMultipleAsync(string collection, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new List<byte[]?>(keys.Count);
        if (!_session.UseGetMultiple)
        {
            foreach (var key in keys)
            {
                results.Add(await GetAsync(collection, key, cancellationToken).ConfigureAwait(false));
            }

            return results;
        }

        foreach (var chunk in keys.Chunk(_session.MaxGetMultiple))
        {
            var request = new GetStateMultiple { Collection = collection };
            request.Keys.AddRange(chunk);
            var answer = GetStateMultipleResult.Parser.ParseFrom(await CallAsync(MessageType.GetStateMultiple, request, cancellationToken).ConfigureAwait(false));
            if (answer.Values.Count != chunk.Length)
            {
                throw new ChaincodeException($"the peer returned {answer.Values.Count} values for {chunk.Length} keys");
            }

            results.AddRange(answer.Values.Select(ValueOrNull));
        }

        return results;
    }

    protected override async Task<byte[]?> GetHashAsync(string collection, string key, CancellationToken cancellationToken) =>
        ValueOrNull(await CallAsync(MessageType.GetPrivateDataHash, new GetState { Key = key, Collection = collection }, cancellationToken).ConfigureAwait(false));

    protected override Task PutAsync(string collection, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var bytes = ByteString.CopyFrom(value.Span);
        if (_batch is { } batch)
        {
            batch.Add(new WriteRecord { Type = WriteRecord.Types.Type.PutState, Key = key, Collection = collection, Value = bytes });
            return Task.CompletedTask;
        }

        return CallAsync(MessageType.PutState, new PutState { Key = key, Collection = collection, Value = bytes }, cancellationToken);
    }

    protected override Task DeleteAsync(string collection, string key, CancellationToken cancellationToken)
    {
        if (_batch is { } batch)
        {
            batch.Add(new WriteRecord { Type = WriteRecord.Types.Type.DelState, Key = key, Collection = collection });
            return Task.CompletedTask;
        }

        return CallAsync(MessageType.DelState, new DelState { Key = key, Collection = collection }, cancellationToken);
    }

    protected override Task PurgeAsync(string collection, string key, CancellationToken cancellationToken)
    {
        if (_batch is { } batch)
        {
            batch.Add(new WriteRecord { Type = WriteRecord.Types.Type.PurgePrivateData, Key = key, Collection = collection });
            return Task.CompletedTask;
        }

        return CallAsync(MessageType.PurgePrivateData, new DelState { Key = key, Collection = collection }, cancellationToken);
    }

    protected override async Task<IReadOnlyDictionary<string, byte[]>> GetMetadataAsync(string collection, string key, CancellationToken cancellationToken)
    {
        var answer = StateMetadataResult.Parser.ParseFrom(
            await CallAsync(MessageType.GetStateMetadata, new GetStateMetadata { Key = key, Collection = collection }, cancellationToken).ConfigureAwait(false));
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var entry in answer.Entries)
        {
            result[entry.Metakey] = entry.Value.ToByteArray();
        }

        return result;
    }

    protected override Task PutMetadataAsync(string collection, string key, string metakey, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var metadata = new StateMetadata { Metakey = metakey, Value = ByteString.CopyFrom(value.Span) };
        if (_batch is { } batch)
        {
            batch.Add(new WriteRecord { Type = WriteRecord.Types.Type.PutStateMetadata, Key = key, Collection = collection, Metadata = metadata });
            return Task.CompletedTask;
        }

        return CallAsync(MessageType.PutStateMetadata, new PutStateMetadata { Key = key, Collection = collection, Metadata = metadata }, cancellationToken);
    }

    protected override IAsyncEnumerable<KeyValue> RangeAsync(string collection, string startKey, string endKey, CancellationToken cancellationToken) =>
        IterateAsync(MessageType.GetStateByRange, new GetStateByRange { StartKey = startKey, EndKey = endKey, Collection = collection }, DecodeKv, cancellationToken);

    protected override async Task<QueryPage<KeyValue>> RangePageAsync(string collection, string startKey, string endKey, int pageSize, string bookmark, CancellationToken cancellationToken)
    {
        var request = new GetStateByRange { StartKey = startKey, EndKey = endKey, Collection = collection, Metadata = PageMetadata(pageSize, bookmark) };
        return await PageAsync(MessageType.GetStateByRange, request, cancellationToken).ConfigureAwait(false);
    }

    protected override IAsyncEnumerable<KeyValue> QueryAsync(string collection, string query, CancellationToken cancellationToken) =>
        IterateAsync(MessageType.GetQueryResult, new GetQueryResult { Query = query, Collection = collection }, DecodeKv, cancellationToken);

    protected override async Task<QueryPage<KeyValue>> QueryPageAsync(string collection, string query, int pageSize, string bookmark, CancellationToken cancellationToken)
    {
        var request = new GetQueryResult { Query = query, Collection = collection, Metadata = PageMetadata(pageSize, bookmark) };
        return await PageAsync(MessageType.GetQueryResult, request, cancellationToken).ConfigureAwait(false);
    }

    protected override IAsyncEnumerable<HistoryEntry> HistoryAsync(string key, CancellationToken cancellationToken) =>
        IterateAsync(MessageType.GetHistoryForKey, new GetHistoryForKey { Key = key }, DecodeHistory, cancellationToken);

    protected override async Task<ChaincodeResponse> InvokeChaincodeCoreAsync(string chaincodeName, IReadOnlyList<byte[]> args, string? channel, CancellationToken cancellationToken)
    {
        var input = new ChaincodeInput();
        input.Args.AddRange(args.Select(ByteString.CopyFrom));
        var spec = new ChaincodeSpec
        {
            ChaincodeId = new ChaincodeID { Name = string.IsNullOrEmpty(channel) ? chaincodeName : $"{chaincodeName}/{channel}" },
            Input = input,
        };
        ByteString answer;
        try
        {
            answer = await CallAsync(MessageType.InvokeChaincode, spec, cancellationToken).ConfigureAwait(false);
        }
        catch (ChaincodeException e)
        {
            return ChaincodeResponse.Error(e.Message);
        }

        // The peer answers with the called chaincode's own final message: COMPLETED carries its Response.
        var inner = ChaincodeMessage.Parser.ParseFrom(answer);
        if (inner.Type != MessageType.Completed)
        {
            return ChaincodeResponse.Error(PeerSession.Text(inner.Payload));
        }

        var response = Response.Parser.ParseFrom(inner.Payload);
        return new ChaincodeResponse(response.Status, response.Message, response.Payload.Memory);
    }

    private static ByteString PageMetadata(int pageSize, string bookmark) =>
        new QueryMetadata { PageSize = pageSize, Bookmark = bookmark ?? string.Empty }.ToByteString();

    private async Task<QueryPage<KeyValue>> PageAsync(MessageType type, IMessage request, CancellationToken cancellationToken)
    {
        var items = new List<KeyValue>();
        var response = QueryResponse.Parser.ParseFrom(await CallAsync(type, request, cancellationToken).ConfigureAwait(false));
        while (true)
        {
            items.AddRange(response.Results.Select(DecodeKv));
            if (!response.HasMore)
            {
                break;
            }

            response = QueryResponse.Parser.ParseFrom(
                await CallAsync(MessageType.QueryStateNext, new QueryStateNext { Id = response.Id }, cancellationToken).ConfigureAwait(false));
        }

        var metadata = response.Metadata.IsEmpty ? new QueryResponseMetadata() : QueryResponseMetadata.Parser.ParseFrom(response.Metadata);
        return new QueryPage<KeyValue>(items, metadata.FetchedRecordsCount, metadata.Bookmark);
    }

    private async IAsyncEnumerable<T> IterateAsync<T>(MessageType type, IMessage request, Func<QueryResultBytes, T> decode, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var response = QueryResponse.Parser.ParseFrom(await CallAsync(type, request, cancellationToken).ConfigureAwait(false));
        var exhausted = false;
        try
        {
            while (true)
            {
                foreach (var result in response.Results)
                {
                    yield return decode(result);
                }

                if (!response.HasMore)
                {
                    exhausted = true;
                    yield break;
                }

                response = QueryResponse.Parser.ParseFrom(
                    await CallAsync(MessageType.QueryStateNext, new QueryStateNext { Id = response.Id }, cancellationToken).ConfigureAwait(false));
            }
        }
        finally
        {
            if (!exhausted && !_session.Closed.IsCancellationRequested)
            {
                // Stopped early: let the peer release the iterator.
                try
                {
                    await CallAsync(MessageType.QueryStateClose, new QueryStateClose { Id = response.Id }, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is ChaincodeException or IOException)
                {
                    // Best effort; the peer also cleans up when the transaction ends.
                }
            }
        }
    }

    private static KeyValue DecodeKv(QueryResultBytes result)
    {
        var kv = QueryKV.Parser.ParseFrom(result.ResultBytes);
        return new KeyValue(kv.Key, kv.Value.Memory);
    }

    private static HistoryEntry DecodeHistory(QueryResultBytes result)
    {
        var modification = QueryKeyModification.Parser.ParseFrom(result.ResultBytes);
        var timestamp = modification.Timestamp?.ToDateTimeOffset() ?? DateTimeOffset.UnixEpoch;
        return new HistoryEntry(modification.TxId, modification.Value.Memory, timestamp, modification.IsDelete);
    }
}

/// <summary>Writes buffered for WRITE_BATCH_STATE: the last write to a key (or metadata entry) wins, first-write order kept.</summary>
internal sealed class WriteBatch
{
    private readonly Dictionary<(string Collection, string Key, string? Metakey), int> _index = [];
    private readonly List<WriteRecord> _records = [];

    public int Count => _records.Count;

    public IEnumerable<WriteRecord> Records => _records;

    public void Add(WriteRecord record)
    {
        var slot = (record.Collection, record.Key, record.Type == WriteRecord.Types.Type.PutStateMetadata ? record.Metadata.Metakey : null);
        if (_index.TryGetValue(slot, out var position))
        {
            _records[position] = record;
        }
        else
        {
            _index[slot] = _records.Count;
            _records.Add(record);
        }
    }
}
