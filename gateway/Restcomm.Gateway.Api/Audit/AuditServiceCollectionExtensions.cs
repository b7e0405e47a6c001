using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>Registers the audit read model, anchoring and verification.</summary>
public static class AuditServiceCollectionExtensions
{
    /// <summary>
    /// Adds the audit projections (anchors; daily figures of the anchored applications), the anchoring service (operators),
    /// the verifier and the background verification (read-only organisations).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section <c>Audit</c> binds <see cref="AuditOptions"/>.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddAudit(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section));
        services.AddSingleton<IProjection, AuditProjection>();
        services.AddSingleton<IProjection, AuditStatisticsProjection>();
        services.AddSingleton<AuditReadModel>();
        services.AddSingleton<AnchorVerifier>();
        services.AddSingleton<AnchoringService>();
        services.AddHostedService(sp => sp.GetRequiredService<AnchoringService>());
        services.AddSingleton<AnchorVerificationService>();
        services.AddHostedService(sp => sp.GetRequiredService<AnchorVerificationService>());
        services.AddSingleton<DisclosureFetchService>();
        services.AddHostedService(sp => sp.GetRequiredService<DisclosureFetchService>());
        services.AddHostedService<DashboardWarmup>();
        return services;
    }
}
