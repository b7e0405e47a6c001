namespace Restcomm.DevNetwork.Tests;

public sealed class ChannelStoreCheckpointTests
{
    [Fact]
    public void The_background_checkpoint_keeps_the_wal_from_growing_with_every_block_and_nothing_is_lost()
    {
        var path = Path.Combine(Path.GetTempPath(), "devnet-tests", Guid.NewGuid().ToString("N"), "ledger.sqlite");
        var wal = path + "-wal";
        var value = new byte[64 * 1024];
        Random.Shared.NextBytes(value);
        try
        {
            long largest = 0;
            using (var store = new Ledger.ChannelStore(path))
            {
                for (ulong block = 0; block < 40; block++)
                {
                    var update = new Ledger.BlockUpdate { Number = block, Hash = [(byte)block], BlockBytes = value };
                    update.State.Add((new Ledger.StateWrite("cc", $"key-{block}", value, null, false), 0));
                    store.Commit(update);
                    store.Checkpoint();
                    largest = Math.Max(largest, new FileInfo(wal).Length);
                }

                // Forty blocks of about 130 KB each would make a WAL of over 5 MB without checkpoints (the writer's
                // automatic checkpoint is off); checkpointed after each block, the WAL is rewritten from its start.
                Assert.InRange(largest, 1, 1024 * 1024);
                Assert.Equal(value, store.GetState("cc", "key-39")!.Value);
            }

            using var reopened = new Ledger.ChannelStore(path);
            var (height, lastHash) = reopened.Tip();
            Assert.Equal(40UL, height);
            Assert.Equal(new byte[] { 39 }, lastHash);
            Assert.Equal(value, reopened.GetState("cc", "key-0")!.Value);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task The_store_checkpoints_by_itself_while_it_is_open()
    {
        var path = Path.Combine(Path.GetTempPath(), "devnet-tests", Guid.NewGuid().ToString("N"), "ledger.sqlite");
        try
        {
            using var store = new Ledger.ChannelStore(path);
            var update = new Ledger.BlockUpdate { Number = 0, Hash = [0], BlockBytes = [0] };
            update.State.Add((new Ledger.StateWrite("cc", "k", [1], null, false), 0));
            store.Commit(update);

            // The writer's automatic checkpoint is off, so only the store's own timer checkpoints.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            while (store.Checkpoints == 0)
            {
                await Task.Delay(50, deadline.Token);
            }

            Assert.True(store.Checkpoints > 0);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }
}
