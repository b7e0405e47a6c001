using System.Globalization;
using System.Net;
using System.Text.Json;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>Rate limits and daily quotas per API key: 429 problem+json with Retry-After, per key, declared in OpenAPI.</summary>
public sealed class RateLimitTests : ApiTestBase
{
    private static readonly Uri Me = new("/v1/me", UriKind.Relative);

    public override Task InitializeAsync()
    {
        // Bursts of 3, then one request every 10 s: a fourth request at once is over the limit.
        Factory = Limited(null, new Dictionary<string, string>
        {
            ["Gateway:RateLimits:PermitsPerSecond"] = "0.1",
            ["Gateway:RateLimits:Burst"] = "3",
        });
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_key_over_its_burst_gets_429_with_retry_after_while_another_key_is_still_served()
    {
        using var first = await Factory.ClientWithKeyAsync(ApiScopes.EirRead);
        using var second = await Factory.ClientWithKeyAsync(ApiScopes.EirRead);

        var allowed = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            allowed.Add(await first.GetAsync(Me).WaitAsync(Timeout));
        }

        using var refused = await first.GetAsync(Me).WaitAsync(Timeout);
        using var other = await second.GetAsync(Me).WaitAsync(Timeout);

        Assert.All(allowed, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(["2", "1", "0"], allowed.Select(r => r.Headers.GetValues("RateLimit-Remaining").Single()));
        Assert.All(allowed, r => Assert.Equal("3", r.Headers.GetValues("RateLimit-Limit").Single()));
        var problem = await ReadProblemAsync(refused, 429, "rate-limited");
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 10);
        Assert.Contains("0.1/s, bursts of 3", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        allowed.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task A_key_of_its_own_limits_is_held_to_them_and_not_to_the_defaults()
    {
        // The key is made first, then the API starts again with limits of the key's own (configuration names it by id).
        var token = await Factory.CreateKeyAsync(Factory.MspId, ApiScopes.EirRead);
        var id = token[ApiKeyStore.TokenPrefix.Length..token.IndexOf('_', ApiKeyStore.TokenPrefix.Length)];
        var directory = Factory.DataDirectory;
        await Factory.DisposeAsync();
        Factory = Limited(directory, new Dictionary<string, string>
        {
            ["Gateway:RateLimits:PermitsPerSecond"] = "0.1",
            ["Gateway:RateLimits:Burst"] = "3",
            [$"Gateway:RateLimits:Keys:{id}:Burst"] = "1",
        });
        using var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        using var allowed = await client.GetAsync(Me).WaitAsync(Timeout);
        using var refused = await client.GetAsync(Me).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("1", allowed.Headers.GetValues("RateLimit-Limit").Single());
        await ReadProblemAsync(refused, 429, "rate-limited");
    }

    [Fact]
    public async Task A_daily_quota_refuses_until_midnight_utc_and_serves_again_the_next_day()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero));
        await Factory.DisposeAsync();
        Factory = new GatewayApiFactory(settings: new Dictionary<string, string> { ["Gateway:RateLimits:DailyQuota"] = "2" }) { Clock = clock };
        using var client = await Factory.ClientWithKeyAsync(ApiScopes.EirRead);

        using var one = await client.GetAsync(Me).WaitAsync(Timeout);
        using var two = await client.GetAsync(Me).WaitAsync(Timeout);
        using var three = await client.GetAsync(Me).WaitAsync(Timeout);
        clock.Advance(TimeSpan.FromHours(1));
        using var nextDay = await client.GetAsync(Me).WaitAsync(Timeout);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK], new[] { one.StatusCode, two.StatusCode });
        await ReadProblemAsync(three, 429, "rate-limited");
        Assert.Equal("3600", three.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
    }

    [Fact]
    public async Task Every_operation_that_takes_a_key_declares_429_in_the_openapi_document()
    {
        using var anonymous = Factory.CreateClient();
        using var document = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)).WaitAsync(Timeout));

        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Name: $"{op.Name} {path.Name}", Operation: op.Value)))
            // An empty security list says the operation takes no API key (it authenticates itself, e.g. with a grant's token).
            .Where(op => op.Operation.TryGetProperty("security", out var security) && security.GetArrayLength() > 0)
            .ToList();

        Assert.True(operations.Count > 40, $"only {operations.Count} operations take a key");
        Assert.All(operations, op => Assert.True(op.Operation.GetProperty("responses").TryGetProperty("429", out _), $"{op.Name} does not declare 429"));
    }

    private static GatewayApiFactory Limited(string? directory, Dictionary<string, string> settings) => new(dataDirectory: directory, settings: settings);
}
