using System.Globalization;
using System.Text;

namespace Restcomm.Numbers;

/// <summary>A capability as a lookup shows it: the channel, where to route it and until when the consent holds.</summary>
/// <param name="Name">The channel.</param>
/// <param name="Uri">The routing URI.</param>
/// <param name="ConsentExpires">When the consent lapses.</param>
public sealed record CapabilityView(string Name, string? Uri, DateTimeOffset? ConsentExpires);

/// <summary>A caller name as a lookup shows it: <see cref="Name"/> is null when presentation is restricted.</summary>
/// <param name="Name">The name, unless restricted.</param>
/// <param name="Presentation">Allowed or restricted.</param>
public sealed record CallerNameView(string? Name, CnamPresentation Presentation);

/// <summary>One number's answer from the index (a struct: a bulk lookup allocates nothing per number but caller names).</summary>
/// <param name="E164">The number asked for.</param>
/// <param name="Found">Whether the registry knows it (a record of its own or a block).</param>
/// <param name="Provider">The serving provider.</param>
/// <param name="LineType">The line type.</param>
/// <param name="Capabilities">Capabilities whose consent still holds.</param>
/// <param name="Cnam">The caller name, restriction honoured.</param>
/// <param name="Block">The block whose profile answered, when the number has no record of its own.</param>
public readonly record struct NumberLookup(
    E164Number E164, bool Found, string? Provider, LineType? LineType, IReadOnlyList<CapabilityView> Capabilities, CallerNameView? Cnam, NumberBlockId? Block);

/// <summary>
/// In-memory index of the registry for lookups at memory speed. One writer (the projection of the ledger's
/// <c>numbers.changed</c> events) applies each block's changes at once and moves the height; readers see whole blocks
/// only, and every answer carries the height it reflects.
/// </summary>
/// <remarks>
/// Compact by design (about 20 bytes per slot): numbers are <see cref="ulong"/> keys in an open-addressing table
/// (linear probing, backward-shift deletion) with parallel arrays for the serving provider (an interned
/// <see cref="ushort"/>), line type and CNAM flags (one byte), the capability set (an interned <see cref="int"/>: numbers
/// of one provider mostly share one) and the caller name (an offset into one ASCII byte heap). Blocks are few and live
/// in a dictionary. A reader-writer lock guards the arrays; a bulk lookup takes it once.
/// </remarks>
public sealed class NumberIndex
{
    /// <summary>Most numbers one bulk lookup accepts.</summary>
    public const int MaxBulkLookup = 10_000;

    private const byte LineTypeMask = 0x0F;
    private const byte CnamRestricted = 0x10;
    private const double MaxLoad = 0.75;

    private static readonly CallerNameView RestrictedName = new(null, CnamPresentation.Restricted);

    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly TimeProvider _clock;
    private readonly List<string> _providers = [];
    private readonly Dictionary<string, ushort> _providerIds = new(StringComparer.Ordinal);
    private readonly List<CapabilitySet> _sets = [CapabilitySet.Empty];
    private readonly Dictionary<string, int> _setIds = new(StringComparer.Ordinal) { [""] = 0 };
    private readonly Dictionary<(ulong Prefix, int Free), Slot> _blocks = [];

    private ulong[] _keys;
    private ushort[] _provider;
    private byte[] _flags;
    private int[] _set;
    private int[] _cnam;
    private byte[] _cnamHeap = new byte[1024];
    private int _cnamUsed = 1; // offset 0 means "no name"
    private int _cnamGarbage;
    private int _count;
    private int _shift;
    private long _blockHeight;

    /// <summary>Creates an empty index judging consent expiry by <paramref name="clock"/> (default: system clock).</summary>
    /// <param name="clock">The clock.</param>
    /// <param name="capacity">Numbers expected (sizes the table once).</param>
    public NumberIndex(TimeProvider? clock = null, int capacity = 1024)
    {
        _clock = clock ?? TimeProvider.System;
        var size = 16;
        while (size * MaxLoad < capacity)
        {
            size *= 2;
        }

        _keys = new ulong[size];
        _provider = new ushort[size];
        _flags = new byte[size];
        _set = new int[size];
        _cnam = new int[size];
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
    }

    /// <summary>The clock that judges consent expiry.</summary>
    public TimeProvider Clock => _clock;

