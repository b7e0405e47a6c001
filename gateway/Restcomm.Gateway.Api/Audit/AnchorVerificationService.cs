using Microsoft.Extensions.Options;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// Verifies each new anchor of a source this API reads once its range is applied here (the regulator's API does it by
/// default), so the dashboard shows every anchor's status without anyone asking.
/// </summary>
internal sealed partial class AnchorVerificationService(
    AuditReadModel readModel,
    AnchorVerifier verifier,
    IOptions<AuditOptions> options,
    IOptions<GatewayOptions> gateway,
    TimeProvider clock,
    ILogger<AnchorVerificationService> logger) : BackgroundService
{
    public bool Enabled => options.Value.VerifyAnchors ?? gateway.Value.IsReadOnly(gateway.Value.MspId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            return;
        }

        await Task.Yield();
        var skipped = new HashSet<string>(StringComparer.Ordinal);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var anchor in await readModel.UnverifiedAsync(100 + skipped.Count, stoppingToken).ConfigureAwait(false))
                {
                    if (skipped.Contains(anchor.Id) || verifier.SourceOf(anchor) is null)
                    {
                        skipped.Add(anchor.Id);
                        continue;
                    }

                    AnchorVerification result;
                    try
                    {
                        result = await verifier.VerifyAsync(anchor, stoppingToken).ConfigureAwait(false);
                    }
                    catch (AnchorNotVerifiableException)
                    {
                        // Not applied here yet: the next round takes it.
                        continue;
                    }

                    if (!result.Verified)
                    {
                        LogFailed(logger, anchor.Id, result.Summary);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The source may not be readable yet (peer away): try again at the next poll.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogRoundFailed(logger, ex.GetType().Name, ex.Message);
            }

            await Task.Delay(options.Value.PollInterval, clock, stoppingToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 7311, Level = LogLevel.Warning, Message = "Anchor {AnchorId} does not verify: {Summary}")]
    private static partial void LogFailed(ILogger logger, string anchorId, string summary);

    [LoggerMessage(EventId = 7312, Level = LogLevel.Information, Message = "A verification round failed ({Type}): {Reason}")]
    private static partial void LogRoundFailed(ILogger logger, string type, string reason);
}
