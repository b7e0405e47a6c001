using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Ledger.Rwset;

namespace Restcomm.DevNetwork.Ledger;

/// <summary>
/// Records what one transaction read and wrote while the chaincode runs, against committed state only (Fabric does
/// not let a transaction read its own writes), and turns it into Fabric's read/write set structures.
/// </summary>
internal sealed class TxSimulator(ChannelStore store, string peerOrg)
{
    private readonly SortedDictionary<string, NsState> _ns = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _paginated;

    public string PeerOrg => peerOrg;

    private sealed class NsState
    {
        public SortedDictionary<string, KeyVersion?> Reads { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, byte[]?> Writes { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, List<KVMetadataEntry>> MetadataWrites { get; } = new(StringComparer.Ordinal);
        public List<RangeQueryInfo> Ranges { get; } = [];
        public SortedDictionary<string, CollState> Collections { get; } = new(StringComparer.Ordinal);
    }

    private sealed class CollState
    {
        public SortedDictionary<string, KeyVersion?> Reads { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, (byte[]? Value, bool Purge)> Writes { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, List<KVMetadataEntry>> MetadataWrites { get; } = new(StringComparer.Ordinal);
        public bool PrivateRead { get; set; }
    }

    private NsState Ns(string ns)
    {
        if (!_ns.TryGetValue(ns, out var s))
        {
            s = new NsState();
            _ns[ns] = s;
        }
        return s;
    }

    private CollState Coll(string ns, string coll)
    {
        var n = Ns(ns);
        if (!n.Collections.TryGetValue(coll, out var c))
        {
            c = new CollState();
            n.Collections[coll] = c;
        }
        return c;
    }

    public static byte[] Hash(ReadOnlySpan<byte> data) => SHA256.HashData(data);

    public static byte[] HashKey(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public byte[]? GetState(string ns, string key)
    {
        var v = store.GetState(ns, key);
        lock (_lock)
        {
            Ns(ns).Reads.TryAdd(key, v?.Version);
        }
        return v?.Value;
    }

    public byte[]? GetStateMetadata(string ns, string key)
    {
        var v = store.GetState(ns, key);
        lock (_lock)
        {
            Ns(ns).Reads.TryAdd(key, v?.Version);
        }
        return v?.Metadata;
    }

    public void PutState(string ns, string key, byte[]? value)
    {
        lock (_lock)
        {
            if (_paginated)
            {
                throw new InvalidOperationException("txsimulator does not support writes after paginated queries");
            }
            Ns(ns).Writes[key] = value;
        }
    }

    /// <summary>Replaces the key's whole metadata at commit (Fabric's SetStateMetadata); records no read.</summary>
    public void PutStateMetadata(string ns, string key, List<KVMetadataEntry> entries)
    {
        lock (_lock)
        {
            Ns(ns).MetadataWrites[key] = entries;
        }
    }

    /// <summary>A private key's metadata, read through its hash (recorded as a hashed read), as Fabric does.</summary>
    public byte[]? GetPrivateDataMetadata(string ns, string coll, string key)
    {
        var hashed = store.GetHashed(ns, coll, HashKey(key));
        lock (_lock)
        {
            Coll(ns, coll).Reads.TryAdd(key, hashed?.Version);
        }
        return hashed?.Metadata;
    }

    /// <summary>Replaces a private key's whole metadata at commit (hashed and private write sets).</summary>
    public void PutPrivateDataMetadata(string ns, string coll, string key, List<KVMetadataEntry> entries)
    {
        lock (_lock)
        {
            Coll(ns, coll).MetadataWrites[key] = entries;
        }
    }

    /// <summary>A range scan; the reads are recorded for phantom detection by <see cref="RecordRange"/>.</summary>
    public List<RangeEntry> ScanRange(string ns, string start, string end, int limit, bool paginated)
    {
        lock (_lock)
        {
            if (paginated)
            {
                if (_ns.Values.Any(n => n.Writes.Count > 0 || n.Collections.Values.Any(c => c.Writes.Count > 0)))
                {
                    throw new InvalidOperationException("txsimulator does not support paginated queries after writes");
                }
                _paginated = true;
            }
        }
        return store.GetRange(ns, start, end, limit);
    }

    public void RecordRange(string ns, string start, string end, bool exhausted, IEnumerable<RangeEntry> delivered)
    {
        var info = new RangeQueryInfo { StartKey = start, EndKey = end, ItrExhausted = exhausted, RawReads = new QueryReads() };
        foreach (var e in delivered)
        {
            info.RawReads.KvReads.Add(new KVRead { Key = e.Key, Version = ToProto(e.Version) });
        }
        lock (_lock)
        {
            Ns(ns).Ranges.Add(info);
        }
    }

    public List<RangeEntry> ScanPrivateRange(string ns, string coll, string start, string end, int limit)
    {
        lock (_lock)
        {
            Coll(ns, coll).PrivateRead = true;
        }
        return store.GetPrivateRange(peerOrg, ns, coll, start, end, limit);
    }

    /// <summary>Reads private data this peer holds; refuses when the peer holds only a newer hash (as Fabric does).</summary>
    public byte[]? GetPrivateData(string ns, string coll, string key)
    {
        var keyHash = HashKey(key);
        var hashed = store.GetHashed(ns, coll, keyHash);
        var pvt = store.GetPrivate(peerOrg, ns, coll, key);
        if (hashed is not null && (pvt is null || pvt.Version != hashed.Version))
        {
            throw new InvalidOperationException($"private data matching public hash version is not available. Public hash version = {hashed.Version}, Private data version = {pvt?.Version}");
        }
        lock (_lock)
        {
            var c = Coll(ns, coll);
            c.Reads.TryAdd(key, hashed?.Version);
            c.PrivateRead = true;
        }
        return pvt?.Value;
    }

    public byte[]? GetPrivateDataHash(string ns, string coll, string key)
    {
        var hashed = store.GetHashed(ns, coll, HashKey(key));
        lock (_lock)
        {
            Coll(ns, coll).Reads.TryAdd(key, hashed?.Version);
        }
        return hashed?.Value;
    }

    public void PutPrivateData(string ns, string coll, string key, byte[]? value, bool purge = false)
    {
        lock (_lock)
        {
            if (_paginated)
            {
                throw new InvalidOperationException("txsimulator does not support writes after paginated queries");
            }
            Coll(ns, coll).Writes[key] = (value, purge);
        }
    }

    public List<HistoryEntry> GetHistory(string ns, string key) => store.GetHistory(ns, key);

    private static Restcomm.Fabric.Protos.Ledger.KvRwset.Version? ToProto(KeyVersion? v) =>
        v is null ? null : new Restcomm.Fabric.Protos.Ledger.KvRwset.Version { BlockNum = v.Value.Block, TxNum = v.Value.TxNum };

    /// <summary>
    /// Collections the transaction read or wrote, per namespace; <c>Written</c> when it wrote values or metadata,
    /// <c>PrivateRead</c> when it read private values (not only hashes or metadata).
    /// </summary>
    public IEnumerable<(string Namespace, string Collection, bool Written, bool PrivateRead)> TouchedCollections()
    {
        lock (_lock)
        {
            return _ns.SelectMany(n => n.Value.Collections.Select(c => (n.Key, c.Key, c.Value.Writes.Count > 0 || c.Value.MetadataWrites.Count > 0, c.Value.PrivateRead))).ToList();
        }
    }

    public bool HasPublicWrites(string ns)
    {
        lock (_lock)
        {
            return _ns.TryGetValue(ns, out var s) && (s.Writes.Count > 0 || s.MetadataWrites.Count > 0);
        }
    }

    /// <summary>The public read/write set (with collection hashes) and the private one (writes in clear).</summary>
    public (TxReadWriteSet Public, TxPvtReadWriteSet? Private) Build()
    {
        lock (_lock)
        {
            var pub = new TxReadWriteSet { DataModel = TxReadWriteSet.Types.DataModel.Kv };
            var pvt = new TxPvtReadWriteSet { DataModel = TxReadWriteSet.Types.DataModel.Kv };
            foreach (var (ns, s) in _ns)
            {
                var kv = new KVRWSet();
                foreach (var (key, version) in s.Reads)
                {
                    kv.Reads.Add(new KVRead { Key = key, Version = ToProto(version) });
                }
                kv.RangeQueriesInfo.AddRange(s.Ranges);
                foreach (var (key, value) in s.Writes)
                {
                    kv.Writes.Add(new KVWrite { Key = key, IsDelete = value is null, Value = value is null ? ByteString.Empty : ByteString.CopyFrom(value) });
                }
                foreach (var (key, entries) in s.MetadataWrites)
                {
                    var mw = new KVMetadataWrite { Key = key };
                    mw.Entries.AddRange(entries);
                    kv.MetadataWrites.Add(mw);
                }
                var nsSet = new NsReadWriteSet { Namespace = ns, Rwset = kv.ToByteString() };
                NsPvtReadWriteSet? nsPvt = null;
                foreach (var (coll, c) in s.Collections)
                {
                    var hashed = new HashedRWSet();
                    foreach (var (key, version) in c.Reads)
                    {
                        hashed.HashedReads.Add(new KVReadHash { KeyHash = ByteString.CopyFrom(HashKey(key)), Version = ToProto(version) });
                    }
                    var collHashed = new CollectionHashedReadWriteSet { CollectionName = coll };
                    if (c.Writes.Count > 0 || c.MetadataWrites.Count > 0)
                    {
                        var pvtKv = new KVRWSet();
                        foreach (var (key, (value, purge)) in c.Writes)
                        {
                            hashed.HashedWrites.Add(new KVWriteHash
                            {
                                KeyHash = ByteString.CopyFrom(HashKey(key)),
                                IsDelete = value is null,
                                IsPurge = purge,
                                ValueHash = value is null ? ByteString.Empty : ByteString.CopyFrom(Hash(value)),
                            });
                            pvtKv.Writes.Add(new KVWrite { Key = key, IsDelete = value is null, Value = value is null ? ByteString.Empty : ByteString.CopyFrom(value) });
                        }
                        foreach (var (key, entries) in c.MetadataWrites)
                        {
                            var hashedMw = new KVMetadataWriteHash { KeyHash = ByteString.CopyFrom(HashKey(key)) };
                            hashedMw.Entries.AddRange(entries);
                            hashed.MetadataWrites.Add(hashedMw);
                            var mw = new KVMetadataWrite { Key = key };
                            mw.Entries.AddRange(entries);
                            pvtKv.MetadataWrites.Add(mw);
                        }
                        var pvtBytes = pvtKv.ToByteString();
                        collHashed.PvtRwsetHash = ByteString.CopyFrom(Hash(pvtBytes.Span));
                        nsPvt ??= new NsPvtReadWriteSet { Namespace = ns };
                        nsPvt.CollectionPvtRwset.Add(new CollectionPvtReadWriteSet { CollectionName = coll, Rwset = pvtBytes });
                    }
                    collHashed.HashedRwset = hashed.ToByteString();
                    nsSet.CollectionHashedRwset.Add(collHashed);
                }
                pub.NsRwset.Add(nsSet);
                if (nsPvt is not null)
                {
                    pvt.NsPvtRwset.Add(nsPvt);
                }
            }
            return (pub, pvt.NsPvtRwset.Count > 0 ? pvt : null);
        }
    }
}
