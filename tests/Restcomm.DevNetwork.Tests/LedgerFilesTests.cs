using Microsoft.Data.Sqlite;
using Restcomm.DevNetwork.Ledger;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// The files beside a channel's SQLite ledger: the block files and the log of accepted transactions
/// (<see cref="SegmentedLog"/>), what survives a torn write, and what a ledger from before them keeps.
/// </summary>
public sealed class LedgerFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "devnet-tests", Guid.NewGuid().ToString("N"));

    private string Ledger => Path.Combine(_dir, "ledger.sqlite");

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public void Records_read_back_by_position_across_segments_and_a_reopened_log_appends_to_a_new_segment()
    {
        var records = Enumerable.Range(0, 40).Select(i => Bytes(i * 97 % 1500, i)).ToList();
        var positions = new List<LogPosition>();
        using (var log = new SegmentedLog(Path.Combine(_dir, "log"), segmentBytes: 8 * 1024))
        {
            for (var i = 0; i < records.Count; i += 4)
            {
                positions.AddRange(log.Append([.. records.Skip(i).Take(4).Select(r => (ReadOnlyMemory<byte>)r)]));
            }

            Assert.True(log.Segments.Count > 3, $"{log.Segments.Count} segments");
            for (var i = 0; i < records.Count; i++)
            {
                Assert.Equal(records[i], log.Read(positions[i]));
            }
        }

        using var reopened = new SegmentedLog(Path.Combine(_dir, "log"), segmentBytes: 8 * 1024);
        Assert.Equal(positions.Max(p => p.Segment) + 1, reopened.CurrentSegment);
        Assert.Equal(records, reopened.Segments.Where(s => s != reopened.CurrentSegment).SelectMany(s => reopened.ReadSegment(s)).Select(r => r.Record));
        Assert.Equal(records[17], reopened.Read(positions[17]));
    }

    [Fact]
    public void A_torn_or_damaged_record_ends_its_segment_and_a_damaged_record_is_refused_when_read()
    {
        var path = Path.Combine(_dir, "log");
        LogPosition[] positions;
        using (var log = new SegmentedLog(path))
        {
            positions = log.Append([Bytes(100, 1), Bytes(200, 2), Bytes(300, 3)]);
        }

        var segment = $"{path}.{positions[0].Segment:D6}";
        using (var file = File.OpenWrite(segment))
        {
            file.SetLength(positions[2].Offset + 150); // the last record cut halfway, as by a kill during its write
        }

        using (var log = new SegmentedLog(path))
        {
            Assert.Equal([Bytes(100, 1), Bytes(200, 2)], log.ReadSegment(positions[0].Segment).Select(r => r.Record));
        }

        var bytes = File.ReadAllBytes(segment);
        bytes[positions[1].Offset + 8 + 50] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        using var damaged = new SegmentedLog(path);
        Assert.Equal([Bytes(100, 1)], damaged.ReadSegment(positions[0].Segment).Select(r => r.Record));
        Assert.Throws<InvalidDataException>(() => damaged.Read(positions[1]));
    }

    [Fact]
    public void Blocks_live_in_the_block_files_and_read_back_after_the_store_is_opened_again()
    {
        var blocks = Enumerable.Range(0, 5).Select(i => Bytes(5000 + i, i)).ToList();
        using (var store = new ChannelStore(Ledger))
        {
            for (var i = 0; i < blocks.Count; i++)
            {
                store.Commit(new BlockUpdate { Number = (ulong)i, Hash = [(byte)i], BlockBytes = blocks[i] });
            }

            Assert.Equal(blocks[3], store.GetBlock(3));
        }

        using (var db = new SqliteConnection($"Data Source={Ledger};Pooling=False"))
        {
            db.Open();
            using var query = db.CreateCommand();
            query.CommandText = "SELECT SUM(LENGTH(bytes)) FROM blocks";
            Assert.Equal(0L, (long)query.ExecuteScalar()!); // none of the blocks' bytes is in the database
        }

        Assert.True(new FileInfo(Path.Combine(_dir, "ledger.blocks.000000")).Length > blocks.Sum(b => b.Length));
        using var reopened = new ChannelStore(Ledger);
        var (height, lastHash) = reopened.Tip();
        Assert.Equal(5UL, height);
        Assert.Equal([4], lastHash);
        for (var i = 0; i < blocks.Count; i++)
        {
            Assert.Equal(blocks[i], reopened.GetBlock((ulong)i));
        }

        Assert.Null(reopened.GetBlock(5));
    }

    [Fact]
    public void Accepted_transactions_no_block_holds_are_found_again_in_order_and_those_a_block_holds_are_not()
    {
        long[] seqs;
        using (var store = new ChannelStore(Ledger))
        {
            seqs = store.AddPending([("tx-a", Bytes(400, 1), null), ("tx-b", Bytes(500, 2), Bytes(60, 3))]);
            seqs = [.. seqs, .. store.AddPending([("tx-c", Bytes(300, 4), null)])];
            Assert.Empty(store.Pending()); // nothing was waiting when it opened
        }

        using (var store = new ChannelStore(Ledger))
        {
            var pending = store.Pending();
            Assert.Equal(["tx-a", "tx-b", "tx-c"], pending.Select(p => p.TxId));
            Assert.Equal(seqs, pending.Select(p => p.Seq));
            Assert.Equal(Bytes(500, 2), pending[1].Envelope);
            Assert.Equal(Bytes(60, 3), pending[1].Private);
            Assert.Null(pending[2].Private);

            // A block holding the first two.
            store.Commit(new BlockUpdate { Number = 0, Hash = [0], BlockBytes = [1], PendingThrough = seqs[1] });
            var next = store.AddPending([("tx-d", Bytes(10, 5), null)]);
            Assert.True(next[0] > seqs[2]);
        }

        using var reopened = new ChannelStore(Ledger);
        Assert.Equal(["tx-c", "tx-d"], reopened.Pending().Select(p => p.TxId));
    }

    [Fact]
    public void A_segment_of_accepted_transactions_is_deleted_once_a_checkpoint_made_the_blocks_holding_them_durable()
    {
        using var store = new ChannelStore(Ledger, logSegmentBytes: 4 * 1024);
        var seqs = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            seqs.AddRange(store.AddPending([($"tx-{i}", Bytes(1000, i), null)]));
        }

        string[] Segments() => Directory.GetFiles(_dir, "ledger.accepted.*");
        var before = Segments();
        Assert.True(before.Length >= 3, $"{before.Length} segments");

        store.Commit(new BlockUpdate { Number = 0, Hash = [0], BlockBytes = [1], PendingThrough = seqs[5] });
        store.Checkpoint();
        var afterHalf = Segments();
        Assert.InRange(afterHalf.Length, 2, before.Length - 1);

        store.Commit(new BlockUpdate { Number = 1, Hash = [1], BlockBytes = [1], PendingThrough = seqs[^1] });
        store.Checkpoint();
        Assert.Single(Segments()); // the one being appended to
    }

    [Fact]
    public void A_ledger_from_before_the_files_keeps_its_blocks_in_the_table_and_its_pending_transactions_move_to_the_log()
    {
        Directory.CreateDirectory(_dir);
        var oldBlock = Bytes(700, 9);
        using (var old = new SqliteConnection($"Data Source={Ledger};Pooling=False"))
        {
            old.Open();
            using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE blocks (num INTEGER PRIMARY KEY, hash BLOB NOT NULL, bytes BLOB NOT NULL);
                CREATE TABLE pending (seq INTEGER PRIMARY KEY AUTOINCREMENT, txid TEXT NOT NULL, envelope BLOB NOT NULL, pvt BLOB);
                INSERT INTO blocks VALUES (0, X'00', $block);
                INSERT INTO pending (txid, envelope, pvt) VALUES ('old-1', X'0102', NULL), ('old-2', X'0304', X'05');
                """;
            create.Parameters.AddWithValue("$block", oldBlock);
            create.ExecuteNonQuery();
        }

        using (var store = new ChannelStore(Ledger))
        {
            Assert.Equal(["old-1", "old-2"], store.Pending().Select(p => p.TxId));
            Assert.Equal(new byte[] { 5 }, store.Pending()[1].Private);
            Assert.Equal(oldBlock, store.GetBlock(0));
            var newBlock = Bytes(800, 10);
            store.Commit(new BlockUpdate { Number = 1, Hash = [1], BlockBytes = newBlock, PendingThrough = store.Pending()[0].Seq });
            Assert.Equal(newBlock, store.GetBlock(1));
        }

        using var reopened = new ChannelStore(Ledger);
        Assert.Equal(["old-2"], reopened.Pending().Select(p => p.TxId));
        Assert.Equal(oldBlock, reopened.GetBlock(0));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
