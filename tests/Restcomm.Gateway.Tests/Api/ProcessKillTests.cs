using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Restcomm.Gateway.Store;
using StoreLocation = Restcomm.Gateway.Store.StoreLocation;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>The API as a real process, killed with SIGKILL while it projects chaincode events.</summary>
public sealed class ProcessKillTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private static readonly Stopwatch Watch = Stopwatch.StartNew();
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-api-kill-").FullName;

    [Fact]
    public async Task Killing_the_api_process_mid_projection_and_restarting_it_loses_and_duplicates_nothing()
    {
        const int blocks = 300;
        await using var gateway = await EventGatewayServer.StartAsync(blocks, TimeSpan.FromMilliseconds(5));
        var (cert, key) = WriteIdentity();

        using (var first = StartApi(gateway.Endpoint, cert, key))
        {
            await WaitUntilAsync(async () => await CountAsync() >= 1, first);
            output.WriteLine($"first event at {Watch.Elapsed}");
            await WaitUntilAsync(async () => await CountAsync() >= 60, first);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync().WaitAsync(Timeout);
        }

        var afterKill = await CountAsync();
        output.WriteLine($"killed after {afterKill} events at {Watch.Elapsed}");
        Assert.InRange(afterKill, 60, blocks - 1);

        using var second = StartApi(gateway.Endpoint, cert, key);
        try
        {
            await WaitUntilAsync(async () => await CountAsync() >= blocks, second);
            output.WriteLine($"caught up at {Watch.Elapsed}");
            await Task.Delay(300); // anything repeated would land now
            var recorded = await ReadAllAsync();
            Assert.Equal(Enumerable.Range(1, blocks).Select(EventGatewayServer.TransactionId), recorded);
        }
        finally
        {
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync().WaitAsync(Timeout);
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private Process StartApi(string endpoint, string cert, string key)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Restcomm.Gateway.Api.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            dll, "--urls", "http://127.0.0.1:0",
            "--Gateway:MspId", "Org1MSP", "--Gateway:DataDirectory", _directory, "--Gateway:LogFormat", "text",
            "--Fabric:NetworkFile", "", "--Fabric:GatewayEndpoint", endpoint,
            "--Fabric:ClientCertFile", cert, "--Fabric:ClientKeyFile", key,
            "--Fabric:Channels:0:Name", "eir", "--Fabric:Channels:0:Chaincodes:0", "eir",
        })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task<long> CountAsync()
    {
        if (!File.Exists(Path.Combine(_directory, StoreLocation.DefaultFileName)))
        {
            return 0;
        }

        await using var store = await GatewayStore.OpenAsync(StoreLocation.Parse(null, _directory), CancellationToken.None).WaitAsync(Timeout);
        return await store.LedgerEvents.CountAsync("eir", "eir", CancellationToken.None).WaitAsync(Timeout);
    }

    private async Task<List<string>> ReadAllAsync()
    {
        await using var store = await GatewayStore.OpenAsync(StoreLocation.Parse(null, _directory), CancellationToken.None).WaitAsync(Timeout);
        var page = await store.LedgerEvents.ListAsync("eir", 0, 1000, CancellationToken.None).WaitAsync(Timeout);
        return page.Items.Select(e => e.Event.TransactionId).ToList();
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Process process)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.False(process.HasExited, $"The API exited with code {(process.HasExited ? process.ExitCode : 0)}.");
            Assert.True(deadline.Elapsed < Timeout, "The API did not project the events in time.");
            await Task.Delay(20);
        }
    }

    private (string Cert, string Key) WriteIdentity()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=User1@org1.example.com", ecdsa, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var cert = Path.Combine(_directory, "cert.pem");
        var key = Path.Combine(_directory, "priv_sk");
        File.WriteAllText(cert, certificate.ExportCertificatePem());
        File.WriteAllText(key, ecdsa.ExportPkcs8PrivateKeyPem());
        return (cert, key);
    }
}
