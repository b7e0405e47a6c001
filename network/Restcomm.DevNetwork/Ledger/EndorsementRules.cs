using System.Collections.Concurrent;
using Google.Protobuf;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Ledger.Rwset;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Ledger;

/// <summary>A key as the validator names it: a public key in clear, or a collection key by its SHA-256 (hex).</summary>
internal readonly record struct LedgerKey(string Namespace, string Collection, string Key)
{
    public bool IsPrivate => Collection.Length > 0;
}

/// <summary>What one transaction writes in one namespace, in the order Fabric's validator visits the keys.</summary>
internal sealed class NamespaceWrites(string name)
{
    public string Namespace { get; } = name;

    /// <summary>Public writes, public metadata writes, collection writes, collection metadata writes.</summary>
    public List<LedgerKey> Keys { get; } = [];

    /// <summary>The keys whose metadata (and so perhaps key-level policy) the transaction changes.</summary>
    public List<LedgerKey> MetadataKeys { get; } = [];
}

/// <summary>
/// Which endorsement policies a transaction must satisfy, as a Fabric 2.5 peer decides it (the v20 validation plugin
/// with its state-based validator, core/common/validation/statebased): every namespace the transaction writes, and the
/// chaincode it invoked, is checked on its own. Each key written (value or metadata, public or private) whose
/// committed state carries a <c>VALIDATION_PARAMETER</c> must satisfy that key-level policy; a key without one needs
/// its collection's endorsement policy, or else the chaincode's, each checked once. When no policy at all was
/// checked for the namespace (it wrote nothing) the chaincode's policy applies.
/// </summary>
internal static class EndorsementRules
{
    /// <summary>The metadata entry holding a key-level endorsement policy (a serialized SignaturePolicyEnvelope).</summary>
    public const string ValidationParameter = "VALIDATION_PARAMETER";

    private static readonly ConcurrentDictionary<ByteString, CompiledPolicy?> KeyPolicies = new();

    /// <summary>The namespaces Fabric validates for a transaction: the invoked chaincode, then every namespace written.</summary>
    public static List<NamespaceWrites> WrittenNamespaces(string invoked, TxReadWriteSet rwset)
    {
        var result = new List<NamespaceWrites>();
        foreach (var ns in rwset.NsRwset)
        {
            var writes = WritesOf(ns);
            if (writes.Keys.Count > 0 || ns.Namespace == invoked)
            {
                result.Add(writes);
            }
        }
        if (!result.Any(w => w.Namespace == invoked))
        {
            result.Insert(0, new NamespaceWrites(invoked));
        }
        return result;
    }

    /// <summary>The keys one namespace of a read/write set writes.</summary>
    public static NamespaceWrites WritesOf(NsReadWriteSet ns)
    {
        var writes = new NamespaceWrites(ns.Namespace);
        var kv = KVRWSet.Parser.ParseFrom(ns.Rwset);
        writes.Keys.AddRange(kv.Writes.Select(w => new LedgerKey(ns.Namespace, "", w.Key)));
        foreach (var mw in kv.MetadataWrites)
        {
            var key = new LedgerKey(ns.Namespace, "", mw.Key);
            writes.Keys.Add(key);
            writes.MetadataKeys.Add(key);
        }
        var hashedSets = ns.CollectionHashedRwset.Select(c => (c.CollectionName, Set: HashedRWSet.Parser.ParseFrom(c.HashedRwset))).ToList();
        foreach (var (coll, set) in hashedSets)
        {
            writes.Keys.AddRange(set.HashedWrites.Select(w => new LedgerKey(ns.Namespace, coll, Hex(w.KeyHash))));
        }
        foreach (var (coll, set) in hashedSets)
        {
            foreach (var mw in set.MetadataWrites)
            {
                var key = new LedgerKey(ns.Namespace, coll, Hex(mw.KeyHash));
                writes.Keys.Add(key);
                writes.MetadataKeys.Add(key);
            }
        }
        return writes;
    }

    public static string Hex(ByteString hash) => Convert.ToHexStringLower(hash.Span);

    /// <summary>The key's committed key-level policy, or null when it has none (or the key does not exist).</summary>
    public static byte[]? CommittedParameter(ChannelStore store, LedgerKey key)
    {
        var metadata = key.IsPrivate
            ? store.GetHashedMetadata(key.Namespace, key.Collection, Convert.FromHexString(key.Key))
            : store.GetMetadata(key.Namespace, key.Key);
        return ParameterOf(metadata);
    }

    /// <summary>The <c>VALIDATION_PARAMETER</c> entry of serialized metadata; null when absent or empty.</summary>
    public static byte[]? ParameterOf(byte[]? metadata)
    {
        if (metadata is null || metadata.Length == 0)
        {
            return null;
        }
        var entry = StateMetadataResult.Parser.ParseFrom(metadata).Entries.LastOrDefault(e => e.Metakey == ValidationParameter);
        return entry is null || entry.Value.IsEmpty ? null : entry.Value.ToByteArray();
    }

