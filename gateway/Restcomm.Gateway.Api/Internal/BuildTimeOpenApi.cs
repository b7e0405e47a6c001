using System.Reflection;

namespace Restcomm.Gateway.Api.Internal;

/// <summary>
/// The build writes the OpenAPI document by running this host under Microsoft.Extensions.ApiDescription.Server's
/// tool (<c>GetDocument.Insider</c>), which starts it without a server. That run must leave nothing in the source
/// tree and dial nothing: its store goes to a scratch directory and it follows no network.
/// </summary>
internal static class BuildTimeOpenApi
{
    /// <summary>True while the build-time document generator runs the host.</summary>
    public static bool IsRunning { get; } =
        string.Equals(Assembly.GetEntryAssembly()?.GetName().Name, "GetDocument.Insider", StringComparison.Ordinal);

    public static void Configure(WebApplicationBuilder builder)
    {
        if (!IsRunning)
        {
            return;
        }

        // A fresh store per run: a store left by another checkout's build may hold other migrations.
        var parent = Path.Combine(Path.GetTempPath(), "restcomm-openapi-build");
        RemoveEarlierRuns(parent);
        var scratch = Path.Combine(parent, $"{Environment.ProcessId}-{Guid.NewGuid():N}");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gateway:DataDirectory"] = scratch,
            ["Gateway:Store"] = "",
            ["Fabric:NetworkFile"] = Path.Combine(scratch, "no-network.json"),
            ["Fabric:GatewayEndpoint"] = "",
            ["Logging:LogLevel:Default"] = "Warning",
        });
    }

    private static void RemoveEarlierRuns(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFileSystemEntries(parent))
        {
            try
            {
                // Only runs that are surely over: another build may be generating its document right now.
                if (File.GetLastWriteTimeUtc(entry) < DateTime.UtcNow.AddHours(-1))
                {
                    if (Directory.Exists(entry))
                    {
                        Directory.Delete(entry, recursive: true);
                    }
                    else
                    {
                        File.Delete(entry);
                    }
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
