using Microsoft.Extensions.Options;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// A background service of the audit wing that runs one round every <see cref="AuditOptions.PollInterval"/> while it is
/// <see cref="Enabled"/>: a failed round (the store or the peer away) is logged and the next one tries again.
/// </summary>
internal abstract partial class AuditRounds(IOptions<AuditOptions> options, TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The audit options (the derived services read them here, not from their own constructor parameter).</summary>
    protected AuditOptions Settings => options.Value;

    /// <summary>The clock.</summary>
    protected TimeProvider Clock => clock;

    /// <summary>Whether this API runs the rounds at all.</summary>
    public abstract bool Enabled { get; }

    /// <summary>One round.</summary>
    /// <param name="cancellationToken">Stops the service.</param>
    /// <returns>A task.</returns>
    protected abstract Task RoundAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RoundAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed round is logged and tried again at the next poll.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, GetType().Name, ex.GetType().Name, ex.Message);
            }

            await Task.Delay(options.Value.PollInterval, clock, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 7300, Level = LogLevel.Warning, Message = "A round of {Service} failed ({Type}): {Reason}")]
    private static partial void LogRoundFailed(ILogger logger, string service, string type, string reason);
}
