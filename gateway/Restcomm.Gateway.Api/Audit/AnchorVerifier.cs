using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Audit;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>A change that differs between the source ledger and what was anchored or what the read model holds.</summary>
/// <param name="BlockNumber">The block.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="Ordinal">The change's position in the transaction.</param>
/// <param name="Key">What changed.</param>
/// <param name="Problem"><c>missing-from-read-model</c>, <c>not-on-ledger</c> or <c>differs</c> (kind, key or payload).</param>
public sealed record ChangeDifference(long BlockNumber, string TransactionId, int Ordinal, string Key, string Problem);

/// <summary>
/// The result of recomputing an anchor's digest from the source ledger's blocks. <see cref="Verified"/> is true when the
/// anchored digest and count equal the ledger's and this API's read model (its change feed) holds the same changes;
/// otherwise <see cref="Summary"/> says what failed and <see cref="Differences"/> where (at most 50).
/// </summary>
public sealed record AnchorVerification(
    string AnchorId,
    bool Verified,
    string Summary,
    string AnchoredDigest,
    string LedgerDigest,
    string ReadModelDigest,
    long AnchoredChangeCount,
    long LedgerChangeCount,
    long ReadModelChangeCount,
    IReadOnlyList<ChangeDifference> Differences,
    DateTimeOffset VerifiedAt);

/// <summary>Why an anchor cannot be verified here (the source is not one this API reads or knows how to digest).</summary>
internal sealed class AnchorNotVerifiableException(string message) : Exception(message);

/// <summary>
/// Recomputes an anchor's digest from the source channel's blocks, read through the organisation's Gateway connection
/// with the shared block reader, turned into changes by the same change-feed source that feeds the read model (never
/// from the read model), and compares it with the anchor and with the read model. Each result is kept in
/// <c>audit_verifications</c>.
/// </summary>
internal sealed class AnchorVerifier(GatewayStore store, IBlockFeed blocks, IEnumerable<IProjection> projections, IOptions<AuditOptions> options, TimeProvider clock)
{
    private const int MaxDifferences = 50;
    private static readonly TimeSpan BlockWait = TimeSpan.FromSeconds(60);

    /// <summary>The feed source of an anchor's source, or null when this API cannot digest it.</summary>
    public IChangeFeedSource? SourceOf(AuditAnchor anchor)
    {
        var source = options.Value.Sources.FirstOrDefault(s => s.Channel == anchor.SourceChannel && s.Chaincode == anchor.Chaincode && s.Kind == anchor.Kind);
        return source is null
            ? null
            : projections.OfType<IChangeFeedSource>().FirstOrDefault(f => f.Application == source.Application && ((IProjection)f).Follows(source.Channel));
    }

