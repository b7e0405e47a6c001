using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Peering;

namespace Restcomm.Gateway.Api.Peering;

/// <summary>Registers the peering services of the REST API.</summary>
internal static class PeeringServiceCollectionExtensions
{
    public static IServiceCollection AddPeering(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PeeringOptions>().Bind(configuration.GetSection(PeeringOptions.Section));
        services.AddSingleton<PeeringLedgerClient>();
        services.AddSingleton<PeeringTokens>();
        services.AddHostedService<ExpiredGrantPurger>();
        return services;
    }
}

/// <summary>
/// As a seller, purges the pair-collection copies of this organisation's grants once they have expired (the chaincode
/// refuses reads from the expiry by transaction time anyway; this removes the data from the members' peers). Every
/// <see cref="PeeringOptions.PurgeInterval"/>; failures are logged and retried on the next round.
/// </summary>
internal sealed partial class ExpiredGrantPurger(PeeringLedgerClient ledger, IOptions<PeeringOptions> options, TimeProvider clock, ILogger<ExpiredGrantPurger> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.PurgeInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await PurgeDueAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (LedgerException e)
            {
                LogRoundFailed(logger, e.Failure, e.Code);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A background round must never stop the API; the next round tries again.
                LogRoundError(logger, e);
            }
        }
    }

    /// <summary>One round: every approved grant this organisation sells whose expiry has passed.</summary>
    public async Task<int> PurgeDueAsync(CancellationToken cancellationToken)
    {
        var grants = await ledger.EvaluateAsync<IReadOnlyList<GrantState>>("ListGrants", [], cancellationToken).ConfigureAwait(false);
        var now = clock.GetUtcNow();
        var purged = 0;
        foreach (var grant in grants.Where(g => g.Seller == ledger.MspId && g.Status == GrantStatus.Approved && g.Granted is { } scope && scope.ExpiresAt <= now))
        {
            try
            {
                await ledger.SubmitAsync<GrantState>("PurgeExpiredGrant", [grant.GrantId], ledger.MspId, null, cancellationToken).ConfigureAwait(false);
                LogPurged(logger, grant.GrantId);
                purged++;
            }
            catch (LedgerException e) when (e.Failure is LedgerFailure.Rejected or LedgerFailure.NotCommitted)
            {
                // The peer's clock is behind ours (grant-in-force), or another purge won: the next round sees.
                LogRoundFailed(logger, e.Failure, e.Code);
            }
        }

        return purged;
    }

    [LoggerMessage(EventId = 3601, Level = LogLevel.Information, Message = "Purged the copy of expired grant {GrantId}")]
    private static partial void LogPurged(ILogger logger, string grantId);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Error, Message = "Purging expired grants failed; retried on the next round")]
    private static partial void LogRoundError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Warning, Message = "Purging expired grants failed: {Failure} {Code}; retried on the next round")]
    private static partial void LogRoundFailed(ILogger logger, LedgerFailure failure, string? code);
}
