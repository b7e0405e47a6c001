using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Shim;

/// <summary>
/// A transaction's view of the ledger and of its proposal. One stub exists per transaction; calls that reach the peer
/// are sent one at a time (Fabric drops a second outstanding request for the same transaction), so concurrent calls
/// on one stub are safe but are queued.
/// </summary>
/// <remarks>
/// As in Fabric, a transaction does not read its own writes: <see cref="GetStateAsync"/> after
/// <see cref="PutStateAsync"/> returns the committed value.
/// </remarks>
public interface IChaincodeStub
{
    /// <summary>The channel the transaction runs on.</summary>
    string ChannelId { get; }

    /// <summary>The transaction ID.</summary>
    string TxId { get; }

    /// <summary>The invocation arguments; <c>Args[0]</c> is the function name.</summary>
    IReadOnlyList<byte[]> Args { get; }

    /// <summary>The invocation arguments decoded as UTF-8.</summary>
    IReadOnlyList<string> StringArgs { get; }

    /// <summary>The function name (first argument, possibly <c>contract:function</c>); empty when there are no arguments.</summary>
    string FunctionName { get; }

    /// <summary>The arguments after the function name, decoded as UTF-8.</summary>
    IReadOnlyList<string> Parameters { get; }

    /// <summary>The timestamp the client put in the proposal's channel header.</summary>
    DateTimeOffset TxTimestamp { get; }

    /// <summary>The signed proposal, when the peer sent one.</summary>
    SignedProposal? SignedProposal { get; }

    /// <summary>The serialized identity (<c>msp.SerializedIdentity</c>) of the client that created the proposal.</summary>
    ReadOnlyMemory<byte> Creator { get; }

    /// <summary>The transient map of the proposal (private inputs that do not reach the ledger).</summary>
    IReadOnlyDictionary<string, byte[]> Transient { get; }

    /// <summary>The proposal binding: SHA-256 of nonce, creator and epoch.</summary>
    ReadOnlyMemory<byte> Binding { get; }

    /// <summary>Decorations added by the peer's decorators.</summary>
    IReadOnlyDictionary<string, byte[]> Decorations { get; }

    // ---- public state ----

    /// <summary>Reads a key; null when absent.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The value or null.</returns>
    Task<byte[]?> GetStateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Reads several keys, in one request per batch when the peer offers GET_STATE_MULTIPLE.</summary>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The values in key order; null where absent.</returns>
    Task<IReadOnlyList<byte[]?>> GetMultipleStatesAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Writes a key (buffered and sent in WRITE_BATCH_STATE when the peer offers batching).</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the write is recorded.</returns>
    Task PutStateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the delete is recorded.</returns>
    Task DeleteStateAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Iterates keys in [startKey, endKey) (an empty start or end is unbounded). Composite keys are not returned.</summary>
    /// <param name="startKey">Inclusive start.</param>
    /// <param name="endKey">Exclusive end.</param>
    /// <returns>The results, fetched lazily in the peer's batches.</returns>
    IAsyncEnumerable<KeyValue> GetStateByRangeAsync(string startKey, string endKey);

    /// <summary>One page of a range query (allowed only in read-only transactions).</summary>
    /// <param name="startKey">Inclusive start.</param>
    /// <param name="endKey">Exclusive end.</param>
    /// <param name="pageSize">Maximum number of results.</param>
    /// <param name="bookmark">Bookmark from the previous page, or empty.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page.</returns>
    Task<QueryPage<KeyValue>> GetStateByRangeWithPaginationAsync(string startKey, string endKey, int pageSize, string bookmark, CancellationToken cancellationToken = default);

    /// <summary>Iterates composite keys of a type whose first attributes match.</summary>
    /// <param name="objectType">The composite key's object type.</param>
    /// <param name="attributes">Leading attributes (may be empty).</param>
    /// <returns>The results.</returns>
    IAsyncEnumerable<KeyValue> GetStateByPartialCompositeKeyAsync(string objectType, IReadOnlyList<string> attributes);

    /// <summary>One page of a partial composite key query (read-only transactions only).</summary>
    /// <param name="objectType">The composite key's object type.</param>
    /// <param name="attributes">Leading attributes.</param>
    /// <param name="pageSize">Maximum number of results.</param>
    /// <param name="bookmark">Bookmark from the previous page, or empty.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page.</returns>
    Task<QueryPage<KeyValue>> GetStateByPartialCompositeKeyWithPaginationAsync(string objectType, IReadOnlyList<string> attributes, int pageSize, string bookmark, CancellationToken cancellationToken = default);

    /// <summary>Runs a rich query (CouchDB selector JSON) as-is.</summary>
    /// <param name="query">The query string.</param>
    /// <returns>The results.</returns>
    IAsyncEnumerable<KeyValue> GetQueryResultAsync(string query);

    /// <summary>One page of a rich query (read-only transactions only).</summary>
    /// <param name="query">The query string.</param>
    /// <param name="pageSize">Maximum number of results.</param>
    /// <param name="bookmark">Bookmark from the previous page, or empty.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The page.</returns>
    Task<QueryPage<KeyValue>> GetQueryResultWithPaginationAsync(string query, int pageSize, string bookmark, CancellationToken cancellationToken = default);

