using System.Diagnostics;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>How a test starts the REST API as a process of its own: <c>dotnet Restcomm.Gateway.Api.dll</c> with its arguments, in production mode, output redirected.</summary>
internal static class ApiProcessStart
{
    public static ProcessStartInfo For(string workingDirectory, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Restcomm.Gateway.Api.dll"));
        foreach (var arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        return start;
    }
}
