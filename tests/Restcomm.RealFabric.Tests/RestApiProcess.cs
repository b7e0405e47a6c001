using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// One operator's REST API host as <c>make run</c> starts it, a process of its own in front of the real Fabric network
/// (<c>.run/network.json</c>), with its store in a temporary folder and an API key made with the <c>restcomm</c> CLI.
/// </summary>
internal sealed class RestApiProcess : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private static readonly Lazy<Task<(string Api, string Cli)>> Builds = new(BuildAllAsync);

    private readonly Process _process;
    private readonly string _data;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _output = new();

    private RestApiProcess(Process process, string data, int port, string key)
    {
        _process = process;
        _data = data;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
        Key = key;
    }

    public Uri BaseAddress { get; }

    /// <summary>An API key of the organisation with the scopes asked for (every scope by default).</summary>
    public string Key { get; }

    /// <summary>The <c>restcomm</c> CLI's assembly, built once per run (run it with <c>dotnet</c>).</summary>
    public static async Task<string> CliAsync() => (await Builds.Value).Cli;

    /// <summary>Builds the API and the CLI (once per run), makes a key and starts the API of <paramref name="mspId"/>.</summary>
    public static async Task<RestApiProcess> StartAsync(string mspId, string scopes = "all")
    {
        var (api, cli) = await Builds.Value;
        var data = Directory.CreateTempSubdirectory("restcomm-api-fabric-").FullName;
        var store = Path.Combine(data, "gateway.db");
        var key = await Repository.RunAsync("dotnet", [cli, "keys", "create", "--org", mspId, "--scopes", scopes, "--name", "real-fabric", "--store", store], Timeout);
        Assert.True(key.ExitCode == 0, key.ToString());
        var token = key.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = data,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(api);
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["Gateway__MspId"] = mspId;
        start.Environment["Gateway__DataDirectory"] = data;
        start.Environment["Fabric__NetworkFile"] = Repository.NetworkJson;
        var process = Process.Start(start)!;
        var started = new RestApiProcess(process, data, port, token);
        process.OutputDataReceived += (_, line) => started.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await started.WaitUntilHealthyAsync();
            return started;
        }
        catch
        {
            await started.DisposeAsync();
            throw;
        }
    }

    /// <summary>The last lines the API wrote (standard output and error), for a failing test's message.</summary>
    public string OutputTail(int lines = 40) => string.Join('\n', _output.TakeLast(lines));

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 400)
        {
            _output.TryDequeue(out _);
        }
    }

    /// <summary>An HTTP client to this API carrying <see cref="Key"/>.</summary>
    public HttpClient Client()
    {
        var http = new HttpClient { BaseAddress = BaseAddress, Timeout = Timeout };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return http;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        Directory.Delete(_data, recursive: true);
    }

    private static async Task<(string Api, string Cli)> BuildAllAsync()
        => (await BuildAsync("gateway/Restcomm.Gateway.Api", "Restcomm.Gateway.Api.dll"), await BuildAsync("gateway/Restcomm.Cli", "restcomm.dll"));

    private static async Task<string> BuildAsync(string project, string dll)
    {
        var build = await Repository.RunAsync("dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "quiet"], TimeSpan.FromMinutes(10));
        Assert.True(build.ExitCode == 0, build.ToString());
        return Path.Combine(Repository.Root, project, "bin", "Release", "net10.0", dll);
    }

    private async Task WaitUntilHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseAddress };
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            Assert.False(_process.HasExited, "the REST API exited with code " + (_process.HasExited ? _process.ExitCode : 0));
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Several organisations' REST APIs (<see cref="RestApiProcess"/>), started together and stopped together.</summary>
internal sealed class RestApiProcesses : IAsyncDisposable
{
    private readonly RestApiProcess[] _apis;

    private RestApiProcesses(RestApiProcess[] apis) => _apis = apis;

    /// <summary>The API of the <paramref name="index"/>th organisation asked for.</summary>
    public RestApiProcess this[int index] => _apis[index];

    /// <summary>Starts the APIs of <paramref name="mspIds"/> at once; when one fails, the others are stopped again.</summary>
    public static async Task<RestApiProcesses> StartAsync(params string[] mspIds)
    {
        var starts = mspIds.Select(id => RestApiProcess.StartAsync(id)).ToArray();
        try
        {
            return new RestApiProcesses(await Task.WhenAll(starts));
        }
        catch
        {
            foreach (var start in starts.Where(s => s.IsCompletedSuccessfully))
            {
                await start.Result.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var api in _apis)
        {
            await api.DisposeAsync();
        }
    }
}
