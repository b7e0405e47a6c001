using System.Collections.Concurrent;

namespace Restcomm.Eir;

/// <summary>
/// In-memory index of EIR entries for CheckIMEI at memory speed. One writer (the projection of the ledger's
/// EIR events) applies changes in ledger order and marks each block it has finished; any number of readers
/// check concurrently without locks. Every answer carries the block height it reflects.
/// </summary>
/// <remarks>
/// Single-IMEI entries are keyed by the IMEI's first 14 digits; ranges and whole-TAC entries by TAC. Each
/// key holds an immutable array that a write replaces, so a reader sees either the old or the new array.
/// </remarks>
public sealed class ImeiIndex
{
    /// <summary>Most IMEIs one bulk check accepts.</summary>
    public const int MaxBulkCheck = 10_000;

    private readonly ConcurrentDictionary<long, EirEntry[]> _singles = new();
    private readonly ConcurrentDictionary<int, EirEntry[]> _ranges = new();
    private readonly TimeProvider _clock;
    private readonly Lock _write = new();
    private long _blockHeight;
    private int _count;

    /// <summary>Creates an empty index judging grey expiries by <paramref name="clock"/> (default: system clock).</summary>
    public ImeiIndex(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <summary>
    /// Ledger height reflected: every change in blocks 0..<c>BlockHeight - 1</c> is applied
    /// (Fabric's meaning of height: the number of the next block).
    /// </summary>
    public long BlockHeight => Volatile.Read(ref _blockHeight);

    /// <summary>Entries held.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The clock that judges grey expiries.</summary>
    public TimeProvider Clock => _clock;

    /// <summary>Replaces the whole content, e.g. from the store's read model at start-up.</summary>
    public void Load(IEnumerable<EirEntry> entries, long blockHeight)
    {
        ArgumentNullException.ThrowIfNull(entries);
        lock (_write)
        {
            _singles.Clear();
            _ranges.Clear();
            _count = 0;
            foreach (var entry in entries)
            {
                Upsert(entry);
            }

            Volatile.Write(ref _blockHeight, blockHeight);
        }
    }

    /// <summary>Applies one change (idempotent: re-applying a change already applied leaves the index as it is).</summary>
    public void Apply(EirChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_write)
        {
            if (change.Kind == EirChangeKind.Cleared)
            {
                Remove(change.Entry.Key);
            }
            else
            {
                Upsert(change.Entry);
            }
        }
    }

    /// <summary>Applies every change of a transaction, in order.</summary>
    public void Apply(EirChangeSet changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var change in changes.Changes)
        {
            Apply(change);
        }
    }

    /// <summary>Records that every change up to and including block <paramref name="blockNumber"/> is applied.</summary>
    public void CompleteBlock(long blockNumber)
    {
        lock (_write)
        {
            if (blockNumber + 1 > _blockHeight)
            {
                Volatile.Write(ref _blockHeight, blockNumber + 1);
            }
        }
    }

    /// <summary>The status of one device now.</summary>
    public ImeiCheck Check(Imei imei) => Check(imei, _clock.GetUtcNow());

    /// <summary>The status of one device at <paramref name="now"/>.</summary>
    public ImeiCheck Check(Imei imei, DateTimeOffset now)
    {
        var decision = default(EquipmentStatusRules.Decision);
        Decide(imei, now.UtcTicks, ref decision);
        return decision.ToCheck(imei);
    }

    /// <summary>
    /// The status of each device in <paramref name="imeis"/>, written to the same position of
    /// <paramref name="results"/>, all judged at one instant; returns the block height the answers reflect.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="results"/> is shorter than <paramref name="imeis"/>.</exception>
    public long CheckMany(ReadOnlySpan<Imei> imeis, Span<ImeiCheck> results)
    {
        if (results.Length < imeis.Length)
        {
            throw new ArgumentException("There must be a result slot per IMEI.", nameof(results));
        }

        var height = BlockHeight;
        var now = _clock.GetUtcNow().UtcTicks;
        for (var i = 0; i < imeis.Length; i++)
        {
            var decision = default(EquipmentStatusRules.Decision);
            Decide(imeis[i], now, ref decision);
            results[i] = decision.ToCheck(imeis[i]);
        }

        return height;
    }

    /// <summary>Every entry covering <paramref name="imei"/>, expired grey entries included.</summary>
    public IReadOnlyList<EirEntry> EntriesCovering(Imei imei)
    {
        var found = new List<EirEntry>();
        if (_singles.TryGetValue(imei.Body, out var singles))
        {
            found.AddRange(singles);
        }

        if (_ranges.TryGetValue(imei.Tac.Value, out var ranges))
        {
            found.AddRange(ranges.Where(r => r.Target.Covers(imei)));
        }

        return found;
    }

    /// <summary>Every entry held, in no particular order.</summary>
    public IEnumerable<EirEntry> Entries => _singles.Values.SelectMany(a => a).Concat(_ranges.Values.SelectMany(a => a));

    private void Decide(Imei imei, long nowTicks, ref EquipmentStatusRules.Decision decision)
    {
        if (_singles.TryGetValue(imei.Body, out var singles))
        {
            foreach (var entry in singles)
            {
                decision.Consider(entry, nowTicks);
            }

            // Nothing beats black; ranges cannot change the answer.
            if (decision.IsBlack)
            {
                return;
            }
        }

        if (_ranges.TryGetValue(imei.Tac.Value, out var ranges))
        {
            var serial = imei.Serial;
            foreach (var entry in ranges)
            {
                if (serial >= entry.Target.FirstSerial && serial <= entry.Target.LastSerial)
                {
                    decision.Consider(entry, nowTicks);
                }
            }
        }
    }

    private void Upsert(EirEntry entry)
    {
        if (entry.Target.Kind == EirTargetKind.Imei)
        {
            Upsert(_singles, entry.Target.Imei.Body, entry);
        }
        else
        {
            Upsert(_ranges, entry.Target.Tac.Value, entry);
        }
    }

    private void Remove(EirEntryKey key)
    {
        if (key.Target.Kind == EirTargetKind.Imei)
        {
            Remove(_singles, key.Target.Imei.Body, key);
        }
        else
        {
            Remove(_ranges, key.Target.Tac.Value, key);
        }
    }

    private void Upsert<TKey>(ConcurrentDictionary<TKey, EirEntry[]> map, TKey slot, EirEntry entry)
        where TKey : notnull
    {
        if (!map.TryGetValue(slot, out var current))
        {
            map[slot] = [entry];
            _count++;
            return;
        }

        var key = entry.Key;
        var at = Array.FindIndex(current, e => e.Key == key);
        var next = new EirEntry[at < 0 ? current.Length + 1 : current.Length];
        current.CopyTo(next, 0);
        if (at < 0)
        {
            next[^1] = entry;
            _count++;
        }
        else
        {
            next[at] = entry;
        }

        map[slot] = next;
    }

    private void Remove<TKey>(ConcurrentDictionary<TKey, EirEntry[]> map, TKey slot, EirEntryKey key)
        where TKey : notnull
    {
        if (!map.TryGetValue(slot, out var current))
        {
            return;
        }

        var at = Array.FindIndex(current, e => e.Key == key);
        if (at < 0)
        {
            return;
        }

        _count--;
        if (current.Length == 1)
        {
            map.TryRemove(slot, out _);
            return;
        }

        var next = new EirEntry[current.Length - 1];
        Array.Copy(current, 0, next, 0, at);
        Array.Copy(current, at + 1, next, at, current.Length - at - 1);
        map[slot] = next;
    }
}
