global using Restcomm.Tests.Shared;

namespace Restcomm.Roaming.Scenario;

/// <summary>
/// The scenarios' JSON over HTTP (tests/Shared/Rest.cs, linked beside them wherever they are compiled) writes request
/// bodies as the operators' APIs read them: with the roaming domain's own JSON (enum names and all).
/// </summary>
internal static class RestBodies
{
    [System.Runtime.CompilerServices.ModuleInitializer]
    internal static void UseRoamingJson() => Rest.BodyOptions = Restcomm.Roaming.RoamingJson.Options;
}
