using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Feeds;

namespace Restcomm.Gateway.Api.Feeds;

/// <summary>A new webhook subscription.</summary>
/// <param name="Url">Where to POST (http or https).</param>
/// <param name="Applications">The applications whose changes to send (e.g. <c>["eir"]</c>); the key needs each one's read scope.</param>
/// <param name="Description">Free text.</param>
/// <param name="After">Start after this change-feed cursor; by default only changes made from now on are sent.</param>
internal sealed record CreateWebhookRequest(string? Url, List<string>? Applications, string? Description, string? After);

/// <summary>A subscription as listed (never with its secret).</summary>
internal sealed record WebhookResponse(
    string Id, string Url, IReadOnlyList<string> Applications, string? Description, DateTimeOffset CreatedAt, string Cursor, int FailedAttempts,
    DateTimeOffset? NextAttemptAt, string? LastError, DateTimeOffset? LastDeliveredAt);

/// <summary>A subscription just created, with its signing secret: shown this once.</summary>
internal sealed record WebhookCreatedResponse(string Id, string Url, IReadOnlyList<string> Applications, string? Description, DateTimeOffset CreatedAt, string Cursor, string Secret);

/// <summary>What a ping or redelivery came to.</summary>
/// <param name="Delivered">The target answered 2xx.</param>
/// <param name="StatusCode">The target's status, or null.</param>
/// <param name="Error">Why it failed, or null.</param>
/// <param name="DeliveryId">The <c>X-Restcomm-Delivery</c> sent.</param>
internal sealed record DeliveryAttemptResponse(bool Delivered, int? StatusCode, string? Error, string DeliveryId);

/// <summary>A batch the target did not take.</summary>
internal sealed record DeadLetterResponse(
    long Id, long FirstSequence, long LastSequence, int ChangeCount, int Attempts, int? LastStatus, string LastError, DateTimeOffset CreatedAt,
    DateTimeOffset? RedeliveredAt, JsonElement Body);

/// <summary>
/// <c>/v1/webhooks</c>: subscriptions to change feeds. Any key of the organisation may manage subscriptions of the
/// applications it can read (their read scopes); others' subscriptions are invisible to it (404).
/// </summary>
internal static class WebhookEndpoints
{
    public static void MapWebhookEndpoints(this IEndpointRouteBuilder v1)
    {
        var webhooks = v1.MapGroup("/webhooks").WithTags("Webhooks");
        webhooks.MapPost("/", CreateAsync).WithName("CreateWebhook")
            .WithSummary("Subscribes a URL to change feeds; answers the signing secret once.")
            .RequireApiKey();
        webhooks.MapGet("/", ListAsync).WithName("ListWebhooks").WithSummary("The subscriptions of applications this key can read.").RequireApiKey();
        webhooks.MapGet("/{id}", GetAsync).WithName("GetWebhook").WithSummary("A subscription and where its delivery stands.").RequireApiKey();
        webhooks.MapDelete("/{id}", DeleteAsync).WithName("DeleteWebhook").WithSummary("Ends a subscription and forgets its dead letters.").RequireApiKey();
        webhooks.MapPost("/{id}/ping", PingAsync).WithName("PingWebhook")
            .WithSummary("Sends a signed 'ping' (no changes) to the target now and answers what it said.")
            .RequireApiKey().ReadsOnly();
        webhooks.MapGet("/{id}/dead-letters", ListDeadLettersAsync).WithName("ListWebhookDeadLetters")
            .WithSummary("Batches the target did not take after the last attempt, oldest first.").RequireApiKey();
        webhooks.MapPost("/{id}/dead-letters/{deadLetterId:long}/redeliver", RedeliverAsync).WithName("RedeliverWebhookDeadLetter")
            .WithSummary("Sends a dead letter's body again now (newly signed) and answers what the target said.").RequireApiKey();
    }

