using Microsoft.Playwright;

namespace Restcomm.Tests.Shared;

/// <summary>
/// Debian's Chromium (installed by tests/setup/chromium.sh) driven headless by Playwright, for the suites that test a
/// page in a real browser (one source file linked into each).
/// </summary>
internal static class HeadlessChromium
{
    /// <summary>Where Debian's package puts the browser.</summary>
    public const string ExecutablePath = "/usr/bin/chromium";

    /// <summary>Null when the browser is installed, otherwise why a browser test skips.</summary>
    public static string? SkipReason => File.Exists(ExecutablePath)
        ? null
        : $"No Chromium at {ExecutablePath}: tests/setup/chromium.sh installs Debian's package (needs root and apt).";

    /// <summary>Starts the browser headless, as root in a container allows (no sandbox, no /dev/shm).</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, TimeSpan timeout) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        }).WaitAsync(timeout);
}
