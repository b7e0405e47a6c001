namespace Restcomm.Gateway.Api.Feeds;

/// <summary>Settings of webhook delivery (section <c>Webhooks</c>).</summary>
internal sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Attempts of one batch before it becomes a dead letter. Default 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay after the first failed attempt; it doubles with each further one. Default 2 s.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The longest delay between attempts. Default 15 min.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one POST may take (connect, send, answer). Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often the worker looks for due subscriptions when no new change woke it. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>At most this many changes per POST. Default 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Whether targets on loopback addresses (127.0.0.0/8, ::1, <c>localhost</c>) are allowed: off by default, so a
    /// subscription cannot make the API call services of its own host; tests and single-machine setups turn it on.
    /// Link-local (cloud metadata), unspecified and multicast addresses are never allowed.
    /// </summary>
    public bool AllowLoopback { get; set; }

    /// <summary>Whether this process runs the delivery worker. Default true.</summary>
    public bool DeliveryEnabled { get; set; } = true;
}
