using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Audit;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>An anchor with this API's latest verification of it (null when not verified yet).</summary>
/// <param name="Anchor">The anchor.</param>
/// <param name="BlockNumber">The audit channel's block holding it.</param>
/// <param name="Verified">The latest verification's outcome, or null.</param>
/// <param name="VerifiedAt">When it was verified, or null.</param>
public sealed record AnchorView(AuditAnchor Anchor, long BlockNumber, bool? Verified, DateTimeOffset? VerifiedAt);

/// <summary>Where this organisation's anchoring of one source stands.</summary>
/// <param name="Application">The application.</param>
/// <param name="SourceChannel">The channel.</param>
/// <param name="NextBlock">The first block not anchored yet (planned ranges count as anchored).</param>
/// <param name="AppliedBlocks">Blocks applied to the read model (the next block the projection applies).</param>
/// <param name="Pending">Planned anchors not yet on the audit channel.</param>
/// <param name="Conflicts">Anchors whose range the audit channel holds with another digest.</param>
/// <param name="LastPlannedAt">When the last range was planned.</param>
public sealed record AnchoringState(string Application, string SourceChannel, long NextBlock, long AppliedBlocks, int Pending, int Conflicts, DateTimeOffset? LastPlannedAt);

/// <summary>How far anchoring of one source lags behind what this API has applied.</summary>
/// <param name="Source"><c>channel/kind</c>.</param>
/// <param name="SourceHeight">Blocks of the source this API has applied.</param>
/// <param name="AnchoredTo">The highest block anchored (−1 when none).</param>
/// <param name="BlocksBehind">Blocks applied but not anchored yet.</param>
/// <param name="LastAnchoredAt">When the latest anchor of the source was made, or null.</param>
/// <param name="SecondsSinceLastAnchor">Seconds since then, or null.</param>
public sealed record AnchoringLag(string Source, long SourceHeight, long AnchoredTo, long BlocksBehind, DateTimeOffset? LastAnchoredAt, long? SecondsSinceLastAnchor);

/// <summary>Everything the dashboard draws for a date range, in one answer.</summary>
/// <param name="From">First day (UTC, inclusive).</param>
/// <param name="To">Last day (UTC, inclusive).</param>
/// <param name="Days">Every day of the range, <c>yyyy-MM-dd</c>; the series below have one value per day.</param>
/// <param name="EirReports">EIR entries reported per operator per day.</param>
/// <param name="EirClears">EIR entries cleared per operator per day.</param>
/// <param name="ListSizes">Black, grey and white list sizes at the end of each day.</param>
/// <param name="Ports">Ports requested, activated and cancelled per day.</param>
/// <param name="PortHours">Average hours from request to activation of the ports activated each day (null when none).</param>
/// <param name="Published">Numbers published per provider per day.</param>
/// <param name="Anchoring">Anchoring lag per source.</param>
/// <param name="Verification">Anchors of the range by verification status: <c>verified</c>, <c>failed</c>, <c>unverified</c>.</param>
/// <param name="Anchors">The latest anchors of the range (at most 200), newest first.</param>
/// <param name="Statements">Signed roaming statements disclosed to the regulators, per consortium, pair and period of the range.</param>
public sealed record DashboardData(
    string From,
    string To,
    IReadOnlyList<string> Days,
    IReadOnlyDictionary<string, long[]> EirReports,
    IReadOnlyDictionary<string, long[]> EirClears,
    IReadOnlyDictionary<string, long[]> ListSizes,
    IReadOnlyDictionary<string, long[]> Ports,
    IReadOnlyList<double?> PortHours,
    IReadOnlyDictionary<string, long[]> Published,
    IReadOnlyList<AnchoringLag> Anchoring,
    IReadOnlyDictionary<string, long> Verification,
    IReadOnlyList<AnchorView> Anchors,
    IReadOnlyList<StatementPosition> Statements);

