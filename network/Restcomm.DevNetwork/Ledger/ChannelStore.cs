using System.Text;
using Google.Protobuf;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Restcomm.DevNetwork.Ledger;

/// <summary>A committed version of a key: the block and transaction number that wrote it (Fabric's height).</summary>
internal readonly record struct KeyVersion(ulong Block, ulong TxNum);

internal sealed record VersionedValue(byte[] Value, KeyVersion Version, byte[]? Metadata);

internal sealed record RangeEntry(string Key, byte[] Value, KeyVersion Version);

internal sealed record HistoryEntry(string TxId, byte[] Value, long TimestampTicks, bool IsDelete);

/// <summary>
/// One write to apply at commit: public state, hashed private state, or private state of a member org.
/// With <c>MetadataOnly</c> the write replaces the key's metadata (null = none) and moves its version, and does
/// nothing when the key does not exist (as Fabric's committer drops such metadata writes); a value write keeps the
/// key's metadata, a delete removes both.
/// </summary>
internal sealed record StateWrite(string Namespace, string Key, byte[]? Value, byte[]? Metadata, bool MetadataOnly);

internal sealed record HashedWrite(string Namespace, string Collection, byte[] KeyHash, byte[]? ValueHash, byte[]? Metadata = null, bool MetadataOnly = false);

internal sealed record PrivateWrite(string Org, string Namespace, string Collection, string Key, byte[]? Value, byte[]? Metadata = null, bool MetadataOnly = false);

internal sealed record HistoryWrite(string Namespace, string Key, ulong TxNum, string TxId, byte[]? Value, long TimestampTicks);

internal sealed record PrivateRwsetRecord(ulong TxNum, string Namespace, string Collection, byte[] Rwset);

/// <summary>A private key a transaction purged (by its hash, which every peer knows): gone from the private data store too.</summary>
internal sealed record PrivatePurge(string Namespace, string Collection, byte[] KeyHash);

/// <summary>A private key written in a collection with a <c>blockToLive</c>: it expires when block <c>Expiring</c> commits.</summary>
internal sealed record PrivateExpiry(ulong Expiring, string Namespace, string Collection, byte[] KeyHash, string? Key);

/// <summary>
/// A transaction the orderer accepted and that is not in a block yet: its envelope and the private data its endorsement
/// produced (a serialized <c>TxPvtReadWriteSet</c>, Fabric's transient store), in the order it was accepted.
/// </summary>
internal sealed record PendingTransaction(long Seq, string TxId, byte[] Envelope, byte[]? Private);

/// <summary>Everything a block changes, applied in one SQLite transaction.</summary>
internal sealed class BlockUpdate
{
    public required ulong Number { get; init; }
    public required byte[] Hash { get; init; }
    public required byte[] BlockBytes { get; init; }

    /// <summary>The last accepted transaction (its <see cref="PendingTransaction.Seq"/>) the block holds; 0 for none.</summary>
    public long PendingThrough { get; init; }
    public List<(string TxId, ulong TxNum, int Code)> Transactions { get; } = [];
    public List<(StateWrite Write, ulong TxNum)> State { get; } = [];
    public List<(HashedWrite Write, ulong TxNum)> Hashed { get; } = [];
    public List<(PrivateWrite Write, ulong TxNum)> Private { get; } = [];
    public List<HistoryWrite> History { get; } = [];
    public List<PrivateRwsetRecord> PrivateRwsets { get; } = [];
    public List<PrivatePurge> Purges { get; } = [];
    public List<PrivateExpiry> Expiries { get; } = [];
}

