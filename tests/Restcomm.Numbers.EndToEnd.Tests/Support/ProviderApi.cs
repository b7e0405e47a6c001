using System.Globalization;
using Restcomm.Gateway.Api.Numbers;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Numbers.EndToEnd.Tests.Support;

/// <summary>
/// One provider's real REST API host (see <see cref="GatewayApiHost{TEntryPoint}"/>), every wait bounded by
/// <see cref="NumbersNetwork.Timeout"/>, its port activator looking for due ports every
/// <see cref="NumbersNetwork.ActivationInterval"/>. Its log lines are not kept.
/// </summary>
internal sealed class ProviderApi : GatewayApiHost<NumbersProjection>
{
    private static readonly GatewayApiOptions Options = new()
    {
        KeyName = "numbers-e2e",
        StartTimeout = NumbersNetwork.Timeout,
        StoreTimeout = NumbersNetwork.Timeout,
        RequestTimeout = NumbersNetwork.Timeout,
        CaptureLogs = false,
    };

    private ProviderApi(string mspId, string dataDirectory, string networkJson)
        : base(mspId, dataDirectory, networkJson, new Dictionary<string, string>
        {
            ["Numbers:PortActivationInterval"] = NumbersNetwork.ActivationInterval.ToString("c", CultureInfo.InvariantCulture),
        }, Options)
    {
    }

    public static Task<ProviderApi> StartAsync(string mspId, string dataDirectory, string networkJson)
        => StartServerAsync(new ProviderApi(mspId, dataDirectory, networkJson));

    /// <summary>Waits until this API's index reflects every block below <paramref name="blockHeight"/>.</summary>
    public Task CaughtUpAsync(long blockHeight)
        => Services.GetRequiredService<NumbersProjection>().WaitForHeightAsync(blockHeight, CancellationToken.None).WaitAsync(NumbersNetwork.Timeout);
}
