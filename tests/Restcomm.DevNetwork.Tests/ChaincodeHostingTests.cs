using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// Every chaincode the real network's scripts can deploy (network/fabric/lib/common.sh) can also be served there: a
/// TLS identity of its own in crypto-config.yaml (native mode's server certificate) and a container in
/// docker-compose.yaml listening on its port with that certificate (Docker mode). A chaincode added to the scripts
/// without them only fails when someone deploys it on a real network.
/// </summary>
public sealed class ChaincodeHostingTests
{
    [Fact]
    public async Task Every_chaincode_the_scripts_deploy_has_a_tls_identity_and_a_compose_service_on_its_port()
    {
        var root = RepositoryRoot();
        var chaincodes = await ScriptChaincodesAsync(root);
        var crypto = File.ReadAllText(Path.Combine(root, "network", "fabric", "crypto-config.yaml"));
        var compose = File.ReadAllText(Path.Combine(root, "docker-compose.yaml"));

        Assert.Contains("example", chaincodes.Keys);
        Assert.True(chaincodes.Count >= 6, $"only {chaincodes.Count} chaincodes read from common.sh");
        Assert.All(chaincodes, cc =>
        {
            Assert.True(Regex.IsMatch(crypto, $@"- Hostname: {cc.Key}\s+SANS: \[[^\]]*\b{cc.Key}-chaincode\b"), $"crypto-config.yaml has no TLS host for {cc.Key}");
            var service = Regex.Match(compose, $@"(?ms)^  {cc.Key}-chaincode:\n(?<body>.*?)(?=^  \S|\z)");
            Assert.True(service.Success, $"docker-compose.yaml has no {cc.Key}-chaincode service");
            var body = service.Groups["body"].Value;
            Assert.Contains($"CHAINCODE_SERVER_ADDRESS: 0.0.0.0:{cc.Value}", body, StringComparison.Ordinal);
            Assert.Contains($"peers/{cc.Key}.chaincode.example.com/tls:", body, StringComparison.Ordinal);
            Assert.Contains($"{cc.Key.ToUpperInvariant()}_CC_PACKAGE_ID", body, StringComparison.Ordinal);
        });
    }

    /// <summary>Each chaincode of common.sh and its port, as the scripts see them (bash sources the file).</summary>
    private static async Task<Dictionary<string, int>> ScriptChaincodesAsync(string root)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = root };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("source network/fabric/lib/common.sh >/dev/null 2>&1; for c in \"${!CC_PROJECT[@]}\"; do echo \"$c ${CC_PORT[$c]}\"; done");
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' '))
            .ToDictionary(parts => parts[0], parts => int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
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
}
