using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Ledger.Rwset;

namespace Restcomm.DevNetwork.Ledger;

/// <summary>
/// Which endorsement policies a read/write set must satisfy: the chaincode's policy for public writes (and for the
/// invoked chaincode whatever it wrote), a collection's own policy for writes to that collection when it has one.
/// </summary>
internal static class RequiredPolicies
{
    public static List<CompiledPolicy> For(ChannelDefinition channel, string invoked, TxReadWriteSet rwset)
    {
        var result = new List<CompiledPolicy>();
        var invokedCovered = false;
        var invokedHasCollectionPolicyWrites = false;
        foreach (var ns in rwset.NsRwset)
        {
            if (!channel.Chaincodes.TryGetValue(ns.Namespace, out var cc))
            {
                continue;
            }
            var kv = KVRWSet.Parser.ParseFrom(ns.Rwset);
            if (kv.Writes.Count > 0 || kv.MetadataWrites.Count > 0)
            {
                Add(result, cc.EndorsementPolicy);
                invokedCovered |= ns.Namespace == invoked;
            }
            foreach (var coll in ns.CollectionHashedRwset)
            {
                var hashed = HashedRWSet.Parser.ParseFrom(coll.HashedRwset);
                if (hashed.HashedWrites.Count == 0 && hashed.MetadataWrites.Count == 0)
                {
                    continue;
                }
                var policy = cc.Collection(coll.CollectionName)?.EndorsementPolicy;
                if (policy is null)
                {
                    Add(result, cc.EndorsementPolicy);
                    invokedCovered |= ns.Namespace == invoked;
                }
                else
                {
                    Add(result, policy);
                    invokedHasCollectionPolicyWrites |= ns.Namespace == invoked;
                }
            }
        }
        if (!invokedCovered && !invokedHasCollectionPolicyWrites && channel.Chaincodes.TryGetValue(invoked, out var invokedCc))
        {
            Add(result, invokedCc.EndorsementPolicy);
        }
        return result;
    }

    private static void Add(List<CompiledPolicy> list, CompiledPolicy p)
    {
        if (!list.Contains(p))
        {
            list.Add(p);
        }
    }
}