/// <summary>
/// The persistent ledger of one channel in SQLite (through Dapper): block log, transaction index, world state with
/// versions, key history, hashed private state, and private state held per member organisation.
/// Keys are stored as UTF-8 BLOBs so that ordering is byte-wise, like Fabric's LevelDB state database.
/// </summary>
internal sealed class ChannelStore : IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly Lock _writeLock = new();

    // Namespaces (and namespace/collection pairs of hashed private keys) where some key has ever carried metadata
    // (key-level endorsement policies). Validation and the gateway's endorsement plan ask for the committed metadata of
    // every written key; outside these scopes the answer is null without a query. A scope is added before the block
    // that first writes metadata in it commits and is never removed while the store is open, so the set is always a
    // superset of the truth.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _metadataScopes = new(StringComparer.Ordinal);

    private static string HashedScope(string ns, string coll) => ns + "\0" + coll;

    public ChannelStore(string path, long logSegmentBytes = SegmentedLog.DefaultSegmentBytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, Cache = SqliteCacheMode.Private }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        _writer.Execute("""
            PRAGMA journal_mode=WAL;
            PRAGMA synchronous=NORMAL;
            CREATE TABLE IF NOT EXISTS blocks (num INTEGER PRIMARY KEY, hash BLOB NOT NULL, bytes BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS txs (txid TEXT PRIMARY KEY, block INTEGER NOT NULL, txnum INTEGER NOT NULL, code INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS state (ns TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL, metadata BLOB, PRIMARY KEY (ns, key)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS hashed_state (ns TEXT NOT NULL, coll TEXT NOT NULL, keyhash BLOB NOT NULL, valuehash BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL, PRIMARY KEY (ns, coll, keyhash)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS private_state (org TEXT NOT NULL, ns TEXT NOT NULL, coll TEXT NOT NULL, key BLOB NOT NULL, value BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL, PRIMARY KEY (org, ns, coll, key)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS history (ns TEXT NOT NULL, key BLOB NOT NULL, block INTEGER NOT NULL, txnum INTEGER NOT NULL, txid TEXT NOT NULL, value BLOB, ts INTEGER NOT NULL, PRIMARY KEY (ns, key, block, txnum)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS private_rwsets (block INTEGER NOT NULL, txnum INTEGER NOT NULL, ns TEXT NOT NULL, coll TEXT NOT NULL, rwset BLOB NOT NULL, PRIMARY KEY (block, txnum, ns, coll)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS private_expiry (expiring INTEGER NOT NULL, ns TEXT NOT NULL, coll TEXT NOT NULL, keyhash BLOB NOT NULL, key BLOB, committed INTEGER NOT NULL, PRIMARY KEY (expiring, ns, coll, keyhash, committed)) WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS marks (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
            """);
        // Ledgers written before private data carried metadata (key-level policies on private keys).
        foreach (var table in new[] { "hashed_state", "private_state" })
        {
            if (!_writer.Query<string>($"SELECT name FROM pragma_table_info('{table}')").Contains("metadata"))
            {
                _writer.Execute($"ALTER TABLE {table} ADD COLUMN metadata BLOB");
            }
        }

        foreach (var ns in _writer.Query<string>("SELECT DISTINCT ns FROM state WHERE metadata IS NOT NULL"))
        {
            _metadataScopes.TryAdd(ns, 0);
        }

        foreach (var scope in _writer.Query<(string Ns, string Coll)>("SELECT DISTINCT ns, coll FROM hashed_state WHERE metadata IS NOT NULL"))
        {
            _metadataScopes.TryAdd(HashedScope(scope.Ns, scope.Coll), 0);
        }

        if (!_writer.Query<string>("SELECT name FROM pragma_table_info('blocks')").Contains("seg"))
        {
            // Ledgers whose blocks are all in the table: later blocks go to the block files, these stay where they are.
            _writer.Execute("ALTER TABLE blocks ADD COLUMN seg INTEGER; ALTER TABLE blocks ADD COLUMN off INTEGER; ALTER TABLE blocks ADD COLUMN len INTEGER");
        }

        _blocks = new SegmentedLog(Path.ChangeExtension(path, null) + ".blocks", logSegmentBytes);
        _accepted = new SegmentedLog(Path.ChangeExtension(path, null) + ".accepted", logSegmentBytes);
        _acceptedThrough = _writer.QueryFirstOrDefault<long?>("SELECT value FROM marks WHERE name = 'accepted_through'") ?? 0;
        _recovered = RecoverAccepted();

        // The block writer never checkpoints: SQLite's automatic checkpoint ran inside the commit of whichever block
        // pushed the WAL past 1,000 pages (most blocks of 200 payments), copying pages into the database and syncing
        // it while the channel's only committer waited. A background checkpoint does that work beside it instead.
        _writer.Execute("PRAGMA wal_autocheckpoint=0");
        _checkpointer = new Timer(_ => CheckpointCore(wait: false), null, CheckpointInterval, CheckpointInterval);
    }

    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromMilliseconds(500);
    private readonly Timer _checkpointer;
    private readonly Lock _checkpointLock = new();
    private int _checkpoints;

    /// <summary>Checkpoints run so far (the timer's and <see cref="Checkpoint"/>'s).</summary>
    internal int Checkpoints => Volatile.Read(ref _checkpoints);

    /// <summary>Copies what the WAL holds into the database without waiting for readers or the writer (PASSIVE).</summary>
    internal void Checkpoint() => CheckpointCore(wait: true);

    private void CheckpointCore(bool wait)
    {
        if (wait)
        {
            _checkpointLock.Enter();
        }
        else if (!_checkpointLock.TryEnter())
        {
            return; // the previous one is still running
        }

        try
        {
            if (_disposed)
            {
                return;
            }

            // The accepted log is synced here, and a checkpoint syncs the WAL before copying it: the blocks committed
            // before it are durable after it, and so may the log's segments whose transactions they hold be deleted.
            var through = Volatile.Read(ref _acceptedThrough);
            _accepted.Sync();
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            using (var result = command.ExecuteReader())
            {
                // (busy, frames in the WAL, frames checkpointed): only a checkpoint that reached the WAL's end synced all of it.
                if (result.Read() && result.GetInt64(0) == 0 && result.GetInt64(1) == result.GetInt64(2))
                {
                    ReleaseAccepted(through);
                }
            }

            Interlocked.Increment(ref _checkpoints);
        }
        catch (Exception e) when (e is SqliteException or IOException)
        {
            // Busy or interrupted: the next tick tries again, and the WAL keeps every commit meanwhile.
        }
        finally
        {
            _checkpointLock.Exit();
        }
    }

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        return c;
    }

    private static byte[] K(string key) => Encoding.UTF8.GetBytes(key);

    private sealed class StateRow
    {
        public byte[] Key { get; set; } = [];
        public byte[] Value { get; set; } = [];
        public long Block { get; set; }
        public long TxNum { get; set; }
        public byte[]? Metadata { get; set; }
    }

    private sealed class TxRow
    {
        public long Code { get; set; }
        public long Block { get; set; }
        public byte[]? Hash { get; set; }
    }

    private sealed class HistoryRow
    {
        public string TxId { get; set; } = "";
        public byte[]? Value { get; set; }
        public long Ts { get; set; }
    }

    private sealed class RwsetRow
    {
        public long TxNum { get; set; }
        public string Ns { get; set; } = "";
        public string Coll { get; set; } = "";
        public byte[] Rwset { get; set; } = [];
    }

    public (ulong Height, byte[]? LastHash) Tip()
    {
        var row = _writer.QueryFirstOrDefault<TxRow>("SELECT num AS block, hash FROM blocks ORDER BY num DESC LIMIT 1");
        return row is null ? (0, null) : ((ulong)row.Block + 1, row.Hash);
    }

    public VersionedValue? GetState(string ns, string key)
        => ReadVersioned("SELECT value, block, txnum, metadata FROM state WHERE ns = $a AND key = $b", ns, K(key));

    /// <summary>Keys in [start, end) (end empty = unbounded), at most <paramref name="limit"/>, in byte order.</summary>
    public List<RangeEntry> GetRange(string ns, string start, string end, int limit)
    {
        var reader = RentReader();
        try
        {
            var command = end.Length == 0
                ? reader.Command("SELECT key, value, block, txnum FROM state WHERE ns = $a AND key >= $b ORDER BY key LIMIT $c", ns, K(start), limit)
                : reader.Command("SELECT key, value, block, txnum FROM state WHERE ns = $a AND key >= $b AND key < $c ORDER BY key LIMIT $d", ns, K(start), K(end), limit);
            using var rows = command.ExecuteReader();
            var result = new List<RangeEntry>();
            while (rows.Read())
            {
                result.Add(new RangeEntry(Encoding.UTF8.GetString((byte[])rows[0]), (byte[])rows[1], new KeyVersion((ulong)rows.GetInt64(2), (ulong)rows.GetInt64(3))));
            }

            return result;
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    public VersionedValue? GetPrivate(string org, string ns, string coll, string key)
        => ReadVersioned("SELECT value, block, txnum, metadata FROM private_state WHERE org = $a AND ns = $b AND coll = $c AND key = $d", org, ns, coll, K(key));

    public List<RangeEntry> GetPrivateRange(string org, string ns, string coll, string start, string end, int limit)
    {
        using var c = Open();
        var sql = end.Length == 0
            ? "SELECT key, value, block, txnum FROM private_state WHERE org = @org AND ns = @ns AND coll = @coll AND key >= @start ORDER BY key LIMIT @limit"
            : "SELECT key, value, block, txnum FROM private_state WHERE org = @org AND ns = @ns AND coll = @coll AND key >= @start AND key < @end ORDER BY key LIMIT @limit";
        return c.Query<StateRow>(sql, new { org, ns, coll, start = K(start), end = K(end), limit })
            .Select(r => new RangeEntry(Encoding.UTF8.GetString(r.Key), r.Value, new KeyVersion((ulong)r.Block, (ulong)r.TxNum)))
            .ToList();
    }

    public VersionedValue? GetHashed(string ns, string coll, byte[] keyHash)
        => ReadVersioned("SELECT valuehash, block, txnum, metadata FROM hashed_state WHERE ns = $a AND coll = $b AND keyhash = $c", ns, coll, keyHash);

    /// <summary>A public key's committed metadata (a serialized <c>StateMetadataResult</c>), or null.</summary>
    public byte[]? GetMetadata(string ns, string key)
    {
        if (!_metadataScopes.ContainsKey(ns))
        {
            return null;
        }

        using var c = Open();
        return c.QueryFirstOrDefault<byte[]?>("SELECT metadata FROM state WHERE ns = @ns AND key = @key", new { ns, key = K(key) });
    }

    /// <summary>A private key's committed metadata, found by the key's hash (what every peer holds), or null.</summary>
    public byte[]? GetHashedMetadata(string ns, string coll, byte[] keyHash)
    {
        if (!_metadataScopes.ContainsKey(HashedScope(ns, coll)))
        {
            return null;
        }

        using var c = Open();
        return c.QueryFirstOrDefault<byte[]?>("SELECT metadata FROM hashed_state WHERE ns = @ns AND coll = @coll AND keyhash = @keyHash", new { ns, coll, keyHash });
    }

    /// <summary>A key's history, newest first (as Fabric 2.x returns it).</summary>
    public List<HistoryEntry> GetHistory(string ns, string key)
    {
        using var c = Open();
        return c.Query<HistoryRow>("SELECT txid, value, ts FROM history WHERE ns = @ns AND key = @key ORDER BY block DESC, txnum DESC", new { ns, key = K(key) })
            .Select(r => new HistoryEntry(r.TxId, r.Value ?? [], r.Ts, r.Value is null))
            .ToList();
    }

    public (int Code, ulong Block)? GetTransaction(string txId)
    {
        var reader = RentReader();
        try
        {
            using var row = reader.Command("SELECT code, block FROM txs WHERE txid = $a", txId).ExecuteReader();
            return row.Read() ? ((int)row.GetInt64(0), (ulong)row.GetInt64(1)) : null;
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    public bool TransactionExists(string txId) => GetTransaction(txId) is not null;

    // The hot reads (state, ranges, private and hashed state, transactions: several per transaction endorsed or
    // validated) run on connections this store keeps open, each with its statements prepared once: through pooled
    // connections and Dapper every call parsed its SQL again, looked its parameters up by name and allocated the
    // command, the parameters and the binder. Reads see the database memory-mapped rather than through read(2).
    private VersionedValue? ReadVersioned(string sql, params object[] values)
    {
        var reader = RentReader();
        try
        {
            using var row = reader.Command(sql, values).ExecuteReader();
            return row.Read() ? new VersionedValue((byte[])row[0], new KeyVersion((ulong)row.GetInt64(1), (ulong)row.GetInt64(2)), row.IsDBNull(3) ? null : (byte[])row[3]) : null;
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    private const int KeptReaders = 16;
    private readonly System.Collections.Concurrent.ConcurrentQueue<Reader> _readers = new();
    private int _idleReaders;
    private volatile bool _disposed;

    private Reader RentReader()
    {
        if (_readers.TryDequeue(out var reader))
        {
            Interlocked.Decrement(ref _idleReaders);
            return reader;
        }

        ObjectDisposedException.ThrowIf(_disposed, this);
        return new Reader(_connectionString);
    }

    private void ReturnReader(Reader reader)
    {
        if (Interlocked.Increment(ref _idleReaders) <= KeptReaders && !_disposed)
        {
            _readers.Enqueue(reader);
            if (_disposed)
            {
                DisposeIdleReaders(); // the store was disposed meanwhile
            }

            return;
        }

        Interlocked.Decrement(ref _idleReaders);
        reader.Dispose();
    }

    private void DisposeIdleReaders()
    {
        while (_readers.TryDequeue(out var reader))
        {
            reader.Dispose();
        }
    }

    private sealed class Reader : IDisposable
    {
        private static readonly string[] Names = ["$a", "$b", "$c", "$d", "$e", "$f", "$g"];

        public static string ParameterName(int index) => Names[index];
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        public Reader(string connectionString)
        {
            _connection = new SqliteConnection(connectionString);
            _connection.Open();
            using var pragma = _connection.CreateCommand();
            pragma.CommandText = "PRAGMA mmap_size = 1073741824";
            pragma.ExecuteNonQuery();
        }

        public SqliteCommand Command(string sql, params object[] values)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = _connection.CreateCommand();
                command.CommandText = sql;
                for (var i = 0; i < values.Length; i++)
                {
                    command.Parameters.Add(new SqliteParameter(Names[i], values[i]));
                }

                command.Prepare();
                _commands[sql] = command;
            }

            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            _connection.Dispose();
        }
    }

    // A block's bytes are appended to the block files (as a peer's block store keeps them) and the table holds where
    // they are: in the table itself each block was written twice more (the WAL, then the checkpoint), about 1.3 MB a
    // block of 200 payments.
    private readonly SegmentedLog _blocks;

    public byte[]? GetBlock(ulong number)
    {
        var reader = RentReader();
        try
        {
            using var row = reader.Command("SELECT bytes, seg, off, len FROM blocks WHERE num = $a", (long)number).ExecuteReader();
            if (!row.Read())
            {
                return null;
            }

            return row.IsDBNull(1) ? (byte[])row[0] : _blocks.Read(new LogPosition(row.GetInt32(1), row.GetInt64(2), row.GetInt32(3)));
        }
        finally
        {
            ReturnReader(reader);
        }
    }

    public List<PrivateRwsetRecord> GetPrivateRwsets(ulong block)
    {
        using var c = Open();
        return c.Query<RwsetRow>("SELECT txnum, ns, coll, rwset FROM private_rwsets WHERE block = @b ORDER BY txnum, ns, coll", new { b = (long)block })
            .Select(r => new PrivateRwsetRecord((ulong)r.TxNum, r.Ns, r.Coll, r.Rwset))
            .ToList();
    }

    // Transactions the orderer accepted and no block holds yet: appended to a log of their own beside the ledger rather
    // than inserted into (and, once in a block, deleted from) a table of the ledger's database. Those inserts wrote
    // each envelope twice more (the WAL, then the checkpoint), waited for a block's commit to release the writer, and
    // made every reader drop its page cache at each of them. The ledger records the last accepted transaction a block
    // holds ("accepted_through", in the block's own SQLite transaction); a segment of the log is deleted once a
    // checkpoint has made the blocks holding all of its transactions durable.
    private readonly SegmentedLog _accepted;
    private readonly Lock _acceptedLock = new();

    // The highest sequence number in each segment of the log (under _acceptedLock).
    private readonly Dictionary<int, long> _acceptedLastSeq = [];
    private readonly List<PendingTransaction> _recovered;
    private long _acceptedThrough;
    private long _nextSeq;

    private List<PendingTransaction> RecoverAccepted()
    {
        var recovered = new List<PendingTransaction>();
        var last = _acceptedThrough;
        foreach (var segment in _accepted.Segments.Where(s => s != _accepted.CurrentSegment).ToList())
        {
            var highest = 0L;
            foreach (var (_, record) in _accepted.ReadSegment(segment))
            {
                var pending = DecodeAccepted(record);
                highest = Math.Max(highest, pending.Seq);
                if (pending.Seq > _acceptedThrough)
                {
                    recovered.Add(pending);
                }
            }

            last = Math.Max(last, highest);
            if (highest <= _acceptedThrough)
            {
                _accepted.Delete(segment);
            }
            else
            {
                _acceptedLastSeq[segment] = highest;
            }
        }

        _nextSeq = last + 1;

        // Ledgers written before the log kept accepted transactions in a table: they move to the log, in their order.
        if (_writer.QueryFirstOrDefault<string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'pending'") is not null)
        {
            var rows = _writer.Query<PendingRow>("SELECT seq AS Seq, txid AS TxId, envelope AS Envelope, pvt AS Pvt FROM pending ORDER BY seq").ToList();
            var seqs = rows.Count == 0 ? [] : AddPending([.. rows.Select(r => (r.TxId, r.Envelope, r.Pvt))]);
            for (var i = 0; i < rows.Count; i++)
            {
                recovered.Add(new PendingTransaction(seqs[i], rows[i].TxId, rows[i].Envelope, rows[i].Pvt));
            }

            _writer.Execute("DROP TABLE pending");
        }

        return recovered;
    }

    private static byte[] EncodeAccepted(long seq, string txId, byte[] envelope, byte[]? pvt)
    {
        var id = Encoding.UTF8.GetByteCount(txId);
        var record = new byte[8 + 4 + id + 4 + envelope.Length + 4 + (pvt?.Length ?? 0)];
        var at = 0;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(record, seq);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(at += 8), id);
        Encoding.UTF8.GetBytes(txId, record.AsSpan(at += 4));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(at += id), envelope.Length);
        envelope.CopyTo(record.AsSpan(at += 4));
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(at += envelope.Length), pvt?.Length ?? -1);
        pvt?.CopyTo(record.AsSpan(at + 4));
        return record;
    }

    private static PendingTransaction DecodeAccepted(byte[] record)
    {
        var span = record.AsSpan();
        var seq = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(span);
        var id = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(span[8..]);
        var at = 12;
        var txId = Encoding.UTF8.GetString(span.Slice(at, id));
        var envelopeLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(span[(at += id)..]);
        var envelope = span.Slice(at += 4, envelopeLength).ToArray();
        var pvtLength = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(span[(at += envelopeLength)..]);
        return new PendingTransaction(seq, txId, envelope, pvtLength < 0 ? null : span.Slice(at + 4, pvtLength).ToArray());
    }

    /// <summary>
    /// Keeps accepted transactions until a block holds them, in one append to the accepted log (no disk sync per call,
    /// as the ledger's WAL with <c>synchronous=NORMAL</c>: a killed process loses nothing the call returned for);
    /// returns each one's sequence number. Runs beside a block's commit, not after it.
    /// </summary>
    public long[] AddPending(IReadOnlyList<(string TxId, byte[] Envelope, byte[]? Private)> accepted)
    {
        lock (_acceptedLock)
        {
            var seqs = new long[accepted.Count];
            var records = new ReadOnlyMemory<byte>[accepted.Count];
            for (var i = 0; i < accepted.Count; i++)
            {
                seqs[i] = _nextSeq++;
                records[i] = EncodeAccepted(seqs[i], accepted[i].TxId, accepted[i].Envelope, accepted[i].Private);
            }

            if (accepted.Count > 0)
            {
                var positions = _accepted.Append(records);
                foreach (var segment in positions.Select(p => p.Segment).Distinct())
                {
                    _acceptedLastSeq[segment] = seqs[^1];
                }
            }

            return seqs;
        }
    }

    /// <summary>Accepted transactions no block held when the store opened, in the order they were accepted.</summary>
    public List<PendingTransaction> Pending() => [.. _recovered];

    /// <summary>Deletes the accepted log's closed segments whose transactions are all in blocks made durable.</summary>
    private void ReleaseAccepted(long durableThrough)
    {
        List<int> done;
        lock (_acceptedLock)
        {
            done = [.. _acceptedLastSeq.Where(e => e.Key != _accepted.CurrentSegment && e.Value <= durableThrough).Select(e => e.Key)];
            foreach (var segment in done)
            {
                _acceptedLastSeq.Remove(segment);
            }
        }

        foreach (var segment in done)
        {
            _accepted.Delete(segment);
        }
    }

    private sealed class PendingRow
    {
        public long Seq { get; set; }
        public string TxId { get; set; } = "";
        public byte[] Envelope { get; set; } = [];
        public byte[]? Pvt { get; set; }
    }

    public void Commit(BlockUpdate u)
    {
        lock (_writeLock)
        {
            CommitLocked(u);
        }
    }

    // A block's writes run as statements prepared once on the writer connection (under the write lock), rather than
    // through Dapper, which parsed the SQL and allocated a command and its parameters for every written key.
    private readonly Dictionary<string, SqliteCommand> _writes = new(StringComparer.Ordinal);

    private void Write(SqliteTransaction tx, string sql, params object?[] values)
    {
        if (!_writes.TryGetValue(sql, out var command))
        {
            command = _writer.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.Add(new SqliteParameter(Reader.ParameterName(i), values[i] ?? DBNull.Value));
            }

            _writes[sql] = command;
        }

        command.Transaction = tx;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        command.ExecuteNonQuery();
    }

    private void CommitLocked(BlockUpdate u)
    {
        foreach (var (w, _) in u.State)
        {
            if (w.Metadata is not null)
            {
                _metadataScopes.TryAdd(w.Namespace, 0);
            }
        }

        foreach (var (w, _) in u.Hashed)
        {
            if (w.Metadata is not null)
            {
                _metadataScopes.TryAdd(HashedScope(w.Namespace, w.Collection), 0);
            }
        }

        using var tx = _writer.BeginTransaction();
        if (u.PendingThrough > 0)
        {
            Write(tx, "INSERT INTO marks (name, value) VALUES ('accepted_through', $a) ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)", u.PendingThrough);
        }
        var n = (long)u.Number;
        // The block is on disk before the index that points to it commits (as a peer syncs its block file), so no
        // crash, not even of the machine, leaves the ledger naming a block its files lost; a commit that fails below
        // leaves bytes nothing points to.
        var at = _blocks.Append([u.BlockBytes])[0];
        _blocks.Sync();
        Write(tx, "INSERT INTO blocks (num, hash, bytes, seg, off, len) VALUES ($a, $b, x'', $c, $d, $e)", n, u.Hash, at.Segment, at.Offset, at.Length);
        foreach (var t in u.Transactions)
        {
            Write(tx, "INSERT OR IGNORE INTO txs (txid, block, txnum, code) VALUES ($a, $b, $c, $d)", t.TxId, n, (long)t.TxNum, t.Code);
        }
        foreach (var (w, txNum) in u.State)
        {
            if (w.MetadataOnly)
            {
                Write(tx, "UPDATE state SET metadata = $c, block = $d, txnum = $e WHERE ns = $a AND key = $b", w.Namespace, K(w.Key), w.Metadata, n, (long)txNum);
            }
            else if (w.Value is null)
            {
                Write(tx, "DELETE FROM state WHERE ns = $a AND key = $b", w.Namespace, K(w.Key));
            }
            else
            {
                Write(tx, """
                    INSERT INTO state (ns, key, value, block, txnum, metadata) VALUES ($a, $b, $c, $d, $e, $f)
                    ON CONFLICT (ns, key) DO UPDATE SET value = excluded.value, block = excluded.block, txnum = excluded.txnum, metadata = COALESCE(excluded.metadata, state.metadata)
                    """, w.Namespace, K(w.Key), w.Value, n, (long)txNum, w.Metadata);
            }
        }
        foreach (var (w, txNum) in u.Hashed)
        {
            if (w.MetadataOnly)
            {
                Write(tx, "UPDATE hashed_state SET metadata = $d, block = $e, txnum = $f WHERE ns = $a AND coll = $b AND keyhash = $c", w.Namespace, w.Collection, w.KeyHash, w.Metadata, n, (long)txNum);
            }
            else if (w.ValueHash is null)
            {
                Write(tx, "DELETE FROM hashed_state WHERE ns = $a AND coll = $b AND keyhash = $c", w.Namespace, w.Collection, w.KeyHash);
            }
            else
            {
                Write(tx, """
                    INSERT INTO hashed_state (ns, coll, keyhash, valuehash, block, txnum) VALUES ($a, $b, $c, $d, $e, $f)
                    ON CONFLICT (ns, coll, keyhash) DO UPDATE SET valuehash = excluded.valuehash, block = excluded.block, txnum = excluded.txnum
                    """, w.Namespace, w.Collection, w.KeyHash, w.ValueHash, n, (long)txNum);
            }
        }
        foreach (var (w, txNum) in u.Private)
        {
            if (w.MetadataOnly)
            {
                Write(tx, "UPDATE private_state SET metadata = $e, block = $f, txnum = $g WHERE org = $a AND ns = $b AND coll = $c AND key = $d",
                    w.Org, w.Namespace, w.Collection, K(w.Key), w.Metadata, n, (long)txNum);
            }
            else if (w.Value is null)
            {
                Write(tx, "DELETE FROM private_state WHERE org = $a AND ns = $b AND coll = $c AND key = $d", w.Org, w.Namespace, w.Collection, K(w.Key));
            }
            else
            {
                Write(tx, """
                    INSERT INTO private_state (org, ns, coll, key, value, block, txnum) VALUES ($a, $b, $c, $d, $e, $f, $g)
                    ON CONFLICT (org, ns, coll, key) DO UPDATE SET value = excluded.value, block = excluded.block, txnum = excluded.txnum
                    """, w.Org, w.Namespace, w.Collection, K(w.Key), w.Value, n, (long)txNum);
            }
        }
        foreach (var h in u.History)
        {
            Write(tx, "INSERT OR REPLACE INTO history (ns, key, block, txnum, txid, value, ts) VALUES ($a, $b, $c, $d, $e, $f, $g)",
                h.Namespace, K(h.Key), n, (long)h.TxNum, h.TxId, h.Value, h.TimestampTicks);
        }
        foreach (var r in u.PrivateRwsets)
        {
            Write(tx, "INSERT OR REPLACE INTO private_rwsets (block, txnum, ns, coll, rwset) VALUES ($a, $b, $c, $d, $e)", n, (long)r.TxNum, r.Namespace, r.Collection, r.Rwset);
        }
        foreach (var purge in u.Purges)
        {
            PurgeFromPrivateStore(purge, n, tx);
        }
        _writer.Execute("INSERT OR REPLACE INTO private_expiry (expiring, ns, coll, keyhash, key, committed) VALUES (@Expiring, @Ns, @Coll, @KeyHash, @Key, @N)",
            u.Expiries.Select(e => new { Expiring = (long)e.Expiring, Ns = e.Namespace, Coll = e.Collection, e.KeyHash, Key = e.Key is null ? null : K(e.Key), N = n }), tx);
        ExpirePrivateData(n, tx);
        tx.Commit();
        if (u.PendingThrough > 0)
        {
            Volatile.Write(ref _acceptedThrough, Math.Max(_acceptedThrough, u.PendingThrough));
        }
    }

    /// <summary>
    /// PurgePrivateData (Fabric 2.5): besides the state, every earlier version of the key leaves the private data store,
    /// so no block's private read/write set served later still holds it.
    /// </summary>
    private void PurgeFromPrivateStore(PrivatePurge purge, long block, SqliteTransaction tx)
    {
        var rows = _writer.Query<StoredRwsetRow>("SELECT block, txnum, rwset FROM private_rwsets WHERE ns = @ns AND coll = @coll AND block <= @block",
            new { ns = purge.Namespace, coll = purge.Collection, block }, tx).ToList();
        foreach (var row in rows)
        {
            var kv = Restcomm.Fabric.Protos.Ledger.KvRwset.KVRWSet.Parser.ParseFrom(row.Rwset);
            var kept = new Restcomm.Fabric.Protos.Ledger.KvRwset.KVRWSet();
            kept.Reads.AddRange(kv.Reads);
            kept.Writes.AddRange(kv.Writes.Where(w => !TxSimulator.HashKey(w.Key).AsSpan().SequenceEqual(purge.KeyHash)));
            kept.MetadataWrites.AddRange(kv.MetadataWrites.Where(w => !TxSimulator.HashKey(w.Key).AsSpan().SequenceEqual(purge.KeyHash)));
            if (kept.Writes.Count == kv.Writes.Count && kept.MetadataWrites.Count == kv.MetadataWrites.Count)
            {
                continue;
            }
            var where = new { b = row.Block, t = row.TxNum, ns = purge.Namespace, coll = purge.Collection, rwset = kept.ToByteArray() };
            _writer.Execute(kept.Writes.Count + kept.MetadataWrites.Count == 0
                ? "DELETE FROM private_rwsets WHERE block = @b AND txnum = @t AND ns = @ns AND coll = @coll"
                : "UPDATE private_rwsets SET rwset = @rwset WHERE block = @b AND txnum = @t AND ns = @ns AND coll = @coll", where, tx);
        }
    }

    /// <summary>
    /// blockToLive: keys written in block b expire when block b + blockToLive + 1 commits, unless written again since
    /// (their state then has a newer version): private and hashed state lose them, and the private data store loses
    /// the collection's private writes of block b.
    /// </summary>
    private void ExpirePrivateData(long block, SqliteTransaction tx)
    {
        var due = _writer.Query<ExpiryRow>("SELECT ns, coll, keyhash, key, committed FROM private_expiry WHERE expiring <= @block", new { block }, tx).ToList();
        foreach (var e in due)
        {
            _writer.Execute("DELETE FROM hashed_state WHERE ns = @Ns AND coll = @Coll AND keyhash = @KeyHash AND block = @Committed", e, tx);
            if (e.Key is not null)
            {
                _writer.Execute("DELETE FROM private_state WHERE ns = @Ns AND coll = @Coll AND key = @Key AND block = @Committed", e, tx);
            }
            _writer.Execute("DELETE FROM private_rwsets WHERE ns = @Ns AND coll = @Coll AND block = @Committed", e, tx);
        }
        _writer.Execute("DELETE FROM private_expiry WHERE expiring <= @block", new { block }, tx);
    }

    /// <summary>Private keys this store holds for <paramref name="org"/> in a collection (tests and inspection).</summary>
    public List<string> PrivateKeys(string org, string ns, string coll)
    {
        using var c = Open();
        return [.. c.Query<byte[]>("SELECT key FROM private_state WHERE org = @org AND ns = @ns AND coll = @coll ORDER BY key", new { org, ns, coll }).Select(k => Encoding.UTF8.GetString(k))];
    }

    /// <summary>Every private read/write set of a collection the private data store still holds, oldest first.</summary>
    public List<byte[]> PrivateRwsets(string ns, string coll)
    {
        using var c = Open();
        return [.. c.Query<byte[]>("SELECT rwset FROM private_rwsets WHERE ns = @ns AND coll = @coll ORDER BY block, txnum", new { ns, coll })];
    }

    private sealed class StoredRwsetRow
    {
        public long Block { get; set; }
        public long TxNum { get; set; }
        public byte[] Rwset { get; set; } = [];
    }

    private sealed class ExpiryRow
    {
        public string Ns { get; set; } = "";
        public string Coll { get; set; } = "";
        public byte[] KeyHash { get; set; } = [];
        public byte[]? Key { get; set; }
        public long Committed { get; set; }
    }

    public void Dispose()
    {
        _disposed = true;
        _checkpointer.Dispose();
        lock (_checkpointLock)
        {
            // Waits for a checkpoint in progress; closing the last connection checkpoints what is left.
        }

        DisposeIdleReaders();
        lock (_writeLock)
        {
            foreach (var command in _writes.Values)
            {
                command.Dispose();
            }
        }


        _writer.Dispose();
        _accepted.Dispose();
        _blocks.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }
}