/// <summary>
/// A pair's signed statements of one period on one roaming channel, as their parties disclosed them: how many, the
/// batches they count, and the pair's net position (the sum of the statements' bilateral nets, seen from
/// <see cref="PartyA"/>: positive when <see cref="PartyA"/> receives).
/// </summary>
/// <param name="SourceChannel">The roaming channel (consortium).</param>
/// <param name="Period">The period, <c>yyyy-MM</c>.</param>
/// <param name="PartyA">The first operator of the pair (ordinal order).</param>
/// <param name="PartyB">The second.</param>
/// <param name="Currency">The settlement currency.</param>
/// <param name="DecimalPlaces">Decimal places of <see cref="NetMinor"/>.</param>
/// <param name="Statements">Signed statements disclosed.</param>
/// <param name="Batches">Usage batches they count.</param>
/// <param name="NetMinor">The pair's net position in minor units, from <see cref="PartyA"/>'s side.</param>
/// <param name="Net">The same as a decimal amount.</param>
/// <param name="Disagreements">Statements whose two parties disclosed different figures (0 when they agree).</param>
/// <param name="AnchorIds">The statements' anchors (drill-down).</param>
public sealed record StatementPosition(
    string SourceChannel, string Period, string PartyA, string PartyB, string Currency, int DecimalPlaces,
    int Statements, long Batches, long NetMinor, decimal Net, int Disagreements, IReadOnlyList<string> AnchorIds);

/// <summary>One party's disclosure of a statement: <c>pending</c> (not read yet), <c>fetched</c> (with its figures) or <c>failed</c> (with the reason).</summary>
/// <param name="Discloser">The disclosing operator.</param>
/// <param name="Status">Where the read stands.</param>
/// <param name="BlockNumber">The audit channel's block of the disclosure.</param>
/// <param name="Disclosure">The figures, once read.</param>
/// <param name="Error">Why they could not be read.</param>
public sealed record DisclosureView(string Discloser, string Status, long BlockNumber, StatementDisclosure? Disclosure, string? Error);

/// <summary>Queries of the audit read model (anchors, verifications, daily figures, anchoring state).</summary>
internal sealed class AuditReadModel(GatewayStore store, IEnumerable<IProjection> projections, IOptions<AuditOptions> options, TimeProvider clock)
{
    /// <summary>Longest date range the dashboard answers for.</summary>
    public const int MaxDays = 1_100;

