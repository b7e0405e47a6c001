using System.Security.Cryptography;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Domain;

public class MerkleTreeTests
{
    /// <summary>RFC 6962 §2.1 written as the RFC states it: split at the largest power of two below n, recursively.</summary>
    internal static byte[] Rfc6962(IReadOnlyList<byte[]> data)
    {
        if (data.Count == 1)
        {
            return SHA256.HashData([0x00, .. data[0]]);
        }

        var k = 1;
        while (k * 2 < data.Count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. Rfc6962([.. data.Take(k)]), .. Rfc6962([.. data.Skip(k)])]);
    }

    private static List<byte[]> Data(int n) => [.. Enumerable.Range(0, n).Select(i => new[] { (byte)i, (byte)(i * 7), (byte)(n - i) })];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(33)]
    [InlineData(100)]
    public void Root_equals_the_rfc_6962_merkle_tree_hash(int n)
    {
        var data = Data(n);

        var root = MerkleTree.Root([.. data.Select(d => MerkleTree.LeafHash(d))]);

        Assert.Equal(Convert.ToHexString(Rfc6962(data)), Convert.ToHexString(root));
    }

    [Fact]
    public void Root_of_three_leaves_promotes_the_odd_leaf_instead_of_duplicating_it()
    {
        var leaves = Data(3).Select(d => SHA256.HashData([0x00, .. d])).ToList();
        var expected = SHA256.HashData([0x01, .. SHA256.HashData([0x01, .. leaves[0], .. leaves[1]]), .. leaves[2]]);

        Assert.Equal(expected, MerkleTree.Root(leaves));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(6)]
    [InlineData(11)]
    [InlineData(32)]
    public void Every_leaf_has_a_proof_that_verifies_against_the_root(int n)
    {
        var leaves = Data(n).Select(d => MerkleTree.LeafHash(d)).ToList();
        var root = MerkleTree.Root(leaves);

        for (var i = 0; i < n; i++)
        {
            Assert.True(MerkleTree.Verify(leaves[i], MerkleTree.Prove(leaves, i), root), $"leaf {i} of {n}");
        }
    }

    [Fact]
    public void A_proof_fails_for_another_leaf_a_tampered_sibling_another_index_or_another_count()
    {
        var leaves = Data(11).Select(d => MerkleTree.LeafHash(d)).ToList();
        var root = MerkleTree.Root(leaves);
        var proof = MerkleTree.Prove(leaves, 6);
        var tampered = proof with { Siblings = [.. proof.Siblings.Select((s, i) => i == 1 ? new string('0', 64) : s)] };

        Assert.True(MerkleTree.Verify(leaves[6], proof, root));
        Assert.False(MerkleTree.Verify(leaves[7], proof, root));
        Assert.False(MerkleTree.Verify(leaves[6], tampered, root));
        Assert.False(MerkleTree.Verify(leaves[6], proof with { Index = 7 }, root));
        Assert.False(MerkleTree.Verify(leaves[6], proof with { LeafCount = 7 }, root));
        Assert.False(MerkleTree.Verify(leaves[6], proof with { Siblings = proof.Siblings.Take(2).ToList() }, root));
    }

    [Fact]
    public void Leaf_and_node_prefixes_keep_a_leaf_from_posing_as_a_node()
    {
        var a = MerkleTree.LeafHash([1]);
        var b = MerkleTree.LeafHash([2]);

        Assert.NotEqual(MerkleTree.NodeHash(a, b), MerkleTree.LeafHash([.. a, .. b]));
    }
}
