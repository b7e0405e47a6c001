using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Restcomm.Audit;

/// <summary>One change as the canonical list of an anchor names it.</summary>
/// <param name="BlockNumber">The block of the source channel holding the transaction.</param>
/// <param name="TransactionId">The valid transaction that made the change.</param>
/// <param name="Ordinal">The change's position among the transaction's changes, from 0.</param>
/// <param name="Kind">What happened (the change feed's kind, e.g. <c>reported</c>).</param>
/// <param name="Key">What changed (the change feed's key, e.g. an EIR entry ID).</param>
/// <param name="PayloadJson">The change as its application's change feed carries it: a JSON object, byte for byte.</param>
public sealed record CanonicalChange(long BlockNumber, string TransactionId, int Ordinal, string Kind, string Key, string PayloadJson)
{
    /// <summary>The change's line in the canonical list (see <see cref="AnchorDigest"/>), newline included.</summary>
    /// <returns>The line.</returns>
    public string ToLine() => string.Create(CultureInfo.InvariantCulture,
        $"{BlockNumber}\t{TransactionId}\t{Ordinal}\t{Escape(Kind)}\t{Escape(Key)}\t{AnchorDigest.Sha256Hex(Encoding.UTF8.GetBytes(PayloadJson))}\n");

    // Tabs and newlines cannot appear inside a field, so the list reads back unambiguously.
    private static string Escape(string field) => field.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\t", "\\t", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal);
}

/// <summary>
/// The digest of an anchor: SHA-256 (lowercase hex) over the UTF-8 bytes of the canonical list
/// <code>
/// restcomm-audit/1\t{sourceChannel}\t{chaincode}\t{kind}\t{fromBlock}-{toBlock}\n      (or the statement ID)
/// {block}\t{transactionId}\t{ordinal}\t{kind}\t{key}\t{sha256hex(payload)}\n        one line per change
/// </code>
/// with the changes in ledger order (block, transaction order in the block, ordinal in the transaction). Fields are
/// escaped (<c>\\</c>, <c>\t</c>, <c>\n</c>, <c>\r</c>). Anyone who reads the source channel rebuilds the list from its
/// blocks and compares digests.
/// </summary>
public static class AnchorDigest
{
    /// <summary>The first field of the header line: the version of this definition.</summary>
    public const string Version = "restcomm-audit/1";

    /// <summary>The header line of a canonical list.</summary>
    /// <param name="sourceChannel">The source channel.</param>
    /// <param name="chaincode">The chaincode.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="scope"><c>from-to</c> or the statement ID.</param>
    /// <returns>The line, newline included.</returns>
    public static string Header(string sourceChannel, string chaincode, string kind, string scope)
        => $"{Version}\t{sourceChannel}\t{chaincode}\t{kind}\t{scope}\n";

    /// <summary>The digest of a block range's changes.</summary>
    /// <param name="sourceChannel">The source channel.</param>
    /// <param name="chaincode">The chaincode.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="fromBlock">First block (inclusive).</param>
    /// <param name="toBlock">Last block (inclusive).</param>
    /// <param name="changes">The changes in ledger order.</param>
    /// <returns>Lowercase hex SHA-256.</returns>
    public static string ForRange(string sourceChannel, string chaincode, string kind, long fromBlock, long toBlock, IEnumerable<CanonicalChange> changes)
        => Compute(Header(sourceChannel, chaincode, kind, string.Create(CultureInfo.InvariantCulture, $"{fromBlock}-{toBlock}")), changes);

    /// <summary>The digest of a statement's changes.</summary>
    /// <param name="sourceChannel">The source channel.</param>
    /// <param name="chaincode">The chaincode.</param>
    /// <param name="kind">The kind.</param>
    /// <param name="statementId">The statement.</param>
    /// <param name="changes">The changes in ledger order.</param>
    /// <returns>Lowercase hex SHA-256.</returns>
    public static string ForStatement(string sourceChannel, string chaincode, string kind, string statementId, IEnumerable<CanonicalChange> changes)
        => Compute(Header(sourceChannel, chaincode, kind, statementId), changes);

    /// <summary>Lowercase hex SHA-256 of <paramref name="bytes"/>.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>64 hex digits.</returns>
    public static string Sha256Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static string Compute(string header, IEnumerable<CanonicalChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(header));
        foreach (var change in changes)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(change.ToLine()));
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
