using System.Data.Common;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Restcomm.Eir;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>Registers the EIR read path: index, read model, projection.</summary>
public static class EirServiceCollectionExtensions
{
    /// <summary>
    /// Adds the in-memory <see cref="ImeiIndex"/>, the <see cref="EirReadModel"/> over the store and the
    /// <see cref="EirProjection"/> background service. The host also registers an <see cref="IEirLedgerClient"/>
    /// (e.g. <see cref="FabricEirLedgerClient"/> over its <c>eir</c> channel).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="openConnection">Opens a connection to the gateway store.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddEir(this IServiceCollection services, Func<IServiceProvider, CancellationToken, Task<DbConnection>> openConnection)
    {
        services.TryAddSingleton(sp => new ImeiIndex(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => new EirReadModel(ct => openConnection(sp, ct)));
        services.TryAddSingleton<EirProjection>();
        services.AddHostedService(sp => sp.GetRequiredService<EirProjection>());
        return services;
    }
}
