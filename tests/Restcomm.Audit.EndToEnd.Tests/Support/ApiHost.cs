using Restcomm.Gateway.Store;
using Restcomm.Tests.Shared.EndToEnd;

namespace Restcomm.Audit.EndToEnd.Tests.Support;

/// <summary>
/// One organisation's real REST API host (see <see cref="GatewayApiHost{TEntryPoint}"/>), its start and its HTTP calls
/// bounded by <see cref="AuditNetwork.RequestTimeout"/>, its key creation by <see cref="AuditNetwork.Timeout"/>. Its log
/// lines, each with the time it was written, are kept for a failing test's output. (The host is found through one of
/// its public types: <c>Program</c> is ambiguous here, the chaincode hosts referenced have one each.)
/// </summary>
internal sealed class ApiHost : GatewayApiHost<Restcomm.Gateway.Api.Audit.AuditOptions>
{
    private static readonly GatewayApiOptions Options = new()
    {
        KeyName = "audit-e2e",
        // Several hosts start at once, each with every application's services: a loaded machine needs the longer bound.
        StartTimeout = AuditNetwork.RequestTimeout,
        StoreTimeout = AuditNetwork.Timeout,
        RequestTimeout = AuditNetwork.RequestTimeout,
        TimestampLogLines = true,
    };

    private ApiHost(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings)
        : base(mspId, dataDirectory, networkJson, settings, Options)
    {
    }

    public GatewayStore Store => Services.GetRequiredService<GatewayStore>();

    public static Task<ApiHost> StartAsync(string mspId, string dataDirectory, string networkJson, IReadOnlyDictionary<string, string> settings)
        => StartServerAsync(new ApiHost(mspId, dataDirectory, networkJson, settings));
}
