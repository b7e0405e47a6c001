using System.Runtime.CompilerServices;
using System.Text;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// The common part of every stub: argument access, key validation, composite keys and the public/private API, on
/// top of a few ledger primitives (collection <c>""</c> is the public state). The peer-backed stub and the
/// in-memory test stub both derive from it.
/// </summary>
public abstract class ChaincodeStubBase : IChaincodeStub
{
    /// <summary>The metadata entry holding a key's endorsement policy.</summary>
    public const string ValidationParameterMetakey = "VALIDATION_PARAMETER";

    private IReadOnlyList<byte[]> _args;
    private IReadOnlyList<string> _stringArgs;

    /// <summary>Creates a stub.</summary>
    /// <param name="channelId">The channel.</param>
    /// <param name="txId">The transaction ID.</param>
    /// <param name="args">The arguments, function name first.</param>
    /// <param name="decorations">Peer decorations.</param>
    protected ChaincodeStubBase(string channelId, string txId, IReadOnlyList<byte[]> args, IReadOnlyDictionary<string, byte[]>? decorations = null)
    {
        ChannelId = channelId;
        TxId = txId;
        _args = args;
        _stringArgs = [.. args.Select(a => Encoding.UTF8.GetString(a))];
        Decorations = decorations ?? new Dictionary<string, byte[]>();
    }

    /// <inheritdoc />
    public string ChannelId { get; protected set; }

    /// <inheritdoc />
    public string TxId { get; protected set; }

