using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace Restcomm.Audit.EndToEnd.Tests.Support;

/// <summary>
/// An organisation's REST API as the real process <c>make run</c> starts (<c>dotnet Restcomm.Gateway.Api.dll</c> with its
/// settings on the command line), on a free 127.0.0.1 port; <see cref="KillAsync"/> ends it with SIGKILL, so nothing of
/// its shutdown runs. Its output is kept for a failing test's output.
/// </summary>
internal sealed partial class ApiProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly Process _process;

    private ApiProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    /// <summary>Which life of the API this is, for messages.</summary>
    public string Name { get; }

    /// <summary>http://127.0.0.1:port of the running API.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Starts the API of <paramref name="mspId"/> on <paramref name="store"/> and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<ApiProcess> StartAsync(
        string name, string mspId, string dataDirectory, string store, string networkJson, IReadOnlyDictionary<string, string> settings)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
                 {
                     Path.Combine(AppContext.BaseDirectory, "Restcomm.Gateway.Api.dll"), "--urls", "http://127.0.0.1:0",
                     "--Gateway:MspId", mspId, "--Gateway:DataDirectory", dataDirectory, "--Gateway:LogFormat", "text",
                     "--Gateway:Store", store, "--Fabric:NetworkFile", networkJson, "--Webhooks:AllowLoopback", "true",
                 }.Concat(settings.SelectMany(s => new[] { $"--{s.Key}", s.Value })))
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        var api = new ApiProcess(Process.Start(start)!, name);
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        api._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            api.Output.Enqueue(e.Data);
            if (ListeningOn().Match(e.Data) is { Success: true } match)
            {
                address.TrySetResult(new Uri(match.Groups[1].Value));
            }
        };
        api._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                api.Output.Enqueue(e.Data);
            }
        };
        api._process.BeginOutputReadLine();
        api._process.BeginErrorReadLine();
        try
        {
            api.BaseAddress = await address.Task.WaitAsync(StartTimeout);
            using var probe = new HttpClient { BaseAddress = api.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            var deadline = Stopwatch.StartNew();
            while (!await ReadyAsync(probe))
            {
                Assert.False(api.HasExited, $"API '{name}' exited with code {(api.HasExited ? api._process.ExitCode : 0)}.");
                Assert.True(deadline.Elapsed < StartTimeout, $"API '{name}' was not ready in time.");
                await Task.Delay(50);
            }

            return api;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    /// <summary>A plain HTTP client to this API, authenticated with <paramref name="apiKey"/>.</summary>
    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = AuditNetwork.RequestTimeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    /// <summary>SIGKILL (<see cref="Process.Kill(bool)"/> on Linux), then waits for the process to be gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync().WaitAsync(StartTimeout);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static async Task<bool> ReadyAsync(HttpClient probe)
    {
        try
        {
            using var response = await probe.GetAsync(new Uri("/readyz", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningOn();
}
