using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Restcomm.Fabric.Shim.Testing;

/// <summary>
/// A stub backed by memory, to unit-test contract logic without a peer: world state, private data collections,
/// key metadata (endorsement policies), history, composite keys, ranges with pagination, the transient map, the
/// creator identity, the transaction timestamp and events.
/// </summary>
/// <remarks>
/// <para>One instance plays a ledger across many transactions: call <see cref="StartTransaction"/> (or
/// <see cref="InvokeAsync"/>) for each. Keys are ordered by code point, like Fabric's state database.</para>
/// <para>Differences from a peer, on purpose: writes are applied at once (a peer only applies them at commit, so a
/// transaction never reads its own writes there); rich queries need <see cref="RichQueryHandler"/>; chaincode-to-
/// chaincode calls need <see cref="InvokeChaincodeHandler"/>. Not thread-safe.</para>
/// </remarks>
public sealed class InMemoryChaincodeStub : ChaincodeStubBase
{
    private const string PublicState = "";
    private readonly Dictionary<string, SortedDictionary<string, byte[]>> _collections = new(StringComparer.Ordinal)
    {
        [PublicState] = new SortedDictionary<string, byte[]>(CodePointComparer.Instance),
    };

    private readonly Dictionary<(string Collection, string Key), Dictionary<string, byte[]>> _metadata = [];
    private readonly Dictionary<string, List<HistoryEntry>> _history = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unreadableCollections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _transient = new(StringComparer.Ordinal);
    private long _transactions;

    /// <summary>Creates an empty ledger on a channel, with no creator until <see cref="SetCreator(TestIdentity)"/>.</summary>
    /// <param name="channelId">The channel name.</param>
    public InMemoryChaincodeStub(string channelId = "mychannel")
        : base(channelId, "tx0", [])
    {
        Transient = _transient;
        TxTimestamp = TimeProvider.GetUtcNow();
    }

    /// <summary>The clock used for transaction timestamps; set a fake one for deterministic tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Answers rich queries: (collection or "", query) → results. Without it, rich queries throw.</summary>
    public Func<string, string, IEnumerable<KeyValue>>? RichQueryHandler { get; set; }

    /// <summary>Answers chaincode-to-chaincode calls: (chaincode, args, channel) → response. Without it, they fail.</summary>
    public Func<string, IReadOnlyList<byte[]>, string?, ChaincodeResponse>? InvokeChaincodeHandler { get; set; }

    /// <summary>A snapshot of the public world state (key order as on a peer).</summary>
    public IReadOnlyDictionary<string, byte[]> State => new SortedDictionary<string, byte[]>(_collections[PublicState], CodePointComparer.Instance);

    /// <summary>A snapshot of one private data collection (empty when never written).</summary>
    /// <param name="collection">The collection.</param>
    /// <returns>The collection's keys and values.</returns>
    public IReadOnlyDictionary<string, byte[]> GetPrivateState(string collection) =>
        _collections.TryGetValue(collection, out var values)
            ? new SortedDictionary<string, byte[]>(values, CodePointComparer.Instance)
            : new SortedDictionary<string, byte[]>(CodePointComparer.Instance);

    /// <summary>
    /// Starts a new transaction: a fresh transaction ID and timestamp, the given arguments, an empty transient map and
    /// no event. The creator is kept.
    /// </summary>
    /// <param name="function">The function name (<c>contract:function</c> or <c>function</c>).</param>
    /// <param name="args">The string arguments.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub StartTransaction(string function, params IReadOnlyList<string> args)
    {
        var all = new byte[args.Count + 1][];
        all[0] = Encoding.UTF8.GetBytes(function);
        for (var i = 0; i < args.Count; i++)
        {
            all[i + 1] = Encoding.UTF8.GetBytes(args[i]);
        }

        Args = all;
        _transactions++;
        TxId = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{ChannelId}/{_transactions}/{Guid.NewGuid()}")));
        TxTimestamp = TimeProvider.GetUtcNow();
        _transient.Clear();
        ClearEvent();
        return this;
    }

    /// <summary>Starts a transaction and runs it through a chaincode (e.g. a <see cref="ContractChaincode"/>).</summary>
    /// <param name="chaincode">The chaincode.</param>
    /// <param name="function">The function name.</param>
    /// <param name="args">The string arguments.</param>
    /// <returns>The chaincode's response.</returns>
    public Task<ChaincodeResponse> InvokeAsync(IChaincode chaincode, string function, params IReadOnlyList<string> args)
    {
        StartTransaction(function, args);
        return chaincode.InvokeAsync(this, CancellationToken.None);
    }

