using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Restcomm.Audit;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>
/// Reads the figures of each statement disclosure the audit projection recorded as pending, from this organisation's
/// own peer (a read-only organisation is a member of every disclosure collection), and keeps them in
/// <c>audit_disclosures</c> for the dashboard's statement volumes and net positions. Runs in a read-only organisation's
/// API (the regulator's) unless <see cref="AuditOptions.FetchDisclosures"/> says otherwise. A refusal (the disclosure is
/// gone, or this organisation is no member) marks the row failed with the reason; a ledger away leaves it pending.
/// </summary>
internal sealed partial class DisclosureFetchService(
    GatewayStore store,
    ILedger ledger,
    IOptions<AuditOptions> options,
    IOptions<GatewayOptions> gateway,
    TimeProvider clock,
    ILogger<DisclosureFetchService> logger) : AuditRounds(options, clock, logger)
{
    public override bool Enabled => Settings.FetchDisclosures ?? gateway.Value.IsReadOnly(gateway.Value.MspId);

    protected override Task RoundAsync(CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>Fetches the pending disclosures; how many were fetched.</summary>
    /// <param name="cancellationToken">Cancels the round.</param>
    /// <returns>The number of disclosures whose figures were stored.</returns>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        List<(string AnchorId, string Discloser)> pending;
        await using (var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
        {
            pending = (await connection.QueryAsync<(string, string)>(new CommandDefinition(
                "SELECT anchor_id, discloser FROM audit_disclosures WHERE status = 'pending' ORDER BY block_number, anchor_id, discloser LIMIT 100",
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        }

        var fetched = 0;
        foreach (var (anchorId, discloser) in pending)
        {
            StatementDisclosure disclosure;
            try
            {
                var bytes = await ledger.EvaluateAsync(
                    new LedgerCall(Settings.Channel, Settings.Chaincode, "GetDisclosure", [anchorId, discloser], EndorsingOrganisations: [gateway.Value.MspId]),
                    cancellationToken).ConfigureAwait(false);
                disclosure = JsonSerializer.Deserialize<StatementDisclosure>(bytes.Span, AuditJson.Options)
                    ?? throw new InvalidDataException($"The audit chaincode answered nothing for {discloser}'s disclosure of {anchorId}.");
            }
            catch (LedgerException ex) when (ex.Failure == LedgerFailure.Rejected)
            {
                await MarkAsync(anchorId, discloser, "failed", null, ex.Message, cancellationToken).ConfigureAwait(false);
                LogRefused(logger, anchorId, discloser, ex.Message);
                continue;
            }
            catch (LedgerException ex)
            {
                LogStopped(logger, ex.Failure.ToString(), ex.Message);
                break;
            }

            await MarkAsync(anchorId, discloser, "fetched", disclosure, null, cancellationToken).ConfigureAwait(false);
            fetched++;
        }

        return fetched;
    }

    private async Task MarkAsync(string anchorId, string discloser, string status, StatementDisclosure? d, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE audit_disclosures SET status = @Status, source_channel = @SourceChannel, agreement_id = @AgreementId, period = @Period,
                party_a = @PartyA, party_b = @PartyB, currency = @Currency, decimal_places = @DecimalPlaces, batches = @Batches,
                net_minor = @NetMinor, net_payer = @NetPayer, net_payee = @NetPayee, disclosure_json = @Json,
                attempts = attempts + 1, last_error = @Error
            WHERE anchor_id = @AnchorId AND discloser = @Discloser
            """,
            new
            {
                Status = status, d?.SourceChannel, d?.AgreementId, d?.Period, PartyA = d?.Parties[0], PartyB = d?.Parties[1], d?.Currency, d?.DecimalPlaces,
                d?.Batches, d?.NetMinor, NetPayer = d?.NetPayerMspId, NetPayee = d?.NetPayeeMspId,
                Json = d is null ? null : JsonSerializer.Serialize(d, AuditJson.Options), Error = error, AnchorId = anchorId, Discloser = discloser,
            },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 7321, Level = LogLevel.Warning, Message = "{Discloser}'s disclosure of {AnchorId} cannot be read: {Reason}")]
    private static partial void LogRefused(ILogger logger, string anchorId, string discloser, string reason);

    [LoggerMessage(EventId = 7322, Level = LogLevel.Information, Message = "A disclosure round stopped ({Type}): {Reason}")]
    private static partial void LogStopped(ILogger logger, string type, string reason);
}
