using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Api.Numbers;

/// <summary>
/// The recipient's side of the porting timer: the ledger cannot act on its own, so each gateway submits
/// <c>ActivatePort</c> for its organisation's incoming ports once their due time has come (with or without the donor's
/// concurrence). The chaincode judges the due time by the transaction's timestamp, so an early or repeated attempt is
/// refused and changes nothing; the port stays due and is tried again on the next round.
/// </summary>
internal sealed partial class PortActivator(
    NumbersReadModel readModel,
    NumbersLedgerClient ledger,
    NumbersProjection projection,
    IOptions<NumbersOptions> options,
    IOptions<GatewayOptions> gateway,
    TimeProvider clock,
    ILogger<PortActivator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ActivateDuePorts)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.PortActivationInterval, clock, stoppingToken).ConfigureAwait(false);
                if (projection.IsLoaded)
                {
                    await ActivateDueAsync(stoppingToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Log.RoundFailed(logger, e.Message);
            }
        }
    }

    /// <summary>One round: activates every due port this organisation receives; returns how many activated.</summary>
    public async Task<int> ActivateDueAsync(CancellationToken cancellationToken)
    {
        var activated = 0;
        foreach (var portId in await readModel.DuePortsAsync(gateway.Value.MspId, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var committed = await ledger.SubmitAsync<PortRequest>("ActivatePort", portId, cancellationToken).ConfigureAwait(false);
                Log.Activated(logger, portId, committed.Result.ActivatedByTimeout, committed.BlockNumber);
                activated++;
            }
            catch (LedgerException e)
            {
                Log.NotActivated(logger, portId, e.Code, e.Message);
            }
        }

        return activated;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "Port {PortId} activated (by timeout: {ByTimeout}) in block {Block}")]
        public static partial void Activated(ILogger logger, string portId, bool byTimeout, long block);

        [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "Port {PortId} not activated: {Code} {Reason}")]
        public static partial void NotActivated(ILogger logger, string portId, string? code, string reason);

        [LoggerMessage(EventId = 7104, Level = LogLevel.Warning, Message = "Port activation round failed: {Reason}")]
        public static partial void RoundFailed(ILogger logger, string reason);
    }
}
