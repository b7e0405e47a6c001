using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Feeds;

namespace Restcomm.Gateway.Api.Feeds;

/// <summary>A change of an application, as the poll route, the stream and webhooks carry it.</summary>
/// <param name="Cursor">Resume after this change: pass it as <c>after</c>, <c>Last-Event-ID</c>, or compare with a webhook's.</param>
/// <param name="Sequence">Position in this API's feed (increasing; gaps are other applications' changes).</param>
/// <param name="Application">The application.</param>
/// <param name="Channel">The channel.</param>
/// <param name="BlockNumber">The block that committed it.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="Ordinal">Index among the application's changes of that transaction; (channel, transactionId, ordinal) names the change everywhere.</param>
/// <param name="Kind">What happened (e.g. <c>reported</c>, <c>cleared</c>, <c>batch.accepted</c>).</param>
/// <param name="Key">What changed (an EIR entry ID, a roaming agreement ID, <c>fileId/batchNumber</c>, <c>agreementId/period</c>).</param>
/// <param name="Payload">The change as the application publishes it: a JSON object.</param>
/// <param name="RecordedAt">When this API recorded it.</param>
internal sealed record ChangeResponse(
    string Cursor, long Sequence, string Application, string Channel, long BlockNumber, string TransactionId, int Ordinal, string Kind, string Key,
    JsonElement Payload, DateTimeOffset RecordedAt)
{
    public static ChangeResponse From(ChangeRecord record, string epoch)
    {
        using var payload = JsonDocument.Parse(record.PayloadJson);
        return new(new FeedCursor(epoch, record.Sequence).Encode(), record.Sequence, record.Application, record.Channel, record.BlockNumber,
            record.TransactionId, record.Ordinal, record.Kind, record.Key, payload.RootElement.Clone(), record.RecordedAt);
    }
}

/// <summary>A page of changes.</summary>
/// <param name="Items">The changes, oldest first.</param>
/// <param name="NextCursor">Where to continue (never null: the last item's cursor, or the cursor given when nothing followed it).</param>
/// <param name="HasMore">Whether more changes are there already (ask again at once) or not (poll later, or use the stream).</param>
internal sealed record ChangePage(IReadOnlyList<ChangeResponse> Items, string NextCursor, bool HasMore);

