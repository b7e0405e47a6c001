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
    ILogger<AnchorVerificationService> logger) : AuditRounds(options, clock, logger)
{
    private readonly HashSet<string> _skipped = new(StringComparer.Ordinal);

    public override bool Enabled => Settings.VerifyAnchors ?? gateway.Value.IsReadOnly(gateway.Value.MspId);

    protected override async Task RoundAsync(CancellationToken cancellationToken)
    {
        foreach (var anchor in await readModel.UnverifiedAsync(100 + _skipped.Count, cancellationToken).ConfigureAwait(false))
        {
            if (_skipped.Contains(anchor.Id) || verifier.SourceOf(anchor) is null)
            {
                _skipped.Add(anchor.Id);
                continue;
            }

            AnchorVerification result;
            try
            {
                result = await verifier.VerifyAsync(anchor, cancellationToken).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 7311, Level = LogLevel.Warning, Message = "Anchor {AnchorId} does not verify: {Summary}")]
    private static partial void LogFailed(ILogger logger, string anchorId, string summary);
}
