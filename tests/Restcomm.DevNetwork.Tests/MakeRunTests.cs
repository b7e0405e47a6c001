using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// <c>make run</c>'s script (<c>network/dev/run.sh</c>) as a user runs it, in a process group of its own, on free ports
/// and a run folder of its own (the test build's configuration, so it builds nothing new): it restarts an API that
/// dies, and a TERM to the whole group followed by a second signal (make forwards the one the group already got)
/// stops every process, removes network.json and exits 0, so make reports no error.
/// </summary>
public sealed partial class MakeRunTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(90);
    private readonly string _directory = Directory.CreateTempSubdirectory("restcomm-make-run-").FullName;
    private readonly BlockingCollection<string> _lines = [];
    private readonly List<string> _seen = [];
    private Process? _run;

    [Fact]
    public async Task Run_script_restarts_a_killed_api_and_a_term_to_its_process_group_stops_everything_and_exits_0()
    {
        var root = RepositoryRoot();
        var apiPorts = new[] { FreePort(), FreePort(), FreePort(), FreePort() };
        var config = Path.Combine(_directory, "devnet.json");
        File.WriteAllText(config, WithFreePorts(File.ReadAllText(Path.Combine(root, "network", "dev", "devnet.json"))));
        var runDirectory = Path.Combine(_directory, "run");

        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "bash", "network/dev/run.sh" })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["RUN_DIR"] = runDirectory;
        start.Environment["DEVNET_CONFIG"] = config;
        start.Environment["API_PORTS"] = string.Join(' ', apiPorts);
        start.Environment["CONFIGURATION"] = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        _run = Process.Start(start)!;
        _run.OutputDataReceived += (_, e) => Add(e.Data);
        _run.ErrorDataReceived += (_, e) => Add(e.Data);
        _run.BeginOutputReadLine();
        _run.BeginErrorReadLine();
        var group = _run.Id; // setsid made the script the leader of a new session and process group

        await WaitForLineAsync("ready in", StartTimeout);
        Assert.True(File.Exists(Path.Combine(runDirectory, "network.json")));
        // The fourth API is the regulator's: its dashboard is there, a write route is not.
        using (var regulator = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{apiPorts[3]}"), Timeout = TimeSpan.FromSeconds(10) })
        {
            Assert.Equal(HttpStatusCode.OK, (await regulator.GetAsync("/dashboard")).StatusCode);
            // No write route: 405 where the path has a read (GET /v1/eir/entries), 404 where it has none.
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await regulator.PostAsync("/v1/eir/entries", new StringContent("{}"))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await regulator.PostAsync("/v1/ledger/eir/eir/submit", new StringContent("{}"))).StatusCode);
        }

        var api = ProcessesOf(group).Single(p => p.CommandLine.Contains($"--urls http://127.0.0.1:{apiPorts[1]} ", StringComparison.Ordinal));
        Process.GetProcessById(api.Pid).Kill();
        await WaitForLineAsync("api-Org2MSP exited (code 137); restarting it (1 of 5", StepTimeout);
        // A restarted API starts as the first one did (while a parallel test run may hold both cores): the same bound.
        await WaitUntilAsync(async () => await ReadyAsync(apiPorts[1]), StartTimeout);
        var restarted = ProcessesOf(group).Single(p => p.CommandLine.Contains($"--urls http://127.0.0.1:{apiPorts[1]} ", StringComparison.Ordinal));
        Assert.NotEqual(api.Pid, restarted.Pid);

        Signal("TERM", -group);
        await Task.Delay(200);
        Signal("INT", group);
        await _run.WaitForExitAsync().WaitAsync(StepTimeout);
        _lines.CompleteAdding();
        _seen.AddRange(_lines.GetConsumingEnumerable());

        Assert.Equal(0, _run.ExitCode);
        Assert.Contains(_seen, line => line.StartsWith("stopping:", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(runDirectory, "network.json")), "network.json outlived the network");
        await WaitUntilAsync(() => Task.FromResult(ProcessesOf(group).Count == 0), StepTimeout);
    }

    public void Dispose()
    {
        output.WriteLine(string.Join(Environment.NewLine, _seen));
        if (_run is not null)
        {
            foreach (var process in ProcessesOf(_run.Id))
            {
                try
                {
                    Process.GetProcessById(process.Pid).Kill();
                }
                catch (ArgumentException)
                {
                }
            }

            _run.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private void Add(string? line)
    {
        try
        {
            if (line is not null && !_lines.IsAddingCompleted)
            {
                _lines.Add(line);
            }
        }
        catch (InvalidOperationException)
        {
            // the run has ended and its output has been read
        }
    }

    private async Task WaitForLineAsync(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_lines.TryTake(out var line, 100))
            {
                _seen.Add(line);
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
            }
            else if (_run!.HasExited)
            {
                Assert.Fail($"run.sh exited with code {_run.ExitCode} before printing '{text}'");
            }

            await Task.Yield();
        }

        Assert.Fail($"run.sh did not print '{text}' within {timeout}");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(deadline.Elapsed < timeout, "timed out");
            await Task.Delay(200);
        }
    }

    private static async Task<bool> ReadyAsync(int port)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return (await client.GetAsync($"http://127.0.0.1:{port}/readyz")).StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// kill(1) with the target after <c>--</c>: procps-ng 4.0's kill reads <c>kill -TERM -12345</c> as process group
    /// -1 (every process the caller may signal) when the group's number starts with 1.
    /// </summary>
    private static void Signal(string signal, int target)
    {
        var start = new ProcessStartInfo("kill") { UseShellExecute = false };
        foreach (var arg in new[] { "-s", signal, "--", target.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(arg);
        }

        using var kill = Process.Start(start)!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>The processes still in process group <paramref name="group"/>, read from /proc.</summary>
    private static List<(int Pid, string CommandLine)> ProcessesOf(int group)
    {
        var found = new List<(int, string)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                // /proc/PID/stat: "pid (comm) state ppid pgrp ...": the fields after the last ')'.
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (fields[0] != "Z" && int.Parse(fields[2]) == group)
                {
                    found.Add((pid, File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ')));
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>devnet.json with every 127.0.0.1 port it names moved to a free one (the same port to the same one).</summary>
    private string WithFreePorts(string json)
    {
        var ports = new Dictionary<string, int>();
        return Address().Replace(json, match =>
        {
            if (!ports.TryGetValue(match.Groups[1].Value, out var port))
            {
                ports[match.Groups[1].Value] = port = FreePort();
            }

            return $"127.0.0.1:{port}";
        });
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Restcomm.Fabric.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Restcomm.Fabric.sln above {AppContext.BaseDirectory}.");
    }

    private readonly HashSet<int> _handedOut = [];

    /// <summary>
    /// A free loopback port not handed out before in this test: the system may give a port it gave a moment ago, once
    /// its probe released it (an API and a chaincode were once given the same one).
    /// </summary>
    private int FreePort()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            if (_handedOut.Add(port))
            {
                return port;
            }
        }
    }

    [GeneratedRegex(@"127\.0\.0\.1:(\d+)")]
    private static partial Regex Address();
}
