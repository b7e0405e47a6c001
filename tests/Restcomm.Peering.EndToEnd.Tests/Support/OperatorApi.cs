using Restcomm.Gateway.Api.Peering;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Peering.EndToEnd.Tests.Support;

/// <summary>One operator's real REST API host (see <see cref="GatewayApiHost{TEntryPoint}"/>), every wait bounded by <see cref="PeeringNetwork.Timeout"/>.</summary>
internal sealed class OperatorApi : GatewayApiHost<PeeringOptions>
{
    private static readonly GatewayApiOptions Options = new()
    {
        KeyName = "peering-e2e",
        StartTimeout = PeeringNetwork.Timeout,
        StoreTimeout = PeeringNetwork.Timeout,
        RequestTimeout = PeeringNetwork.Timeout,
    };

    private OperatorApi(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings)
        : base(mspId, dataDirectory, networkJson, settings, Options)
    {
    }

    /// <summary>Starts the API of <paramref name="mspId"/>; <paramref name="settings"/> adds configuration, e.g.
    /// <c>Fabric:ClientCertFile</c> to act as another user than the network file's.</summary>
    public static Task<OperatorApi> StartAsync(
        string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string>? settings = null)
        => StartServerAsync(new OperatorApi(mspId, dataDirectory, networkJson, settings ?? new Dictionary<string, string>()));
}
