using System.Globalization;
using System.Text.Json;
using Restcomm.Fabric.Client;
using Restcomm.Gateway.Store;
using Restcomm.Ingestion;
using Restcomm.Roaming;

namespace Restcomm.Cli.Tap;

/// <summary>
/// <c>restcomm tap ingest FILE --agreement ID …</c>: carries a TAP file onto the ledger through the ingestion library,
/// with a live progress line on stderr and a JSON summary on stdout. Exit codes: 0 complete, 1 refused (nothing
/// committed), 2 usage, 3 input/output or ledger unreachable, 4 partial (severe records left out, or batches not
/// committed: run again with <c>--resume</c>).
/// </summary>
internal static class IngestCommand
{
    public const int ExitPartial = 4;

    public static async Task<int> RunAsync(TapCommand.Arguments parsed, TextWriter stdout, TextWriter stderr, bool showProgress, CancellationToken cancellationToken)
    {
        if (parsed.Positional.Count != 1)
        {
            await stderr.WriteLineAsync("restcomm tap ingest: exactly one FILE is required.").ConfigureAwait(false);
            return TapCommand.ExitUsage;
        }

        var path = parsed.Positional[0];
        if (!parsed.Options.TryGetValue("agreement", out var agreement) || string.IsNullOrWhiteSpace(agreement))
        {
            await stderr.WriteLineAsync("restcomm tap ingest: --agreement ID is required.").ConfigureAwait(false);
            return TapCommand.ExitUsage;
        }

        if (!TryInt(parsed, "batch-records", 5_000, out var batchRecords) || !TryInt(parsed, "batch-bytes", 2 * 1024 * 1024, out var batchBytes)
            || !TryInt(parsed, "in-flight", 4, out var inFlight))
        {
            await stderr.WriteLineAsync("restcomm tap ingest: --batch-records, --batch-bytes and --in-flight take positive integers.").ConfigureAwait(false);
            return TapCommand.ExitUsage;
        }

        var options = new TapIngestionOptions
        {
            AgreementId = agreement,
            BatchRecords = batchRecords,
            BatchBytes = batchBytes,
            InFlight = inFlight,
            VisitedCountryCode = parsed.Options.GetValueOrDefault("visited-cc"),
            HomeCountryCode = parsed.Options.GetValueOrDefault("home-cc"),
        };
        try
        {
            options.Check();
        }
        catch (ArgumentException e)
        {
            await stderr.WriteLineAsync($"restcomm tap ingest: {e.Message}").ConfigureAwait(false);
            return TapCommand.ExitUsage;
        }

        if (!File.Exists(path))
        {
            await stderr.WriteLineAsync($"restcomm tap ingest: file not found: {path}").ConfigureAwait(false);
            return TapCommand.ExitIo;
        }

        var networkFile = parsed.Options.GetValueOrDefault("network") ?? FabricNetworkDescription.FindFile() ?? FabricNetworkDescription.DefaultRelativePath;
        var org = parsed.Options.GetValueOrDefault("org") ?? "Org1MSP";
        if (!CliStore.TryResolve(parsed.Options.GetValueOrDefault("store"), out var location, out var storeError))
        {
            await stderr.WriteLineAsync($"restcomm tap ingest: {storeError}").ConfigureAwait(false);
            return TapCommand.ExitUsage;
        }

        FabricOrgDescription orgDescription;
        try
        {
            orgDescription = FabricNetworkDescription.Load(networkFile).GetOrg(org);
        }
        catch (Exception e) when (e is IOException or KeyNotFoundException or JsonException or InvalidOperationException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"restcomm tap ingest: cannot use the network description {networkFile} for {org}: {e.Message}").ConfigureAwait(false);
            return TapCommand.ExitIo;
        }

        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Stop at once; the outbox keeps every batch written so far and --resume continues.
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            using var gateway = orgDescription.Connect();
            var contract = gateway.GetNetwork(options.Channel).GetContract(options.Chaincode);
            var store = await GatewayStore.OpenAsync(location, cancel.Token).ConfigureAwait(false);
            await using (store.ConfigureAwait(false))
            {
                var ingestor = new TapIngestor(store, new FabricUsageBatchLedger(contract, org));
                using var progress = showProgress ? new IngestProgressLine(stderr) : null;
                var result = await ingestor.IngestAsync(path, options, parsed.Flags.Contains("resume"), progress, cancel.Token).ConfigureAwait(false);
                progress?.Dispose();
                await WriteSummaryAsync(stdout, path, result).ConfigureAwait(false);
                if (result.Reason is not null)
                {
                    await stderr.WriteLineAsync($"restcomm tap ingest: {result.Outcome.ToString().ToLowerInvariant()}: {result.Reason}").ConfigureAwait(false);
                }

                return result.Outcome switch
                {
                    IngestionOutcome.Complete => TapCommand.ExitOk,
                    IngestionOutcome.Refused => TapCommand.ExitFatal,
                    _ => ExitPartial,
                };
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await stderr.WriteLineAsync("restcomm tap ingest: stopped; run again with --resume to continue from the outbox.").ConfigureAwait(false);
            return 130;
        }
        catch (UsageLedgerException e)
        {
            await stderr.WriteLineAsync($"restcomm tap ingest: the ledger could not be used: {e.Message}").ConfigureAwait(false);
            return TapCommand.ExitIo;
        }
        catch (InvalidDataException e)
        {
            await stderr.WriteLineAsync($"restcomm tap ingest: {e.Message}").ConfigureAwait(false);
            return TapCommand.ExitFatal;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static bool TryInt(TapCommand.Arguments parsed, string name, int fallback, out int value)
    {
        value = fallback;
        return !parsed.Options.TryGetValue(name, out var text) || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0);
    }

    private static async Task WriteSummaryAsync(TextWriter stdout, string path, IngestionResult result)
    {
        var seconds = Math.Max(result.Elapsed.TotalSeconds, 1e-6);
        var summary = new
        {
            file = path,
            outcome = result.Outcome.ToString().ToLowerInvariant(),
            result.Reason,
            result.JobId,
            result.FileId,
            result.Resumed,
            result.RecordsInFile,
            result.RecordsRejected,
            result.RecordsUnsettled,
            result.RecordsCommitted,
            result.Batches,
            result.BatchesCommitted,
            result.BatchesAlreadyOnLedger,
            result.BatchesFailed,
            elapsedSeconds = Math.Round(result.Elapsed.TotalSeconds, 3),
            recordsPerSecond = Math.Round(result.RecordsCommitted / seconds),
            result.FileTotals,
            result.CommittedTotals,
            totalsMatch = result.FileTotals.SequenceEqual(result.CommittedTotals),
            result.MissingFileSequenceNumbers,
            result.RapFile,
            result.Failures,
            leftOut = result.LeftOut.Take(100),
            leftOutListed = Math.Min(result.LeftOut.Count, 100),
        };
        var options = new JsonSerializerOptions(RoamingJson.Options) { WriteIndented = true };
        await stdout.WriteLineAsync(JsonSerializer.Serialize(summary, options)).ConfigureAwait(false);
    }
}