    private static async Task<Results<CreatedJson<WebhookCreatedResponse>, ProblemAnswer>> CreateAsync(
        CreateWebhookRequest request, ClaimsPrincipal user, GatewayStore store, IOptions<WebhookOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (WebhookTargets.Validate(request.Url, options.Value.AllowLoopback, out var target) is { } urlError)
        {
            errors["url"] = [urlError];
        }

        var applications = (request.Applications ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (applications.Count == 0)
        {
            errors["applications"] = [$"Name at least one application: {string.Join(", ", ChangeFeedCatalog.All.Select(a => a.Name))}."];
        }
        else if (applications.FirstOrDefault(a => ChangeFeedCatalog.Find(a) is null) is { } unknown)
        {
            errors["applications"] = [$"'{unknown}' has no change feed; known: {string.Join(", ", ChangeFeedCatalog.All.Select(a => a.Name))}."];
        }

        if (request.Description is { Length: > 500 })
        {
            errors["description"] = ["description is at most 500 characters."];
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        if (applications.FirstOrDefault(a => !CanRead(user, a)) is { } unreadable)
        {
            return Problems.Result(ProblemTypes.InsufficientScope, $"Subscribing to '{unreadable}' needs the scope '{ChangeFeedCatalog.Find(unreadable)!.ReadScope}'.");
        }

        long cursor;
        if (request.After is { Length: > 0 })
        {
            var (after, problem) = await ChangeFeedEndpoints.ResolveAsync(request.After, store, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return problem;
            }

            cursor = after;
        }
        else
        {
            cursor = await store.ChangeFeed.GetHeadAsync(cancellationToken).ConfigureAwait(false);
        }

        var subscription = new WebhookSubscription(
            "wh_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), target!.AbsoluteUri, applications, WebhookSignature.NewSecret(), request.Description,
            user.FindFirst(ApiKeyClaims.KeyId)!.Value, clock.GetUtcNow(), cursor, 0, default, null, null);
        await store.Webhooks.CreateAsync(subscription, cancellationToken).ConfigureAwait(false);
        var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
        return new CreatedJson<WebhookCreatedResponse>(
            new WebhookCreatedResponse(subscription.Id, subscription.Url, applications, subscription.Description, subscription.CreatedAt,
                new FeedCursor(epoch, cursor).Encode(), subscription.Secret),
            ChangeFeedEndpoints.Json);
    }

    private static async Task<OkJson<List<WebhookResponse>>> ListAsync(ClaimsPrincipal user, GatewayStore store, CancellationToken cancellationToken)
    {
        var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
        var all = await store.Webhooks.ListAsync(cancellationToken).ConfigureAwait(false);
        return new OkJson<List<WebhookResponse>>(all.Where(s => Visible(user, s)).Select(s => ToResponse(s, epoch)).ToList(), ChangeFeedEndpoints.Json);
    }

    private static async Task<Results<OkJson<WebhookResponse>, ProblemAnswer>> GetAsync(string id, ClaimsPrincipal user, GatewayStore store, CancellationToken cancellationToken)
    {
        var subscription = await FindAsync(id, user, store, cancellationToken).ConfigureAwait(false);
        if (subscription is null)
        {
            return NotFound(id);
        }

        var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
        return new OkJson<WebhookResponse>(ToResponse(subscription, epoch), ChangeFeedEndpoints.Json);
    }

    private static async Task<Results<NoContent, ProblemAnswer>> DeleteAsync(string id, ClaimsPrincipal user, GatewayStore store, CancellationToken cancellationToken)
    {
        if (await FindAsync(id, user, store, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        await store.Webhooks.DeleteAsync(id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Results<OkJson<DeliveryAttemptResponse>, ProblemAnswer>> PingAsync(
        string id, ClaimsPrincipal user, GatewayStore store, WebhookSender sender, CancellationToken cancellationToken)
    {
        var subscription = await FindAsync(id, user, store, cancellationToken).ConfigureAwait(false);
        if (subscription is null)
        {
            return NotFound(id);
        }

        var epoch = await store.ChangeFeed.GetEpochAsync(cancellationToken).ConfigureAwait(false);
        var (deliveryId, body) = WebhookBodies.Ping(subscription, epoch);
        var outcome = await sender.SendAsync(subscription.Url, subscription.Secret, subscription.Id, deliveryId, body, cancellationToken).ConfigureAwait(false);
        return new OkJson<DeliveryAttemptResponse>(new DeliveryAttemptResponse(outcome.Delivered, outcome.StatusCode, outcome.Error, deliveryId), ChangeFeedEndpoints.Json);
    }

    private static async Task<Results<OkJson<Page<DeadLetterResponse>>, ProblemAnswer>> ListDeadLettersAsync(
        string id, int? limit, string? cursor, ClaimsPrincipal user, GatewayStore store, CancellationToken cancellationToken)
    {
        var list = "dead-letters:" + id;
        if (!PageRequest.TryParse(list, limit, cursor, out var page, out var problem))
        {
            return (ProblemAnswer)problem!;
        }

        if (await FindAsync(id, user, store, cancellationToken).ConfigureAwait(false) is null)
        {
            return NotFound(id);
        }

        var after = page.After is null ? 0 : long.Parse(page.After, CultureInfo.InvariantCulture);
        var letters = await store.Webhooks.ListDeadLettersAsync(id, after, page.Limit, cancellationToken).ConfigureAwait(false);
        return new OkJson<Page<DeadLetterResponse>>(
            letters.Items.ToPage(letters.HasMore, list, l => l.Id.ToString(CultureInfo.InvariantCulture), ToResponse), ChangeFeedEndpoints.Json);
    }

    private static async Task<Results<OkJson<DeliveryAttemptResponse>, ProblemAnswer>> RedeliverAsync(
        string id, long deadLetterId, ClaimsPrincipal user, GatewayStore store, WebhookSender sender, CancellationToken cancellationToken)
    {
        var subscription = await FindAsync(id, user, store, cancellationToken).ConfigureAwait(false);
        var letter = subscription is null ? null : await store.Webhooks.GetDeadLetterAsync(id, deadLetterId, cancellationToken).ConfigureAwait(false);
        if (subscription is null || letter is null)
        {
            return Problems.Result(ProblemTypes.NotFound, $"Subscription '{id}' has no dead letter {deadLetterId}.");
        }

        var deliveryId = WebhookBodies.DeliveryId(id, letter.FirstSequence, letter.LastSequence);
        var outcome = await sender.SendAsync(subscription.Url, subscription.Secret, id, deliveryId, letter.Body, cancellationToken).ConfigureAwait(false);
        await store.Webhooks.RecordRedeliveryAsync(letter.Id, outcome.Delivered, outcome.StatusCode, outcome.Error, cancellationToken).ConfigureAwait(false);
        return new OkJson<DeliveryAttemptResponse>(new DeliveryAttemptResponse(outcome.Delivered, outcome.StatusCode, outcome.Error, deliveryId), ChangeFeedEndpoints.Json);
    }

    private static async Task<WebhookSubscription?> FindAsync(string id, ClaimsPrincipal user, GatewayStore store, CancellationToken cancellationToken)
    {
        var subscription = await store.Webhooks.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return subscription is not null && Visible(user, subscription) ? subscription : null;
    }

    private static bool Visible(ClaimsPrincipal user, WebhookSubscription subscription) => subscription.Applications.All(a => CanRead(user, a));

    private static bool CanRead(ClaimsPrincipal user, string application)
        => ChangeFeedCatalog.Find(application) is { } known && user.HasClaim(ApiKeyClaims.Scope, known.ReadScope);

    private static ProblemAnswer NotFound(string id) => Problems.Result(ProblemTypes.NotFound, $"There is no webhook subscription '{id}' this key can see.");

    private static WebhookResponse ToResponse(WebhookSubscription s, string epoch) => new(
        s.Id, s.Url, s.Applications, s.Description, s.CreatedAt, new FeedCursor(epoch, s.CursorSequence).Encode(), s.Attempts,
        s.Attempts > 0 ? s.NextAttemptAt : null, s.LastError, s.LastDeliveredAt);

    private static DeadLetterResponse ToResponse(WebhookDeadLetter l)
    {
        using var body = JsonDocument.Parse(l.Body);
        return new(l.Id, l.FirstSequence, l.LastSequence, l.ChangeCount, l.Attempts, l.LastStatus, l.LastError, l.CreatedAt, l.RedeliveredAt, body.RootElement.Clone());
    }
}

/// <summary>Registers change feeds and webhooks with the host.</summary>
internal static class ChangeFeedServiceCollectionExtensions
{
    public static IServiceCollection AddChangeFeeds(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ChangeFeedOptions>().Bind(configuration.GetSection(ChangeFeedOptions.Section));
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDeliveryService>();
        return services;
    }
}
