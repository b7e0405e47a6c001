using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Roaming.EndToEnd.Tests.Support;

/// <summary>
/// One operator's real REST API host (see <see cref="GatewayApiHost{TEntryPoint}"/>), every wait bounded by
/// <see cref="RoamingNetwork.Timeout"/>, with its roaming read model.
/// </summary>
internal sealed class OperatorApi : GatewayApiHost<RoamingProjection>
{
    private static readonly GatewayApiOptions Options = new()
    {
        KeyName = "roaming-e2e",
        StartTimeout = RoamingNetwork.Timeout,
        StoreTimeout = RoamingNetwork.Timeout,
        RequestTimeout = RoamingNetwork.Timeout,
    };

    private OperatorApi(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings)
        : base(mspId, dataDirectory, networkJson, settings, Options)
    {
    }

    public ProjectionEngine Projections => Services.GetRequiredService<ProjectionEngine>();

    /// <summary>Starts the API of <paramref name="mspId"/>; <paramref name="settings"/> adds configuration, e.g.
    /// <c>Fabric:ClientCertFile</c> to act as another user than the network file's.</summary>
    public static Task<OperatorApi> StartAsync(
        string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string>? settings = null)
        => StartServerAsync(new OperatorApi(mspId, dataDirectory, networkJson, settings ?? new Dictionary<string, string>()));

    /// <summary>Waits until this API's roaming read model reflects every block below <paramref name="blockHeight"/>.</summary>
    public Task CaughtUpAsync(long blockHeight)
        => Projections.WaitForHeightAsync("roaming", RoamingNetwork.Channel, blockHeight, CancellationToken.None).WaitAsync(RoamingNetwork.Timeout);
}
