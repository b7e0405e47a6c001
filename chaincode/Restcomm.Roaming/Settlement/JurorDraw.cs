using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Restcomm.Roaming.Settlement;

/// <summary>
/// The verifiable juror draw. The seed is SHA-256 of the opening transaction's ID, a zero byte and the drawing
/// transaction's ID: the requester fixes the first before anyone knows the second, and the draw must be submitted by
/// another member in a later transaction, so the requester cannot choose its jurors. Anyone holding the two
/// transaction IDs (both on the ledger) and the candidate list recomputes the same jurors.
/// </summary>
/// <remarks>
/// Draw i (from 0) picks the candidate at index <c>u64(SHA-256(seed ‖ i as 4 bytes big-endian)[0..8]) mod remaining</c>
/// from the candidates not yet drawn, in ordinal order of account. The modulo bias is below 2^-50 for any realistic
/// number of candidates. The member that submits the draw still picks its own transaction ID; it is never the
/// requester, and a member that keeps trying IDs leaves no trace only until the draw commits, after which the result is
/// fixed.
/// </remarks>
public static class JurorDraw
{
    /// <summary>The seed of a dispute's draw, lower-case hex.</summary>
    /// <param name="openingTxId">The transaction that opened the dispute.</param>
    /// <param name="drawingTxId">The transaction that draws the jurors.</param>
    /// <returns>SHA-256(opening ‖ 0x00 ‖ drawing).</returns>
    public static string Seed(string openingTxId, string drawingTxId)
    {
        ArgumentNullException.ThrowIfNull(openingTxId);
        ArgumentNullException.ThrowIfNull(drawingTxId);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(openingTxId + "\0" + drawingTxId)));
    }

    /// <summary>Draws <paramref name="count"/> jurors from <paramref name="candidates"/> without replacement.</summary>
    /// <param name="seedHex">The seed, hex.</param>
    /// <param name="candidates">Eligible accounts (ordered here by ordinal before drawing).</param>
    /// <param name="count">How many to draw (at most the number of candidates).</param>
    /// <returns>The jurors in draw order.</returns>
    public static IReadOnlyList<string> Draw(string seedHex, IEnumerable<string> candidates, int count)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var seed = Convert.FromHexString(seedHex);
        var pool = candidates.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, pool.Count);
        var drawn = new List<string>(count);
        var input = new byte[seed.Length + 4];
        seed.CopyTo(input, 0);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(input.AsSpan(seed.Length), i);
            var hash = SHA256.HashData(input);
            var index = (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)pool.Count);
            drawn.Add(pool[index]);
            pool.RemoveAt(index);
        }

        return drawn;
    }
}