    /// <summary>Sets the transaction ID of the current transaction.</summary>
    /// <param name="txId">The transaction ID.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetTxId(string txId)
    {
        TxId = txId;
        return this;
    }

    /// <summary>Sets the channel ID.</summary>
    /// <param name="channelId">The channel.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetChannelId(string channelId)
    {
        ChannelId = channelId;
        return this;
    }

    /// <summary>Sets the timestamp of the current transaction.</summary>
    /// <param name="timestamp">The timestamp.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetTxTimestamp(DateTimeOffset timestamp)
    {
        TxTimestamp = timestamp;
        return this;
    }

    /// <summary>Makes this identity the creator of the following transactions.</summary>
    /// <param name="identity">The identity.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetCreator(TestIdentity identity) => SetCreator(identity.SerializedIdentity);

    /// <summary>Sets the creator from a serialized <c>msp.SerializedIdentity</c>.</summary>
    /// <param name="serializedIdentity">The serialized identity.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetCreator(ReadOnlyMemory<byte> serializedIdentity)
    {
        Creator = serializedIdentity.ToArray();
        return this;
    }

    /// <summary>Adds an entry to the current transaction's transient map.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetTransient(string key, ReadOnlySpan<byte> value)
    {
        _transient[key] = value.ToArray();
        return this;
    }

    /// <summary>Adds a UTF-8 text entry to the current transaction's transient map.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The text.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetTransient(string key, string value) => SetTransient(key, Encoding.UTF8.GetBytes(value));

    /// <summary>
    /// Makes a collection unreadable for the current creator, as a peer of a non-member organisation would: reads
    /// then fail with Fabric's access error, while hashes stay readable.
    /// </summary>
    /// <param name="collection">The collection.</param>
    /// <param name="readable">False to refuse reads, true to allow them again.</param>
    /// <returns>This stub.</returns>
    public InMemoryChaincodeStub SetCollectionReadable(string collection, bool readable)
    {
        if (readable)
        {
            _unreadableCollections.Remove(collection);
        }
        else
        {
            _unreadableCollections.Add(collection);
        }

        return this;
    }

    /// <inheritdoc />
    protected override Task<byte[]?> GetAsync(string collection, string key, CancellationToken cancellationToken)
    {
        CheckReadable(collection);
        return Task.FromResult(Values(collection).TryGetValue(key, out var value) ? (byte[]?)value.ToArray() : null);
    }

    /// <inheritdoc />
    protected override Task<byte[]?> GetHashAsync(string collection, string key, CancellationToken cancellationToken) =>
        Task.FromResult(Values(collection).TryGetValue(key, out var value) ? (byte[]?)SHA256.HashData(value) : null);

