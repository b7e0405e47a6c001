using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Feeds;

namespace Restcomm.Gateway.Api.Feeds;

/// <summary>What one POST to a target came to.</summary>
/// <param name="Delivered">The target answered 2xx.</param>
/// <param name="StatusCode">The target's status, or null when it gave none (timeout, connection error).</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="Retryable">Whether trying again may help (5xx, 408, 429, timeout, connection error).</param>
internal sealed record DeliveryOutcome(bool Delivered, int? StatusCode, string? Error, bool Retryable);

/// <summary>The JSON body of a webhook POST.</summary>
/// <param name="Type"><c>changes</c>, or <c>ping</c> for a test.</param>
/// <param name="SubscriptionId">The subscription.</param>
/// <param name="DeliveryId">Same ID, same changes: a retry of a batch carries the ID of its first attempt's range.</param>
/// <param name="Changes">The changes, in feed order.</param>
/// <param name="NextCursor">The cursor after the last change (the subscription's cursor once acknowledged).</param>
internal sealed record WebhookBody(string Type, string SubscriptionId, string DeliveryId, IReadOnlyList<ChangeResponse> Changes, string NextCursor);

/// <summary>Posts signed bodies to webhook targets, one attempt at a time.</summary>
internal sealed partial class WebhookSender : IDisposable
{
    private readonly HttpClient _client;
    private readonly WebhookOptions _options;
    private readonly TimeProvider _clock;

    public WebhookSender(IOptions<WebhookOptions> options, TimeProvider clock)
    {
        _options = options.Value;
        _clock = clock;
        var allowLoopback = _options.AllowLoopback;
        _client = new HttpClient(new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = _options.Timeout,
            ConnectCallback = (context, cancellationToken) => WebhookTargets.ConnectAsync(context, allowLoopback, cancellationToken),
        })
        {
            Timeout = System.Threading.Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>POSTs <paramref name="body"/> signed with <paramref name="secret"/>.</summary>
    public async Task<DeliveryOutcome> SendAsync(string url, string secret, string subscriptionId, string deliveryId, string body, CancellationToken cancellationToken)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(WebhookSignature.HeaderName, WebhookSignature.Create(secret, _clock.GetUtcNow().ToUnixTimeSeconds(), bytes));
        request.Headers.Add("X-Restcomm-Delivery", deliveryId);
        request.Headers.Add("X-Restcomm-Subscription", subscriptionId);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Restcomm-Webhooks", "1"));

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return new DeliveryOutcome(true, status, null, false);
            }

