using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>
/// An in-memory ledger of blocks per channel that streams like the Deliver service: from a block number on, waiting
/// for blocks appended while readers follow; <see cref="Complete"/> ends the streams once drained.
/// </summary>
public sealed class ListBlockFeed : IBlockFeed
{
    private readonly Dictionary<string, List<LedgerBlock>> _blocks = [];
    private readonly List<Channel<bool>> _waiters = [];
    private bool _completed;
    private int _reads;

    /// <summary>How many streams were opened.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>A feed whose channel holds <paramref name="blocks"/> blocks (block 0 empty, as a genesis block is for
    /// chaincode events) of <paramref name="eventsPerBlock"/> valid transactions each setting a <c>Changed</c> event.</summary>
    public static ListBlockFeed WithBlocks(string channel, string chaincode, int blocks, int eventsPerBlock)
    {
        var feed = new ListBlockFeed();
        feed.Append(channel, new BlockBuilder(channel, 0).Read());
        for (var b = 1; b <= blocks; b++)
        {
            var builder = new BlockBuilder(channel, (ulong)b);
            for (var i = 0; i < eventsPerBlock; i++)
            {
                builder.AddTransaction($"tx-{b:D4}-{i}", chaincode, "Changed", [(byte)b, (byte)i]);
            }

            feed.Append(channel, builder.Read());
        }

        return feed;
    }

    /// <summary>The next block number of a channel.</summary>
    public ulong Height(string channel)
    {
        lock (_blocks)
        {
            return _blocks.TryGetValue(channel, out var list) ? (ulong)list.Count : 0;
        }
    }

    /// <summary>Every block of a channel so far.</summary>
    public IReadOnlyList<LedgerBlock> Blocks(string channel)
    {
        lock (_blocks)
        {
            return _blocks.TryGetValue(channel, out var list) ? list.ToList() : [];
        }
    }

    /// <summary>The transaction IDs of a channel's valid transactions that set an event, in commit order.</summary>
    public IReadOnlyList<string> EventTransactions(string channel)
        => Blocks(channel).SelectMany(b => b.Transactions).Where(t => t.IsValid && t.ChaincodeEvent is not null).Select(t => t.TransactionId).ToList();

    /// <summary>Appends a block; its number must be the channel's height.</summary>
    public void Append(string channel, LedgerBlock block)
    {
        lock (_blocks)
        {
            if (!_blocks.TryGetValue(channel, out var list))
            {
                _blocks[channel] = list = [];
            }

            if (block.Number != (ulong)list.Count)
            {
                throw new InvalidOperationException($"Block {block.Number} appended at height {list.Count}.");
            }

            list.Add(block);
            Wake();
        }
    }

    /// <summary>Ends every stream once it has handed out what is there.</summary>
    public void Complete()
    {
        lock (_blocks)
        {
            _completed = true;
            Wake();
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        var next = (int)fromBlock;
        while (true)
        {
            LedgerBlock? block = null;
            Channel<bool>? wait = null;
            lock (_blocks)
            {
                if (_blocks.TryGetValue(channel, out var list) && next < list.Count)
                {
                    block = list[next++];
                }
                else if (_completed)
                {
                    yield break;
                }
                else
                {
                    wait = Channel.CreateBounded<bool>(1);
                    _waiters.Add(wait);
                }
            }

            if (wait is not null)
            {
                await wait.Reader.ReadAsync(cancellationToken);
                continue;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return block!;
        }
    }

    private void Wake()
    {
        foreach (var waiter in _waiters)
        {
            waiter.Writer.TryWrite(true);
        }

        _waiters.Clear();
    }
}
