using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Eir.EndToEnd.Tests.Support;

/// <summary>
/// One operator's real REST API host (see <see cref="GatewayApiHost{TEntryPoint}"/>) with a clock the test may shift,
/// its start and its HTTP calls bounded by <see cref="EirNetwork.RequestTimeout"/>, its other waits by
/// <see cref="EirNetwork.Timeout"/>.
/// </summary>
internal sealed class OperatorApi : GatewayApiHost<EirProjection>
{
    private static readonly GatewayApiOptions Options = new()
    {
        KeyName = "eir-e2e",
        // Four hosts start at once, each with every application's services: a loaded machine needs the longer bound.
        StartTimeout = EirNetwork.RequestTimeout,
        StoreTimeout = EirNetwork.Timeout,
        RequestTimeout = EirNetwork.RequestTimeout,
    };

    private OperatorApi(string mspId, string dataDirectory, string networkJson, ShiftedClock clock, IReadOnlyDictionary<string, string> settings)
        : base(mspId, dataDirectory, networkJson, settings, Options)
    {
        Clock = clock;
    }

    public ShiftedClock Clock { get; }

    public EirProjection Projection => Services.GetRequiredService<EirProjection>();

    /// <summary>Starts the API of <paramref name="mspId"/>; <paramref name="settings"/> adds configuration, e.g.
    /// <c>Fabric:ClientCertFile</c> to act as another user than the network file's.</summary>
    public static Task<OperatorApi> StartAsync(
        string mspId, string dataDirectory, string networkJson, ShiftedClock clock, IReadOnlyDictionary<string, string>? settings = null)
        => StartServerAsync(new OperatorApi(mspId, dataDirectory, networkJson, clock, settings ?? new Dictionary<string, string>()));

    /// <summary>Waits until this API's index reflects every block below <paramref name="blockHeight"/>.</summary>
    public Task CaughtUpAsync(long blockHeight)
        => Projection.WaitForHeightAsync(blockHeight, CancellationToken.None).WaitAsync(EirNetwork.Timeout);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}