            var retryable = status is >= 500 or 408 or 429;
            return new DeliveryOutcome(false, status, $"The target answered {status}.", retryable);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, null, $"The target did not answer within {_options.Timeout.TotalSeconds:0.###} s.", true);
        }
        catch (HttpRequestException ex)
        {
            return new DeliveryOutcome(false, null, "Connection failed: " + ex.Message, true);
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Builds the bodies of a subscription's deliveries.</summary>
internal static class WebhookBodies
{
    public static string DeliveryId(string subscriptionId, long firstSequence, long lastSequence) => $"{subscriptionId}.{firstSequence}-{lastSequence}";

    public static string Changes(WebhookSubscription subscription, IReadOnlyList<ChangeRecord> records, string epoch)
    {
        var changes = records.Select(r => ChangeResponse.From(r, epoch)).ToList();
        var body = new WebhookBody("changes", subscription.Id, DeliveryId(subscription.Id, records[0].Sequence, records[^1].Sequence), changes, changes[^1].Cursor);
        return JsonSerializer.Serialize(body, ChangeFeedEndpoints.Json);
    }

    public static (string DeliveryId, string Body) Ping(WebhookSubscription subscription, string epoch)
    {
        var id = $"{subscription.Id}.ping-{Guid.NewGuid():N}";
        var body = new WebhookBody("ping", subscription.Id, id, [], new FeedCursor(epoch, subscription.CursorSequence).Encode());
        return (id, JsonSerializer.Serialize(body, ChangeFeedEndpoints.Json));
    }
}

/// <summary>
/// Delivers each subscription's changes in feed order: one batch (up to <see cref="WebhookOptions.BatchSize"/> changes
/// after its stored cursor) at a time; a 2xx moves the cursor; a 5xx, 408, 429, timeout or connection error is retried
/// after an exponential, jittered delay; after <see cref="WebhookOptions.MaxAttempts"/> attempts, or at once on any other
/// answer, the batch becomes a dead letter and the cursor moves past it. The cursor lives in the store, so a restarted
/// API resumes where the target last acknowledged (at least once: a crash between a 2xx and the cursor update repeats
/// that batch).
/// </summary>
internal sealed partial class WebhookDeliveryService(
    GatewayStore store, WebhookSender sender, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.DeliveryEnabled)
        {
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            var changed = store.ChangeFeed.Changed;
            var busy = false;
            try
            {
                var due = await store.Webhooks.DueAsync(clock.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = stoppingToken }, async (subscription, ct) =>
                {
                    if (await DeliverNextAsync(subscription, ct).ConfigureAwait(false))
                    {
                        busy = true;
                    }
                }).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The worker outlives a failing round (database away, a bad row): logged, tried again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, ex.GetType().Name, ex.Message);
            }

            if (!busy)
            {
                await Task.WhenAny(changed, Task.Delay(settings.PollInterval, clock, stoppingToken)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Tries the subscription's next batch once; true when more may be sent at once.</summary>
    private async Task<bool> DeliverNextAsync(WebhookSubscription subscription, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var applications = subscription.Applications.Where(a => ChangeFeedCatalog.Find(a) is not null).ToList();
        if (applications.Count == 0)
        {
            return false;
        }

        var page = await store.ChangeFeed.ReadAsync(applications, subscription.CursorSequence, settings.BatchSize, cancellationToken).ConfigureAwait(false);
        if (page.Items.Count == 0)
        {
            return false;
        }

        var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
        var first = page.Items[0].Sequence;
        var last = page.Items[^1].Sequence;
        var body = WebhookBodies.Changes(subscription, page.Items, epoch);
        var outcome = await sender.SendAsync(subscription.Url, subscription.Secret, subscription.Id, WebhookBodies.DeliveryId(subscription.Id, first, last), body, cancellationToken).ConfigureAwait(false);
        if (outcome.Delivered)
        {
            await store.Webhooks.AcknowledgeAsync(subscription.Id, subscription.CursorSequence, last, cancellationToken).ConfigureAwait(false);
            LogDelivered(logger, subscription.Id, page.Items.Count, last);
            return page.HasMore;
        }

        var attempts = subscription.Attempts + 1;
        if (!outcome.Retryable || attempts >= settings.MaxAttempts)
        {
            var letter = new WebhookDeadLetter(0, subscription.Id, first, last, page.Items.Count, body, attempts, outcome.StatusCode, outcome.Error ?? "", default, null);
            await store.Webhooks.DeadLetterAsync(letter, subscription.CursorSequence, cancellationToken).ConfigureAwait(false);
            LogDeadLettered(logger, subscription.Id, page.Items.Count, attempts, outcome.Error ?? "");
            return true;
        }

        var delay = Backoff(attempts, settings);
        await store.Webhooks.RecordFailureAsync(subscription.Id, attempts, clock.GetUtcNow() + delay, outcome.Error ?? "", cancellationToken).ConfigureAwait(false);
        LogRetrying(logger, subscription.Id, attempts, outcome.Error ?? "", delay.TotalSeconds);
        return false;
    }

    /// <summary>
    /// The delay after failed attempt <paramref name="attempt"/> (1-based): InitialBackoff·2^(attempt−1), capped at
    /// MaxBackoff, of which a random half is taken off ("equal jitter"), so targets recovering from an outage are not hit
    /// by every subscription at once.
    /// </summary>
    internal static TimeSpan Backoff(int attempt, WebhookOptions settings)
    {
        var ceiling = settings.InitialBackoff.Ticks;
        for (var i = 1; i < attempt && ceiling < settings.MaxBackoff.Ticks; i++)
        {
            ceiling *= 2;
        }

        ceiling = Math.Min(ceiling, settings.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((ceiling / 2) + Random.Shared.NextInt64((ceiling / 2) + 1));
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Webhook {Subscription} took {Changes} changes up to sequence {Sequence}")]
    private static partial void LogDelivered(ILogger logger, string subscription, int changes, long sequence);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Webhook {Subscription} attempt {Attempt} failed ({Error}); retrying in {DelaySeconds} s")]
    private static partial void LogRetrying(ILogger logger, string subscription, int attempt, string error, double delaySeconds);

    [LoggerMessage(EventId = 3303, Level = LogLevel.Warning, Message = "Webhook {Subscription}: a batch of {Changes} changes became a dead letter after {Attempts} attempts ({Error})")]
    private static partial void LogDeadLettered(ILogger logger, string subscription, int changes, int attempts, string error);

    [LoggerMessage(EventId = 3304, Level = LogLevel.Warning, Message = "Webhook delivery round failed ({ErrorType}: {Error}); trying again")]
    private static partial void LogRoundFailed(ILogger logger, string errorType, string error);
}
