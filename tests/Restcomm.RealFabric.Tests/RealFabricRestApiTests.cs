using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// The REST API host as a process in front of the real Fabric network: an API key made with the
/// <c>restcomm</c> CLI, a submit that commits on the peers and an evaluate that reads it back.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricRestApiTests(FabricNetworkFixture network) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _data = Directory.CreateTempSubdirectory("restcomm-api-fabric-").FullName;
    private Process? _api;

    public Task InitializeAsync() => Task.CompletedTask;

    [SkippableFact]
    public async Task Rest_api_submits_to_and_evaluates_on_the_real_peers_with_an_api_key()
    {
        network.Require();
        var api = await BuildAsync("gateway/Restcomm.Gateway.Api", "Restcomm.Gateway.Api.dll");
        var cli = await BuildAsync("gateway/Restcomm.Cli", "restcomm.dll");
        var store = Path.Combine(_data, "gateway.db");
        var key = await Repository.RunAsync("dotnet", [cli, "keys", "create", "--org", "Org1MSP", "--scopes", "all", "--name", "real-fabric", "--store", store], Timeout);
        Assert.True(key.ExitCode == 0, key.ToString());
        var token = key.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        var port = FreePort();
        _api = StartApi(api, port);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await WaitUntilHealthyAsync(http);
        var id = $"rest-{Guid.NewGuid():N}"[..17];

        var submitted = await PostAsync(http, "/v1/ledger/roaming-emea/example/submit", new { function = "CreateAsset", args = new[] { id, "AAAA1", "42" } });
        var evaluated = await PostAsync(http, "/v1/ledger/roaming-emea/example/evaluate", new { function = "ReadAsset", args = new[] { id } });

        Assert.Equal(64, submitted.GetProperty("transactionId").GetString()!.Length);
        Assert.True(submitted.GetProperty("blockNumber").GetInt64() > 0);
        using var asset = JsonDocument.Parse(evaluated.GetProperty("result").GetString()!);
        Assert.Equal(id, asset.RootElement.GetProperty("id").GetString());
        Assert.Equal("42", asset.RootElement.GetProperty("value").GetString());
    }

    private static async Task<string> BuildAsync(string project, string dll)
    {
        var build = await Repository.RunAsync("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "quiet"], TimeSpan.FromMinutes(10));
        Assert.True(build.ExitCode == 0, build.ToString());
        return Path.Combine(Repository.Root, project, "bin", "Release", "net10.0", dll);
    }

    private Process StartApi(string dll, int port)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = _data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Gateway__MspId"] = "Org1MSP";
        start.Environment["Gateway__DataDirectory"] = _data;
        start.Environment["Fabric__NetworkFile"] = Repository.NetworkJson;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private async Task WaitUntilHealthyAsync(HttpClient http)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            Assert.False(_api!.HasExited, "the REST API exited with code " + (_api.HasExited ? _api.ExitCode : 0));
            try
            {
                using var response = await http.GetAsync("/healthz").WaitAsync(TimeSpan.FromSeconds(5));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TimeoutException or TaskCanceledException)
            {
            }

            Assert.True(DateTime.UtcNow < deadline, "the REST API did not become healthy");
            await Task.Delay(250);
        }
    }

    /// <summary>POSTs JSON with a fresh Idempotency-Key (the API requires one on every POST).</summary>
    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request).WaitAsync(Timeout);
        return await ReadJsonAsync(response);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_api is { HasExited: false })
        {
            _api.Kill(entireProcessTree: true);
            await _api.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _api?.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
