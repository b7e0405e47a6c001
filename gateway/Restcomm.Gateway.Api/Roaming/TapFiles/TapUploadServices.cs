using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Ingestion;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Api.Roaming.TapFiles;

/// <summary>Registers TAP uploads: options, the ingestion ledger over the organisation's one gateway connection, the service.</summary>
internal static class TapUploadServices
{
    public static IServiceCollection AddTapUploads(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TapUploadOptions>().Bind(configuration.GetSection(TapUploadOptions.Section));
        services.AddSingleton<IUsageBatchLedger>(sp =>
        {
            var mspId = sp.GetRequiredService<IOptions<GatewayOptions>>().Value.MspId;
            return sp.GetRequiredService<LedgerHolder>().Fabric is { } fabric
                ? new DeferredUsageBatchLedger(mspId, () => new FabricUsageBatchLedger(
                    fabric.GetContract(sp.GetRequiredService<IOptions<RoamingOptions>>().Value.Channel, RoamingLedgerClient.Chaincode), mspId))
                : new UnconfiguredUsageBatchLedger(mspId);
        });
        services.AddSingleton<TapUploadService>();
        services.AddHostedService(sp => sp.GetRequiredService<TapUploadService>());
        return services;
    }

    /// <summary>Opens the gateway connection at the first ledger call, not when the service starts (as every ledger use does).</summary>
    private sealed class DeferredUsageBatchLedger(string mspId, Func<IUsageBatchLedger> open) : IUsageBatchLedger
    {
        private readonly Lazy<IUsageBatchLedger> _ledger = new(open, LazyThreadSafetyMode.ExecutionAndPublication);

        public string MspId => mspId;

        public Task<AgreementState> GetAgreementAsync(string agreementId, CancellationToken cancellationToken)
            => _ledger.Value.GetAgreementAsync(agreementId, cancellationToken);

        public Task<FileSequenceReport> GetFileSequenceReportAsync(string senderTadig, string recipientTadig, CancellationToken cancellationToken)
            => _ledger.Value.GetFileSequenceReportAsync(senderTadig, recipientTadig, cancellationToken);

        public Task<IEndorsedUsageBatch> EndorseAsync(UsageBatchHeader header, ReadOnlyMemory<byte> payload, IReadOnlyList<string> endorsingOrganizations, CancellationToken cancellationToken)
            => _ledger.Value.EndorseAsync(header, payload, endorsingOrganizations, cancellationToken);
    }

    /// <summary>Without a Fabric connection an upload is kept and fails with the reason when its turn comes.</summary>
    private sealed class UnconfiguredUsageBatchLedger(string mspId) : IUsageBatchLedger
    {
        public string MspId => mspId;

        public Task<AgreementState> GetAgreementAsync(string agreementId, CancellationToken cancellationToken) => throw Unconfigured();

        public Task<FileSequenceReport> GetFileSequenceReportAsync(string senderTadig, string recipientTadig, CancellationToken cancellationToken) => throw Unconfigured();

        public Task<IEndorsedUsageBatch> EndorseAsync(UsageBatchHeader header, ReadOnlyMemory<byte> payload, IReadOnlyList<string> endorsingOrganizations, CancellationToken cancellationToken)
            => throw Unconfigured();

        private static UsageLedgerException Unconfigured() => new(UnconfiguredLedger.Message, isTransient: false);
    }
}
