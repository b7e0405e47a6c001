using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// Daily figures of the anchored applications' changes (<c>audit_daily_stats</c>), for the regulator's dashboard: kept
/// in each block's transaction from the same changes the change feed publishes, so a year of history is a few thousand
/// rows to read. Metrics (organisation, UTC day):
/// <list type="bullet">
/// <item><c>eir.reported</c>, <c>eir.updated</c>, <c>eir.cleared</c> by the reporting operator, on the change's day;</item>
/// <item><c>eir.list.black</c>, <c>eir.list.grey</c>, <c>eir.list.white</c>: +1 per entry reported, −1 per entry cleared (the list size is their running sum);</item>
/// <item><c>numbers.&lt;kind&gt;</c> (<c>published</c>, <c>portRequested</c>, <c>portActivated</c>…) by the provider (a port's recipient);</item>
/// <item><c>numbers.port.seconds</c>: seconds from request to activation of the ports activated that day (divide by <c>numbers.portActivated</c>).</item>
/// </list>
/// </summary>
// The feed sources are the engine's other projections: resolved on first use, since they are registered alongside this one.
internal sealed class AuditStatisticsProjection(IServiceProvider services, IOptions<AuditOptions> options) : IProjection
{
    private List<(AnchorSource Source, IChangeFeedSource Feed)>? _sources;

    public string Name => "audit-stats";

    public bool Follows(string channel) => Sources.Any(s => s.Source.Channel == channel);

    private List<(AnchorSource Source, IChangeFeedSource Feed)> Sources => _sources ??= options.Value.Sources
        .Select(s => (Source: s, Feed: services.GetServices<IProjection>().OfType<IChangeFeedSource>().FirstOrDefault(f => f.Application == s.Application)))
        .Where(p => p.Feed is not null && p.Source.Application is "eir" or "numbers")
        .Select(p => (p.Source, p.Feed!))
        .ToList();

    public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<(string Application, string Metric, string Organisation, string Day), long>();
        Dictionary<string, DateTimeOffset?>? times = null;
        foreach (var (source, feed) in Sources.Where(s => s.Source.Channel == context.Channel))
        {
            foreach (var change in feed.FeedChanges(context.Channel, block))
            {
                times ??= block.Transactions.Where(t => t.IsValid).GroupBy(t => t.TransactionId).ToDictionary(g => g.Key, g => g.First().Envelope?.Timestamp, StringComparer.Ordinal);
                using var payload = JsonDocument.Parse(change.PayloadJson);
                var txTime = times.GetValueOrDefault(change.TransactionId) ?? DateTimeOffset.UnixEpoch;
                foreach (var (metric, organisation, at, value) in Metrics(source.Application, change.Kind, payload.RootElement, txTime))
                {
                    var key = (source.Application, metric, organisation, Day(at));
                    totals[key] = totals.GetValueOrDefault(key) + value;
                }
            }
        }

        foreach (var ((application, metric, organisation, day), value) in totals)
        {
            await context.Connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO audit_daily_stats (application, channel, metric, organisation, day, value) VALUES (@Application, @Channel, @Metric, @Organisation, @Day, @Value)
                ON CONFLICT (application, channel, metric, organisation, day) DO UPDATE SET value = audit_daily_stats.value + excluded.value
                """,
                new { Application = application, context.Channel, Metric = metric, Organisation = organisation, Day = day, Value = value },
                context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    public Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken) => context.Connection.ExecuteAsync(new CommandDefinition(
        "DELETE FROM audit_daily_stats WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken));

    /// <summary>The UTC day of an instant, <c>yyyy-MM-dd</c>.</summary>
    public static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static IEnumerable<(string Metric, string Organisation, DateTimeOffset At, long Value)> Metrics(string application, string kind, JsonElement payload, DateTimeOffset txTime)
    {
        if (application == "eir")
        {
            var by = Text(payload, "by") ?? "unknown";
            var at = Time(payload, "at") ?? txTime;
            yield return ("eir." + kind, by, at, 1);
            if (payload.TryGetProperty("entry", out var entry) && Text(entry, "list") is { } list && kind is "reported" or "cleared")
            {
                yield return ("eir.list." + list, Text(entry, "owner") ?? by, at, kind == "reported" ? 1 : -1);
            }

            yield break;
        }

        if (payload.TryGetProperty("port", out var port) && port.ValueKind == JsonValueKind.Object)
        {
            var at = Time(port, "updatedAt") ?? txTime;
            var recipient = Text(port, "recipient") ?? "unknown";
            yield return ("numbers." + kind, recipient, at, 1);
            if (kind == "portActivated" && Time(port, "requestedAt") is { } requested && Time(port, "activatedAt") is { } activated)
            {
                yield return ("numbers.port.seconds", recipient, at, (long)(activated - requested).TotalSeconds);
            }

            yield break;
        }

        var provider = payload.TryGetProperty("record", out var record) ? Text(record, "provider")
            : payload.TryGetProperty("block", out var numberBlock) ? Text(numberBlock, "provider") : null;
        yield return ("numbers." + kind, provider ?? "unknown", txTime, 1);
    }

    private static string? Text(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static DateTimeOffset? Time(JsonElement element, string name)
        => Text(element, name) is { } text && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
}
