using System.Text.Json;
using Microsoft.Extensions.Options;
using Restcomm.Audit;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// In a read-only organisation's API (the dashboard's), answers the dashboard's query once as the API starts, so the
/// first regulator to open the page after a restart does not wait for the queries' and the serializer's first-time
/// compilation. Nothing is kept: the answer is computed again for every request.
/// </summary>
internal sealed partial class DashboardWarmup(
    AuditReadModel readModel,
    IOptions<GatewayOptions> gateway,
    TimeProvider clock,
    ILogger<DashboardWarmup> logger) : BackgroundService
{
    /// <summary>Whether this API serves the dashboard (a read-only organisation's).</summary>
    public bool Enabled => gateway.Value.IsReadOnly(gateway.Value.MspId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        await Task.Yield();
        try
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            var data = await readModel.DashboardAsync(today.AddDays(-29), today, stoppingToken).ConfigureAwait(false);
            _ = JsonSerializer.SerializeToUtf8Bytes(data, AuditJson.Options);
            LogWarmed(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed warm-up only means the first page is slower; the store's problems surface on requests.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogFailed(logger, ex.GetType().Name, ex.Message);
        }
    }

    [LoggerMessage(EventId = 7331, Level = LogLevel.Debug, Message = "The dashboard's query is warm")]
    private static partial void LogWarmed(ILogger logger);

    [LoggerMessage(EventId = 7332, Level = LogLevel.Information, Message = "Warming the dashboard's query failed ({Type}): {Reason}")]
    private static partial void LogFailed(ILogger logger, string type, string reason);
}