    /// <summary>A key-level policy ready to evaluate; null when the bytes are not a signature policy envelope.</summary>
    public static CompiledPolicy? Compile(byte[] parameter)
    {
        var bytes = ByteString.CopyFrom(parameter);
        if (KeyPolicies.TryGetValue(bytes, out var cached))
        {
            return cached;
        }
        CompiledPolicy? compiled;
        try
        {
            var envelope = SignaturePolicyEnvelope.Parser.ParseFrom(parameter);
            compiled = envelope.Rule is null ? null : new CompiledPolicy(envelope, "key-level policy");
        }
        catch (InvalidProtocolBufferException)
        {
            compiled = null;
        }
        if (KeyPolicies.Count > 4096)
        {
            KeyPolicies.Clear();
        }
        KeyPolicies[bytes] = compiled;
        return compiled;
    }

    /// <summary>
    /// Checks one namespace of a transaction against committed state (Fabric's baseEvaluator.Evaluate with the v20
    /// policy checker). Returns null when satisfied, else why not.
    /// </summary>
    public static string? Check(ChannelDefinition channel, ChannelStore store, NamespaceWrites writes, IReadOnlyList<Signer> signers)
    {
        if (!channel.Chaincodes.TryGetValue(writes.Namespace, out var cc))
        {
            return null;
        }
        var checkedPolicies = new HashSet<string>(StringComparer.Ordinal);
        var someChecked = false;
        foreach (var key in writes.Keys)
        {
            var parameter = CommittedParameter(store, key);
            if (parameter is not null)
            {
                var policy = Compile(parameter);
                if (policy is null || !policy.IsSatisfiedBy(signers))
                {
                    return policy is null
                        ? $"the key-level policy of {Describe(key)} is not a signature policy"
                        : $"validation of key {Describe(key)} failed: its key-level endorsement policy is not satisfied";
                }
                someChecked = true;
                continue;
            }
            // No key-level policy: the collection's endorsement policy, else the chaincode's, once per transaction.
            if (key.IsPrivate && cc.Collection(key.Collection)?.EndorsementPolicy is { } collectionPolicy)
            {
                if (checkedPolicies.Add(key.Collection))
                {
                    if (!collectionPolicy.IsSatisfiedBy(signers))
                    {
                        return $"validation of endorsement policy for collection {key.Collection} chaincode {cc.Name} failed";
                    }
                    someChecked = true;
                }
                continue;
            }
            if (checkedPolicies.Add(""))
            {
                if (!cc.EndorsementPolicy.IsSatisfiedBy(signers))
                {
                    return $"validation of endorsement policy for chaincode {cc.Name} failed";
                }
                someChecked = true;
            }
        }
        if (!someChecked && !cc.EndorsementPolicy.IsSatisfiedBy(signers))
        {
            return $"validation of endorsement policy for chaincode {cc.Name} failed";
        }
        return null;
    }

    private static string Describe(LedgerKey key) =>
        key.IsPrivate ? $"{key.Key} (coll'{key.Collection}':ns'{key.Namespace}')" : $"{key.Key} (ns'{key.Namespace}')";

    /// <summary>
    /// The policies an endorsement plan must satisfy, as the 2.5 gateway gets them: the endorser's chaincode interest
    /// (core/endorser buildChaincodeInterest: the committed key-level policies of the keys written; the chaincode's
    /// policy when a public key without one is written or the namespace is only read; per collection written without
    /// key-level policies or read privately, that collection's) handed to discovery, which requires them all.
    /// </summary>
    public static List<CompiledPolicy> ForPlan(
        ChannelDefinition channel,
        ChannelStore store,
        string invoked,
        TxReadWriteSet rwset,
        IEnumerable<(string Namespace, string Collection, bool Written, bool PrivateRead)> collections)
    {
        var result = new List<CompiledPolicy>();
        var touched = collections.ToList();
        foreach (var ns in rwset.NsRwset)
        {
            if (!channel.Chaincodes.TryGetValue(ns.Namespace, out var cc))
            {
                continue;
            }
            var writes = WritesOf(ns);
            var chaincodePolicyRequired = writes.Keys.Count == 0;
            var collectionsRequired = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var key in writes.Keys)
            {
                var parameter = CommittedParameter(store, key);
                if (parameter is not null && Compile(parameter) is { } keyPolicy)
                {
                    Add(result, keyPolicy);
                }
                else if (key.IsPrivate)
                {
                    collectionsRequired.Add(key.Collection);
                }
                else
                {
                    chaincodePolicyRequired = true;
                }
            }
            foreach (var (_, coll, _, _) in touched.Where(t => t.Namespace == ns.Namespace && t.PrivateRead))
            {
                collectionsRequired.Add(coll);
            }
            if (chaincodePolicyRequired)
            {
                Add(result, cc.EndorsementPolicy);
            }
            foreach (var coll in collectionsRequired)
            {
                Add(result, cc.Collection(coll)?.EndorsementPolicy ?? cc.EndorsementPolicy);
            }
        }
        if (result.Count == 0 && channel.Chaincodes.TryGetValue(invoked, out var invokedCc))
        {
            result.Add(invokedCc.EndorsementPolicy);
        }
        return result;
    }

    private static void Add(List<CompiledPolicy> list, CompiledPolicy policy)
    {
        if (!list.Contains(policy))
        {
            list.Add(policy);
        }
    }
}
