using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Restcomm.Chaincode.Example;
using Restcomm.DevNetwork.Tests.Support;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Fabric.Shim;

namespace Restcomm.DevNetwork.Tests;

/// <summary>
/// The dev network as its own process, killed with SIGKILL: what it answered for must survive, as a peer's and an
/// orderer's ledgers do.
/// </summary>
public sealed class ProcessKillTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TestNetwork.Timeout;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "devnet-kill-tests", Guid.NewGuid().ToString("N"));
    private readonly int[] _ports = [FreePort(), FreePort()];
    private ChaincodeServer? _chaincode;
    private Process? _process;

    private string NetworkJson => Path.Combine(_root, "network.json");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        _chaincode = await ChaincodeServer.StartLocalAsync("example:1.0", new AssetContract()).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Transactions_accepted_but_not_yet_in_a_block_when_the_process_is_killed_commit_after_it_restarts()
    {
        // Blocks are cut only after ten minutes: every accepted transaction is still waiting when the process dies.
        await StartAsync(cutAfterMs: 600_000);
        var ids = Enumerable.Range(0, 3).Select(_ => "asset-" + Guid.NewGuid().ToString("N")[..8]).ToList();
        var commits = new List<(byte[] Bytes, byte[] Digest)>();
        using (var gateway = FabricNetworkDescription.Load(NetworkJson).GetOrg("Org1MSP").Connect())
        {
            var contract = gateway.GetNetwork("roaming-emea").GetContract("example");
            foreach (var id in ids)
            {
                var submitted = await contract.NewProposal("CreateAsset", new ProposalOptions().AddArguments(id, "alice", "1"))
                    .EndorseAsync().WaitAsync(Timeout);
                var commit = await submitted.SubmitAsync().WaitAsync(Timeout);
                commits.Add((commit.ToBytes(), commit.GetDigest()));
            }
        }

        _process!.Kill(); // SIGKILL: no shutdown code runs
        await _process.WaitForExitAsync().WaitAsync(Timeout);
        await StartAsync(cutAfterMs: 50);

        var org = FabricNetworkDescription.Load(NetworkJson).GetOrg("Org1MSP");
        var signer = EcdsaSigner.FromPemFile(org.ClientKeyFile!);
        using var after = org.Connect();
        var statuses = new List<CommitStatus>();
        foreach (var (bytes, digest) in commits)
        {
            statuses.Add(await after.NewSignedCommit(bytes, signer.Sign(digest)).GetStatusAsync().WaitAsync(Timeout));
        }
        var read = await after.GetNetwork("roaming-emea").GetContract("example").EvaluateTransactionAsync("ReadAsset", ids[^1]).WaitAsync(Timeout);

        Assert.All(statuses, s => Assert.Equal(TxValidationCode.Valid, s.Code));
        Assert.Contains("alice", System.Text.Encoding.UTF8.GetString(read), StringComparison.Ordinal);
    }

    private async Task StartAsync(int cutAfterMs)
    {
        var config = Path.Combine(_root, "devnet.json");
        await File.WriteAllTextAsync(config, $$"""
            {
              "orgs": [
                { "mspId": "Org1MSP", "domain": "org1.example.com", "gateway": "127.0.0.1:{{_ports[0]}}" },
                { "mspId": "Org2MSP", "domain": "org2.example.com", "gateway": "127.0.0.1:{{_ports[1]}}" }
              ],
              "channels": [
                { "name": "roaming-emea", "members": [ "Org1MSP", "Org2MSP" ],
                  "chaincodes": [ { "name": "example", "address": "{{_chaincode!.Address}}", "endorsementPolicy": "OR('Org1MSP.peer', 'Org2MSP.peer')" } ] }
              ],
              "blockCutting": { "maxTransactions": 1000, "timeoutMs": {{cutAfterMs}} }
            }
            """);
        File.Delete(NetworkJson);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "Restcomm.DevNetwork.dll"), "--config", config, "--crypto", Path.Combine(_root, "crypto"),
            "--data", Path.Combine(_root, "ledger"), "--network-json", NetworkJson, "--quiet",
        })
        {
            start.ArgumentList.Add(arg);
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var deadline = DateTime.UtcNow + Timeout; !File.Exists(NetworkJson); await Task.Delay(50))
        {
            Assert.False(_process.HasExited, "the dev network process exited while starting");
            Assert.True(DateTime.UtcNow < deadline, "the dev network process did not start in time");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
        if (_chaincode is not null)
        {
            await _chaincode.DisposeAsync();
        }
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
