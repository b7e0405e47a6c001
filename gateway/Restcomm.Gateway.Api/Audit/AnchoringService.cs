using System.Data.Common;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Audit;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// Anchors this organisation's applications' changes on the audit channel, driven by the projection engine's progress:
/// for each source (an application's change feed on a channel), once <see cref="AuditOptions.EveryBlocks"/> blocks past
/// the last anchored range are applied — or <see cref="AuditOptions.Interval"/> after the last anchor when fewer are —
/// the range's changes are digested from the change feed and the anchor job is recorded in the same database
/// transaction that moves the source's cursor; pending jobs are then submitted to the audit chaincode. A crash at any
/// moment neither skips nor repeats a range: the next life submits what is pending, and the chaincode answers an anchor
/// it already has as a no-op.
/// </summary>
internal sealed partial class AnchoringService(
    GatewayStore store,
    ILedger ledger,
    IEnumerable<IProjection> projections,
    IOptions<AuditOptions> options,
    IOptions<GatewayOptions> gateway,
    TimeProvider clock,
    ILogger<AnchoringService> logger) : AuditRounds(options, clock, logger)
{
    /// <summary>Job states.</summary>
    public const string Pending = "pending", Anchored = "anchored", Conflict = "conflict";

    private readonly DateTimeOffset _started = clock.GetUtcNow();

    /// <summary>Whether this API anchors (operators do by default, read-only organisations never).</summary>
    public override bool Enabled => !gateway.Value.IsReadOnly(gateway.Value.MspId) && (Settings.AnchoringEnabled ?? true);

    protected override Task RoundAsync(CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>Plans every range that is due, then submits every pending anchor.</summary>
    /// <param name="cancellationToken">Cancels the round.</param>
    /// <returns>How many anchors were submitted.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var source in Settings.Sources)
        {
            if (FeedProjection(source) is not { } projection)
            {
                continue;
            }

            if (AnchorKinds.IsStatement(source.Kind))
            {
                await PlanStatementsAsync(source, projection.Name, cancellationToken).ConfigureAwait(false);
                continue;
            }

            while (await PlanAsync(source, projection.Name, cancellationToken).ConfigureAwait(false))
            {
            }
        }

        return await SubmitPendingAsync(cancellationToken).ConfigureAwait(false);
    }

    private IProjection? FeedProjection(AnchorSource source)
        => projections.FirstOrDefault(p => p is IChangeFeedSource feed && feed.Application == source.Application && p.Follows(source.Channel));

    /// <summary>Records the next due range of a source as a pending anchor; false when none is due.</summary>
    private async Task<bool> PlanAsync(AnchorSource source, string projection, CancellationToken cancellationToken)
    {
        // Blocks below the projection's next block are applied, their changes in the feed.
        if (await store.Positions.GetAsync(projection, source.Channel, cancellationToken).ConfigureAwait(false) is not { } position)
        {
            return false;
        }

        var every = Math.Max(1, Settings.EveryBlocks);
        var now = Clock.GetUtcNow();
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var cursor = await ReadCursorAsync(connection, transaction, source, cancellationToken).ConfigureAwait(false);
        var from = cursor?.NextBlock ?? 0;
        var lastPlanned = cursor is null ? _started : DateTimeOffset.FromUnixTimeMilliseconds(cursor.PlannedAt);
        // Ranges end on multiples of EveryBlocks, so operators anchoring the same source make the same anchors. A range the
        // interval cut short ends where one operator's applied blocks did, though: an anchor the channel already holds
        // over the next block, ending within what is applied here, sets this range's end, so the operators' ranges line
        // up again at once (the same range is a no-op when the read models agree and a conflict when they differ)
        // instead of overlapping until the next multiple.
        var aligned = ((from / every) + 1) * every - 1;
        var followed = await AnchoredEndAsync(connection, transaction, source, from, Math.Min(aligned, position.NextBlock - 1), cancellationToken).ConfigureAwait(false);
        long to;
        if (followed is { } end)
        {
            to = end;
        }
        else if (aligned < position.NextBlock)
        {
            to = aligned;
        }
        else if (position.NextBlock > from && now - lastPlanned >= Settings.Interval)
        {
            to = position.NextBlock - 1;
        }
        else
        {
            return false;
        }

        var changes = await ReadFeedAsync(connection, transaction, source.Application, source.Channel, from, to, cancellationToken).ConfigureAwait(false);
        var request = new AnchorRequest
        {
            SourceChannel = source.Channel,
            Chaincode = source.Chaincode,
            Kind = source.Kind,
            FromBlock = from,
            ToBlock = to,
            Digest = AnchorDigest.ForRange(source.Channel, source.Chaincode, source.Kind, from, to, changes),
            ChangeCount = changes.Count,
        };
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO audit_anchor_jobs (anchor_id, application, source_channel, from_block, to_block, request_json, status, planned_at)
            VALUES (@Id, @Application, @Channel, @From, @To, @Json, @Status, @Now)
            """,
            new { request.Id, source.Application, source.Channel, From = from, To = to, Json = JsonSerializer.Serialize(request, AuditJson.Options), Status = Pending, Now = now.ToUnixTimeMilliseconds() },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!await MoveCursorAsync(connection, transaction, source, cursor is not null, from, to + 1, now, cancellationToken).ConfigureAwait(false))
        {
            // Another process of this organisation planned it first.
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        LogPlanned(logger, request.Id, changes.Count);
        return true;
    }

    /// <summary>
    /// Records a pending anchor for each statement signed in the blocks applied since the source's cursor: its digest
    /// covers the one <c>statement.signed</c> change, which carries the statement's whole public state (the hash of the
    /// figures both parties signed, the batches, who proposed and who signed). The jobs and the cursor move in one
    /// database transaction, as for ranges.
    /// </summary>
    private async Task PlanStatementsAsync(AnchorSource source, string projection, CancellationToken cancellationToken)
    {
        if (await store.Positions.GetAsync(projection, source.Channel, cancellationToken).ConfigureAwait(false) is not { } position)
        {
            return;
        }

        var now = Clock.GetUtcNow();
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var cursor = await ReadCursorAsync(connection, transaction, source, cancellationToken).ConfigureAwait(false);
        var from = cursor?.NextBlock ?? 0;
        if (position.NextBlock <= from)
        {
            return;
        }

        var signed = (await connection.QueryAsync<FeedRow>(new CommandDefinition(
            """
            SELECT block_number AS BlockNumber, transaction_id AS TransactionId, ordinal AS Ordinal, kind AS Kind, change_key AS ChangeKey, payload AS Payload
            FROM change_feed
            WHERE application = @Application AND channel = @Channel AND kind = @Kind AND block_number >= @From AND block_number < @Next
            ORDER BY block_number, seq
            """,
            new { source.Application, source.Channel, Kind = SignedStatementChange, From = from, Next = position.NextBlock },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        // Each party anchors its own statements (the other operators of the consortium see their public state too, but
        // only the parties hold the figures they disclose).
        var own = gateway.Value.MspId;
        foreach (var row in signed.Where(r => IsParty(r.Payload, own)))
        {
            var change = new CanonicalChange(row.BlockNumber, row.TransactionId, (int)row.Ordinal, row.Kind, row.ChangeKey, row.Payload);
            var statementId = StatementIdOf(row.ChangeKey);
            var request = new AnchorRequest
            {
                SourceChannel = source.Channel,
                Chaincode = source.Chaincode,
                Kind = source.Kind,
                StatementId = statementId,
                Digest = AnchorDigest.ForStatement(source.Channel, source.Chaincode, source.Kind, statementId, [change]),
                ChangeCount = 1,
            };
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO audit_anchor_jobs (anchor_id, application, source_channel, from_block, to_block, request_json, status, planned_at)
                VALUES (@Id, @Application, @Channel, @Block, @Block, @Json, @Status, @Now)
                ON CONFLICT (anchor_id) DO NOTHING
                """,
                new { request.Id, source.Application, source.Channel, Block = row.BlockNumber, Json = JsonSerializer.Serialize(request, AuditJson.Options), Status = Pending, Now = now.ToUnixTimeMilliseconds() },
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            LogPlanned(logger, request.Id, 1);
        }

        if (!await MoveCursorAsync(connection, transaction, source, cursor is not null, from, position.NextBlock, now, cancellationToken).ConfigureAwait(false))
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The end of an anchor of <paramref name="source"/> on the audit channel (this API's read model of it) that covers
    /// block <paramref name="from"/> and ends by <paramref name="last"/>: preferably one starting at <paramref name="from"/>
    /// (the same range), else the one ending first. Null when there is none.
    /// </summary>
    private static Task<long?> AnchoredEndAsync(
        DbConnection connection, DbTransaction transaction, AnchorSource source, long from, long last, CancellationToken cancellationToken)
        => connection.QueryFirstOrDefaultAsync<long?>(new CommandDefinition(
            """
            SELECT to_block FROM audit_anchors
            WHERE source_channel = @Channel AND kind = @Kind AND chaincode = @Chaincode AND to_block >= @From AND to_block <= @Last AND from_block <= @From
            ORDER BY CASE WHEN from_block = @From THEN 0 ELSE 1 END, to_block
            LIMIT 1
            """,
            new { source.Channel, source.Kind, source.Chaincode, From = from, Last = last }, transaction, cancellationToken: cancellationToken));

    private static Task<CursorRow?> ReadCursorAsync(DbConnection connection, DbTransaction transaction, AnchorSource source, CancellationToken cancellationToken)
        => connection.QuerySingleOrDefaultAsync<CursorRow?>(new CommandDefinition(
            "SELECT next_block AS NextBlock, planned_at AS PlannedAt FROM audit_anchor_cursors WHERE application = @Application AND source_channel = @Channel",
            new { source.Application, source.Channel }, transaction, cancellationToken: cancellationToken));

    /// <summary>Moves a source's cursor from <paramref name="from"/> to <paramref name="next"/>; false when another process moved it first.</summary>
    private static async Task<bool> MoveCursorAsync(
        DbConnection connection, DbTransaction transaction, AnchorSource source, bool exists, long from, long next, DateTimeOffset now, CancellationToken cancellationToken)
        => await connection.ExecuteAsync(new CommandDefinition(
            exists
                ? "UPDATE audit_anchor_cursors SET next_block = @Next, planned_at = @Now WHERE application = @Application AND source_channel = @Channel AND next_block = @From"
                : "INSERT INTO audit_anchor_cursors (application, source_channel, next_block, planned_at) VALUES (@Application, @Channel, @Next, @Now)",
            new { source.Application, source.Channel, Next = next, Now = now.ToUnixTimeMilliseconds(), From = from },
            transaction, cancellationToken: cancellationToken)).ConfigureAwait(false) == 1;

    /// <summary>Whether <paramref name="mspId"/> is a party to the statement of a roaming feed change (its pair's collection names it).</summary>
    internal static bool IsParty(string payload, string mspId)
    {
        var collection = JsonSerializer.Deserialize<Restcomm.Roaming.RoamingChange>(payload, Restcomm.Roaming.RoamingJson.Options)?.Statement?.Collection ?? "";
        return collection.StartsWith($"pair-{mspId}-", StringComparison.Ordinal) || collection.EndsWith($"-{mspId}", StringComparison.Ordinal);
    }

    /// <summary>The roaming feed's change name of a co-signed statement.</summary>
    internal const string SignedStatementChange = "statement.signed";

    /// <summary>The statement ID of a roaming feed key (<c>agreementId/period</c>).</summary>
    internal static string StatementIdOf(string changeKey)
    {
        var slash = changeKey.LastIndexOf('/');
        return slash > 0 ? StatementDisclosure.StatementId(changeKey[..slash], changeKey[(slash + 1)..]) : changeKey;
    }

    /// <summary>The change feed's changes of a source in a block range, in ledger order, as the canonical list names them.</summary>
    internal static async Task<List<CanonicalChange>> ReadFeedAsync(
        DbConnection connection, DbTransaction? transaction, string application, string channel, long from, long to, CancellationToken cancellationToken)
        => (await connection.QueryAsync<FeedRow>(new CommandDefinition(
            """
            SELECT block_number AS BlockNumber, transaction_id AS TransactionId, ordinal AS Ordinal, kind AS Kind, change_key AS ChangeKey, payload AS Payload
            FROM change_feed
            WHERE application = @Application AND channel = @Channel AND block_number >= @From AND block_number <= @To
            ORDER BY block_number, seq
            """,
            new { Application = application, Channel = channel, From = from, To = to }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false))
            .Select(r => new CanonicalChange(r.BlockNumber, r.TransactionId, (int)r.Ordinal, r.Kind, r.ChangeKey, r.Payload))
            .ToList();

    private async Task<int> SubmitPendingAsync(CancellationToken cancellationToken)
    {
        List<JobRow> jobs;
        await using (var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs = (await connection.QueryAsync<JobRow>(new CommandDefinition(
                "SELECT anchor_id AS AnchorId, request_json AS RequestJson FROM audit_anchor_jobs WHERE status = @Status ORDER BY planned_at, from_block LIMIT 100",
                new { Status = Pending }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        }

        var submitted = 0;
        foreach (var job in jobs)
        {
            string status;
            string? transactionId = null, error = null;
            try
            {
                var answer = await ledger.SubmitIfChangedAsync(
                    new LedgerCall(Settings.Channel, Settings.Chaincode, "Anchor", [job.RequestJson]),
                    bytes => JsonSerializer.Deserialize<AnchorResult>(bytes.Span, AuditJson.Options) is { Created: true },
                    cancellationToken).ConfigureAwait(false);
                var result = JsonSerializer.Deserialize<AnchorResult>(answer.Span, AuditJson.Options)
                    ?? throw new InvalidDataException("The audit chaincode answered with nothing.");
                LogAnchored(logger, job.AnchorId, result.Created);
                if (AnchorKinds.IsStatement(result.Anchor.Kind))
                {
                    // The job is done once this organisation has disclosed the statement to the regulators as well; a
                    // failure leaves it pending, and the next round finds the anchor on the channel (no new transaction)
                    // and tries the disclosure again.
                    await DiscloseAsync(result.Anchor, cancellationToken).ConfigureAwait(false);
                }

                (status, transactionId) = (Anchored, result.Anchor.TransactionId);
            }
            catch (LedgerException ex) when (ex.Failure == LedgerFailure.Rejected && ex.Code == AuditCodes.AnchorMismatch)
            {
                (status, error) = (Conflict, ex.Message);
                LogConflict(logger, job.AnchorId, ex.Message);
            }
            catch (LedgerException ex) when (ex.Failure != LedgerFailure.Rejected)
            {
                // The ledger is away or slow: the job stays pending for the next round, in order.
                await RecordAttemptAsync(job.AnchorId, ex.Message, cancellationToken).ConfigureAwait(false);
                LogSubmitFailed(logger, job.AnchorId, ex.Message);
                break;
            }

            await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteAsync(new CommandDefinition(
                """
                UPDATE audit_anchor_jobs SET status = @Status, anchored_at = @Now, transaction_id = @TransactionId, attempts = attempts + 1, last_error = @Error
                WHERE anchor_id = @AnchorId
                """,
                new { Status = status, Now = Clock.GetUtcNow().ToUnixTimeMilliseconds(), TransactionId = transactionId, Error = error, job.AnchorId },
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            submitted++;
        }

        return submitted;
    }

    /// <summary>
    /// Discloses a signed statement's pair, volume and net to the regulators: the figures are read from this
    /// organisation's own peer (it is a party, so it holds the pair's collection) and written into its disclosure
    /// collection on the audit channel, passed as transient data and endorsed by its own peer alone.
    /// </summary>
    private async Task DiscloseAsync(AuditAnchor anchor, CancellationToken cancellationToken)
    {
        var statementId = anchor.StatementId ?? throw new InvalidDataException($"Anchor {anchor.Id} names no statement.");
        var dot = statementId.LastIndexOf('.');
        var (agreementId, period) = (statementId[..dot], statementId[(dot + 1)..]);
        var own = gateway.Value.MspId;
        var viewBytes = await ledger.EvaluateAsync(
            new LedgerCall(anchor.SourceChannel, anchor.Chaincode, "GetStatement", [agreementId, period], EndorsingOrganisations: [own]), cancellationToken).ConfigureAwait(false);
        var view = JsonSerializer.Deserialize<Restcomm.Roaming.StatementView>(viewBytes.Span, Restcomm.Roaming.RoamingJson.Options)
            ?? throw new InvalidDataException($"The roaming chaincode answered nothing for statement {statementId}.");
        if (view.Statement is not { } figures)
        {
            // Not a party after all (its peer has no figures): nothing to disclose, and the anchor stands.
            LogNoFigures(logger, anchor.Id, own);
            return;
        }

        var disclosure = new StatementDisclosure
        {
            AnchorId = anchor.Id,
            SourceChannel = anchor.SourceChannel,
            AgreementId = agreementId,
            Period = period,
            Parties = [.. figures.Directions.SelectMany(d => new[] { d.VisitedMspId, d.HomeMspId }).Distinct().Order(StringComparer.Ordinal)],
            Currency = figures.Currency,
            DecimalPlaces = figures.DecimalPlaces,
            Batches = view.State.Batches,
            ChargedMinor = figures.Directions.ToDictionary(d => d.VisitedMspId, d => d.DiscountedMinor + d.ShortfallMinor, StringComparer.Ordinal),
            NetMinor = figures.NetMinor,
            NetPayerMspId = figures.NetPayerMspId,
            NetPayeeMspId = figures.NetPayeeMspId,
            StatementHash = view.State.StatementHash,
        };
        var answer = await ledger.SubmitIfChangedAsync(
            new LedgerCall(
                Settings.Channel, Settings.Chaincode, "Disclose", [anchor.Id],
                Transient: new Dictionary<string, byte[]> { ["disclosure"] = JsonSerializer.SerializeToUtf8Bytes(disclosure, AuditJson.Options) },
                EndorsingOrganisations: [own]),
            bytes => JsonSerializer.Deserialize<DisclosureResult>(bytes.Span, AuditJson.Options) is { Created: true },
            cancellationToken).ConfigureAwait(false);
        var result = JsonSerializer.Deserialize<DisclosureResult>(answer.Span, AuditJson.Options);
        LogDisclosed(logger, anchor.Id, result?.Created ?? false);
    }

    private async Task RecordAttemptAsync(string anchorId, string error, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE audit_anchor_jobs SET attempts = attempts + 1, last_error = @Error WHERE anchor_id = @AnchorId",
            new { Error = error, AnchorId = anchorId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 7301, Level = LogLevel.Information, Message = "Anchor {AnchorId} planned over {Changes} changes")]
    private static partial void LogPlanned(ILogger logger, string anchorId, int changes);

    [LoggerMessage(EventId = 7302, Level = LogLevel.Information, Message = "Anchor {AnchorId} is on the audit channel (new: {Created})")]
    private static partial void LogAnchored(ILogger logger, string anchorId, bool created);

    [LoggerMessage(EventId = 7303, Level = LogLevel.Warning, Message = "Anchor {AnchorId} differs from the one on the audit channel: {Reason}")]
    private static partial void LogConflict(ILogger logger, string anchorId, string reason);

    [LoggerMessage(EventId = 7304, Level = LogLevel.Information, Message = "Anchor {AnchorId} not submitted yet: {Reason}")]
    private static partial void LogSubmitFailed(ILogger logger, string anchorId, string reason);

    [LoggerMessage(EventId = 7307, Level = LogLevel.Warning, Message = "Statement anchor {AnchorId}: {MspId}'s peer holds no figures of it, so it discloses nothing")]
    private static partial void LogNoFigures(ILogger logger, string anchorId, string mspId);

    [LoggerMessage(EventId = 7306, Level = LogLevel.Information, Message = "Statement anchor {AnchorId} disclosed to the regulators (new: {Created})")]
    private static partial void LogDisclosed(ILogger logger, string anchorId, bool created);


    private sealed class CursorRow
    {
        public long NextBlock { get; set; }

        public long PlannedAt { get; set; }
    }

    private sealed class JobRow
    {
        public string AnchorId { get; set; } = "";

        public string RequestJson { get; set; } = "";
    }

    internal sealed class FeedRow
    {
        public long BlockNumber { get; set; }

        public string TransactionId { get; set; } = "";

        public long Ordinal { get; set; }

        public string Kind { get; set; } = "";

        public string ChangeKey { get; set; } = "";

        public string Payload { get; set; } = "";
    }
}

/// <summary>The audit chaincode's own refusal codes.</summary>
internal static class AuditCodes
{
    /// <summary>An anchor with the same key exists with another digest or count.</summary>
    public const string AnchorMismatch = "audit-anchor-mismatch";
}
