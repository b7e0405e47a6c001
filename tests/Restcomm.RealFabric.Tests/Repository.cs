using System.Diagnostics;
using System.Text;

namespace Restcomm.RealFabric.Tests;

/// <summary>Where the repository is, and running its scripts with a bounded time.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string NetworkScript => Path.Combine(Root, "network", "fabric", "network.sh");

    public static string NetworkJson => Path.Combine(Root, ".run", "network.json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Restcomm.Fabric.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Restcomm.Fabric.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Runs a program to completion (or kills it at the timeout) and returns its exit code and output.</summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null,
        string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var gate = new object();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            lock (gate)
            {
                output.AppendLine(e.Data);
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            lock (gate)
            {
                return new ProcessResult(-1, output + $"\n(killed after {timeout})");
            }
        }

        // The parameterless wait also drains the redirected streams.
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        lock (gate)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }

    /// <summary>Runs a bash script (or <c>bash -c</c> text) from the repository root.</summary>
    public static Task<ProcessResult> BashAsync(
        IEnumerable<string> arguments,
        TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync("bash", arguments, timeout, environment);
}

internal sealed record ProcessResult(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}";
}