/// <summary>
/// The change feed of each application in <see cref="ChangeFeedCatalog"/>: <c>GET /v1/{app}/changes</c> (poll) and
/// <c>GET /v1/{app}/changes/stream</c> (server-sent events), both needing the application's read scope.
/// </summary>
internal static class ChangeFeedEndpoints
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    /// <summary>JSON of feed bodies (poll, stream, webhooks): camelCase, nulls written.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static void MapChangeFeeds(this IEndpointRouteBuilder v1)
    {
        foreach (var application in ChangeFeedCatalog.All)
        {
            var group = v1.MapGroup("/" + application.Name).WithTags(application.Tag);
            group.MapGet("/changes", (string? after, int? limit, GatewayStore store, CancellationToken cancellationToken)
                    => ListAsync(application, after, limit, store, cancellationToken))
                .WithName(Pascal(application.Name) + "Changes")
                .WithSummary($"The {application.Name} change feed after a cursor, oldest first (poll; see also /changes/stream and webhooks).")
                .ProducesProblem(StatusCodes.Status410Gone)
                .RequireScope(application.ReadScope);

            group.MapGet("/changes/stream", (HttpContext context, string? after, GatewayStore store, CancellationToken cancellationToken)
                    => StreamAsync(application, context, after, store, cancellationToken))
                .WithName(Pascal(application.Name) + "ChangeStream")
                .WithSummary($"The {application.Name} change feed as server-sent events: 'id:' is the change's cursor; resume with Last-Event-ID or ?after=.")
                .ProducesProblem(StatusCodes.Status410Gone)
                .RequireScope(application.ReadScope);
        }
    }

    /// <summary>Reads a cursor given by a client: 0 when none; a problem when it is not one of this feed's.</summary>
    public static async Task<(long After, ProblemAnswer? Problem)> ResolveAsync(string? cursor, GatewayStore store, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return (0, null);
        }

        if (!FeedCursor.TryDecode(cursor, out var decoded))
        {
            return (0, Problems.Result(ProblemTypes.InvalidCursor, "The cursor is not a change-feed cursor; pass back a 'cursor' or 'nextCursor' of this API unchanged."));
        }

        var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
        if (decoded.Epoch != epoch)
        {
            return (0, Problems.Result(ProblemTypes.CursorExpired,
                "The cursor belongs to an earlier change feed of this API (its store was replaced). Read again from the start (no cursor) and skip changes already handled by (channel, transactionId, ordinal)."));
        }

        return (decoded.Sequence, null);
    }

    private static async Task<Results<OkJson<ChangePage>, ProblemAnswer>> ListAsync(
        ChangeFeedApplication application, string? after, int? limit, GatewayStore store, CancellationToken cancellationToken)
    {
        var take = limit ?? DefaultLimit;
        if (take is < 1 or > MaxLimit)
        {
            return Problems.Validation(new Dictionary<string, string[]> { ["limit"] = [$"limit must be between 1 and {MaxLimit}."] });
        }

        var (from, problem) = await ResolveAsync(after, store, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
        var page = await store.ChangeFeed.ReadAsync([application.Name], from, take, cancellationToken).ConfigureAwait(false);
        var items = page.Items.Select(r => ChangeResponse.From(r, epoch)).ToList();
        var next = items.Count > 0 ? items[^1].Cursor : new FeedCursor(epoch, from).Encode();
        return new OkJson<ChangePage>(new ChangePage(items, next, page.HasMore), Json);
    }

    private static async Task<Results<ChangeStream, ProblemAnswer>> StreamAsync(
        ChangeFeedApplication application, HttpContext context, string? after, GatewayStore store, CancellationToken cancellationToken)
    {
        // An EventSource reconnecting sends the last id it saw; that wins over the URL it was first opened with.
        var lastEventId = context.Request.Headers["Last-Event-ID"].ToString();
        var (from, problem) = await ResolveAsync(lastEventId.Length > 0 ? lastEventId : after, store, cancellationToken).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return new ChangeStream(application, from);
    }

    private static string Pascal(string name) => string.Concat(name.Split('-', '_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}

/// <summary>
/// Writes an application's changes as <c>text/event-stream</c> from a sequence on: each change an <c>event: change</c>
/// whose <c>id:</c> is its cursor and whose <c>data:</c> is the <see cref="ChangeResponse"/> JSON on one line; a
/// <c>: heartbeat</c> comment after <see cref="ChangeFeedOptions.HeartbeatInterval"/> of silence. Ends when the client
/// goes or the host stops.
/// </summary>
internal sealed partial class ChangeStream(ChangeFeedApplication application, long after) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult, IEndpointMetadataProvider
{
    public const string MediaType = "text/event-stream";

    private const int BatchSize = 100;

    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => MediaType;

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
        => builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(string), [MediaType]));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var services = httpContext.RequestServices;
        var store = services.GetRequiredService<GatewayStore>();
        var options = services.GetRequiredService<IOptions<ChangeFeedOptions>>().Value;
        var lifetime = services.GetRequiredService<IHostApplicationLifetime>();
        var clock = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILogger<ChangeStream>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = MediaType + "; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var sent = 0L;
        try
        {
            var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
            await WriteAsync(response, $"retry: {(long)options.ClientRetry.TotalMilliseconds}\n: {application.Name} changes after {after}\n\n", cancellationToken).ConfigureAwait(false);
            var lastWrite = clock.GetTimestamp();
            while (!cancellationToken.IsCancellationRequested)
            {
                var changed = store.ChangeFeed.Changed;
                var page = await store.ChangeFeed.ReadAsync([application.Name], after, BatchSize, cancellationToken).ConfigureAwait(false);
                if (page.Items.Count > 0)
                {
                    var text = new StringBuilder();
                    foreach (var record in page.Items)
                    {
                        var change = ChangeResponse.From(record, epoch);
                        text.Append("id: ").Append(change.Cursor).Append("\nevent: change\ndata: ")
                            .Append(JsonSerializer.Serialize(change, ChangeFeedEndpoints.Json)).Append("\n\n");
                        after = record.Sequence;
                    }

                    await WriteAsync(response, text.ToString(), cancellationToken).ConfigureAwait(false);
                    sent += page.Items.Count;
                    lastWrite = clock.GetTimestamp();
                    if (page.HasMore)
                    {
                        continue;
                    }
                }

                var silence = clock.GetElapsedTime(lastWrite);
                if (silence >= options.HeartbeatInterval)
                {
                    await WriteAsync(response, ": heartbeat\n\n", cancellationToken).ConfigureAwait(false);
                    lastWrite = clock.GetTimestamp();
                    silence = TimeSpan.Zero;
                }

                var wait = options.HeartbeatInterval - silence;
                if (wait > options.PollInterval)
                {
                    wait = options.PollInterval;
                }

                await Task.WhenAny(changed, Task.Delay(wait, clock, cancellationToken)).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away or the host is stopping: the stream simply ends.
        }
        catch (IOException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
        }

        LogStreamEnded(logger, application.Name, sent, lifetime.ApplicationStopping.IsCancellationRequested ? "host stopping" : "client gone");
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, Encoding.UTF8, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Change stream of {Application} ended after {Changes} changes ({Reason})")]
    private static partial void LogStreamEnded(ILogger logger, string application, long changes, string reason);
}