    /// <summary>Iterates the committed modifications of a key, newest first (peer must enable the history database).</summary>
    /// <param name="key">The key.</param>
    /// <returns>The history.</returns>
    IAsyncEnumerable<HistoryEntry> GetHistoryForKeyAsync(string key);

    /// <summary>Creates a composite key (see <see cref="CompositeKey.Create"/>).</summary>
    /// <param name="objectType">The object type.</param>
    /// <param name="attributes">The attributes.</param>
    /// <returns>The key.</returns>
    string CreateCompositeKey(string objectType, params IReadOnlyList<string> attributes);

    /// <summary>Splits a composite key into its object type and attributes.</summary>
    /// <param name="compositeKey">The key.</param>
    /// <returns>The object type and attributes.</returns>
    (string ObjectType, IReadOnlyList<string> Attributes) SplitCompositeKey(string compositeKey);

    // ---- metadata and state-based endorsement ----

    /// <summary>Reads all metadata entries of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Metakey to value.</returns>
    Task<IReadOnlyDictionary<string, byte[]>> GetStateMetadataAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Writes one metadata entry of a key.</summary>
    /// <param name="key">The key.</param>
    /// <param name="metakey">The metadata entry name.</param>
    /// <param name="value">The entry value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the write is recorded.</returns>
    Task PutStateMetadataAsync(string key, string metakey, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Reads a key's endorsement policy (serialized <c>common.SignaturePolicyEnvelope</c>); null when none.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The policy bytes or null.</returns>
    Task<byte[]?> GetStateValidationParameterAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Sets a key's endorsement policy (see <see cref="KeyEndorsementPolicy"/>).</summary>
    /// <param name="key">The key.</param>
    /// <param name="policy">Serialized <c>common.SignaturePolicyEnvelope</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the write is recorded.</returns>
    Task SetStateValidationParameterAsync(string key, ReadOnlyMemory<byte> policy, CancellationToken cancellationToken = default);

    // ---- private data ----

    /// <summary>Reads a key of a private data collection; null when absent.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The value or null.</returns>
    Task<byte[]?> GetPrivateDataAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Reads several keys of a private data collection.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="keys">The keys.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The values in key order; null where absent.</returns>
    Task<IReadOnlyList<byte[]?>> GetMultiplePrivateDataAsync(string collection, IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    /// <summary>Reads the SHA-256 hash of a private value (allowed for non-members); null when absent.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The hash or null.</returns>
    Task<byte[]?> GetPrivateDataHashAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Writes a key of a private data collection.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the write is recorded.</returns>
    Task PutPrivateDataAsync(string collection, string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken = default);

    /// <summary>Deletes a key of a private data collection.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the delete is recorded.</returns>
    Task DeletePrivateDataAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes a private key and purges its history from peers' private stores.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the purge is recorded.</returns>
    Task PurgePrivateDataAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Iterates a range of keys of a private data collection.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="startKey">Inclusive start.</param>
    /// <param name="endKey">Exclusive end.</param>
    /// <returns>The results.</returns>
    IAsyncEnumerable<KeyValue> GetPrivateDataByRangeAsync(string collection, string startKey, string endKey);

    /// <summary>Iterates composite keys of a private data collection whose first attributes match.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="objectType">The object type.</param>
    /// <param name="attributes">Leading attributes.</param>
    /// <returns>The results.</returns>
    IAsyncEnumerable<KeyValue> GetPrivateDataByPartialCompositeKeyAsync(string collection, string objectType, IReadOnlyList<string> attributes);

    /// <summary>Runs a rich query on a private data collection.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="query">The query string.</param>
    /// <returns>The results.</returns>
    IAsyncEnumerable<KeyValue> GetPrivateDataQueryResultAsync(string collection, string query);

    /// <summary>Reads the endorsement policy of a private key; null when none.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The policy bytes or null.</returns>
    Task<byte[]?> GetPrivateDataValidationParameterAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Sets the endorsement policy of a private key.</summary>
    /// <param name="collection">The collection.</param>
    /// <param name="key">The key.</param>
    /// <param name="policy">Serialized <c>common.SignaturePolicyEnvelope</c>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the write is recorded.</returns>
    Task SetPrivateDataValidationParameterAsync(string collection, string key, ReadOnlyMemory<byte> policy, CancellationToken cancellationToken = default);

    // ---- events and chaincode-to-chaincode ----

    /// <summary>Sets the transaction's chaincode event (one per transaction; a later call replaces an earlier one).</summary>
    /// <param name="name">The event name.</param>
    /// <param name="payload">The event payload.</param>
    void SetEvent(string name, ReadOnlyMemory<byte> payload);

    /// <summary>Invokes another chaincode in the same transaction.</summary>
    /// <param name="chaincodeName">The chaincode name.</param>
    /// <param name="args">The arguments, function name first.</param>
    /// <param name="channel">Another channel (read-only there), or null for this channel.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The called chaincode's response.</returns>
    Task<ChaincodeResponse> InvokeChaincodeAsync(string chaincodeName, IReadOnlyList<byte[]> args, string? channel = null, CancellationToken cancellationToken = default);
}
