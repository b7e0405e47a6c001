using Microsoft.Extensions.Options;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Fabric;

/// <summary>Registers the ledger, the peer probe and the event feed for the resolved connection.</summary>
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
        services.AddSingleton<ILedger, UnconfiguredLedger>();
        services.AddSingleton<IChaincodeEventFeed, Internal.NoEventFeed>();
    }
}
