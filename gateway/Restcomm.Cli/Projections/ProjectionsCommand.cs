using System.Globalization;
using Restcomm.Gateway.Store;

namespace Restcomm.Cli.Projections;

/// <summary>
/// <c>restcomm projections list|rebuild NAME</c>: shows where each read model of a REST API's store stands on each channel,
/// and asks for one to be rebuilt from block 0 (the API following the ledger empties it and replays the ledger: at once
/// when it runs, else when it next starts).
/// </summary>
internal static class ProjectionsCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? 2 : 0;
        }

        var positional = new List<string>();
        string? storeOption = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--store" && i + 1 < args.Length)
            {
                storeOption = args[++i];
            }
            else if (args[i].StartsWith("--store=", StringComparison.Ordinal))
            {
                storeOption = args[i]["--store=".Length..];
            }
            else if (args[i].StartsWith('-'))
            {
                await stderr.WriteLineAsync($"restcomm projections: unknown option {args[i]}.").ConfigureAwait(false);
                return 2;
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        if (!CliStore.TryResolve(storeOption, out var location, out var error))
        {
            await stderr.WriteLineAsync($"restcomm projections: --store: {error}").ConfigureAwait(false);
            return 2;
        }

        try
        {
            switch (args[0])
            {
                case "list" when positional.Count == 0:
                    return await ListAsync(location, stdout, cancellationToken).ConfigureAwait(false);
                case "rebuild" when positional.Count == 1:
                    return await RebuildAsync(location, positional[0], stdout, stderr, cancellationToken).ConfigureAwait(false);
                default:
                    WriteUsage(stderr);
                    return 2;
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"restcomm projections: cannot use the store {location.Describe()}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> ListAsync(StoreLocation location, TextWriter stdout, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        var positions = await store.Positions.ListAsync(cancellationToken).ConfigureAwait(false);
        await stdout.WriteLineAsync($"{"PROJECTION",-20} {"CHANNEL",-16} {"NEXT BLOCK",10}  {"UPDATED (UTC)",-20} STATE").ConfigureAwait(false);
        foreach (var p in positions)
        {
            var state = p.RebuildRequested ? "rebuild requested" : "following";
            await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"{p.Projection,-20} {p.Channel,-16} {p.NextBlock,10}  {p.UpdatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {state}")).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> RebuildAsync(StoreLocation location, string name, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await using var store = await GatewayStore.OpenAsync(location, cancellationToken).ConfigureAwait(false);
        var marked = await store.Positions.RequestRebuildAsync(name, cancellationToken).ConfigureAwait(false);
        if (marked == 0)
        {
            var known = (await store.Positions.ListAsync(cancellationToken).ConfigureAwait(false)).Select(p => p.Projection).Distinct().ToList();
            await stderr.WriteLineAsync($"restcomm projections rebuild: no projection '{name}' has run on this store; known: {(known.Count == 0 ? "none" : string.Join(", ", known))}.").ConfigureAwait(false);
            return 1;
        }

        await stdout.WriteLineAsync($"Rebuild of '{name}' requested on {marked} channel(s): the API empties it and replays the ledger from block 0.").ConfigureAwait(false);
        return 0;
    }

    private static void WriteUsage(TextWriter writer)
    {
        writer.WriteLine("usage: restcomm projections list [--store STORE]");
        writer.WriteLine("       restcomm projections rebuild NAME [--store STORE]");
        writer.WriteLine();
        writer.WriteLine($"STORE is a REST API's store: a SQLite file or a PostgreSQL connection string (default: RESTCOMM_STORE, else {CliStore.DefaultStore}).");
    }
}
