using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>
/// The API as a process that cannot start: it says why on one line of stderr and exits 1, rather than aborting with an
/// unhandled exception (which <c>make run</c> reported as "Aborted").
/// </summary>
public sealed class ApiStartupTests : IDisposable
{
    private static readonly TimeSpan ProcessTimeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-api-start-").FullName;

    [Fact]
    public async Task A_port_another_process_listens_on_is_named_and_the_api_exits_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var (cert, key) = ClientIdentityFiles.Write(_directory);

        var (exitCode, stderr) = await RunApiAsync($"http://127.0.0.1:{port}", "--Fabric:ClientCertFile", cert, "--Fabric:ClientKeyFile", key);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("restcomm api: cannot start: ", stderr, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", stderr, StringComparison.Ordinal);
        Assert.Contains("address already in use", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Settings_that_name_no_client_identity_are_named_and_the_api_exits_1()
    {
        var (exitCode, stderr) = await RunApiAsync("http://127.0.0.1:0");

        Assert.Equal(1, exitCode);
        Assert.Equal(
            "restcomm api: cannot start: Fabric connection for Org1MSP: ClientCertFile and ClientKeyFile are required (from the network file or Fabric:ClientCertFile/ClientKeyFile).",
            stderr.Trim());
    }

    private async Task<(int ExitCode, string Stderr)> RunApiAsync(string url, params string[] settings)
    {
        var start = ApiProcessStart.For(_directory,
        [
            "--urls", url, "--Gateway:MspId", "Org1MSP", "--Gateway:DataDirectory", _directory,
            "--Fabric:NetworkFile", "", "--Fabric:GatewayEndpoint", "127.0.0.1:1", .. settings,
        ]);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(ProcessTimeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await stdout;
        return (process.ExitCode, await stderr);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
