extern alias cli;

using ConsortiumCommand = cli::Restcomm.Cli.Consortium.ConsortiumCommand;

namespace Restcomm.Gateway.Tests.Cli;

/// <summary>
/// <c>restcomm consortium …</c> runs the real network's membership steps (<c>network/fabric/network.sh</c>); here a
/// stand-in script records what it was asked; with a dev network's <c>.run/network.json</c> the command does the steps
/// itself and never runs the script. The steps run on real Fabric in <c>tests/Restcomm.RealFabric.Tests</c>
/// (RealFabricMembershipTests) and on the dev network in <c>tests/Restcomm.Roaming.EndToEnd.Tests</c> (ConsortiumMembershipEndToEndTests).
/// </summary>
public sealed class ConsortiumCommandTests : IDisposable
{
    private readonly string _repo = Directory.CreateTempSubdirectory("consortium-cli-").FullName;

    public ConsortiumCommandTests()
    {
        Directory.CreateDirectory(Path.Combine(_repo, "network", "fabric"));
        Directory.CreateDirectory(Path.Combine(_repo, ".run"));
        File.WriteAllText(Path.Combine(_repo, "network", "fabric", "network.sh"), "echo \"network.sh $*\"; echo \"SIGNERS=${SIGNERS:-}\"\n");
    }

    public void Dispose() => Directory.Delete(_repo, recursive: true);

    private async Task<(int Code, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await ConsortiumCommand.RunAsync([.. args, "--repo", _repo], stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Each_action_runs_its_network_script_step_with_the_signers_chosen()
    {
        var add = await RunAsync("add-member", "--channel", "roaming-emea", "--org", "Org4MSP", "--signers", "org1 org3");
        var update = await RunAsync("update", "--channel", "roaming-emea", "--org", "org4", "--out", "/tmp/u.pb", "--remove");
        var sign = await RunAsync("sign", "--file", "/tmp/u.pb", "--org", "org2", "--user", "User1");
        var submit = await RunAsync("submit", "--channel", "roaming-emea", "--file", "/tmp/u.pb", "--org", "org1");

        Assert.Equal(0, add.Code);
        Assert.Contains("network.sh add-member roaming-emea Org4MSP", add.Out, StringComparison.Ordinal);
        Assert.Contains("SIGNERS=org1 org3", add.Out, StringComparison.Ordinal);
        Assert.Contains("network.sh config-update remove roaming-emea org4 /tmp/u.pb", update.Out, StringComparison.Ordinal);
        Assert.Contains("network.sh sign-update /tmp/u.pb org2 User1", sign.Out, StringComparison.Ordinal);
        Assert.Contains("network.sh submit-update roaming-emea /tmp/u.pb org1", submit.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_the_dev_network_it_does_the_steps_itself_and_a_missing_option_is_usage()
    {
        await File.WriteAllTextAsync(Path.Combine(_repo, ".run", "network.json"), "{\n  \"kind\": \"dev\",\n  \"orgs\": []\n}\n");

        var dev = await RunAsync("add-member", "--channel", "roaming-emea", "--org", "Org4MSP");
        var missing = await RunAsync("add-member", "--channel", "roaming-emea");

        Assert.Equal(1, dev.Code);
        Assert.Contains("restcomm consortium: no organisation Org4MSP in the network description", dev.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("network.sh", dev.Out, StringComparison.Ordinal);
        Assert.Equal(2, missing.Code);
        Assert.Contains("usage: restcomm consortium", missing.Err, StringComparison.Ordinal);
    }
}
