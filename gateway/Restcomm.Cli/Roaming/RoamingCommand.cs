using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Cli.Roaming;

/// <summary>
/// <c>restcomm roaming …</c>: the roaming REST API of one operator from a shell. Each sub-command is one HTTP call to
/// <c>/v1/roaming</c>; the answer's JSON is printed on stdout, a refusal's problem on stderr (exit 1). The API and key
/// come from <c>--url</c>/<c>--key</c>, else <c>RESTCOMM_URL</c>/<c>RESTCOMM_KEY</c>, else the entry of <c>--org</c>
/// (default Org1MSP) in <c>.run/api-keys.json</c> (<c>--keys FILE</c>), which <c>make run</c> writes.
/// </summary>
internal static class RoamingCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly string[] Usage =
    [
        "usage: restcomm roaming <area> <action> [arguments] [--url URL] [--key KEY] [--org MSP] [--keys FILE]",
        "",
        "  agreements list [--party MSP] [--limit N] [--cursor C]",
        "  agreements get ID",
        "  agreements document ID [--version N]",
        "  agreements propose DOCUMENT.json",
        "  agreements accept ID [--hash SHA256]",
        "  agreements amend ID DOCUMENT.json",
        "  agreements accept-amendment ID [--hash SHA256]",
        "  agreements decline-amendment ID",
        "  agreements terminate ID --effective-to yyyy-MM-dd --reason TEXT",
        "  batches list [--agreement ID] [--period yyyy-MM] [--status submitted|reconciled] [--visited MSP] [--home MSP] [--limit N] [--cursor C]",
        "  batches get FILE_ID BATCH",
        "  batches records FILE_ID BATCH",
        "  batches proof FILE_ID BATCH INDEX",
        "  batches verify FILE_ID BATCH PROOF.json      (a saved 'batches proof' answer; checked against this API's public header)",
        "  batches rap FILE_ID BATCH --out FILE [--sequence NNNNN]",
        "  batches submit BATCH.json                    ({agreementId, senderTadig, recipientTadig, fileSequenceNumber, batchNumber, period, records})",
        "  batches reject FILE_ID BATCH INDEX:CODE[:REASON] ...",
        "  batches accept FILE_ID BATCH",
        "  sequences SENDER_TADIG RECIPIENT_TADIG",
        "  statements list [--agreement ID]",
        "  statements get AGREEMENT_ID PERIOD",
        "  statements close AGREEMENT_ID PERIOD",
        "  statements sign AGREEMENT_ID PERIOD [--hash SHA256]",
        "  statements dispute AGREEMENT_ID PERIOD --reason TEXT",
        "",
        $"The API: --url and --key, else RESTCOMM_URL and RESTCOMM_KEY, else --org's entry (default Org1MSP) in --keys (default {RestApi.DefaultKeysFile}).",
        "Writes send a fresh Idempotency-Key (--idempotency-key K to choose one, e.g. to retry safely).",
        "--channel CH acts on another consortium channel of the organisation (e.g. roaming-apac); default: the API's own.",
    ];

    /// <summary>Runs the command with a real HTTP client.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => RunAsync(args, stdout, stderr, null, cancellationToken);

    /// <summary>Runs the command; <paramref name="handler"/> replaces the network (tests).</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteUsage(args.Length == 0 ? stderr : stdout);
            return args.Length == 0 ? 2 : 0;
        }

        if (!TryParse(args, out var positional, out var options, out var parseError))
        {
            await stderr.WriteLineAsync($"restcomm roaming: {parseError}").ConfigureAwait(false);
            return 2;
        }

        RestCall? call;
        string? error;
        try
        {
            call = ToCall(positional, options, out error);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            call = null;
            error = $"cannot read the input file: {ex.Message}";
        }

        if (call is null)
        {
            await stderr.WriteLineAsync($"restcomm roaming: {error}").ConfigureAwait(false);
            if (error is null || error.StartsWith("usage", StringComparison.Ordinal))
            {
                WriteUsage(stderr);
            }

            return 2;
        }

        // --channel names the consortium (e.g. roaming-apac); the API's configured one without it.
        if (options.TryGetValue("channel", out var channel))
        {
            call = call with { Path = call.Path + (call.Path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "channel=" + Uri.EscapeDataString(channel) };
        }

        return await RestApi.SendAsync("roaming", call, options, Indented, stdout, stderr, handler, cancellationToken).ConfigureAwait(false);
    }

    private static RestCall? ToCall(List<string> p, Dictionary<string, string> o, out string? error)
    {
        error = null;
        var area = p.ElementAtOrDefault(0);
        var action = p.ElementAtOrDefault(1);
        string E(string s) => Uri.EscapeDataString(s);
        RestCall? Need(int count, Func<RestCall> make)
        {
            if (p.Count != count)
            {
                return null;
            }

            return make();
        }

        RestCall? call = (area, action) switch
        {
            ("agreements", "list") => Need(2, () => new RestCall(HttpMethod.Get, "/v1/roaming/agreements" + Query(o, ("party", "party"), ("limit", "limit"), ("cursor", "cursor")))),
            ("agreements", "get") => Need(3, () => new RestCall(HttpMethod.Get, $"/v1/roaming/agreements/{E(p[2])}")),
            ("agreements", "document") => Need(3, () => new RestCall(HttpMethod.Get, $"/v1/roaming/agreements/{E(p[2])}/document" + Query(o, ("version", "version")))),
            ("agreements", "propose") => Need(3, () => new RestCall(HttpMethod.Post, "/v1/roaming/agreements", ReadJson(p[2]))),
            ("agreements", "accept") => Need(3, () => new RestCall(HttpMethod.Post, $"/v1/roaming/agreements/{E(p[2])}/accept", new JsonObject { ["documentHash"] = o.GetValueOrDefault("hash") })),
            ("agreements", "amend") => Need(4, () => new RestCall(HttpMethod.Post, $"/v1/roaming/agreements/{E(p[2])}/amendments", ReadJson(p[3]))),
            ("agreements", "accept-amendment") => Need(3, () => new RestCall(HttpMethod.Post, $"/v1/roaming/agreements/{E(p[2])}/amendments/accept", new JsonObject { ["documentHash"] = o.GetValueOrDefault("hash") })),
            ("agreements", "decline-amendment") => Need(3, () => new RestCall(HttpMethod.Post, $"/v1/roaming/agreements/{E(p[2])}/amendments/decline", new JsonObject())),
            ("agreements", "terminate") when o.ContainsKey("effective-to") && o.ContainsKey("reason") => Need(3, () => new RestCall(HttpMethod.Post, $"/v1/roaming/agreements/{E(p[2])}/terminate",
                new JsonObject { ["effectiveTo"] = o["effective-to"], ["reason"] = o["reason"] })),
            ("batches", "list") => Need(2, () => new RestCall(HttpMethod.Get, "/v1/roaming/batches" + Query(o,
                ("agreement", "agreementId"), ("period", "period"), ("status", "status"), ("visited", "visited"), ("home", "home"), ("limit", "limit"), ("cursor", "cursor")))),
            ("batches", "get") => Need(4, () => new RestCall(HttpMethod.Get, $"/v1/roaming/batches/{E(p[2])}/{E(p[3])}")),
            ("batches", "records") => Need(4, () => new RestCall(HttpMethod.Get, $"/v1/roaming/batches/{E(p[2])}/{E(p[3])}/records")),
            ("batches", "proof") => Need(5, () => new RestCall(HttpMethod.Get, $"/v1/roaming/batches/{E(p[2])}/{E(p[3])}/records/{E(p[4])}/proof")),
            ("batches", "verify") => Need(5, () => Verify(p[2], p[3], ReadJson(p[4]))),
            ("batches", "rap") when o.ContainsKey("out") => Need(4, () => new RestCall(HttpMethod.Get, $"/v1/roaming/batches/{E(p[2])}/{E(p[3])}/rap" + Query(o, ("sequence", "sequence")), OutFile: o["out"])),
            ("batches", "submit") => Need(3, () => new RestCall(HttpMethod.Post, "/v1/roaming/batches", ReadJson(p[2]))),
            ("batches", "reject") when p.Count > 4 => Reject(p, out error),
            ("batches", "accept") => Need(4, () => new RestCall(HttpMethod.Post, $"/v1/roaming/batches/{E(p[2])}/{E(p[3])}/accept", new JsonObject())),
            ("sequences", _) when p.Count == 3 => new RestCall(HttpMethod.Get, $"/v1/roaming/file-sequences/{E(p[1])}/{E(p[2])}"),
            ("statements", "list") => Need(2, () => new RestCall(HttpMethod.Get, "/v1/roaming/statements" + Query(o, ("agreement", "agreementId")))),
            ("statements", "get") => Need(4, () => new RestCall(HttpMethod.Get, $"/v1/roaming/statements/{E(p[2])}/{E(p[3])}")),
            ("statements", "close") => Need(4, () => new RestCall(HttpMethod.Post, "/v1/roaming/statements", new JsonObject { ["agreementId"] = p[2], ["period"] = p[3] })),
            ("statements", "sign") => Need(4, () => new RestCall(HttpMethod.Post, $"/v1/roaming/statements/{E(p[2])}/{E(p[3])}/sign", new JsonObject { ["statementHash"] = o.GetValueOrDefault("hash") })),
            ("statements", "dispute") when o.ContainsKey("reason") => Need(4, () => new RestCall(HttpMethod.Post, $"/v1/roaming/statements/{E(p[2])}/{E(p[3])}/dispute", new JsonObject { ["reason"] = o["reason"] })),
            _ => null,
        };

        if (call is null && error is null)
        {
            error = $"usage: 'roaming {string.Join(' ', p.Take(2))}' is not a command with these arguments and options.";
        }

        return call;
    }

    private static RestCall Verify(string fileId, string batch, JsonNode saved)
    {
        // A saved proof answer carries the record's canonical encoding and the proof; only those two are sent.
        var body = new JsonObject
        {
            ["canonicalRecord"] = saved["canonicalRecord"]?.DeepClone(),
            ["proof"] = saved["proof"]?.DeepClone(),
        };
        return new RestCall(HttpMethod.Post, $"/v1/roaming/batches/{Uri.EscapeDataString(fileId)}/{Uri.EscapeDataString(batch)}/proof-verification", body, ReadsOnly: true);
    }

    private static RestCall? Reject(List<string> p, out string? error)
    {
        error = null;
        var rejections = new JsonArray();
        foreach (var item in p.Skip(4))
        {
            var parts = item.Split(':', 3);
            if (parts.Length < 2
                || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code))
            {
                error = $"'{item}' is not INDEX:CODE[:REASON] (e.g. 3:200:duplicate).";
                return null;
            }

            var rejection = new JsonObject { ["index"] = index, ["errorCode"] = code };
            if (parts.Length == 3)
            {
                rejection["reason"] = parts[2];
            }

            rejections.Add(rejection);
        }

        return new RestCall(HttpMethod.Post, $"/v1/roaming/batches/{Uri.EscapeDataString(p[2])}/{Uri.EscapeDataString(p[3])}/rejections", new JsonObject { ["rejections"] = rejections });
    }

    private static JsonNode ReadJson(string path)
        => JsonNode.Parse(File.ReadAllText(path)) ?? throw new JsonException($"{path} holds no JSON value.");

    private static string Query(Dictionary<string, string> options, params (string Option, string Parameter)[] names)
    {
        var parts = names.Where(n => options.ContainsKey(n.Option)).Select(n => $"{n.Parameter}={Uri.EscapeDataString(options[n.Option])}").ToList();
        return parts.Count == 0 ? string.Empty : "?" + string.Join('&', parts);
    }

    private static bool TryParse(string[] args, out List<string> positional, out Dictionary<string, string> options, out string? error)
    {
        positional = [];
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        string[] known = ["url", "key", "org", "keys", "party", "limit", "cursor", "version", "hash", "effective-to", "reason", "agreement", "period", "status",
            "visited", "home", "out", "sequence", "idempotency-key", "channel"];
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
                continue;
            }

            var name = args[i][2..];
            string? value = null;
            if (name.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }

            if (!known.Contains(name))
            {
                error = $"unknown option --{name}.";
                return false;
            }

            if (value is null)
            {
                error = $"--{name} needs a value.";
                return false;
            }

            options[name] = value;
        }

        return true;
    }

    private static void WriteUsage(TextWriter writer)
    {
        foreach (var line in Usage)
        {
            writer.WriteLine(line);
        }
    }
}
