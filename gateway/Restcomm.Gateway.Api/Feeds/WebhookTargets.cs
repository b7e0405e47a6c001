using System.Net;
using System.Net.Sockets;

namespace Restcomm.Gateway.Api.Feeds;

/// <summary>Which URLs and addresses a webhook may reach.</summary>
internal static class WebhookTargets
{
    public const int MaxUrlLength = 2048;

    /// <summary>Checks a target URL; returns why it is refused, or null.</summary>
    public static string? Validate(string? url, bool allowLoopback, out Uri? target)
    {
        target = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"url must be an absolute http or https URL of at most {MaxUrlLength} characters.";
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            return "url must use http or https.";
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0 || uri.Host.Length == 0)
        {
            return "url must have a host and no user information or fragment.";
        }

        if (uri.IsLoopback && !allowLoopback)
        {
            return "url points at this host (loopback); this API is not configured to allow that (Webhooks:AllowLoopback).";
        }

        if (IPAddress.TryParse(uri.DnsSafeHost, out var address) && !IsAllowed(address, allowLoopback))
        {
            return "url points at an address webhooks may not reach (loopback, link-local, unspecified or multicast).";
        }

        target = uri;
        return null;
    }

    /// <summary>Whether a connection to <paramref name="address"/> is allowed.</summary>
    public static bool IsAllowed(IPAddress address, bool allowLoopback)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return allowLoopback;
        }

        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6Multicast)
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return !(bytes[0] == 169 && bytes[1] == 254) && bytes[0] < 224 && bytes[0] != 0;
        }

        return true;
    }

    /// <summary>
    /// Connects only to allowed addresses of the target host, checked after name resolution, so a name that resolves to
    /// this host or to a metadata service is refused however it is spelt.
    /// </summary>
    public static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, bool allowLoopback, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => IsAllowed(a, allowLoopback)).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException($"{host} resolves to no address webhooks may reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
