namespace Restcomm.RealFabric.Tests;

/// <summary>
/// Brings the real Fabric network up once for every test in the "real Fabric" collection
/// (<c>network.sh up</c> with native binaries from FABRIC_BIN) and takes it down afterwards,
/// checking that no process it started survives. A network that is already running is reused and
/// left running.
/// </summary>
public sealed class FabricNetworkFixture : IAsyncLifetime
{
    /// <summary>Why the real-Fabric tests cannot run here, or null when they can.</summary>
    public static string? SkipReason { get; } = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("FABRIC_BIN"))
        ? "Real-Fabric test: set FABRIC_BIN to a folder holding Hyperledger Fabric 2.5's peer, orderer, configtxgen, " +
          "osnadmin and cryptogen (with Fabric's config/ folder beside it, or FABRIC_CFG_PATH) to run it, e.g. " +
          "`FABRIC_BIN=$HOME/fabric/bin dotnet test tests/Restcomm.RealFabric.Tests`. network/README.md, " +
          "'Real Fabric 2.5', says how to get the binaries."
        : null;

    private static readonly TimeSpan UpTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan DownTimeout = TimeSpan.FromMinutes(2);

    private bool _startedHere;

    /// <summary>The output of a failed <c>network.sh up</c>, or null.</summary>
    public string? StartFailure { get; private set; }

    public async Task InitializeAsync()
    {
        if (SkipReason is not null)
        {
            return;
        }

        var status = await Repository.BashAsync([Repository.NetworkScript, "status"], TimeSpan.FromSeconds(30));
        if (status.ExitCode == 0 && File.Exists(Repository.NetworkJson))
        {
            return;
        }

        var up = await Repository.BashAsync([Repository.NetworkScript, "up"], UpTimeout);
        _startedHere = true;
        if (up.ExitCode != 0)
        {
            StartFailure = up.ToString();
        }
    }

    public async Task DisposeAsync()
    {
        if (!_startedHere || Environment.GetEnvironmentVariable("RESTCOMM_FABRIC_KEEP") == "1")
        {
            return;
        }

        var pidDir = Path.Combine(Repository.Root, ".run", "fabric", "pids");
        var pids = Directory.Exists(pidDir)
            ? Directory.GetFiles(pidDir, "*.pid").Select(f => int.Parse(File.ReadAllText(f).Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList()
            : [];
        var down = await Repository.BashAsync([Repository.NetworkScript, "down"], DownTimeout);
        if (down.ExitCode != 0)
        {
            throw new InvalidOperationException("network.sh down failed: " + down);
        }

        var survivors = pids.Where(IsRunning).ToList();
        if (survivors.Count > 0)
        {
            throw new InvalidOperationException("network.sh down left processes running: " + string.Join(", ", survivors));
        }
    }

    /// <summary>Skips the calling test without FABRIC_BIN; fails it when the network did not come up.</summary>
    public void Require()
    {
        Skip.If(SkipReason is not null, SkipReason);
        Assert.True(StartFailure is null, "network.sh up failed:\n" + StartFailure);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

[CollectionDefinition(Name)]
public sealed class RealFabricCollection : ICollectionFixture<FabricNetworkFixture>
{
    public const string Name = "real Fabric";
}
