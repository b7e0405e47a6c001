using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Api.Internal;

namespace Restcomm.Gateway.Api.Roaming;

/// <summary>
/// The consortium channel one request acts on: the <c>channel</c> query parameter of a <c>/v1/roaming</c> or
/// <c>/v1/settlement</c> request, else the configured <see cref="RoamingOptions.Channel"/>. Scoped to the request; set
/// by <see cref="ConsortiumChannel"/>'s filter before the handler runs.
/// </summary>
internal sealed class RoamingConsortium(IOptions<RoamingOptions> roaming)
{
    private string? _named;

    /// <summary>The channel the request acts on.</summary>
    public string Channel => _named ?? roaming.Value.Channel;

    /// <summary>Whether the request named another channel than the configured one.</summary>
    public bool IsDefault => _named is null || _named == roaming.Value.Channel;

    internal void Use(string channel) => _named = channel;
}

/// <summary>Marks an endpoint that takes the <c>channel</c> query parameter (the OpenAPI document lists it).</summary>
/// <param name="DefaultOnly">The endpoint acts on the configured consortium only (TAP file uploads), and refuses another.</param>
internal sealed record ConsortiumChannelMetadata(bool DefaultOnly);

/// <summary>
/// How a request names its consortium: <c>?channel=roaming-apac</c> on any <c>/v1/roaming</c> or <c>/v1/settlement</c>
/// route. Without it the configured <c>Roaming:Channel</c> (default <c>roaming-emea</c>) is used, so existing clients are
/// unchanged. A channel this organisation is not a member of (per the network file) is refused with 404
/// <c>unknown-consortium</c> before anything reaches the ledger; the ledger would refuse it too (the channel's Readers
/// policy), but a member of one consortium learns nothing of another's state this way either.
/// </summary>
internal static class ConsortiumChannel
{
    /// <summary>The query parameter.</summary>
    public const string QueryName = "channel";

    /// <summary>The prefix every consortium channel has.</summary>
    public const string Prefix = RoamingProjection.ChannelPrefix;

    /// <summary>Adds the <c>channel</c> parameter to every endpoint of <paramref name="group"/>.</summary>
    public static RouteGroupBuilder WithConsortiumChannel(this RouteGroupBuilder group)
    {
        group.WithMetadata(new ConsortiumChannelMetadata(DefaultOnly: false));
        group.AddEndpointFilter(ChooseAsync);
        return group;
    }

    /// <summary>Marks one endpoint as acting on the configured consortium only.</summary>
    public static RouteHandlerBuilder OnDefaultConsortiumOnly(this RouteHandlerBuilder endpoint)
        => endpoint.WithMetadata(new ConsortiumChannelMetadata(DefaultOnly: true));

    /// <summary>The consortium channels this organisation is a member of, as the network file lists them, and the configured one.</summary>
    public static IReadOnlyList<string> ChannelsOf(FabricConnection? connection, string configured)
    {
        var channels = connection?.Channels.Select(c => c.Name).Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)).ToList() ?? [];
        if (!channels.Contains(configured))
        {
            channels.Insert(0, configured);
        }

        return channels;
    }

    private static async ValueTask<object?> ChooseAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var named = http.Request.Query[QueryName];
        if (named.Count == 0 || string.IsNullOrEmpty(named[0]))
        {
            return await next(context).ConfigureAwait(false);
        }

        var channel = named[0]!;
        var services = http.RequestServices;
        var configured = services.GetRequiredService<IOptions<RoamingOptions>>().Value.Channel;
        var mspId = services.GetRequiredService<IOptions<GatewayOptions>>().Value.MspId;
        var own = ChannelsOf(services.GetRequiredService<FabricConnectionHolder>().Connection, configured);
        if (named.Count > 1 || !own.Contains(channel))
        {
            return Problems.Result(ProblemTypes.UnknownConsortium,
                $"{mspId} is not a member of a consortium channel '{channel}'; its consortium channels are {string.Join(", ", own)} (default {configured}).");
        }

        var endpoint = http.GetEndpoint()?.Metadata.GetOrderedMetadata<ConsortiumChannelMetadata>();
        if (channel != configured && endpoint?.LastOrDefault() is { DefaultOnly: true })
        {
            return Problems.Result(ProblemTypes.ValidationFailed,
                $"This operation acts on the configured consortium only ({configured}); leave out '{QueryName}' or name {configured}.");
        }

        services.GetRequiredService<RoamingConsortium>().Use(channel);
        return await next(context).ConfigureAwait(false);
    }
}
