using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.DevNetwork;
using Restcomm.DevNetwork.Configuration;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Benchmarks.SettlementTransfers;

/// <summary>
/// <c>settlement-transfers [--payers P] [--transfers-per-payer M] [--rounds K]</c>: RCB payments to ONE payee on the dev
/// network, in-process (the roaming chaincode with its settlement contract as a CCaaS server, the dev network with
/// devnet.json's block cutting, MAJORITY endorsement of three organisations, platform-signing gateway clients). P payer
/// sub-accounts of Org1MSP and Org2MSP each pay Org3MSP M times, one payment in flight per payer, so P are in flight; the
/// figure is committed payments per second and the number of payments invalidated (MVCC or phantom read conflicts),
/// which the per-transaction entry keys should keep at zero.
/// </summary>
public static class SettlementTransferDriver
{
    private const string Channel = "roaming-emea";

    public static async Task<int> RunAsync(string[] args)
    {
        var payers = Option(args, "--payers", 128);
        var perPayer = Option(args, "--transfers-per-payer", 20);
        var rounds = Option(args, "--rounds", 3);
        using var sampler = args.Contains("--allocations") ? new AllocationSampler() : null;
        var root = Path.Combine(Path.GetTempPath(), "settlement-bench-" + Guid.NewGuid().ToString("N"));
        var members = new[] { "Org1MSP", "Org2MSP", "Org3MSP" };
        await using var chaincode = await ChaincodeServer.StartAsync(
            new ChaincodeServerOptions { Address = "127.0.0.1:0", ChaincodeId = "roaming:1.0" },
            RoamingChaincode.Create(new RoamingPolicy { RequireRoleAttributes = false }, new SettlementPolicy { Members = members })).ConfigureAwait(false);
        var config = new DevNetworkConfig
        {
            Orgs = [.. members.Select((m, i) => new OrgConfig { MspId = m, Domain = $"org{i + 1}.example.com", Gateway = $"127.0.0.1:{FreePort()}" })],
            Channels = [new ChannelConfig { Name = Channel, Members = [.. members], Chaincodes = [new ChaincodeConfig { Name = "roaming", Address = chaincode.Address, EndorsementPolicy = "MAJORITY" }] }],
            BlockCutting = new BlockCuttingConfig { MaxTransactions = 200, TimeoutMs = 100 },
        };
        await using var network = await DevNetwork.DevNetwork.StartAsync(new DevNetworkOptions
        {
            Config = config,
            CryptoRoot = Path.Combine(root, "crypto"),
            DataDir = Path.Combine(root, "ledger"),
            NetworkJsonPath = Path.Combine(root, "network.json"),
            LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
        }, CancellationToken.None).ConfigureAwait(false);
        var description = FabricNetworkDescription.Load(Path.Combine(root, "network.json"));
        var gateways = members.Select(m => description.GetOrg(m).Connect(configure: o => o.Signer = PlatformEcdsaSigner.FromPemFile(description.GetOrg(m).ClientKeyFile!))).ToList();
        try
        {
            var contracts = gateways.Select(g => g.GetNetwork(Channel).GetContract("roaming")).ToList();
            var funded = await FundAsync(contracts, payers, (long)perPayer * rounds).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"payers {payers} (one payment in flight each), {perPayer} payments each per round, payee Org3MSP; processors {Environment.ProcessorCount}, load {LoadAverage()}"));
            Console.WriteLine("| round | committed | invalidated (MVCC/phantom) | refused | seconds | committed/s | process CPU ms/payment | KiB allocated/payment | GCs gen0/1/2 | GC pause % |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            for (var round = 1; round <= rounds; round++)
            {
                long committed = 0, invalidated = 0, refused = 0;
                var allocated = GC.GetTotalAllocatedBytes();
                var pause = GC.GetTotalPauseDuration();
                int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                sampler?.Enabled = true;
                var watch = Stopwatch.StartNew();
                await Task.WhenAll(funded.Select(async payer =>
                {
                    var contract = contracts[payer.Org];
                    for (var i = 0; i < perPayer; i++)
                    {
                        try
                        {
                            await contract.SubmitTransactionAsync("settlement:TransferFrom", payer.Account, "Org3MSP", "1").ConfigureAwait(false);
                            Interlocked.Increment(ref committed);
                        }
                        catch (CommitException)
                        {
                            Interlocked.Increment(ref invalidated);
                        }
                        catch (GatewayException)
                        {
                            Interlocked.Increment(ref refused);
                        }
                    }
                })).ConfigureAwait(false);
                watch.Stop();
                var payments = Math.Max(1, committed + invalidated);
                var cpuMs = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {committed} | {invalidated} | {refused} | {watch.Elapsed.TotalSeconds:0.00} | {committed / watch.Elapsed.TotalSeconds:0} | {cpuMs / payments:0.00} | {(GC.GetTotalAllocatedBytes() - allocated) / 1024.0 / payments:0} | {GC.CollectionCount(0) - collections[0]}/{GC.CollectionCount(1) - collections[1]}/{GC.CollectionCount(2) - collections[2]} | {100 * (GC.GetTotalPauseDuration() - pause).TotalMilliseconds / watch.Elapsed.TotalMilliseconds:0.0} |"));
            }

            sampler?.Print(30);
            var payee = JsonSerializer.Deserialize<AccountBalance>(await contracts[2].EvaluateTransactionAsync("settlement:BalanceOf", "Org3MSP").ConfigureAwait(false), RoamingJson.Options)!;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"payee balance {payee.Balance} in {payee.Entries} entries; load {LoadAverage()}"));
            return 0;
        }
        finally
        {
            foreach (var gateway in gateways)
            {
                gateway.Dispose();
            }

            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// Mints for Org1MSP and Org2MSP by governance, then funds the payer sub-accounts through 8 hub sub-accounts per
    /// organisation (a member account can only be debited by one transaction per block, so funding fans out).
    /// </summary>
    private static async Task<List<(int Org, string Account)>> FundAsync(IReadOnlyList<Contract> contracts, int payers, long each)
    {
        var payerList = new List<(int Org, string Account)>();
        // Mints one after the other: each executed supply change writes the token's total supply.
        for (var org = 0; org < 2; org++)
        {
            var proposal = JsonSerializer.Deserialize<SupplyProposal>(
                await contracts[org].SubmitTransactionAsync("settlement:ProposeSupplyChange", "mint", org == 0 ? "Org1MSP" : "Org2MSP", "1000000000", "benchmark").ConfigureAwait(false),
                RoamingJson.Options)!;
            await contracts[1 - org].SubmitTransactionAsync("settlement:ApproveSupplyChange", proposal.ProposalId).ConfigureAwait(false);
        }

        await Task.WhenAll(Enumerable.Range(0, 2).Select(async org =>
        {
            var msp = org == 0 ? "Org1MSP" : "Org2MSP";
            var mine = Enumerable.Range(0, payers / 2 + (org == 0 ? payers % 2 : 0)).Select(i => $"{msp}/payer-{i:D4}").ToList();
            var hubs = Enumerable.Range(0, 8).Select(i => $"{msp}/hub-{i}").ToList();
            var perHub = (mine.Count + hubs.Count - 1) / hubs.Count;
            foreach (var hub in hubs)
            {
                await contracts[org].SubmitTransactionAsync("settlement:Transfer", hub, (perHub * each).ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
            }

            await Task.WhenAll(hubs.Select(async (hub, h) =>
            {
                foreach (var payer in mine.Skip(h * perHub).Take(perHub))
                {
                    await contracts[org].SubmitTransactionAsync("settlement:TransferFrom", hub, payer, each.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
                }
            })).ConfigureAwait(false);
            lock (payerList)
            {
                payerList.AddRange(mine.Select(p => (org, p)));
            }
        })).ConfigureAwait(false);
        return payerList;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : fallback;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
