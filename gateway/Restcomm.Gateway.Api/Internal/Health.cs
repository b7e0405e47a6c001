using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>Ready only when the store answers.</summary>
internal sealed class StoreHealthCheck(GatewayStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(store.Location.Describe());
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy($"{store.Location.Describe()}: {ex.Message}");
        }
    }
}

/// <summary>Ready only when the gateway peer answers a TLS handshake.</summary>
internal sealed class PeerHealthCheck(IPeerProbe probe) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var problem = await probe.ProbeAsync(cancellationToken).ConfigureAwait(false);
        return problem is null ? HealthCheckResult.Healthy("peer reachable") : HealthCheckResult.Unhealthy(problem);
    }
}

internal static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString().ToLowerInvariant(),
            checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}