    /// <inheritdoc />
    protected override Task PutAsync(string collection, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        var bytes = value.ToArray();
        Values(collection)[key] = bytes;
        if (collection.Length == 0)
        {
            AddHistory(key, bytes, false);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task DeleteAsync(string collection, string key, CancellationToken cancellationToken)
    {
        if (Values(collection).Remove(key) && collection.Length == 0)
        {
            AddHistory(key, [], true);
        }

        _metadata.Remove((collection, key));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task PurgeAsync(string collection, string key, CancellationToken cancellationToken)
    {
        Values(collection).Remove(key);
        _metadata.Remove((collection, key));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyDictionary<string, byte[]>> GetMetadataAsync(string collection, string key, CancellationToken cancellationToken)
    {
        CheckReadable(collection);
        IReadOnlyDictionary<string, byte[]> result = _metadata.TryGetValue((collection, key), out var entries)
            ? new Dictionary<string, byte[]>(entries, StringComparer.Ordinal)
            : new Dictionary<string, byte[]>(StringComparer.Ordinal);
        return Task.FromResult(result);
    }

    /// <inheritdoc />
    protected override Task PutMetadataAsync(string collection, string key, string metakey, ReadOnlyMemory<byte> value, CancellationToken cancellationToken)
    {
        if (!_metadata.TryGetValue((collection, key), out var entries))
        {
            entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            _metadata[(collection, key)] = entries;
        }

        entries[metakey] = value.ToArray();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<KeyValue> RangeAsync(string collection, string startKey, string endKey, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CheckReadable(collection);
        foreach (var item in Range(collection, startKey, endKey).ToList())
        {
            await Task.Yield();
            yield return item;
        }
    }

    /// <inheritdoc />
    protected override Task<QueryPage<KeyValue>> RangePageAsync(string collection, string startKey, string endKey, int pageSize, string bookmark, CancellationToken cancellationToken)
    {
        CheckReadable(collection);
        if (bookmark.Length > 0 && CodePointComparer.Instance.Compare(bookmark, startKey) > 0)
        {
            startKey = bookmark;
        }

        var items = Range(collection, startKey, endKey).Take(pageSize + 1).ToList();
        var next = items.Count > pageSize ? items[pageSize].Key : string.Empty;
        var page = items.Take(pageSize).ToList();
        return Task.FromResult(new QueryPage<KeyValue>(page, page.Count, next));
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<KeyValue> QueryAsync(string collection, string query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        CheckReadable(collection);
        var handler = RichQueryHandler ?? throw new NotSupportedException("rich queries need InMemoryChaincodeStub.RichQueryHandler");
        foreach (var item in handler(collection, query).ToList())
        {
            await Task.Yield();
            yield return item;
        }
    }

    /// <inheritdoc />
    protected override Task<QueryPage<KeyValue>> QueryPageAsync(string collection, string query, int pageSize, string bookmark, CancellationToken cancellationToken)
    {
        CheckReadable(collection);
        var handler = RichQueryHandler ?? throw new NotSupportedException("rich queries need InMemoryChaincodeStub.RichQueryHandler");
        var all = handler(collection, query).ToList();
        var skip = int.TryParse(bookmark, out var offset) ? offset : 0;
        var page = all.Skip(skip).Take(pageSize).ToList();
        var next = skip + page.Count < all.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty;
        return Task.FromResult(new QueryPage<KeyValue>(page, page.Count, next));
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<HistoryEntry> HistoryAsync(string key, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_history.TryGetValue(key, out var entries))
        {
            yield break;
        }

        for (var i = entries.Count - 1; i >= 0; i--)
        {
            await Task.Yield();
            yield return entries[i];
        }
    }

    /// <inheritdoc />
    protected override Task<ChaincodeResponse> InvokeChaincodeCoreAsync(string chaincodeName, IReadOnlyList<byte[]> args, string? channel, CancellationToken cancellationToken)
    {
        var handler = InvokeChaincodeHandler ?? throw new NotSupportedException("chaincode-to-chaincode calls need InMemoryChaincodeStub.InvokeChaincodeHandler");
        return Task.FromResult(handler(chaincodeName, args, channel));
    }

    private IEnumerable<KeyValue> Range(string collection, string startKey, string endKey)
    {
        foreach (var (key, value) in Values(collection))
        {
            if (CodePointComparer.Instance.Compare(key, startKey) < 0)
            {
                continue;
            }

            if (endKey.Length > 0 && CodePointComparer.Instance.Compare(key, endKey) >= 0)
            {
                yield break;
            }

            yield return new KeyValue(key, value.ToArray());
        }
    }

    private SortedDictionary<string, byte[]> Values(string collection)
    {
        if (!_collections.TryGetValue(collection, out var values))
        {
            values = new SortedDictionary<string, byte[]>(CodePointComparer.Instance);
            _collections[collection] = values;
        }

        return values;
    }

    private void CheckReadable(string collection)
    {
        if (collection.Length > 0 && _unreadableCollections.Contains(collection))
        {
            // As the shim answers the peer's refusal: forbidden (403).
            throw ChaincodeException.Forbidden($"tx creator does not have read access permission on privatedata in chaincodeName:test collectionName: {collection}");
        }
    }

    private void AddHistory(string key, byte[] value, bool isDelete)
    {
        if (!_history.TryGetValue(key, out var entries))
        {
            entries = [];
            _history[key] = entries;
        }

        entries.Add(new HistoryEntry(TxId, value, TxTimestamp, isDelete));
    }

    /// <summary>Orders keys by Unicode code point, as Fabric's state databases order UTF-8 keys.</summary>
    private sealed class CodePointComparer : IComparer<string>
    {
        public static readonly CodePointComparer Instance = new();

        public int Compare(string? x, string? y)
        {
            if (ReferenceEquals(x, y))
            {
                return 0;
            }

            if (x is null || y is null)
            {
                return x is null ? -1 : 1;
            }

            var left = x.EnumerateRunes();
            var right = y.EnumerateRunes();
            while (true)
            {
                var hasLeft = left.MoveNext();
                var hasRight = right.MoveNext();
                if (!hasLeft || !hasRight)
                {
                    return hasLeft ? 1 : hasRight ? -1 : 0;
                }

                var difference = left.Current.Value - right.Current.Value;
                if (difference != 0)
                {
                    return difference;
                }
            }
        }
    }
}
