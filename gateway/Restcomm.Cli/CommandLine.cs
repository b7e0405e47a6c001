using Restcomm.Cli.Audit;
using Restcomm.Cli.Consortium;
using Restcomm.Cli.Keys;
using Restcomm.Cli.Numbers;
using Restcomm.Cli.Peering;
using Restcomm.Cli.Projections;
using Restcomm.Cli.Roaming;
using Restcomm.Cli.Settlement;
using Restcomm.Cli.Tap;

namespace Restcomm.Cli;

/// <summary>The `restcomm` tool: one command per area, each owning its own sub-commands.</summary>
internal static class CommandLine
{
    private static readonly (string Name, string Summary, Func<string[], TextWriter, TextWriter, CancellationToken, Task<int>> Run)[] Commands =
    [
        ("tap", "inspect, validate and generate TAP3 files", TapCommand.RunAsync),
        ("keys", "create, list and revoke REST API keys", KeysCommand.RunAsync),
        ("projections", "list read models' positions; rebuild one from block 0", ProjectionsCommand.RunAsync),
        ("roaming", "agreements, usage batches, reconciliation and statements through an operator's REST API", RoamingCommand.RunAsync),
        ("settlement", "RCB balances and transfers, supply votes, statement payments, netting and disputes through an operator's REST API", SettlementCommand.RunAsync),
        ("numbers", "publish numbers and blocks, look them up, port them and follow the change feed through a provider's REST API", NumbersCommand.RunAsync),
        ("audit", "anchors on the audit channel and their verification against the source ledger, through a REST API", AuditCommand.RunAsync),
        ("consortium", "an organisation joins or leaves a consortium channel (real network): config update signed by a majority of admins", ConsortiumCommand.RunAsync),
        ("peering", "interconnection profiles and time-limited grants, grant clients and their OAuth tokens through an operator's REST API", PeeringCommand.RunAsync),
    ];

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? 2 : 0;
        }

        foreach (var command in Commands)
        {
            if (command.Name == args[0])
            {
                return await command.Run(args[1..], stdout, stderr, cancellationToken).ConfigureAwait(false);
            }
        }

        await stderr.WriteLineAsync($"restcomm: unknown command '{args[0]}'.").ConfigureAwait(false);
        WriteUsage(stderr);
        return 2;
    }

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("usage: restcomm <command> [arguments]");
        writer.WriteLine();
        foreach (var command in Commands)
        {
            writer.WriteLine($"  {command.Name,-12} {command.Summary}");
        }
    }
}
