using Microsoft.Extensions.DependencyInjection.Extensions;
using Restcomm.Eir;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>Registers the EIR read path: the in-memory index and the projection that keeps it and the store current.</summary>
public static class EirServiceCollectionExtensions
{
    /// <summary>
    /// Adds the in-memory <see cref="ImeiIndex"/> and the <see cref="EirProjection"/>, one of the projection engine's
    /// projections. The host also registers an <see cref="IEirLedgerClient"/> (e.g. <see cref="FabricEirLedgerClient"/>).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddEir(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ImeiIndex(sp.GetService<TimeProvider>()));
        services.TryAddSingleton<EirProjection>();
        services.TryAddSingleton<EirEntryQueries>();
        services.AddSingleton<IProjection>(sp => sp.GetRequiredService<EirProjection>());
        return services;
    }
}
