using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;
using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.DevNetwork.Chaincode;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Tap3;
using DevNetworkHost = Restcomm.DevNetwork.DevNetwork;
using DevNetworkOptions = Restcomm.DevNetwork.DevNetworkOptions;

namespace Restcomm.Benchmarks;

/// <summary>
/// <c>ingest-throughput [--records N,N…] [--batch N,N…] [--in-flight K,K…] [--network FILE]</c>: the dev network
/// (roaming-emea) and the roaming chaincode over mutual TLS in this process, and <c>restcomm tap ingest</c> as a child
/// process for each setting: a generated TAP 3.12 file from start to last batch committed. Prints records committed per
/// second (wall time of the child, validation pass included) and the child's peak resident memory (VmHWM). With
/// <c>--network FILE</c> nothing is started: the runs go to that network (e.g. real Fabric from <c>make network-up</c>),
/// with names and seeds drawn per invocation so runs can share its ledger.
/// </summary>
public static class IngestionLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var records = List(args, "--records", [100_000]);
        var batches = List(args, "--batch", [2_000, 5_000]);
        var inFlights = List(args, "--in-flight", [2, 8]);
        var root = Path.Combine(Path.GetTempPath(), "restcomm-ingest-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load before: {Load()}");
        var external = Array.IndexOf(args, "--network") is var at and >= 0 && at + 1 < args.Length ? args[at + 1] : null;
        await using var host = external is null ? await NetworkHost.StartAsync(root).ConfigureAwait(false) : NetworkHost.Attach(external);
        var invocation = external is null ? 0 : System.Security.Cryptography.RandomNumberGenerator.GetInt32(1, 1_000_000);
        var cli = CliDll();
        var run = 0;
        Console.WriteLine("records | batch | in flight | batches | wall s | committed rec/s | child peak RSS MiB | child CPU s | network+chaincode CPU s | load");
        using var self = Process.GetCurrentProcess();
        foreach (var n in records)
        {
            foreach (var batch in batches)
            {
                foreach (var inFlight in inFlights)
                {
                    run++;
                    var seed = 1000 + run + invocation;
                    var path = Path.Combine(root, $"bench-{n}-{seed}.tap");
                    await using (var stream = File.Create(path))
                    {
                        await TapTrafficGenerator.WriteAsync(stream, n, seed, null, CancellationToken.None).ConfigureAwait(false);
                    }

                    var header = new TapTrafficGenerator(seed).Header;
                    var agreement = $"BENCH-{invocation}-{run}";
                    await host.AgreeAsync(agreement, header.BatchControl!.Sender!, header.BatchControl.Recipient!).ConfigureAwait(false);
                    self.Refresh();
                    var hostCpuBefore = self.TotalProcessorTime;
                    var (wall, peak, cpu, stdout) = await RunChildAsync(cli, root, path, agreement, host.NetworkJson, batch, inFlight).ConfigureAwait(false);
                    self.Refresh();
                    var hostCpu = (self.TotalProcessorTime - hostCpuBefore).TotalSeconds;
                    using var summary = JsonDocument.Parse(stdout);
                    var committed = summary.RootElement.GetProperty("recordsCommitted").GetInt64();
                    var batchCount = summary.RootElement.GetProperty("batches").GetInt32();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{n} | {batch} | {inFlight} | {batchCount} | {wall:F1} | {committed / wall:N0} ({committed:N0} records) | {peak / 1024.0:F0} | {cpu:F1} | {hostCpu:F1} | {Load()} | outcome {summary.RootElement.GetProperty("outcome").GetString()}"));
                    File.Delete(path);
                }
            }
        }

        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }

        return 0;
    }

    private static async Task<(double Wall, long PeakKiB, double CpuSeconds, string Stdout)> RunChildAsync(string cli, string root, string path, string agreement, string networkJson, int batch, int inFlight)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (var arg in new[]
        {
            cli, "tap", "ingest", path, "--agreement", agreement, "--network", networkJson, "--org", "Org1MSP", "--store", Path.Combine(root, "bench.db"),
            "--batch-records", batch.ToString(CultureInfo.InvariantCulture), "--in-flight", inFlight.ToString(CultureInfo.InvariantCulture),
            "--batch-bytes", (4 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
        })
        {
            start.ArgumentList.Add(arg);
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        long peak = 0;
        double cpu = 0;
        while (!process.HasExited)
        {
            try
            {
                // VmHWM: the peak resident set the kernel kept for the process.
                foreach (var line in await File.ReadAllLinesAsync($"/proc/{process.Id}/status").ConfigureAwait(false))
                {
                    if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    {
                        peak = Math.Max(peak, long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture));
                    }
                }

                process.Refresh();
                cpu = process.TotalProcessorTime.TotalSeconds;
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
            {
                // it exited between the check and the read
            }

            await Task.Delay(50).ConfigureAwait(false);
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        var wall = clock.Elapsed.TotalSeconds;
        if (process.ExitCode is not (0 or 4))
        {
            throw new InvalidOperationException($"restcomm tap ingest exited {process.ExitCode}: {await stderr.ConfigureAwait(false)}");
        }

        return (wall, peak, cpu, await stdout.ConfigureAwait(false));
    }

    private static string CliDll()
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        for (var d = here; d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Restcomm.Fabric.sln")))
            {
                var dll = Path.Combine(d.FullName, "gateway", "Restcomm.Cli", "bin", here.Parent!.Name, here.Name, "restcomm.dll");
                return File.Exists(dll) ? dll : throw new FileNotFoundException($"build the CLI first ({dll})");
            }
        }

        throw new InvalidOperationException("no repository above " + here.FullName);
    }

    private static int[] List(string[] args, string name, int[] fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? [.. args[i + 1].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))] : fallback;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    /// <summary>The dev network and the roaming chaincode, on free loopback ports.</summary>
    private sealed class NetworkHost : IAsyncDisposable
    {
        private ChaincodeServer? _chaincode;
        private DevNetworkHost? _network;
        private readonly List<Gateway> _gateways = [];

        public string NetworkJson { get; private set; } = "";

        /// <summary>A network already running, described by <paramref name="networkJson"/>.</summary>
        public static NetworkHost Attach(string networkJson) => new() { NetworkJson = Path.GetFullPath(networkJson) };

        public static async Task<NetworkHost> StartAsync(string root)
        {
            var host = new NetworkHost();
            var repo = new DirectoryInfo(AppContext.BaseDirectory);
            while (!File.Exists(Path.Combine(repo.FullName, "Restcomm.Fabric.sln")))
            {
                repo = repo.Parent!;
            }

            var config = DevNetworkConfig.Load(Path.Combine(repo.FullName, "network", "dev", "devnet.json"));
            config.Channels.RemoveAll(c => c.Name != "roaming-emea");
            config.Channels[0].Chaincodes.RemoveAll(c => c.Name != "roaming");
            foreach (var org in config.Orgs)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                org.Gateway = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            }

            var crypto = Path.Combine(root, "crypto");
            var options = ChaincodeServerOptions.FromEnvironment(new Dictionary<string, string>(ChaincodeTls.ShimEnvironment(config, crypto, "roaming"))
            {
                ["CHAINCODE_SERVER_ADDRESS"] = "127.0.0.1:0",
                ["CORE_CHAINCODE_ID_NAME"] = "roaming:1.0",
            });
            host._chaincode = await ChaincodeServer.StartAsync(options, RoamingChaincode.Create(new RoamingPolicy())).ConfigureAwait(false);
            config.Channels[0].Chaincodes[0].Address = host._chaincode.Address;
            host.NetworkJson = Path.Combine(root, "network.json");
            host._network = await DevNetworkHost.StartAsync(new DevNetworkOptions
            {
                Config = config,
                CryptoRoot = crypto,
                DataDir = Path.Combine(root, "ledger"),
                NetworkJsonPath = host.NetworkJson,
                LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
            }, CancellationToken.None).ConfigureAwait(false);
            return host;
        }

        public async Task AgreeAsync(string id, string sender, string recipient)
        {
            var document = new AgreementDocument
            {
                AgreementId = id,
                PartyA = new AgreementParty { MspId = "Org1MSP", Tadigs = [sender] },
                PartyB = new AgreementParty { MspId = "Org2MSP", Tadigs = [recipient] },
                ValidFrom = new DateOnly(2025, 1, 1),
                ValidTo = new DateOnly(2027, 12, 31),
                Currency = "SDR",
                DecimalPlaces = 3,
                PaymentTerms = "15+15",
                Directions =
                [
                    new DirectionTerms
                    {
                        VisitedMspId = "Org1MSP",
                        Rates = [.. RoamingServices.All.Select(s => new ServiceRate { Service = s, PricePerUnit = 100 })],
                    },
                    new DirectionTerms { VisitedMspId = "Org2MSP", Rates = [new ServiceRate { Service = RoamingService.Data, PricePerUnit = 100 }] },
                ],
            };
            var bytes = JsonSerializer.SerializeToUtf8Bytes(document, RoamingJson.Options);
            var pair = new[] { "Org1MSP", "Org2MSP" };
            await Contract("Org1MSP").SubmitTransactionAsync("ProposeAgreement", new ProposalOptions().PutTransient("agreement", bytes).WithEndorsingOrganizations(pair)).ConfigureAwait(false);
            await Contract("Org2MSP").SubmitTransactionAsync("AcceptAgreement",
                new ProposalOptions().AddArguments(id, Convert.ToHexStringLower(SHA256.HashData(bytes))).WithEndorsingOrganizations(pair)).ConfigureAwait(false);
        }

        private Contract Contract(string mspId)
        {
            var gateway = FabricNetworkDescription.Load(NetworkJson).GetOrg(mspId).Connect();
            _gateways.Add(gateway);
            return gateway.GetNetwork("roaming-emea").GetContract("roaming");
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var gateway in _gateways)
            {
                gateway.Dispose();
            }

            if (_network is not null)
            {
                await _network.DisposeAsync().ConfigureAwait(false);
            }

            if (_chaincode is not null)
            {
                await _chaincode.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