    /// <summary>Ledger height reflected: every change in blocks 0..<c>BlockHeight - 1</c> is applied.</summary>
    public long BlockHeight => Volatile.Read(ref _blockHeight);

    /// <summary>Numbers with a record of their own.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Blocks held.</summary>
    public int BlockCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _blocks.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>Distinct capability sets held (each number refers to one).</summary>
    public int CapabilitySetCount => _sets.Count;

    /// <summary>Replaces the whole content, e.g. from the store's read model at start-up.</summary>
    /// <param name="records">The numbers' records.</param>
    /// <param name="blocks">The blocks.</param>
    /// <param name="blockHeight">The height they reflect.</param>
    public void Load(IEnumerable<NumberRecord> records, IEnumerable<NumberBlock> blocks, long blockHeight)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(blocks);
        _lock.EnterWriteLock();
        try
        {
            Array.Clear(_keys);
            _count = 0;
            _blocks.Clear();
            _cnamUsed = 1;
            _cnamGarbage = 0;
            foreach (var record in records)
            {
                Upsert(record.E164.Value, record.Provider, record.Profile);
            }

            foreach (var block in blocks)
            {
                _blocks[(block.Id.Prefix, block.Id.FreeDigits)] = SlotOf(block.Provider, block.Profile, default);
            }

            Volatile.Write(ref _blockHeight, blockHeight);
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Applies the changes of one ledger block and moves the height past it, atomically for readers.</summary>
    /// <param name="changes">The block's changes, in order.</param>
    /// <param name="blockNumber">The block.</param>
    public void ApplyBlock(IEnumerable<NumberChange> changes, long blockNumber)
    {
        ArgumentNullException.ThrowIfNull(changes);
        _lock.EnterWriteLock();
        try
        {
            foreach (var change in changes)
            {
                Apply(change);
            }

            if (blockNumber + 1 > _blockHeight)
            {
                Volatile.Write(ref _blockHeight, blockNumber + 1);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>Looks one number up.</summary>
    /// <param name="number">The number.</param>
    /// <returns>The answer and the height it reflects.</returns>
    public (NumberLookup Lookup, long BlockHeight) Lookup(E164Number number)
    {
        var now = _clock.GetUtcNow().UtcTicks;
        _lock.EnterReadLock();
        try
        {
            return (Find(number, now), _blockHeight);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Looks many numbers up under one view of the index.</summary>
    /// <param name="numbers">The numbers.</param>
    /// <param name="results">Receives the answers, in order (at least as long as <paramref name="numbers"/>).</param>
    /// <returns>The height every answer reflects.</returns>
    public long LookupMany(ReadOnlySpan<E164Number> numbers, Span<NumberLookup> results)
    {
        if (results.Length < numbers.Length)
        {
            throw new ArgumentException("results is shorter than numbers", nameof(results));
        }

        var now = _clock.GetUtcNow().UtcTicks;
        _lock.EnterReadLock();
        try
        {
            for (var i = 0; i < numbers.Length; i++)
            {
                results[i] = Find(numbers[i], now);
            }

            return _blockHeight;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Approximate bytes held by the table, the interned sets and the name heap (for the benchmark).</summary>
    public long ApproximateBytes
        => ((long)_keys.Length * (sizeof(ulong) + sizeof(ushort) + sizeof(byte) + sizeof(int) + sizeof(int))) + _cnamHeap.Length;

    private NumberLookup Find(E164Number number, long nowTicks)
    {
        var i = IndexOf(number.Value);
        Slot slot;
        NumberBlockId? block = null;
        if (i >= 0)
        {
            slot = new Slot(_provider[i], _flags[i], _set[i], _cnam[i]);
        }
        else
        {
            for (var free = 1; ; free++)
            {
                if (free > NumberBlockId.MaxFreeDigits)
                {
                    return new NumberLookup(number, false, null, null, [], null, null);
                }

                var id = NumberBlockId.Containing(number, free);
                if (_blocks.TryGetValue((id.Prefix, free), out slot))
                {
                    block = id;
                    break;
                }
            }
        }

        var set = _sets[slot.Set];
        return new NumberLookup(
            number, true, _providers[slot.Provider], (LineType)(slot.Flags & LineTypeMask), set.At(nowTicks), CnamOf(slot), block);
    }

    private CallerNameView? CnamOf(Slot slot)
    {
        if (slot.Cnam == 0)
        {
            return null;
        }

        if ((slot.Flags & CnamRestricted) != 0)
        {
            return RestrictedName;
        }

        var length = _cnamHeap[slot.Cnam];
        return new CallerNameView(Encoding.ASCII.GetString(_cnamHeap, slot.Cnam + 1, length), CnamPresentation.Allowed);
    }

    private void Apply(NumberChange change)
    {
        switch (change.Kind)
        {
            case NumberChangeKind.Published or NumberChangeKind.Updated or NumberChangeKind.PortActivated when change.Record is { } record:
                Upsert(record.E164.Value, record.Provider, record.Profile);
                break;
            case NumberChangeKind.Withdrawn when change.Record is { } record:
                Remove(record.E164.Value);
                break;
            case NumberChangeKind.BlockPublished or NumberChangeKind.BlockUpdated when change.Block is { } block:
                _blocks.TryGetValue((block.Id.Prefix, block.Id.FreeDigits), out var old);
                _blocks[(block.Id.Prefix, block.Id.FreeDigits)] = SlotOf(block.Provider, block.Profile, old);
                break;
            case NumberChangeKind.BlockWithdrawn when change.Block is { } block:
                if (_blocks.Remove((block.Id.Prefix, block.Id.FreeDigits), out var removed))
                {
                    Release(removed.Cnam);
                }

                break;
            default:
                break; // port steps other than activation change no lookup answer
        }
    }

    private void Upsert(ulong key, string provider, NumberProfile profile)
    {
        if (_count + 1 > _keys.Length * MaxLoad)
        {
            Grow();
        }

        var mask = _keys.Length - 1;
        var i = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (_keys[i] != 0 && _keys[i] != key)
        {
            i = (i + 1) & mask;
        }

        var existing = _keys[i] == key ? new Slot(_provider[i], _flags[i], _set[i], _cnam[i]) : default;
        if (_keys[i] == 0)
        {
            _keys[i] = key;
            _count++;
        }

        var slot = SlotOf(provider, profile, existing);
        _provider[i] = slot.Provider;
        _flags[i] = slot.Flags;
        _set[i] = slot.Set;
        _cnam[i] = slot.Cnam;
    }

    private void Remove(ulong key)
    {
        var i = IndexOf(key);
        if (i < 0)
        {
            return;
        }

        Release(_cnam[i]);
        var mask = _keys.Length - 1;
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        var hole = i;
        var j = i;
        while (true)
        {
            j = (j + 1) & mask;
            if (_keys[j] == 0)
            {
                break;
            }

            var home = (int)((_keys[j] * 0x9E3779B97F4A7C15UL) >> _shift);
            var distanceToHome = (j - home) & mask;
            var distanceToHole = (j - hole) & mask;
            if (distanceToHome >= distanceToHole)
            {
                _keys[hole] = _keys[j];
                _provider[hole] = _provider[j];
                _flags[hole] = _flags[j];
                _set[hole] = _set[j];
                _cnam[hole] = _cnam[j];
                hole = j;
            }
        }

        _keys[hole] = 0;
        _count--;
    }

    private int IndexOf(ulong key)
    {
        var keys = _keys;
        var mask = keys.Length - 1;
        var i = (int)((key * 0x9E3779B97F4A7C15UL) >> _shift);
        while (true)
        {
            var k = keys[i];
            if (k == key)
            {
                return i;
            }

            if (k == 0)
            {
                return -1;
            }

            i = (i + 1) & mask;
        }
    }

    private void Grow()
    {
        var (keys, provider, flags, set, cnam) = (_keys, _provider, _flags, _set, _cnam);
        var size = keys.Length * 2;
        _keys = new ulong[size];
        _provider = new ushort[size];
        _flags = new byte[size];
        _set = new int[size];
        _cnam = new int[size];
        _shift = 64 - System.Numerics.BitOperations.Log2((uint)size);
        var mask = size - 1;
        for (var j = 0; j < keys.Length; j++)
        {
            if (keys[j] == 0)
            {
                continue;
            }

            var i = (int)((keys[j] * 0x9E3779B97F4A7C15UL) >> _shift);
            while (_keys[i] != 0)
            {
                i = (i + 1) & mask;
            }

            _keys[i] = keys[j];
            _provider[i] = provider[j];
            _flags[i] = flags[j];
            _set[i] = set[j];
            _cnam[i] = cnam[j];
        }
    }

    private Slot SlotOf(string provider, NumberProfile profile, Slot previous)
    {
        if (!_providerIds.TryGetValue(provider, out var providerId))
        {
            providerId = checked((ushort)_providers.Count);
            _providers.Add(provider);
            _providerIds[provider] = providerId;
        }

        var flags = (byte)((byte)profile.LineType & LineTypeMask);
        Release(previous.Cnam);
        var cnam = 0;
        if (profile.Cnam is { } name)
        {
            cnam = StoreName(name.Name);
            if (name.Presentation == CnamPresentation.Restricted)
            {
                flags |= CnamRestricted;
            }
        }

        return new Slot(providerId, flags, Intern(profile.Capabilities), cnam);
    }

    private int Intern(IReadOnlyList<Capability> capabilities)
    {
        if (capabilities.Count == 0)
        {
            return 0;
        }

        var key = new StringBuilder();
        foreach (var c in capabilities)
        {
            key.Append(c.Name).Append('\u001f').Append(c.Uri).Append('\u001f')
                .Append(c.ConsentExpires?.UtcTicks.ToString(CultureInfo.InvariantCulture)).Append('\u001e');
        }

        var text = key.ToString();
        if (!_setIds.TryGetValue(text, out var id))
        {
            id = _sets.Count;
            _sets.Add(new CapabilitySet([.. capabilities.Select(c => new CapabilityView(c.Name, c.Uri, c.ConsentExpires))]));
            _setIds[text] = id;
        }

        return id;
    }

    private int StoreName(string name)
    {
        var bytes = Encoding.ASCII.GetByteCount(name);
        if (_cnamUsed + 1 + bytes > _cnamHeap.Length)
        {
            if (_cnamGarbage > _cnamUsed / 2)
            {
                CompactNames();
            }

            if (_cnamUsed + 1 + bytes > _cnamHeap.Length)
            {
                Array.Resize(ref _cnamHeap, Math.Max(_cnamHeap.Length * 2, _cnamUsed + 1 + bytes));
            }
        }

        var offset = _cnamUsed;
        _cnamHeap[offset] = (byte)bytes;
        Encoding.ASCII.GetBytes(name, 0, name.Length, _cnamHeap, offset + 1);
        _cnamUsed += 1 + bytes;
        return offset;
    }

    private void Release(int cnam)
    {
        if (cnam != 0)
        {
            _cnamGarbage += 1 + _cnamHeap[cnam];
        }
    }

    private void CompactNames()
    {
        var heap = new byte[_cnamHeap.Length];
        var used = 1;
        int Move(int offset)
        {
            if (offset == 0)
            {
                return 0;
            }

            var length = 1 + _cnamHeap[offset];
            Array.Copy(_cnamHeap, offset, heap, used, length);
            var moved = used;
            used += length;
            return moved;
        }

        for (var i = 0; i < _keys.Length; i++)
        {
            if (_keys[i] != 0)
            {
                _cnam[i] = Move(_cnam[i]);
            }
        }

        foreach (var key in _blocks.Keys.ToList())
        {
            var slot = _blocks[key];
            _blocks[key] = slot with { Cnam = Move(slot.Cnam) };
        }

        _cnamHeap = heap;
        _cnamUsed = used;
        _cnamGarbage = 0;
    }

    private readonly record struct Slot(ushort Provider, byte Flags, int Set, int Cnam);

    /// <summary>An interned capability set; <see cref="At"/> leaves out lapsed consents (rarely: most sets never lapse).</summary>
    private sealed class CapabilitySet(CapabilityView[] all)
    {
        public static readonly CapabilitySet Empty = new([]);

        private readonly long _earliestExpiry = all.Length == 0 ? long.MaxValue : all.Min(c => c.ConsentExpires?.UtcTicks ?? long.MaxValue);

        public IReadOnlyList<CapabilityView> At(long nowTicks)
            => nowTicks < _earliestExpiry ? all : [.. all.Where(c => c.ConsentExpires is not { } e || e.UtcTicks > nowTicks)];
    }
}
