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
        services.AddSingleton<IUsageBatchLedger>(sp => sp.GetRequiredService<LedgerHolder>().Fabric is { } fabric
            ? new FabricUsageBatchLedger(
                fabric.GetContract(sp.GetRequiredService<IOptions<RoamingOptions>>().Value.Channel, RoamingLedgerClient.Chaincode),
                sp.GetRequiredService<IOptions<GatewayOptions>>().Value.MspId)
            : new UnconfiguredUsageBatchLedger(sp.GetRequiredService<IOptions<GatewayOptions>>().Value.MspId));
        services.AddSingleton<TapUploadService>();
        services.AddHostedService(sp => sp.GetRequiredService<TapUploadService>());
        return services;
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
