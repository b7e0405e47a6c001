using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Fabric;

/// <summary>Registers the ledger, the peer probe and the block feed for the resolved connection.</summary>
internal static class FabricServices
{
    public static void Add(IServiceCollection services)
    {
        services.AddSingleton<IPeerProbe>(sp =>
        {
            var connection = sp.GetRequiredService<FabricConnectionHolder>().Connection;
            return connection is null
                ? new UnconfiguredLedger()
                : new TlsPeerProbe(connection, sp.GetRequiredService<IOptions<FabricOptions>>().Value.ConnectTimeout);
        });
        services.AddSingleton(sp =>
        {
            var connection = sp.GetRequiredService<FabricConnectionHolder>().Connection;
            return new LedgerHolder(connection is null ? null : new FabricLedger(connection, sp.GetRequiredService<IOptions<FabricOptions>>().Value));
        });
        services.AddSingleton<ILedger>(sp => (ILedger?)sp.GetRequiredService<LedgerHolder>().Fabric ?? new UnconfiguredLedger());
        services.AddSingleton<IBlockFeed>(sp => (IBlockFeed?)sp.GetRequiredService<LedgerHolder>().Fabric ?? new Internal.NoBlockFeed());
    }
}

/// <summary>Owns the Fabric connection (null when none is configured) and closes it with the host.</summary>
internal sealed class LedgerHolder(FabricLedger? fabric) : IDisposable
{
    public FabricLedger? Fabric { get; } = fabric;

    public void Dispose() => Fabric?.Dispose();
}
