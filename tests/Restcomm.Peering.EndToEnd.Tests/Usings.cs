global using Microsoft.Extensions.DependencyInjection;
global using Restcomm.Tests.Shared;

namespace Restcomm.Peering.EndToEnd.Tests.Support;

internal static class RestBodies
{
    /// <summary>The operators' APIs read peering bodies with the peering domain's own JSON (enum names and all).</summary>
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void UsePeeringJson() => Rest.BodyOptions = Restcomm.Peering.PeeringJson.Options;
}