    /// <inheritdoc />
    public IReadOnlyList<byte[]> Args
    {
        get => _args;
        protected set
        {
            _args = value;
            _stringArgs = [.. value.Select(a => Encoding.UTF8.GetString(a))];
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<string> StringArgs => _stringArgs;

    /// <inheritdoc />
    public string FunctionName => _stringArgs.Count > 0 ? _stringArgs[0] : string.Empty;

    /// <inheritdoc />
    public IReadOnlyList<string> Parameters => _stringArgs.Count > 1 ? _stringArgs.Skip(1).ToArray() : [];

    /// <inheritdoc />
    public DateTimeOffset TxTimestamp { get; protected set; } = DateTimeOffset.UnixEpoch;

    /// <inheritdoc />
    public SignedProposal? SignedProposal { get; protected set; }

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Creator { get; protected set; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, byte[]> Transient { get; protected set; } = new Dictionary<string, byte[]>();

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Binding { get; protected set; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, byte[]> Decorations { get; protected set; }

    /// <summary>The name of the event set by <see cref="SetEvent"/>, or null.</summary>
    public string? EventName { get; private set; }

    /// <summary>The payload of the event set by <see cref="SetEvent"/>.</summary>
    public ReadOnlyMemory<byte> EventPayload { get; private set; }

    // ---- public state ----

    /// <inheritdoc />
    public Task<byte[]?> GetStateAsync(string key, CancellationToken cancellationToken = default) =>
        GetAsync(string.Empty, RequireKey(key), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<byte[]?>> GetMultipleStatesAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        keys.Count == 0 ? Task.FromResult<IReadOnlyList<byte[]?>>([]) : GetMultipleAsync(string.Empty, RequireKeys(keys), cancellationToken);

    /// <inheritdoc />
    public Task PutStateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        PutAsync(string.Empty, RequireKey(key), value, cancellationToken);

    /// <inheritdoc />
    public Task DeleteStateAsync(string key, CancellationToken cancellationToken = default) =>
        DeleteAsync(string.Empty, RequireKey(key), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<KeyValue> GetStateByRangeAsync(string startKey, string endKey)
    {
        var (start, end) = CompositeKey.SimpleRange(startKey, endKey);
        return RangeAsync(string.Empty, start, end, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<QueryPage<KeyValue>> GetStateByRangeWithPaginationAsync(string startKey, string endKey, int pageSize, string bookmark, CancellationToken cancellationToken = default)
    {
        var (start, end) = CompositeKey.SimpleRange(startKey, endKey);
        return RangePageAsync(string.Empty, start, end, pageSize, bookmark ?? string.Empty, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<KeyValue> GetStateByPartialCompositeKeyAsync(string objectType, IReadOnlyList<string> attributes)
    {
        var (start, end) = CompositeKey.PartialRange(objectType, attributes);
        return RangeAsync(string.Empty, start, end, CancellationToken.None);
    }

    /// <inheritdoc />
    public Task<QueryPage<KeyValue>> GetStateByPartialCompositeKeyWithPaginationAsync(string objectType, IReadOnlyList<string> attributes, int pageSize, string bookmark, CancellationToken cancellationToken = default)
    {
        var (start, end) = CompositeKey.PartialRange(objectType, attributes);
        return RangePageAsync(string.Empty, start, end, pageSize, bookmark ?? string.Empty, cancellationToken);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<KeyValue> GetQueryResultAsync(string query) => QueryAsync(string.Empty, query, CancellationToken.None);

    /// <inheritdoc />
    public Task<QueryPage<KeyValue>> GetQueryResultWithPaginationAsync(string query, int pageSize, string bookmark, CancellationToken cancellationToken = default) =>
        QueryPageAsync(string.Empty, query, pageSize, bookmark ?? string.Empty, cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<HistoryEntry> GetHistoryForKeyAsync(string key) => HistoryAsync(RequireKey(key), CancellationToken.None);

    /// <inheritdoc />
    public string CreateCompositeKey(string objectType, params IReadOnlyList<string> attributes) => CompositeKey.Create(objectType, attributes);

    /// <inheritdoc />
    public (string ObjectType, IReadOnlyList<string> Attributes) SplitCompositeKey(string compositeKey) => CompositeKey.Split(compositeKey);

    // ---- metadata ----

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, byte[]>> GetStateMetadataAsync(string key, CancellationToken cancellationToken = default) =>
        GetMetadataAsync(string.Empty, RequireKey(key), cancellationToken);

    /// <inheritdoc />
    public Task PutStateMetadataAsync(string key, string metakey, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        PutMetadataAsync(string.Empty, RequireKey(key), metakey, value, cancellationToken);

    /// <inheritdoc />
    public async Task<byte[]?> GetStateValidationParameterAsync(string key, CancellationToken cancellationToken = default) =>
        (await GetMetadataAsync(string.Empty, RequireKey(key), cancellationToken).ConfigureAwait(false)).GetValueOrDefault(ValidationParameterMetakey);

    /// <inheritdoc />
    public Task SetStateValidationParameterAsync(string key, ReadOnlyMemory<byte> policy, CancellationToken cancellationToken = default) =>
        PutMetadataAsync(string.Empty, RequireKey(key), ValidationParameterMetakey, policy, cancellationToken);

    // ---- private data ----

    /// <inheritdoc />
    public Task<byte[]?> GetPrivateDataAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        GetAsync(RequireCollection(collection), RequireKey(key), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<byte[]?>> GetMultiplePrivateDataAsync(string collection, IReadOnlyList<string> keys, CancellationToken cancellationToken = default) =>
        keys.Count == 0 ? Task.FromResult<IReadOnlyList<byte[]?>>([]) : GetMultipleAsync(RequireCollection(collection), RequireKeys(keys), cancellationToken);

    /// <inheritdoc />
    public Task<byte[]?> GetPrivateDataHashAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        GetHashAsync(RequireCollection(collection), RequireKey(key), cancellationToken);

    /// <inheritdoc />
    public Task PutPrivateDataAsync(string collection, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default) =>
        PutAsync(RequireCollection(collection), RequireKey(key), value, cancellationToken);

    /// <inheritdoc />
    public Task DeletePrivateDataAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        DeleteAsync(RequireCollection(collection), RequireKey(key), cancellationToken);

    /// <inheritdoc />
    public Task PurgePrivateDataAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        PurgeAsync(RequireCollection(collection), RequireKey(key), cancellationToken);

    /// <inheritdoc />
    public IAsyncEnumerable<KeyValue> GetPrivateDataByRangeAsync(string collection, string startKey, string endKey)
    {
        var (start, end) = CompositeKey.SimpleRange(startKey, endKey);
        return RangeAsync(RequireCollection(collection), start, end, CancellationToken.None);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<KeyValue> GetPrivateDataByPartialCompositeKeyAsync(string collection, string objectType, IReadOnlyList<string> attributes)
    {
        var (start, end) = CompositeKey.PartialRange(objectType, attributes);
        return RangeAsync(RequireCollection(collection), start, end, CancellationToken.None);
    }

    /// <inheritdoc />
    public IAsyncEnumerable<KeyValue> GetPrivateDataQueryResultAsync(string collection, string query) =>
        QueryAsync(RequireCollection(collection), query, CancellationToken.None);

    /// <inheritdoc />
    public async Task<byte[]?> GetPrivateDataValidationParameterAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        (await GetMetadataAsync(RequireCollection(collection), RequireKey(key), cancellationToken).ConfigureAwait(false)).GetValueOrDefault(ValidationParameterMetakey);

    /// <inheritdoc />
    public Task SetPrivateDataValidationParameterAsync(string collection, string key, ReadOnlyMemory<byte> policy, CancellationToken cancellationToken = default) =>
        PutMetadataAsync(RequireCollection(collection), RequireKey(key), ValidationParameterMetakey, policy, cancellationToken);

    // ---- events and chaincode-to-chaincode ----

    /// <inheritdoc />
    public void SetEvent(string name, ReadOnlyMemory<byte> payload)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        EventName = name;
        EventPayload = payload.ToArray();
    }

    /// <inheritdoc />
    public Task<ChaincodeResponse> InvokeChaincodeAsync(string chaincodeName, IReadOnlyList<byte[]> args, string? channel = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(chaincodeName);
        return InvokeChaincodeCoreAsync(chaincodeName, args, channel, cancellationToken);
    }

    /// <summary>Clears the event (for stubs reused across transactions).</summary>
    protected void ClearEvent()
    {
        EventName = null;
        EventPayload = default;
    }

    // ---- primitives ----

    /// <summary>Reads a key of a collection (<c>""</c> for public state); null when absent.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The value or null.</returns>
    protected abstract Task<byte[]?> GetAsync(string collection, string key, CancellationToken cancellationToken);

    /// <summary>Reads several keys; the default reads them one by one.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The values in key order.</returns>
    protected virtual async Task<IReadOnlyList<byte[]?>> GetMultipleAsync(string collection, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var results = new List<byte[]?>(keys.Count);
        foreach (var key in keys)
        {
            results.Add(await GetAsync(collection, key, cancellationToken).ConfigureAwait(false));
        }

        return results;
    }

    /// <summary>Reads the hash of a private value; null when absent.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The hash or null.</returns>
    protected abstract Task<byte[]?> GetHashAsync(string collection, string key, CancellationToken cancellationToken);

    /// <summary>Writes a key.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    protected abstract Task PutAsync(string collection, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Deletes a key.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    protected abstract Task DeleteAsync(string collection, string key, CancellationToken cancellationToken);

    /// <summary>Purges a private key.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    protected abstract Task PurgeAsync(string collection, string key, CancellationToken cancellationToken);

    /// <summary>Reads a key's metadata entries.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Metakey to value.</returns>
    protected abstract Task<IReadOnlyDictionary<string, byte[]>> GetMetadataAsync(string collection, string key, CancellationToken cancellationToken);

    /// <summary>Writes a key's metadata entry.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="key">The key.</param>
    /// <param name="metakey">The entry name.</param>
    /// <param name="value">The entry value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    protected abstract Task PutMetadataAsync(string collection, string key, string metakey, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    /// <summary>Iterates [startKey, endKey) of a collection (end empty: unbounded).</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="startKey">Inclusive start.</param>
    /// <param name="endKey">Exclusive end.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The results.</returns>
    protected abstract IAsyncEnumerable<KeyValue> RangeAsync(string collection, string startKey, string endKey, CancellationToken cancellationToken);

    /// <summary>One page of a range.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="startKey">Inclusive start.</param>
    /// <param name="endKey">Exclusive end.</param>
    /// <param name="pageSize">Page size.</param>
    /// <param name="bookmark">Bookmark or empty.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page.</returns>
    protected abstract Task<QueryPage<KeyValue>> RangePageAsync(string collection, string startKey, string endKey, int pageSize, string bookmark, CancellationToken cancellationToken);

    /// <summary>Runs a rich query.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="query">The query.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The results.</returns>
    protected abstract IAsyncEnumerable<KeyValue> QueryAsync(string collection, string query, CancellationToken cancellationToken);

    /// <summary>One page of a rich query.</summary>
    /// <param name="collection">The collection or <c>""</c>.</param>
    /// <param name="query">The query.</param>
    /// <param name="pageSize">Page size.</param>
    /// <param name="bookmark">Bookmark or empty.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page.</returns>
    protected abstract Task<QueryPage<KeyValue>> QueryPageAsync(string collection, string query, int pageSize, string bookmark, CancellationToken cancellationToken);

    /// <summary>Iterates a key's history.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The history.</returns>
    protected abstract IAsyncEnumerable<HistoryEntry> HistoryAsync(string key, CancellationToken cancellationToken);

    /// <summary>Invokes another chaincode.</summary>
    /// <param name="chaincodeName">The chaincode.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="channel">The channel or null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The response.</returns>
    protected abstract Task<ChaincodeResponse> InvokeChaincodeCoreAsync(string chaincodeName, IReadOnlyList<byte[]> args, string? channel, CancellationToken cancellationToken);

    private static string RequireKey(string key, [CallerArgumentExpression(nameof(key))] string? name = null)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("key must not be empty", name);
        }

        return key;
    }

    private static IReadOnlyList<string> RequireKeys(IReadOnlyList<string> keys)
    {
        foreach (var key in keys)
        {
            RequireKey(key, nameof(keys));
        }

        return keys;
    }

    private static string RequireCollection(string collection)
    {
        if (string.IsNullOrEmpty(collection))
        {
            throw new ArgumentException("collection must not be empty", nameof(collection));
        }

        return collection;
    }
}