    public async Task<AnchorView?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<AnchorRow>(new CommandDefinition(
            SelectAnchors + " WHERE a.anchor_id = @Id", new { Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToView();
    }

    public async Task<IReadOnlyList<DisclosureView>> DisclosuresAsync(string anchorId, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string Discloser, string Status, long Block, string? Json, string? Error)>(new CommandDefinition(
            "SELECT discloser, status, block_number, disclosure_json, last_error FROM audit_disclosures WHERE anchor_id = @Id ORDER BY discloser",
            new { Id = anchorId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new DisclosureView(
            r.Discloser, r.Status, r.Block, r.Json is null ? null : JsonSerializer.Deserialize<StatementDisclosure>(r.Json, AuditJson.Options), r.Error))];
    }

    public async Task<AnchorVerification?> LastVerificationAsync(string id, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var json = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT result_json FROM audit_verifications WHERE anchor_id = @Id", new { Id = id }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return json is null ? null : JsonSerializer.Deserialize<AnchorVerification>(json, AuditJson.Options);
    }

    /// <summary>Anchors in audit-channel order after a (block, id) key, optionally of one source channel and kind.</summary>
    public async Task<(List<AnchorView> Items, bool HasMore)> ListAsync(
        string? sourceChannel, string? kind, (long Block, string Id)? after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<AnchorRow>(new CommandDefinition(
            SelectAnchors + """
             WHERE (@SourceChannel IS NULL OR a.source_channel = @SourceChannel) AND (@Kind IS NULL OR a.kind = @Kind)
               AND (a.block_number > @AfterBlock OR (a.block_number = @AfterBlock AND a.anchor_id > @AfterId))
             ORDER BY a.block_number, a.anchor_id
             LIMIT @Take
            """,
            new { SourceChannel = sourceChannel, Kind = kind, AfterBlock = after?.Block ?? -1, AfterId = after?.Id ?? "", Take = limit + 1 },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        return (rows.Take(limit).Select(r => r.ToView()).ToList(), rows.Count > limit);
    }

    /// <summary>Anchors whose source this API has applied past their range and that it has not verified yet.</summary>
    public async Task<List<AuditAnchor>> UnverifiedAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AnchorRow>(new CommandDefinition(
            SelectAnchors + " WHERE v.anchor_id IS NULL AND a.to_block IS NOT NULL ORDER BY a.block_number, a.anchor_id LIMIT @Take",
            new { Take = limit }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return rows.Select(r => r.ToView().Anchor).ToList();
    }

    public async Task<IReadOnlyList<AnchoringState>> AnchoringAsync(CancellationToken cancellationToken)
    {
        var states = new List<AnchoringState>();
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var source in options.Value.Sources)
        {
            var cursor = await connection.QuerySingleOrDefaultAsync<CursorRow>(new CommandDefinition(
                "SELECT next_block AS NextBlock, planned_at AS PlannedAt FROM audit_anchor_cursors WHERE application = @Application AND source_channel = @Channel",
                new { source.Application, source.Channel }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var counts = (await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(
                "SELECT status, COUNT(*) FROM audit_anchor_jobs WHERE application = @Application AND source_channel = @Channel AND status <> 'anchored' GROUP BY status",
                new { source.Application, source.Channel }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToDictionary(c => c.Status, c => c.Count);
            states.Add(new AnchoringState(
                source.Application, source.Channel, cursor?.NextBlock ?? 0, await AppliedAsync(source, cancellationToken).ConfigureAwait(false),
                (int)counts.GetValueOrDefault(AnchoringService.Pending), (int)counts.GetValueOrDefault(AnchoringService.Conflict),
                cursor is null ? null : DateTimeOffset.FromUnixTimeMilliseconds(cursor.PlannedAt)));
        }

        return states;
    }

    public async Task<DashboardData> DashboardAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var days = new List<string>();
        for (var d = from; d <= to; d = d.AddDays(1))
        {
            days.Add(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        var index = days.Select((d, i) => (d, i)).ToDictionary(p => p.d, p => p.i, StringComparer.Ordinal);
        var first = days[0];
        var last = days[^1];
        var fromMs = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();
        var toMs = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeMilliseconds();

        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<StatRow>(new CommandDefinition(
            """
            SELECT metric AS Metric, organisation AS Organisation, day AS Day, SUM(value) AS Value FROM audit_daily_stats
            WHERE day >= @First AND day <= @Last GROUP BY metric, organisation, day
            """,
            new { First = first, Last = last }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var before = (await connection.QueryAsync<StatRow>(new CommandDefinition(
            "SELECT metric AS Metric, '' AS Organisation, '' AS Day, SUM(value) AS Value FROM audit_daily_stats WHERE day < @First AND metric LIKE 'eir.list.%' GROUP BY metric",
            new { First = first }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToDictionary(r => r.Metric, r => r.Value, StringComparer.Ordinal);

        Dictionary<string, long[]> ByOrganisation(string metric)
        {
            var series = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
            foreach (var row in rows.Where(r => r.Metric == metric))
            {
                if (!series.TryGetValue(row.Organisation, out var values))
                {
                    values = series[row.Organisation] = new long[days.Count];
                }

                values[index[row.Day]] += row.Value;
            }

            return new Dictionary<string, long[]>(series, StringComparer.Ordinal);
        }

        long[] Total(string metric)
        {
            var values = new long[days.Count];
            foreach (var row in rows.Where(r => r.Metric == metric))
            {
                values[index[row.Day]] += row.Value;
            }

            return values;
        }

        var lists = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var list in new[] { "black", "grey", "white" })
        {
            var daily = Total("eir.list." + list);
            var running = before.GetValueOrDefault("eir.list." + list);
            lists[list] = daily.Select(v => running += v).ToArray();
        }

        var activated = Total("numbers.portActivated");
        var seconds = Total("numbers.port.seconds");
        var ports = new Dictionary<string, long[]>(StringComparer.Ordinal)
        {
            ["requested"] = Total("numbers.portRequested"),
            ["activated"] = activated,
            ["cancelled"] = Total("numbers.portCancelled"),
        };
        var portHours = activated.Select((n, i) => n == 0 ? (double?)null : Math.Round(seconds[i] / 3600.0 / n, 2)).ToList();

        var verification = (await connection.QueryAsync<(long Status, long Count)>(new CommandDefinition(
            """
            SELECT CASE WHEN v.anchor_id IS NULL THEN 2 WHEN v.verified = 1 THEN 1 ELSE 0 END AS status, COUNT(*) FROM audit_anchors a
            LEFT JOIN audit_verifications v ON v.anchor_id = a.anchor_id
            WHERE a.anchored_at >= @From AND a.anchored_at < @To GROUP BY CASE WHEN v.anchor_id IS NULL THEN 2 WHEN v.verified = 1 THEN 1 ELSE 0 END
            """,
            new { From = fromMs, To = toMs }, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToDictionary(r => r.Status, r => r.Count);
        var anchors = (await connection.QueryAsync<AnchorRow>(new CommandDefinition(
            SelectAnchors + " WHERE a.anchored_at >= @From AND a.anchored_at < @To ORDER BY a.anchored_at DESC, a.anchor_id LIMIT 200",
            new { From = fromMs, To = toMs }, cancellationToken: cancellationToken)).ConfigureAwait(false)).Select(r => r.ToView()).ToList();

        var lags = new List<AnchoringLag>();
        var now = clock.GetUtcNow();
        foreach (var source in options.Value.Sources.Where(s => !AnchorKinds.IsStatement(s.Kind)))
        {
            var latest = await connection.QuerySingleOrDefaultAsync<(long? ToBlock, long? At)>(new CommandDefinition(
                "SELECT MAX(to_block), MAX(anchored_at) FROM audit_anchors WHERE source_channel = @Channel AND kind = @Kind",
                new { source.Channel, source.Kind }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            var height = await AppliedAsync(source, cancellationToken).ConfigureAwait(false);
            var anchoredTo = latest.ToBlock ?? -1;
            DateTimeOffset? at = latest.At is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
            lags.Add(new AnchoringLag($"{source.Channel}/{source.Kind}", height, anchoredTo, Math.Max(0, height - 1 - anchoredTo), at,
                at is { } t ? (long)(now - t).TotalSeconds : null));
        }

        var statements = await StatementPositionsAsync(connection, from, to, cancellationToken).ConfigureAwait(false);

        return new DashboardData(
            first, last, days, ByOrganisation("eir.reported"), ByOrganisation("eir.cleared"), lists, ports, portHours, ByOrganisation("numbers.published"), lags,
            new Dictionary<string, long>(StringComparer.Ordinal)
            {
                ["verified"] = verification.GetValueOrDefault(1), ["failed"] = verification.GetValueOrDefault(0), ["unverified"] = verification.GetValueOrDefault(2),
            },
            anchors,
            statements);
    }

    /// <summary>The disclosed statements of the periods (months) the date range touches, per channel, pair and period.</summary>
    private static async Task<List<StatementPosition>> StatementPositionsAsync(DbConnection connection, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<DisclosureRow>(new CommandDefinition(
            """
            SELECT anchor_id AS AnchorId, source_channel AS SourceChannel, period AS Period, party_a AS PartyA, party_b AS PartyB,
                currency AS Currency, decimal_places AS DecimalPlaces, batches AS Batches, net_minor AS NetMinor, net_payee AS NetPayee
            FROM audit_disclosures
            WHERE status = 'fetched' AND period >= @First AND period <= @Last
            ORDER BY source_channel, period, party_a, party_b, anchor_id, discloser
            """,
            new { First = from.ToString("yyyy-MM", CultureInfo.InvariantCulture), Last = to.ToString("yyyy-MM", CultureInfo.InvariantCulture) },
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        var positions = new List<StatementPosition>();
        foreach (var group in rows.GroupBy(r => (r.SourceChannel, r.Period, r.PartyA, r.PartyB, r.Currency, r.DecimalPlaces)))
        {
            var byAnchor = group.GroupBy(r => r.AnchorId, StringComparer.Ordinal).ToList();
            long net = 0, batches = 0;
            var disagreements = 0;
            foreach (var statement in byAnchor)
            {
                var first = statement.First();
                net += first.NetPayee == first.PartyA ? first.NetMinor : -first.NetMinor;
                batches += first.Batches;
                if (statement.Any(r => r.NetMinor != first.NetMinor || r.NetPayee != first.NetPayee || r.Batches != first.Batches))
                {
                    disagreements++;
                }
            }

            var (channel, period, a, b, currency, places) = group.Key;
            positions.Add(new StatementPosition(
                channel, period, a, b, currency, places, byAnchor.Count, batches, net, net / (decimal)Math.Pow(10, places), disagreements,
                [.. byAnchor.Select(g => g.Key)]));
        }

        return positions;
    }

    private sealed class DisclosureRow
    {
        public string AnchorId { get; set; } = "";

        public string SourceChannel { get; set; } = "";

        public string Period { get; set; } = "";

        public string PartyA { get; set; } = "";

        public string PartyB { get; set; } = "";

        public string Currency { get; set; } = "";

        public int DecimalPlaces { get; set; }

        public long Batches { get; set; }

        public long NetMinor { get; set; }

        public string? NetPayee { get; set; }
    }

    private async Task<long> AppliedAsync(AnchorSource source, CancellationToken cancellationToken)
    {
        var projection = projections.FirstOrDefault(p => p is IChangeFeedSource f && f.Application == source.Application && p.Follows(source.Channel));
        return projection is null ? 0 : (await store.Positions.GetAsync(projection.Name, source.Channel, cancellationToken).ConfigureAwait(false))?.NextBlock ?? 0;
    }

    private const string SelectAnchors = """
        SELECT a.anchor_id AS Id, a.source_channel AS SourceChannel, a.chaincode AS Chaincode, a.kind AS Kind, a.from_block AS FromBlock, a.to_block AS ToBlock,
               a.statement_id AS StatementId, a.digest AS Digest, a.change_count AS ChangeCount, a.anchored_by AS AnchoredBy, a.anchored_at AS AnchoredAt,
               a.transaction_id AS TransactionId, a.block_number AS BlockNumber, v.verified AS Verified, v.verified_at AS VerifiedAt
        FROM audit_anchors a LEFT JOIN audit_verifications v ON v.anchor_id = a.anchor_id
        """;

    private sealed class CursorRow
    {
        public long NextBlock { get; set; }

        public long PlannedAt { get; set; }
    }

    private sealed class StatRow
    {
        public string Metric { get; set; } = "";

        public string Organisation { get; set; } = "";

        public string Day { get; set; } = "";

        public long Value { get; set; }
    }

    private sealed class AnchorRow
    {
        public string Id { get; set; } = "";

        public string SourceChannel { get; set; } = "";

        public string Chaincode { get; set; } = "";

        public string Kind { get; set; } = "";

        public long? FromBlock { get; set; }

        public long? ToBlock { get; set; }

        public string? StatementId { get; set; }

        public string Digest { get; set; } = "";

        public long ChangeCount { get; set; }

        public string AnchoredBy { get; set; } = "";

        public long AnchoredAt { get; set; }

        public string TransactionId { get; set; } = "";

        public long BlockNumber { get; set; }

        public long? Verified { get; set; }

        public long? VerifiedAt { get; set; }

        public AnchorView ToView() => new(
            new AuditAnchor
            {
                Id = Id, SourceChannel = SourceChannel, Chaincode = Chaincode, Kind = Kind, FromBlock = FromBlock, ToBlock = ToBlock, StatementId = StatementId,
                Digest = Digest, ChangeCount = ChangeCount, AnchoredBy = AnchoredBy, AnchoredAt = DateTimeOffset.FromUnixTimeMilliseconds(AnchoredAt), TransactionId = TransactionId,
            },
            BlockNumber,
            Verified is { } v ? v == 1 : null,
            VerifiedAt is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : null);
    }
}
