using System.Diagnostics;
using Restcomm.Fabric.Client;

namespace Restcomm.Cli.Consortium;

/// <summary>
/// <c>restcomm consortium …</c>: an organisation joins or leaves a consortium channel. On the real network
/// (<c>.run/network.json</c> of kind <c>fabric</c>, native mode) each step is <c>network/fabric/network.sh</c>'s, which
/// drives Fabric's own tools: <c>peer channel fetch config</c>, <c>configtxlator compute_update</c> for the
/// ConfigUpdate's read/write sets, <c>peer channel signconfigtx</c> per admin, <c>peer channel update</c> to the orderer
/// (which enforces the majority of admins), <c>peer channel join</c>, then the lifecycle's approve and commit of a new
/// definition sequence with the new pair collections. On the dev network (kind <c>dev</c>) the same update is computed,
/// signed and broadcast in C# (<see cref="DevConsortium"/>), and the dev network enforces the same majority.
/// </summary>
internal static class ConsortiumCommand
{
    private static readonly string[] Usage =
    [
        "usage: restcomm consortium <action> --channel CH --org ORG [options]",
        "",
        "  add-member    --channel CH --org ORG [--msp-dir DIR] [--signers \"org1 org2\"]   the whole join: update signed by a majority",
        "                of the members' admins (or --signers; org:User signs as another user), peer joined, new chaincode definitions",
        "  remove-member --channel CH --org ORG [--signers \"...\"]                          the same to leave",
        "  update        --channel CH --org ORG --out FILE [--remove] [--msp-dir DIR]        only write the unsigned update envelope",
        "  sign          --file FILE --org ORG [--user USER]                                 ORG's admin (or USER) adds its signature",
        "  submit        --channel CH --file FILE --org ORG                                  ORG's admin signs too and sends it to the orderer",
        "  join          --channel CH --org ORG                                              after the update: peer joins, new definitions",
        "  leave         --channel CH --org ORG                                              after a removal: new definitions without ORG",
        "",
        "ORG is an MSP ID (Org4MSP) or the network's key for it (org4). Works on the dev network ('make run') and on the real",
        "network in native mode (FABRIC_BIN, 'make network-up'); run from the repository (or pass --repo DIR; --network FILE names",
        "another network.json). On the dev network join and leave have nothing to do: the config block is the whole change.",
        "See network/README.md, 'Consortium membership'.",
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? 2 : 0;
        }

        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string[] known = ["channel", "org", "msp-dir", "signers", "out", "file", "user", "repo", "remove", "network"];
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is null || !known.Contains(name))
            {
                await stderr.WriteLineAsync($"restcomm consortium: unexpected argument {args[i]}.").ConfigureAwait(false);
                return 2;
            }

            options[name] = name == "remove" ? "true" : i + 1 < args.Length ? args[++i] : "";
        }

        string O(string name) => options.GetValueOrDefault(name, "");
        if (O("msp-dir").Length > 0)
        {
            options["msp-dir"] = Path.GetFullPath(O("msp-dir"));
        }

        string[]? script = args[0] switch
        {
            "add-member" when Has(options, "channel", "org") => ["add-member", O("channel"), O("org"), .. Optional(O("msp-dir"))],
            "remove-member" when Has(options, "channel", "org") => ["remove-member", O("channel"), O("org")],
            "update" when Has(options, "channel", "org", "out") => ["config-update", options.ContainsKey("remove") ? "remove" : "add", O("channel"), O("org"), Path.GetFullPath(O("out")), .. Optional(O("msp-dir"))],
            "sign" when Has(options, "file", "org") => ["sign-update", Path.GetFullPath(O("file")), O("org"), .. Optional(O("user"))],
            "submit" when Has(options, "channel", "file", "org") => ["submit-update", O("channel"), Path.GetFullPath(O("file")), O("org")],
            "join" when Has(options, "channel", "org") => ["join-member", O("channel"), O("org")],
            "leave" when Has(options, "channel", "org") => ["leave-member", O("channel"), O("org")],
            _ => null,
        };
        if (script is null)
        {
            WriteUsage(stderr);
            return 2;
        }

        var repo = FindRepository(options.GetValueOrDefault("repo") ?? Directory.GetCurrentDirectory());
        var networkJson = O("network").Length > 0 ? Path.GetFullPath(O("network")) : repo is null ? null : Path.Combine(repo, ".run", "network.json");
        if (networkJson is not null && File.Exists(networkJson))
        {
            var description = await FabricNetworkDescription.LoadAsync(networkJson, cancellationToken).ConfigureAwait(false);
            if (!description.IsRealFabric)
            {
                return await RunOnDevNetworkAsync(new DevConsortium(description, stdout), args[0], options, stderr, cancellationToken).ConfigureAwait(false);
            }
        }

        if (repo is null)
        {
            await stderr.WriteLineAsync("restcomm consortium: run it inside the repository (network/fabric/network.sh), or pass --repo DIR.").ConfigureAwait(false);
            return 2;
        }

        return await RunScriptAsync(repo, script, options.GetValueOrDefault("signers"), stdout, stderr, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> RunOnDevNetworkAsync(DevConsortium dev, string action, Dictionary<string, string> options, TextWriter stderr, CancellationToken cancellationToken)
    {
        string O(string name) => options.GetValueOrDefault(name, "");
        string? Optional(string name) => O(name).Length > 0 ? O(name) : null;
        try
        {
            return action switch
            {
                "add-member" => await dev.ChangeAsync(O("channel"), O("org"), remove: false, Optional("msp-dir"), Optional("signers"), cancellationToken).ConfigureAwait(false),
                "remove-member" => await dev.ChangeAsync(O("channel"), O("org"), remove: true, null, Optional("signers"), cancellationToken).ConfigureAwait(false),
                "update" => await dev.WriteUpdateAsync(O("channel"), O("org"), options.ContainsKey("remove"), Optional("msp-dir"), Path.GetFullPath(O("out")), cancellationToken).ConfigureAwait(false),
                "sign" => await dev.SignFileAsync(Path.GetFullPath(O("file")), O("org"), Optional("user"), cancellationToken).ConfigureAwait(false),
                "submit" => await dev.SubmitFileAsync(O("channel"), Path.GetFullPath(O("file")), O("org"), cancellationToken).ConfigureAwait(false),
                _ => await NothingToDoAsync(dev, action, O("channel"), O("org"), stderr).ConfigureAwait(false),
            };
        }
        catch (ConsortiumException e)
        {
            await stderr.WriteLineAsync("restcomm consortium: " + e.Message).ConfigureAwait(false);
            return 1;
        }
        catch (Exception e) when (e is Grpc.Core.RpcException or IOException or InvalidDataException or Google.Protobuf.InvalidProtocolBufferException or KeyNotFoundException or InvalidOperationException)
        {
            await stderr.WriteLineAsync($"restcomm consortium: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary><c>join</c> and <c>leave</c>: the dev network's peers and pair collections follow the config block.</summary>
    private static async Task<int> NothingToDoAsync(DevConsortium dev, string action, string channel, string org, TextWriter stderr)
    {
        await stderr.WriteLineAsync(
            $"restcomm consortium {action}: nothing to do on the dev network: {dev.MspId(org)}'s peer {(action == "join" ? "serves" : "stops serving")} {channel} and the pair collections " +
            "change as the config block commits (the dev network has no chaincode lifecycle).").ConfigureAwait(false);
        return 0;
    }

    private static bool Has(Dictionary<string, string> options, params string[] names) => names.All(n => options.TryGetValue(n, out var v) && v.Length > 0);

    private static string[] Optional(string value) => value.Length > 0 ? [value] : [];

    private static string? FindRepository(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "network", "fabric", "network.sh")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static async Task<int> RunScriptAsync(string repo, string[] arguments, string? signers, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = repo, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(repo, "network", "fabric", "network.sh"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (!string.IsNullOrWhiteSpace(signers))
        {
            start.Environment["SIGNERS"] = signers;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not be started");
        var copyOut = CopyAsync(process.StandardOutput, stdout, cancellationToken);
        var copyErr = CopyAsync(process.StandardError, stderr, cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await Task.WhenAll(copyOut, copyErr).ConfigureAwait(false);
        return process.ExitCode;
    }

    private static async Task CopyAsync(StreamReader from, TextWriter to, CancellationToken cancellationToken)
    {
        while (await from.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            await to.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    private static void WriteUsage(TextWriter writer)
    {
        foreach (var line in Usage)
        {
            writer.WriteLine(line);
        }
    }
}
