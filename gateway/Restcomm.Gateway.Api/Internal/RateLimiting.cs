using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// Rate limits and daily quotas per API key (section <c>Gateway:RateLimits</c>): a token bucket of
/// <see cref="Burst"/> requests refilled at <see cref="PermitsPerSecond"/>, and at most <see cref="DailyQuota"/> requests
/// per UTC day (0: no quota); <see cref="Keys"/> overrides either for one key (by key id).
/// </summary>
internal sealed class RateLimitOptions
{
    public const string Section = "Gateway:RateLimits";

    /// <summary>Whether requests are limited at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Sustained requests per second per key (default: the EIR's 50,000 checks/s, so only a runaway client is held).</summary>
    public double PermitsPerSecond { get; set; } = 50_000;

    /// <summary>Requests a key may make at once before the rate applies.</summary>
    public int Burst { get; set; } = 100_000;

    /// <summary>Requests per key per UTC day; 0 for no quota.</summary>
    public long DailyQuota { get; set; }

    /// <summary>Per-key overrides, by key id.</summary>
    public Dictionary<string, KeyRateLimit> Keys { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One key's own limits; a null member keeps the default.</summary>
internal sealed class KeyRateLimit
{
    public double? PermitsPerSecond { get; set; }

    public int? Burst { get; set; }

    public long? DailyQuota { get; set; }
}

/// <summary>
/// Applies <see cref="RateLimitOptions"/> to every request made with an API key, after authentication: an allowed
/// request carries <c>RateLimit-Limit</c> and <c>RateLimit-Remaining</c>; a refused one is 429 <c>rate-limited</c>
/// (problem+json) with <c>Retry-After</c> in seconds. Counts are kept in this process (each API instance limits on its
/// own); the daily quota starts again at 00:00 UTC by the host's clock.
/// </summary>
internal sealed class RateLimitMiddleware(RequestDelegate next, IOptionsMonitor<RateLimitOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, KeyLimiter> _limiters = new(StringComparer.Ordinal);

    public async Task InvokeAsync(HttpContext context)
    {
        var settings = options.CurrentValue;
        var keyId = context.User.FindFirst(ApiKeyClaims.KeyId)?.Value;
        if (!settings.Enabled || keyId is null)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var limiter = _limiters.GetOrAdd(keyId, id => new KeyLimiter(Effective(settings, id)));
        var (allowed, retryAfter, remaining) = limiter.TryAcquire(clock.GetUtcNow());
        context.Response.Headers["RateLimit-Limit"] = limiter.Limits.Burst.ToString(CultureInfo.InvariantCulture);
        context.Response.Headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        if (!allowed)
        {
            var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await Problems.WriteAsync(context, ProblemTypes.RateLimited,
                $"This API key made more requests than its limit allows ({limiter.Limits.Describe()}); retry after {seconds} s.").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static Limits Effective(RateLimitOptions settings, string keyId)
    {
        var own = settings.Keys.GetValueOrDefault(keyId);
        return new Limits(
            Math.Max(0.001, own?.PermitsPerSecond ?? settings.PermitsPerSecond),
            Math.Max(1, own?.Burst ?? settings.Burst),
            Math.Max(0, own?.DailyQuota ?? settings.DailyQuota));
    }

    internal sealed record Limits(double PermitsPerSecond, int Burst, long DailyQuota)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"{PermitsPerSecond:0.###}/s, bursts of {Burst}{(DailyQuota > 0 ? $", {DailyQuota} a day" : string.Empty)}");
    }

    /// <summary>One key's token bucket and day count.</summary>
    private sealed class KeyLimiter
    {
        private readonly TokenBucketRateLimiter _bucket;
        private readonly Lock _lock = new();
        private DateOnly _day;
        private long _today;

        public KeyLimiter(Limits limits)
        {
            Limits = limits;
            // Refill in steps of at least one token: every 100 ms for fast rates, every 1/rate seconds for slow ones.
            var (period, tokens) = limits.PermitsPerSecond >= 10
                ? (TimeSpan.FromMilliseconds(100), (int)Math.Round(limits.PermitsPerSecond / 10))
                : (TimeSpan.FromSeconds(1 / limits.PermitsPerSecond), 1);
            _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = limits.Burst,
                TokensPerPeriod = Math.Max(1, tokens),
                ReplenishmentPeriod = period,
                QueueLimit = 0,
                AutoReplenishment = true,
            });
        }

        public Limits Limits { get; }

        public (bool Allowed, TimeSpan RetryAfter, long Remaining) TryAcquire(DateTimeOffset now)
        {
            if (Limits.DailyQuota > 0)
            {
                lock (_lock)
                {
                    var today = DateOnly.FromDateTime(now.UtcDateTime);
                    if (today != _day)
                    {
                        (_day, _today) = (today, 0);
                    }

                    if (_today >= Limits.DailyQuota)
                    {
                        var midnight = new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
                        return (false, midnight - now, 0);
                    }
                }
            }

            using var lease = _bucket.AttemptAcquire();
            var remaining = _bucket.GetStatistics()?.CurrentAvailablePermits ?? 0;
            if (!lease.IsAcquired)
            {
                var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1 / Limits.PermitsPerSecond);
                return (false, wait, 0);
            }

            if (Limits.DailyQuota > 0)
            {
                lock (_lock)
                {
                    _today++;
                    remaining = Math.Min(remaining, Limits.DailyQuota - _today);
                }
            }

            return (true, TimeSpan.Zero, remaining);
        }
    }
}
