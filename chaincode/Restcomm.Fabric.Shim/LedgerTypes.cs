namespace Restcomm.Fabric.Shim;

/// <summary>One key and its value, as returned by range, partial composite key and rich queries.</summary>
/// <param name="Key">The key.</param>
/// <param name="Value">The value.</param>
public sealed record KeyValue(string Key, ReadOnlyMemory<byte> Value);

/// <summary>One modification of a key, as returned by a history query.</summary>
/// <param name="TxId">The transaction that modified the key.</param>
/// <param name="Value">The value written (empty for a delete).</param>
/// <param name="Timestamp">The transaction's timestamp.</param>
/// <param name="IsDelete">True when the transaction deleted the key.</param>
public sealed record HistoryEntry(string TxId, ReadOnlyMemory<byte> Value, DateTimeOffset Timestamp, bool IsDelete);

/// <summary>One page of a paginated query, with the bookmark to fetch the next page.</summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page.</param>
/// <param name="FetchedRecordsCount">How many records the peer fetched for this page.</param>
/// <param name="Bookmark">Pass to the next call to continue after this page (empty when the peer gave none).</param>
public sealed record QueryPage<T>(IReadOnlyList<T> Items, int FetchedRecordsCount, string Bookmark);
