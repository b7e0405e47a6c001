using System.Globalization;
using System.Text.RegularExpressions;

namespace Restcomm.Audit;

/// <summary>What an anchor covers.</summary>
public static class AnchorKinds
{
    /// <summary>The EIR's changes (reported, updated, cleared) in a block range of its channel.</summary>
    public const string EirChanges = "eir-changes";

    /// <summary>The number registry's changes (records, blocks, ports) in a block range of its channel.</summary>
    public const string NumbersChanges = "numbers-changes";

    /// <summary>Completed ports in a block range of the numbers channel.</summary>
    public const string PortCompleted = "port-completed";

    /// <summary>The roaming clearing's changes in a block range of its channel.</summary>
    public const string RoamingChanges = "roaming-changes";

    /// <summary>One signed roaming statement, named by its statement ID.</summary>
    public const string RoamingStatement = "roaming-statement";

    /// <summary>Whether <paramref name="kind"/> names a single statement rather than a block range.</summary>
    /// <param name="kind">An anchor kind.</param>
    /// <returns>True for statement kinds.</returns>
    public static bool IsStatement(string kind) => kind.EndsWith("-statement", StringComparison.Ordinal);
}

/// <summary>
/// What an operator asks the audit chaincode to anchor: a digest over a source's changes. The anchor's key is made of
/// the source channel, chaincode, kind and block range (or statement ID) only, so the same anchor twice is one anchor.
/// </summary>
public sealed record AnchorRequest
{
    /// <summary>The channel whose changes are anchored, e.g. <c>eir</c>.</summary>
    public required string SourceChannel { get; init; }

    /// <summary>The chaincode on that channel, e.g. <c>eir</c>.</summary>
    public required string Chaincode { get; init; }

    /// <summary>What the digest covers (<see cref="AnchorKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The first block of the range (inclusive); null for a statement.</summary>
    public long? FromBlock { get; init; }

    /// <summary>The last block of the range (inclusive); null for a statement.</summary>
    public long? ToBlock { get; init; }

    /// <summary>The statement anchored, for statement kinds.</summary>
    public string? StatementId { get; init; }

    /// <summary>SHA-256 over the canonical list of the changes (<see cref="AnchorDigest"/>), lowercase hex.</summary>
    public required string Digest { get; init; }

    /// <summary>How many changes the digest covers.</summary>
    public required long ChangeCount { get; init; }

    /// <summary>The anchor's ID, derived from what it covers (<see cref="AnchorId.For"/>).</summary>
    public string Id => AnchorId.For(this);
}

/// <summary>An anchor as the audit channel keeps it: the request, who anchored it and when.</summary>
public sealed record AuditAnchor
{
    /// <summary>The anchor's ID (<see cref="AnchorId"/>).</summary>
    public required string Id { get; init; }

    /// <summary>The channel whose changes are anchored.</summary>
    public required string SourceChannel { get; init; }

    /// <summary>The chaincode on that channel.</summary>
    public required string Chaincode { get; init; }

    /// <summary>What the digest covers.</summary>
    public required string Kind { get; init; }

    /// <summary>The first block of the range; null for a statement.</summary>
    public long? FromBlock { get; init; }

    /// <summary>The last block of the range; null for a statement.</summary>
    public long? ToBlock { get; init; }

    /// <summary>The statement anchored, for statement kinds.</summary>
    public string? StatementId { get; init; }

    /// <summary>SHA-256 over the canonical list of the changes, lowercase hex.</summary>
    public required string Digest { get; init; }

    /// <summary>How many changes the digest covers.</summary>
    public required long ChangeCount { get; init; }

    /// <summary>The MSP ID of the organisation that anchored it first.</summary>
    public required string AnchoredBy { get; init; }

    /// <summary>When (the transaction's timestamp).</summary>
    public required DateTimeOffset AnchoredAt { get; init; }

    /// <summary>The transaction that wrote it.</summary>
    public required string TransactionId { get; init; }
}

/// <summary>The result of anchoring: the anchor on the ledger and whether this call wrote it.</summary>
/// <param name="Anchor">The anchor (the earlier one when it already existed).</param>
/// <param name="Created">False when the same anchor was already there: nothing was written.</param>
public sealed record AnchorResult(AuditAnchor Anchor, bool Created);

/// <summary>
/// Anchor IDs: <c>channel~chaincode~kind~from-to</c> for a block range (e.g. <c>eir~eir~eir-changes~0-99</c>) or
/// <c>channel~chaincode~kind~statementId</c>. Every part is URL-safe, so an ID goes into a path unescaped.
/// </summary>
public static partial class AnchorId
{
    /// <summary>The separator between the parts.</summary>
    public const char Separator = '~';

    /// <summary>The ID of what <paramref name="request"/> covers.</summary>
    /// <param name="request">The anchor request.</param>
    /// <returns>The ID.</returns>
    public static string For(AnchorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var scope = AnchorKinds.IsStatement(request.Kind)
            ? request.StatementId ?? ""
            : string.Create(CultureInfo.InvariantCulture, $"{request.FromBlock}-{request.ToBlock}");
        return string.Join(Separator, request.SourceChannel, request.Chaincode, request.Kind, scope);
    }

    /// <summary>The reasons <paramref name="request"/> cannot be anchored; empty when it can.</summary>
    /// <param name="request">The anchor request.</param>
    /// <returns>Problems, each naming the field.</returns>
    public static IReadOnlyList<string> Validate(AnchorRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        if (!ChannelName().IsMatch(request.SourceChannel ?? ""))
        {
            problems.Add("sourceChannel must be a Fabric channel name (lowercase letters, digits, '.' and '-', starting with a letter)");
        }

        if (!ChaincodeName().IsMatch(request.Chaincode ?? ""))
        {
            problems.Add("chaincode must be a Fabric chaincode name (letters and digits, '-' or '_' between them)");
        }

        if (!KindName().IsMatch(request.Kind ?? ""))
        {
            problems.Add("kind must be lowercase letters and '-' (e.g. eir-changes)");
        }
        else if (AnchorKinds.IsStatement(request.Kind!))
        {
            if (!StatementName().IsMatch(request.StatementId ?? "") || request.FromBlock is not null || request.ToBlock is not null)
            {
                problems.Add("a statement anchor names statementId (letters, digits, '.', '_', '-', up to 200) and no block range");
            }
        }
        else if (request.FromBlock is not { } from || request.ToBlock is not { } to || from < 0 || to < from || request.StatementId is not null)
        {
            problems.Add("a range anchor needs fromBlock >= 0 and toBlock >= fromBlock, and no statementId");
        }

        if (!HexDigest().IsMatch(request.Digest ?? ""))
        {
            problems.Add("digest must be a SHA-256 in 64 lowercase hex digits");
        }

        if (request.ChangeCount < 0)
        {
            problems.Add("changeCount must not be negative");
        }

        return problems;
    }

    [GeneratedRegex("^[a-z][a-z0-9.-]{0,248}$")]
    private static partial Regex ChannelName();

    [GeneratedRegex("^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*$")]
    private static partial Regex ChaincodeName();

    [GeneratedRegex("^[a-z]+(-[a-z]+)*$")]
    private static partial Regex KindName();

    [GeneratedRegex("^[A-Za-z0-9._-]{1,200}$")]
    private static partial Regex StatementName();

    /// <summary>A SHA-256 in 64 lowercase hex digits.</summary>
    [GeneratedRegex("^[0-9a-f]{64}$")]
    internal static partial Regex HexDigest();
}