    public async Task<AnchorVerification> VerifyAsync(AuditAnchor anchor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        var feed = SourceOf(anchor) ?? throw new AnchorNotVerifiableException(
            $"This API does not digest {anchor.Kind} of {anchor.Chaincode} on {anchor.SourceChannel} (Audit:Sources).");
        if (anchor.FromBlock is not { } from || anchor.ToBlock is not { } to)
        {
            return await VerifyStatementAsync(anchor, feed, cancellationToken).ConfigureAwait(false);
        }

        var applied = (await store.Positions.GetAsync(((IProjection)feed).Name, anchor.SourceChannel, cancellationToken).ConfigureAwait(false))?.NextBlock ?? 0;
        if (applied <= to)
        {
            throw new AnchorNotVerifiableException(
                $"This API's read model of {anchor.SourceChannel} has applied blocks below {applied}; anchor {anchor.Id} ends at block {to}. Ask again once it has caught up.");
        }

        var ledger = await LedgerChangesAsync(feed, anchor.SourceChannel, from, to, cancellationToken).ConfigureAwait(false);
        List<CanonicalChange> readModel;
        await using (var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            readModel = await AnchoringService.ReadFeedAsync(connection, null, feed.Application, anchor.SourceChannel, from, to, cancellationToken).ConfigureAwait(false);
        }

        var ledgerDigest = AnchorDigest.ForRange(anchor.SourceChannel, anchor.Chaincode, anchor.Kind, from, to, ledger);
        var readModelDigest = AnchorDigest.ForRange(anchor.SourceChannel, anchor.Chaincode, anchor.Kind, from, to, readModel);
        var differences = Compare(ledger, readModel);
        var anchorMatches = anchor.Digest == ledgerDigest && anchor.ChangeCount == ledger.Count;
        var summary = (anchorMatches, differences.Count) switch
        {
            (true, 0) => $"The anchored digest equals the digest recomputed from blocks {from}–{to} of {anchor.SourceChannel} ({ledger.Count} changes), and the read model holds the same changes.",
            (true, _) => $"The anchor matches the ledger, but this API's read model differs from the ledger in {differences.Count} change(s), first at block {differences[0].BlockNumber}, transaction {differences[0].TransactionId}, change {differences[0].Ordinal}: {differences[0].Problem}.",
            (false, 0) => $"The anchored digest over {anchor.ChangeCount} changes does not match the ledger's {ledger.Count} changes in blocks {from}–{to} of {anchor.SourceChannel}; this API's read model agrees with the ledger, so the anchoring organisation ({anchor.AnchoredBy}) digested other data.",
            _ => $"The anchored digest over {anchor.ChangeCount} changes does not match the ledger's {ledger.Count} changes in blocks {from}–{to} of {anchor.SourceChannel}; the read model differs from the ledger in {differences.Count} change(s), first at block {differences[0].BlockNumber}, transaction {differences[0].TransactionId}, change {differences[0].Ordinal}: {differences[0].Problem}.",
        };
        var result = new AnchorVerification(
            anchor.Id, anchorMatches && differences.Count == 0, summary, anchor.Digest, ledgerDigest, readModelDigest,
            anchor.ChangeCount, ledger.Count, readModel.Count, differences, clock.GetUtcNow());
        await SaveAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// A statement anchor covers the statement's one <c>statement.signed</c> change: its block is found in this API's
    /// read model (the change feed), that block is read from the ledger and the change recomputed from it.
    /// </summary>
    private async Task<AnchorVerification> VerifyStatementAsync(AuditAnchor anchor, IChangeFeedSource feed, CancellationToken cancellationToken)
    {
        var statementId = anchor.StatementId ?? "";
        var dot = statementId.LastIndexOf('.');
        var key = dot > 0 ? $"{statementId[..dot]}/{statementId[(dot + 1)..]}" : statementId;
        AnchoringService.FeedRow? row;
        await using (var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            row = await connection.QueryFirstOrDefaultAsync<AnchoringService.FeedRow>(new CommandDefinition(
                """
                SELECT block_number AS BlockNumber, transaction_id AS TransactionId, ordinal AS Ordinal, kind AS Kind, change_key AS ChangeKey, payload AS Payload
                FROM change_feed WHERE application = @Application AND channel = @Channel AND kind = @Kind AND change_key = @Key
                ORDER BY block_number, seq
                """,
                new { feed.Application, Channel = anchor.SourceChannel, Kind = AnchoringService.SignedStatementChange, Key = key },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        if (row is null)
        {
            throw new AnchorNotVerifiableException(
                $"This API's read model of {anchor.SourceChannel} holds no signed statement {key}: it has not applied it yet, or it lost it. Ask again once it has caught up.");
        }

        var held = new CanonicalChange(row.BlockNumber, row.TransactionId, (int)row.Ordinal, row.Kind, row.ChangeKey, row.Payload);
        var ledger = (await LedgerChangesAsync(feed, anchor.SourceChannel, row.BlockNumber, row.BlockNumber, cancellationToken).ConfigureAwait(false))
            .Where(c => c.Kind == AnchoringService.SignedStatementChange && c.Key == key).ToList();
        var ledgerDigest = AnchorDigest.ForStatement(anchor.SourceChannel, anchor.Chaincode, anchor.Kind, statementId, ledger);
        var readModelDigest = AnchorDigest.ForStatement(anchor.SourceChannel, anchor.Chaincode, anchor.Kind, statementId, [held]);
        var differences = Compare(ledger, [held]);
        var anchorMatches = anchor.Digest == ledgerDigest && anchor.ChangeCount == ledger.Count;
        var summary = (anchorMatches, differences.Count) switch
        {
            (true, 0) => $"The anchored digest equals the digest recomputed from the signature of statement {key} in block {row.BlockNumber} of {anchor.SourceChannel}, and the read model holds the same change.",
            (true, _) => $"The anchor matches the ledger, but this API's read model differs from block {row.BlockNumber} on statement {key}: {differences[0].Problem}.",
            (false, 0) => $"The anchored digest does not match the signature of statement {key} in block {row.BlockNumber} of {anchor.SourceChannel}; this API's read model agrees with the ledger, so the anchoring organisation ({anchor.AnchoredBy}) digested other data.",
            _ => $"The anchored digest does not match the signature of statement {key} in block {row.BlockNumber} of {anchor.SourceChannel}, and the read model differs from the ledger there: {differences[0].Problem}.",
        };
        var result = new AnchorVerification(
            anchor.Id, anchorMatches && differences.Count == 0, summary, anchor.Digest, ledgerDigest, readModelDigest,
            anchor.ChangeCount, ledger.Count, 1, differences, clock.GetUtcNow());
        await SaveAsync(result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<List<CanonicalChange>> LedgerChangesAsync(IChangeFeedSource feed, string channel, long from, long to, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(BlockWait);
        var changes = new List<CanonicalChange>();
        try
        {
            await foreach (var block in blocks.ReadBlocksAsync(channel, from, timeout.Token).ConfigureAwait(false))
            {
                var number = (long)block.Number;
                if (number > to)
                {
                    break;
                }

                var ordinals = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var change in feed.FeedChanges(channel, block))
                {
                    var ordinal = ordinals.GetValueOrDefault(change.TransactionId);
                    ordinals[change.TransactionId] = ordinal + 1;
                    changes.Add(new CanonicalChange(number, change.TransactionId, ordinal, change.Kind, change.Key, change.PayloadJson));
                }

                if (number == to)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AnchorNotVerifiableException($"Blocks {from}–{to} of {channel} could not be read within {BlockWait.TotalSeconds} s.");
        }

        return changes;
    }

    private static List<ChangeDifference> Compare(IReadOnlyList<CanonicalChange> ledger, IReadOnlyList<CanonicalChange> readModel)
    {
        var stored = readModel.ToDictionary(c => (c.BlockNumber, c.TransactionId, c.Ordinal));
        var differences = new List<ChangeDifference>();
        foreach (var change in ledger)
        {
            if (!stored.Remove((change.BlockNumber, change.TransactionId, change.Ordinal), out var held))
            {
                differences.Add(new ChangeDifference(change.BlockNumber, change.TransactionId, change.Ordinal, change.Key, "missing-from-read-model"));
            }
            else if (held.ToLine() != change.ToLine())
            {
                differences.Add(new ChangeDifference(change.BlockNumber, change.TransactionId, change.Ordinal, change.Key, "differs"));
            }
        }

        differences.AddRange(stored.Values.Select(c => new ChangeDifference(c.BlockNumber, c.TransactionId, c.Ordinal, c.Key, "not-on-ledger")));
        return differences.OrderBy(d => d.BlockNumber).ThenBy(d => d.TransactionId, StringComparer.Ordinal).ThenBy(d => d.Ordinal).Take(MaxDifferences).ToList();
    }

    private async Task SaveAsync(AnchorVerification result, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_verifications (anchor_id, verified, verified_at, result_json) VALUES (@AnchorId, @Verified, @At, @Json)
            ON CONFLICT (anchor_id) DO UPDATE SET verified = excluded.verified, verified_at = excluded.verified_at, result_json = excluded.result_json
            """,
            new { result.AnchorId, Verified = result.Verified ? 1 : 0, At = result.VerifiedAt.ToUnixTimeMilliseconds(), Json = JsonSerializer.Serialize(result, AuditJson.Options) },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
