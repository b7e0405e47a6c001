using Restcomm.Hashing;

namespace Restcomm.Roaming;

/// <summary>
/// The Merkle tree over a batch's canonical records, in record order. It is the Merkle Tree Hash of RFC 6962 §2.1:
/// leaf = SHA-256(0x00 ‖ canonical record), node = SHA-256(0x01 ‖ left ‖ right); built level by level, the last node
/// of a level with an odd count is promoted unchanged to the next level (never paired with itself, so no two record
/// lists share a root). A batch has at least one record; the root of one record is its leaf hash.
/// </summary>
public static class MerkleTree
{
    private const byte LeafPrefix = 0x00;
    private const byte NodePrefix = 0x01;
    private const int HashSize = 32;

    /// <summary>SHA-256(0x00 ‖ data).</summary>
    /// <param name="data">A canonical record.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var hash = new byte[HashSize];
        LeafHash(data, hash);
        return hash;
    }

    /// <summary>SHA-256(0x00 ‖ data) into <paramref name="destination"/>.</summary>
    /// <param name="data">A canonical record.</param>
    /// <param name="destination">32 bytes.</param>
    public static void LeafHash(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        ShortSha256.Hash(LeafPrefix, data, destination);
    }

    /// <summary>SHA-256(0x01 ‖ left ‖ right).</summary>
    /// <param name="left">Left child hash.</param>
    /// <param name="right">Right child hash.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var hash = new byte[HashSize];
        NodeHash(left, right, hash);
        return hash;
    }

    private static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> children = stackalloc byte[left.Length + right.Length];
        left.CopyTo(children);
        right.CopyTo(children[left.Length..]);
        ShortSha256.Hash(NodePrefix, children, destination);
    }

    /// <summary>The root over leaf hashes.</summary>
    /// <param name="leaves">At least one leaf hash.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        var flat = new byte[leaves.Count * HashSize];
        for (var i = 0; i < leaves.Count; i++)
        {
            leaves[i].AsSpan(0, HashSize).CopyTo(flat.AsSpan(i * HashSize));
        }

        return RootInPlace(flat);
    }

    /// <summary>
    /// The root over leaf hashes laid end to end, 32 bytes each; the buffer is overwritten by the tree's levels (each
    /// level is computed into the front of the one below it).
    /// </summary>
    /// <param name="leaves">At least one leaf hash.</param>
    /// <returns>32 bytes.</returns>
    public static byte[] RootInPlace(Span<byte> leaves)
    {
        if (leaves.Length == 0 || leaves.Length % HashSize != 0)
        {
            throw RoamingRuleException.Invalid("a Merkle tree needs at least one record");
        }

        for (var count = leaves.Length / HashSize; count > 1; count = (count + 1) / 2)
        {
            for (var i = 0; i < count; i += 2)
            {
                // Node i/2 is written after nodes i and i+1 were read, and no later pair reads it.
                var target = leaves.Slice(i / 2 * HashSize, HashSize);
                if (i + 1 < count)
                {
                    NodeHash(leaves.Slice(i * HashSize, HashSize), leaves.Slice((i + 1) * HashSize, HashSize), target);
                }
                else
                {
                    leaves.Slice(i * HashSize, HashSize).CopyTo(target);
                }
            }
        }

        return leaves[..HashSize].ToArray();
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/>: its siblings from the bottom up.</summary>
    /// <param name="leaves">The leaf hashes.</param>
    /// <param name="index">The record's index.</param>
    /// <returns>The proof.</returns>
    public static MerkleProof Prove(IReadOnlyList<byte[]> leaves, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, leaves.Count);
        var siblings = new List<string>();
        var level = leaves.ToArray();
        var position = index;
        while (level.Length > 1)
        {
            var sibling = position ^ 1;
            if (sibling < level.Length)
            {
                siblings.Add(Convert.ToHexStringLower(level[sibling]));
            }

            level = NextLevel(level);
            position /= 2;
        }

        return new MerkleProof { Index = index, LeafCount = leaves.Count, Siblings = siblings };
    }

    /// <summary>
    /// Verifies that <paramref name="leafHash"/> is leaf <see cref="MerkleProof.Index"/> of a tree of
    /// <see cref="MerkleProof.LeafCount"/> leaves with root <paramref name="root"/>. The side of each sibling follows
    /// from the index and the count, not from the proof, so only a holder of the public batch header (root, record
    /// count) is needed.
    /// </summary>
    /// <param name="leafHash">The record's leaf hash.</param>
    /// <param name="proof">The proof.</param>
    /// <param name="root">The root from the public header.</param>
    /// <returns>True when the proof holds.</returns>
    public static bool Verify(ReadOnlySpan<byte> leafHash, MerkleProof proof, ReadOnlySpan<byte> root)
    {
        if (proof.Index < 0 || proof.Index >= proof.LeafCount)
        {
            return false;
        }

        var hash = leafHash.ToArray();
        var position = proof.Index;
        var count = proof.LeafCount;
        var used = 0;
        while (count > 1)
        {
            var sibling = position ^ 1;
            if (sibling < count)
            {
                if (used >= proof.Siblings.Count)
                {
                    return false;
                }

                var other = Convert.FromHexString(proof.Siblings[used++]);
                hash = (position & 1) == 0 ? NodeHash(hash, other) : NodeHash(other, hash);
            }

            position /= 2;
            count = (count + 1) / 2;
        }

        return used == proof.Siblings.Count && hash.AsSpan().SequenceEqual(root);
    }

    private static byte[][] NextLevel(byte[][] level)
    {
        var next = new byte[(level.Length + 1) / 2][];
        for (var i = 0; i < level.Length; i += 2)
        {
            next[i / 2] = i + 1 < level.Length ? NodeHash(level[i], level[i + 1]) : level[i];
        }

        return next;
    }
}

/// <summary>An inclusion proof: the record's index, the tree's leaf count and the sibling hashes from the bottom up.</summary>
public sealed record MerkleProof
{
    /// <summary>The record's index in its batch (0-based).</summary>
    public required int Index { get; init; }

    /// <summary>The batch's record count.</summary>
    public required int LeafCount { get; init; }

    /// <summary>Sibling hashes, lower-case hex, leaf level first (a promoted node has none at that level).</summary>
    public required IReadOnlyList<string> Siblings { get; init; }
}
