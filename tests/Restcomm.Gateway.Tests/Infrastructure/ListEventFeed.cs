using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>
/// An in-memory ledger of chaincode events that resumes like the Fabric Gateway: from the checkpoint's
/// block, skipping that block's events up to and including its transaction. New events can be appended
/// while readers follow; <see cref="Complete"/> ends the streams once drained.
/// </summary>
public sealed class ListEventFeed : IChaincodeEventFeed
{
    private readonly List<ChaincodeEvent> _events = [];
    private readonly List<Channel<bool>> _waiters = [];
    private bool _completed;

    public int Reads { get; private set; }

    public static ListEventFeed WithBlocks(string channel, string chaincode, int blocks, int eventsPerBlock)
    {
        var feed = new ListEventFeed();
        for (var b = 1; b <= blocks; b++)
        {
            for (var i = 0; i < eventsPerBlock; i++)
            {
                feed.Append(new ChaincodeEvent(channel, chaincode, b, $"tx-{b:D4}-{i}", "Changed", new byte[] { (byte)b, (byte)i }));
            }
        }

        return feed;
    }

    public IReadOnlyList<ChaincodeEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToList();
            }
        }
    }

    public void Append(ChaincodeEvent e)
    {
        lock (_events)
        {
            _events.Add(e);
            Wake();
        }
    }

    public void Complete()
    {
        lock (_events)
        {
            _completed = true;
            Wake();
        }
    }

    public async IAsyncEnumerable<ChaincodeEvent> ReadAsync(string channel, string chaincode, EventCheckpoint? after, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Reads++;
        var index = 0;
        var skipping = after is not null;
        while (true)
        {
            ChaincodeEvent? next = null;
            Channel<bool>? wait = null;
            lock (_events)
            {
                if (index < _events.Count)
                {
                    next = _events[index++];
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

            if (next!.Channel != channel || next.Chaincode != chaincode)
            {
                continue;
            }

            if (after is not null)
            {
                if (next.BlockNumber < after.BlockNumber)
                {
                    continue;
                }

                if (skipping && next.BlockNumber == after.BlockNumber)
                {
                    skipping = next.TransactionId != after.TransactionId;
                    continue;
                }

                skipping = false;
            }

            cancellationToken.ThrowIfCancellationRequested();
            yield return next;
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
