using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Restcomm.DevNetwork.Crypto;

/// <summary>
/// Signatures this process has already verified or made itself, by SHA-256 of (signer's serialized identity, signed
/// data, signature). The dev network plays the orderer and every committing peer at once, so a transaction's envelope
/// signature was verified at submit and again at validation, and the endorsements it had just signed were verified at
/// validation: half of the ECDSA verifications of a transaction, the largest CPU cost per transaction once the JIT
/// settles. A verification depends on nothing but these bytes, so a hit gives the same answer without the curve
/// arithmetic; a signature, data or signer altered by one bit misses and is verified (and refused) as before.
/// </summary>
internal static class VerifiedSignatures
{
    private const int Capacity = 200_000;
    private static readonly ConcurrentDictionary<Digest, byte> Known = new();

    // ConcurrentDictionary.Count takes every lock of the table: with hundreds of transactions in flight, asking it on
    // each Add cost more than the verifications the cache saves. The bound is kept with a counter instead (approximate
    // across a Clear, which is all a memory bound needs).
    private static int s_added;

    /// <summary>True when exactly this signature by this signer over this data was verified or made before.</summary>
    public static bool Contains(ReadOnlySpan<byte> signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        Contains(Of(signer, data, signature));

    /// <summary>True when the signature this digest names (<see cref="Of"/>) was verified or made before.</summary>
    public static bool Contains(Digest digest) => Known.ContainsKey(digest);

    /// <summary>Remembers a signature that verified (or that this process made).</summary>
    public static void Add(ReadOnlySpan<byte> signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        Add(Of(signer, data, signature));

    /// <summary>Remembers the signature this digest names (<see cref="Of"/>): a verifier looks it up and adds it with one hash.</summary>
    public static void Add(Digest digest)
    {
        if (Known.TryAdd(digest, 0) && Interlocked.Increment(ref s_added) >= Capacity)
        {
            Interlocked.Exchange(ref s_added, 0);
            Known.Clear(); // bounded memory; the next transactions simply verify again
        }
    }

    /// <summary>The digest that names a signature by a signer over data.</summary>
    public static Digest Of(ReadOnlySpan<byte> signer, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        // Length-prefixed so that no two different triples give the same input.
        var length = 12 + signer.Length + data.Length + signature.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan(0, length);
            BinaryPrimitives.WriteInt32BigEndian(span, signer.Length);
            signer.CopyTo(span[4..]);
            var at = 4 + signer.Length;
            BinaryPrimitives.WriteInt32BigEndian(span[at..], data.Length);
            data.CopyTo(span[(at + 4)..]);
            at += 4 + data.Length;
            BinaryPrimitives.WriteInt32BigEndian(span[at..], signature.Length);
            signature.CopyTo(span[(at + 4)..]);
            Span<byte> hash = stackalloc byte[32];
            SHA256.HashData(span, hash);
            return new Digest(
                BinaryPrimitives.ReadUInt64LittleEndian(hash),
                BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]),
                BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public readonly record struct Digest(ulong A, ulong B, ulong C, ulong D);
}
