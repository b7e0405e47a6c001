using System.Runtime.InteropServices;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;

namespace Restcomm.DevNetwork;

/// <summary>The dev network process: <c>restcomm-devnet --config … --crypto … --data … --network-json …</c>.</summary>
internal static class DevNetworkProgram
{
    public static async Task<int> Main(string[] args)
    {
        // restcomm-devnet --config network/dev/devnet.json --crypto .run/crypto --data .run/devnet --network-json .run/network.json
        //                 [--crypto-only] [--chaincode-env NAME] [--quiet]
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                await Console.Error.WriteLineAsync($"unexpected argument {arg}").ConfigureAwait(false);
                return 2;
            }
            var next = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            options[arg[2..]] = next;
        }

        var configPath = options.GetValueOrDefault("config") ?? "network/dev/devnet.json";
        var runDir = Path.GetFullPath(".run");
        var cryptoRoot = Path.GetFullPath(options.GetValueOrDefault("crypto") ?? Path.Combine(runDir, "crypto"));
        var dataDir = Path.GetFullPath(options.GetValueOrDefault("data") ?? Path.Combine(runDir, "devnet"));
        var networkJson = Path.GetFullPath(options.GetValueOrDefault("network-json") ?? Path.Combine(runDir, "network.json"));

        DevNetworkConfig config;
        try
        {
            config = DevNetworkConfig.Load(configPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException)
        {
            await Console.Error.WriteLineAsync($"{configPath}: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        if (options.TryGetValue("chaincode-env", out var chaincodeName))
        {
            // What `make run` starts a chaincode host with: missing crypto is generated, the chaincode's TLS server
            // certificate issued on first use, and the shim's variables printed as NAME=value lines.
            if (chaincodeName is null)
            {
                await Console.Error.WriteLineAsync("--chaincode-env needs a chaincode name").ConfigureAwait(false);
                return 2;
            }
            try
            {
                CryptoGenerator.EnsureGenerated(config, cryptoRoot);
                foreach (var (name, value) in ChaincodeTls.ShimEnvironment(config, cryptoRoot, chaincodeName))
                {
                    Console.WriteLine($"{name}={value}");
                }
            }
            catch (InvalidDataException e)
            {
                await Console.Error.WriteLineAsync($"{configPath}: {e.Message}").ConfigureAwait(false);
                return 2;
            }
            return 0;
        }

        if (options.ContainsKey("crypto-only"))
        {
            CryptoGenerator.EnsureGenerated(config, cryptoRoot);
            Console.WriteLine($"crypto material in {cryptoRoot}");
            return 0;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });

        var network = await DevNetwork.StartAsync(new DevNetworkOptions
        {
            Config = config,
            CryptoRoot = cryptoRoot,
            DataDir = dataDir,
            NetworkJsonPath = networkJson,
            LogLevel = options.ContainsKey("quiet") ? LogLevel.Warning : LogLevel.Information,
        }, stop.Token).ConfigureAwait(false);
        await using (network.ConfigureAwait(false))
        {
            foreach (var org in config.Orgs)
            {
                Console.WriteLine($"dev network: {org.MspId,-13} gateway+deliver https://{org.Gateway} (TLS name {org.PeerName})");
            }
            foreach (var channel in config.Channels)
            {
                Console.WriteLine($"dev network: channel {channel.Name,-13} height {network.Ledgers[channel.Name].Height}, chaincodes {string.Join(", ", channel.Chaincodes.Select(c => $"{c.Name}@{c.Address}{(c.TlsRequired ? c.ClientAuthRequired ? " (mutual TLS)" : " (TLS)" : "")}"))}");
            }
            Console.WriteLine($"dev network: crypto {cryptoRoot}; ledgers {dataDir}; clients read {networkJson}");
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            Console.WriteLine("dev network: stopping");
        }
        return 0;
    }
}
