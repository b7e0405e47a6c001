using Microsoft.Extensions.DependencyInjection.Extensions;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Api.Numbers;

/// <summary>Registers the numbers read path and the port activator.</summary>
public static class NumbersServiceCollectionExtensions
{
    /// <summary>
    /// Adds the in-memory <see cref="NumberIndex"/>, the <see cref="NumbersProjection"/> (one of the projection engine's
    /// projections), the ledger client, the read model and the background activator of due incoming ports.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section <c>Numbers</c> binds <see cref="NumbersOptions"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddNumbers(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NumbersOptions>().Bind(configuration.GetSection(NumbersOptions.Section));
        services.TryAddSingleton(sp => new NumberIndex(sp.GetService<TimeProvider>()));
        services.TryAddSingleton<NumbersProjection>();
        services.TryAddSingleton<NumbersLedgerClient>();
        services.TryAddSingleton<NumbersReadModel>();
        services.AddSingleton<IProjection>(sp => sp.GetRequiredService<NumbersProjection>());
        services.AddSingleton<PortActivator>();
        services.AddHostedService(sp => sp.GetRequiredService<PortActivator>());
        return services;
    }
}
