global using Microsoft.Extensions.DependencyInjection;
global using Restcomm.Tests.Shared;

namespace Restcomm.Roaming.Scenario;

internal static class RestBodies
{
    /// <summary>The operators' APIs read roaming bodies with the roaming domain's own JSON (enum names and all).</summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void UseRoamingJson() => Rest.BodyOptions = Restcomm.Roaming.RoamingJson.Options;
}
