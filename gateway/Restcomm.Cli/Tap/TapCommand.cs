using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Restcomm.Tap3;

namespace Restcomm.Cli.Tap;

/// <summary>
/// <c>restcomm tap inspect|validate|generate</c>. Exit codes: 0 success (validate: no fatal error), 1 the file is
/// refused (fatal TD.57 error or malformed BER), 2 usage error, 3 input/output error.
/// </summary>
internal static class TapCommand
{
    public const int ExitOk = 0;
    public const int ExitFatal = 1;
    public const int ExitUsage = 2;
    public const int ExitIo = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await WriteUsageAsync(args.Length == 0 ? stderr : stdout).ConfigureAwait(false);
            return args.Length == 0 ? ExitUsage : ExitOk;
        }

        var parsed = Arguments.Parse(args[1..]);
        if (parsed.Error is not null)
        {
            await stderr.WriteLineAsync($"restcomm tap {args[0]}: {parsed.Error}").ConfigureAwait(false);
            return ExitUsage;
        }

        var showProgress = parsed.Flags.Contains("progress") || (ReferenceEquals(stderr, Console.Error) && !Console.IsErrorRedirected);
        try
        {
            return args[0] switch
            {
                "inspect" => await InspectAsync(parsed, stdout, stderr, showProgress, cancellationToken).ConfigureAwait(false),
                "validate" => await ValidateAsync(parsed, stdout, stderr, showProgress, cancellationToken).ConfigureAwait(false),
                "generate" => await GenerateAsync(parsed, stdout, stderr, showProgress, cancellationToken).ConfigureAwait(false),
                "ingest" => await IngestCommand.RunAsync(parsed, stdout, stderr, showProgress, cancellationToken).ConfigureAwait(false),
                _ => await UnknownAsync(args[0], stderr).ConfigureAwait(false),
            };
        }
        catch (TapFormatException ex)
        {
            await stderr.WriteLineAsync($"restcomm tap {args[0]}: malformed TAP file: {ex.Message}").ConfigureAwait(false);
            return ExitFatal;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"restcomm tap {args[0]}: {ex.Message}").ConfigureAwait(false);
            return ExitIo;
        }
    }

    private static async Task<int> UnknownAsync(string name, TextWriter stderr)
    {
        await stderr.WriteLineAsync($"restcomm tap: unknown sub-command '{name}'.").ConfigureAwait(false);
        await WriteUsageAsync(stderr).ConfigureAwait(false);
        return ExitUsage;
    }

    private static async Task WriteUsageAsync(TextWriter writer)
    {
        await writer.WriteLineAsync("usage: restcomm tap <sub-command> [arguments]").ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);
        await writer.WriteLineAsync("  inspect FILE [--progress]                      the decoded file as JSON on stdout").ConfigureAwait(false);
        await writer.WriteLineAsync("  validate FILE [--json] [--progress] [--rap OUT.rap [--rap-sequence N]]").ConfigureAwait(false);
        await writer.WriteLineAsync("                                                 TD.57 report; exit 0 valid, 1 fatal; --rap writes a").ConfigureAwait(false);
        await writer.WriteLineAsync("                                                 RAP 1.5 ReturnBatch when there is something to return").ConfigureAwait(false);
        await writer.WriteLineAsync("  generate --records N --seed S --out FILE [--progress]  a synthetic TAP 3.12 file").ConfigureAwait(false);
        await writer.WriteLineAsync("  ingest FILE --agreement ID [--network .run/network.json] [--org Org1MSP] [--store STORE]").ConfigureAwait(false);
        await writer.WriteLineAsync("         [--batch-records N] [--batch-bytes M] [--in-flight K] [--visited-cc CC] [--home-cc CC] [--resume] [--progress]").ConfigureAwait(false);
        await writer.WriteLineAsync("                                                 carry the file onto the ledger (roaming SubmitUsageBatch), exactly").ConfigureAwait(false);
        await writer.WriteLineAsync("                                                 once; JSON summary on stdout; exit 0 complete, 1 refused, 4 partial").ConfigureAwait(false);
        await writer.WriteLineAsync().ConfigureAwait(false);
        await writer.WriteLineAsync("exit codes: 0 ok, 1 file refused (fatal error or malformed BER), 2 usage, 3 input/output error").ConfigureAwait(false);
    }

    private static FileStream? OpenInput(Arguments parsed, string command, TextWriter stderr, out int exitCode)
    {
        exitCode = ExitOk;
        if (parsed.Positional.Count != 1)
        {
            stderr.WriteLine($"restcomm tap {command}: exactly one FILE is required.");
            exitCode = ExitUsage;
            return null;
        }

        var path = parsed.Positional[0];
        if (!File.Exists(path))
        {
            stderr.WriteLine($"restcomm tap {command}: file not found: {path}");
            exitCode = ExitIo;
            return null;
        }

        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
    }

    private static async Task<int> InspectAsync(Arguments parsed, TextWriter stdout, TextWriter stderr, bool showProgress, CancellationToken cancellationToken)
    {
        var stream = OpenInput(parsed, "inspect", stderr, out var exit);
        if (stream is null)
        {
            return exit;
        }

        await using (stream.ConfigureAwait(false))
        {
            var buffer = new ArrayBufferWriter<byte>(1 << 16);
            var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            await using (json.ConfigureAwait(false))
            {
                using var progress = showProgress ? new ProgressBar(stderr, stream.Length) : null;
                var headerWritten = false;
                json.WriteStartObject();
                json.WriteString("file", parsed.Positional[0]);
                var options = new TapProcessingOptions { KeepRecords = true, Progress = progress };
                var result = await TapProcessor.ProcessAsync(stream, options, async (chunk, ct) =>
                {
                    if (!headerWritten)
                    {
                        JsonOutput.WriteHeader(json, chunk.Header);
                        json.WriteStartArray("events");
                        headerWritten = true;
                    }

                    for (var i = 0; i < chunk.Count; i++)
                    {
                        JsonOutput.WriteEvent(json, chunk, i);
                    }

                    await FlushAsync(json, buffer, stdout).ConfigureAwait(false);
                }, cancellationToken).ConfigureAwait(false);

                if (!headerWritten)
                {
                    JsonOutput.WriteHeader(json, result.Header);
                    json.WriteStartArray("events");
                }

                json.WriteEndArray();
                JsonOutput.WriteAudit(json, result.Header.Audit);
                JsonOutput.WriteTotals(json, result);
                JsonOutput.WriteValidationSummary(json, result.Validation);
                json.WriteEndObject();
                await FlushAsync(json, buffer, stdout).ConfigureAwait(false);
                await stdout.WriteLineAsync().ConfigureAwait(false);
            }
        }

        return ExitOk;
    }

    private static async Task FlushAsync(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer, TextWriter stdout)
    {
        await json.FlushAsync().ConfigureAwait(false);
        await stdout.WriteAsync(Encoding.UTF8.GetString(buffer.WrittenSpan)).ConfigureAwait(false);
        buffer.ResetWrittenCount();
    }

    private static async Task<int> ValidateAsync(Arguments parsed, TextWriter stdout, TextWriter stderr, bool showProgress, CancellationToken cancellationToken)
    {
        var stream = OpenInput(parsed, "validate", stderr, out var exit);
        if (stream is null)
        {
            return exit;
        }

        parsed.Options.TryGetValue("rap", out var rapPath);
        var rapSequence = 1;
        if (parsed.Options.TryGetValue("rap-sequence", out var sequenceText)
            && (!int.TryParse(sequenceText, NumberStyles.None, CultureInfo.InvariantCulture, out rapSequence) || rapSequence is < 1 or > 99_999))
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            await stderr.WriteLineAsync("restcomm tap validate: --rap-sequence N must be an integer 1-99999.").ConfigureAwait(false);
            return ExitUsage;
        }

        if (string.IsNullOrEmpty(rapPath) && sequenceText is not null)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            await stderr.WriteLineAsync("restcomm tap validate: --rap-sequence needs --rap OUT.").ConfigureAwait(false);
            return ExitUsage;
        }

        TapProcessingResult result;
        var returned = new RejectedEvents();
        await using (stream.ConfigureAwait(false))
        {
            using var progress = showProgress ? new ProgressBar(stderr, stream.Length) : null;
            var options = new TapProcessingOptions { Progress = progress, ComputeHashes = false, KeepRecords = rapPath is not null };
            result = await TapProcessor.ProcessAsync(stream, options, rapPath is null ? null : returned.CollectAsync, cancellationToken).ConfigureAwait(false);
        }

        var report = result.Validation;
        if (parsed.Flags.Contains("json"))
        {
            var buffer = new ArrayBufferWriter<byte>();
            var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            await using (json.ConfigureAwait(false))
            {
                json.WriteStartObject();
                json.WriteString("file", parsed.Positional[0]);
                json.WriteString("verdict", report.IsFatal ? "refused" : "accepted");
                json.WriteNumber("records", result.RecordCount);
                JsonOutput.WriteValidationSummary(json, report);
                json.WriteStartArray("errors");
                foreach (var error in report.Errors)
                {
                    JsonOutput.WriteError(json, error);
                }

                json.WriteEndArray();
                json.WriteEndObject();
                await FlushAsync(json, buffer, stdout).ConfigureAwait(false);
                await stdout.WriteLineAsync().ConfigureAwait(false);
            }
        }
        else
        {
            var verdict = report.IsFatal ? "REFUSED (fatal errors)" : "ACCEPTED";
            await stdout.WriteLineAsync($"{parsed.Positional[0]}: {verdict}; TAP {result.Header.Version}, {result.RecordCount} call events, {report.RejectedRecordCount} rejected; {report.FatalCount} fatal, {report.SevereCount} severe, {report.WarningCount} warnings").ConfigureAwait(false);
            foreach (var error in report.Errors)
            {
                var where = error.RecordIndex is long index ? $" record {index}" : string.Empty;
                var at = error.Offset >= 0 ? $" @{error.Offset}" : string.Empty;
                await stdout.WriteLineAsync($"  {error.Severity.ToString().ToUpperInvariant(),-7} {error.Code,3} {error.Context}/{error.Item}{where}{at}: {error.Message}").ConfigureAwait(false);
            }

            if (report.TotalErrors > report.Errors.Count)
            {
                await stdout.WriteLineAsync($"  … {report.TotalErrors - report.Errors.Count} more not shown").ConfigureAwait(false);
            }
        }

        if (!string.IsNullOrEmpty(rapPath))
        {
            await WriteRapAsync(parsed.Positional[0], rapPath, rapSequence, result, returned, stderr, cancellationToken).ConfigureAwait(false);
        }

        return report.IsFatal ? ExitFatal : ExitOk;
    }

    /// <summary>Writes the RAP ReturnBatch for a validated file, or says on stderr that there is nothing to return.</summary>
    private static async Task WriteRapAsync(string tapPath, string rapPath, int sequence, TapProcessingResult result, RejectedEvents returned, TextWriter stderr, CancellationToken cancellationToken)
    {
        var report = result.Validation;
        if (!report.IsFatal && report.RejectedRecordCount == 0)
        {
            await stderr.WriteLineAsync($"restcomm tap validate: nothing to return (no fatal errors, no rejected call events); no RAP file written to {rapPath}").ConfigureAwait(false);
            return;
        }

        var raw = new Dictionary<long, ReadOnlyMemory<byte>>();
        if (!report.IsFatal && returned.Undecoded.Count > 0)
        {
            await using var input = new FileStream(tapPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, useAsync: true);
            foreach (var (index, offset) in returned.Undecoded)
            {
                raw[index] = await RapEncoder.ReadElementAsync(input, offset, cancellationToken).ConfigureAwait(false);
            }
        }

        var options = new RapBuildOptions
        {
            RapFileSequenceNumber = sequence.ToString("D5", CultureInfo.InvariantCulture),
            RawCallEvent = index => raw.TryGetValue(index, out var bytes) ? bytes : null,
        };
        var batch = RapEncoder.Build(report, result.Header, index => returned.Events.GetValueOrDefault(index), options);
        await File.WriteAllBytesAsync(rapPath, RapEncoder.Encode(batch), cancellationToken).ConfigureAwait(false);
        var what = report.IsFatal
            ? "1 FatalReturn (the whole file is returned)"
            : $"{batch.Returns.Count} SevereReturn(s), total severe return value {batch.TotalSevereReturnValue}";
        await stderr.WriteLineAsync($"restcomm tap validate: wrote RAP file {rapPath} (RAP 1.5, sequence {options.RapFileSequenceNumber}): {what}").ConfigureAwait(false);
    }

    /// <summary>The rejected call events of a run, kept for the RAP SevereReturns (decoded, or the offset of undecodable ones).</summary>
    private sealed class RejectedEvents
    {
        public Dictionary<long, CallEvent> Events { get; } = [];

        public List<(long Index, long Offset)> Undecoded { get; } = [];

        public ValueTask CollectAsync(TapRecordChunk chunk, CancellationToken cancellationToken)
        {
            for (var i = 0; i < chunk.Count; i++)
            {
                if (!chunk.IsRejected(i) || Events.Count + Undecoded.Count >= TapValidationReport.MaxKeptErrors)
                {
                    continue;
                }

                if (chunk.GetEvent(i) is { } e)
                {
                    Events[chunk.FirstIndex + i] = e;
                }
                else
                {
                    Undecoded.Add((chunk.FirstIndex + i, chunk.GetOffset(i)));
                }
            }

            return ValueTask.CompletedTask;
        }
    }

    private static async Task<int> GenerateAsync(Arguments parsed, TextWriter stdout, TextWriter stderr, bool showProgress, CancellationToken cancellationToken)
    {
        if (!parsed.Options.TryGetValue("records", out var recordsText) || !long.TryParse(recordsText, NumberStyles.None, CultureInfo.InvariantCulture, out var records) || records < 0)
        {
            await stderr.WriteLineAsync("restcomm tap generate: --records N (a non-negative integer) is required.").ConfigureAwait(false);
            return ExitUsage;
        }

        var seed = 1;
        if (parsed.Options.TryGetValue("seed", out var seedText) && !int.TryParse(seedText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out seed))
        {
            await stderr.WriteLineAsync("restcomm tap generate: --seed S must be an integer.").ConfigureAwait(false);
            return ExitUsage;
        }

        if (!parsed.Options.TryGetValue("out", out var path) || string.IsNullOrEmpty(path))
        {
            await stderr.WriteLineAsync("restcomm tap generate: --out FILE is required.").ConfigureAwait(false);
            return ExitUsage;
        }

        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            using var progress = showProgress ? new ProgressBar(stderr, records) : null;
            await TapTrafficGenerator.WriteAsync(stream, records, seed, progress, cancellationToken).ConfigureAwait(false);
        }

        await stdout.WriteLineAsync($"wrote {records} call events (seed {seed}) to {path} ({new FileInfo(path).Length} bytes)").ConfigureAwait(false);
        return ExitOk;
    }

    /// <summary>Parsed arguments: positional values, <c>--name value</c> options and <c>--flag</c> switches.</summary>
    internal sealed class Arguments
    {
        private static readonly HashSet<string> KnownFlags = ["progress", "json", "resume"];
        private static readonly HashSet<string> KnownOptions =
            ["records", "seed", "out", "rap", "rap-sequence", "agreement", "network", "org", "store", "batch-records", "batch-bytes", "in-flight", "visited-cc", "home-cc"];

        public List<string> Positional { get; } = [];

        public Dictionary<string, string> Options { get; } = new(StringComparer.Ordinal);

        public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);

        public string? Error { get; private set; }

        public static Arguments Parse(string[] args)
        {
            var result = new Arguments();
            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                if (!arg.StartsWith("--", StringComparison.Ordinal))
                {
                    result.Positional.Add(arg);
                    continue;
                }

                var name = arg[2..];
                if (KnownFlags.Contains(name))
                {
                    result.Flags.Add(name);
                }
                else if (KnownOptions.Contains(name))
                {
                    if (i + 1 >= args.Length)
                    {
                        result.Error = $"option --{name} needs a value.";
                        return result;
                    }

                    result.Options[name] = args[++i];
                }
                else
                {
                    result.Error = $"unknown option '{arg}'.";
                    return result;
                }
            }

            return result;
        }
    }
}
