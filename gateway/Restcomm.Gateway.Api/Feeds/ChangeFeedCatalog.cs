using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Feeds;

/// <summary>An application whose change feed the API serves.</summary>
/// <param name="Name">The application: the feed's name (<see cref="Store.Projections.IChangeFeedSource.Application"/>) and its URL segment.</param>
/// <param name="ReadScope">The scope that reads it (poll, stream and webhooks).</param>
/// <param name="Tag">The OpenAPI tag of its endpoints.</param>
internal sealed record ChangeFeedApplication(string Name, string ReadScope, string Tag);

/// <summary>
/// The applications with a change feed. Adding one: its projection implements <c>IChangeFeedSource</c> with the same
/// <see cref="ChangeFeedApplication.Name"/>, and one line here gives it <c>GET /v1/{name}/changes</c>, its stream and webhooks.
/// </summary>
internal static class ChangeFeedCatalog
{
    public static IReadOnlyList<ChangeFeedApplication> All { get; } =
    [
        new("eir", ApiScopes.EirRead, "EIR"),
        new("roaming", ApiScopes.RoamingRead, "Roaming"),
        new("settlement", ApiScopes.SettlementRead, "Settlement"),
        new("numbers", ApiScopes.NumbersRead, "Numbers"),
    ];

    public static ChangeFeedApplication? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}

/// <summary>Settings of change-feed streams (section <c>ChangeFeeds</c>).</summary>
internal sealed class ChangeFeedOptions
{
    public const string Section = "ChangeFeeds";

    /// <summary>How long a stream may stay silent before a heartbeat comment is sent. Default 15 s.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often a stream looks at the store when this process wrote nothing (another process may have). Default 2 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The reconnection delay a stream tells clients (<c>retry:</c>). Default 2 s.</summary>
    public TimeSpan ClientRetry { get; set; } = TimeSpan.FromSeconds(2);
}
