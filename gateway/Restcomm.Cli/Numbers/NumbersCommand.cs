using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Cli.Numbers;

/// <summary>
/// <c>restcomm numbers …</c>: the number registry's REST API of one provider from a shell. Each sub-command is one HTTP
/// call to <c>/v1/numbers</c>; the answer's JSON is printed on stdout, a refusal's problem on stderr (exit 1), a usage
/// error exits 2 without calling the API. The API and key come from <c>--url</c>/<c>--key</c>, else
/// <c>RESTCOMM_URL</c>/<c>RESTCOMM_KEY</c>, else the entry of <c>--org</c> (default Org1MSP) in
/// <c>.run/api-keys.json</c> (<c>--keys FILE</c>), which <c>make run</c> writes.
/// </summary>
internal static class NumbersCommand
{
    // Numbers start with '+', which the default encoder would print as \u002B.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] Usage =
    [
        "usage: restcomm numbers <action> [arguments] [--url URL] [--key KEY] [--org MSP] [--keys FILE]",
        "",
        "  lookup E164 [E164 ...]                      (one: GET; several: one bulk lookup of up to 10,000)",
        "  cnam E164",
        "  history E164",
        "  publish E164 [--line-type T] [--capabilities voice,sms,rcs] [--uri NAME=URI ...] --consent-hash SHA256 [--consent-at T] [--consent-expires T]",
        "               [--cnam NAME] [--restricted]",
        "  publish FILE.json                           (one publication, or {\"numbers\":[…]} for a bulk of up to 1,000)",
        "  withdraw E164 [E164 ...]",
        "  block publish ID [--line-type T] [--capabilities …] --consent-hash SHA256 [--cnam NAME]   (ID e.g. +44207946xxxx)",
        "  block get ID | block withdraw ID",
        "  port request E164 --consent-hash SHA256 [--due-at T]",
        "  port get|concur|cancel|activate PORT_ID",
        "  port conflict PORT_ID --reason noAuthorisation|dueDateMismatch|subscriberMismatch|vacantNumber|contractObligation|fraudSuspected|other",
        "  ports [--open]",
        "  changes [--after CURSOR] [--limit N]",
        "",
        $"The API: --url and --key, else RESTCOMM_URL and RESTCOMM_KEY, else --org's entry (default Org1MSP) in --keys (default {RestApi.DefaultKeysFile}).",
        "Writes send a fresh Idempotency-Key (--idempotency-key K to choose one, e.g. to retry safely).",
    ];

    private static readonly string[] KnownOptions =
    [
        "url", "key", "org", "keys", "line-type", "capabilities", "uri", "consent-hash", "consent-at", "consent-expires", "cnam", "restricted",
        "due-at", "reason", "open", "after", "limit", "idempotency-key",
    ];

    private static readonly string[] Flags = ["restricted", "open"];

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

        if (!TryParse(args, out var p, out var o, out var uris, out var parseError))
        {
            await stderr.WriteLineAsync($"restcomm numbers: {parseError}").ConfigureAwait(false);
            return 2;
        }

        RestCall? call;
        string? error;
        try
        {
            call = ToCall(p, o, uris, out error);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            (call, error) = (null, $"cannot read the input file: {ex.Message}");
        }

        if (call is null)
        {
            await stderr.WriteLineAsync($"restcomm numbers: {error ?? "usage error"}").ConfigureAwait(false);
            WriteUsage(stderr);
            return 2;
        }

        return await RestApi.SendAsync("numbers", call, o, Indented, stdout, stderr, handler, cancellationToken).ConfigureAwait(false);
    }

    private static RestCall? ToCall(List<string> p, Dictionary<string, string> o, List<string> uris, out string? error)
    {
        error = null;
        static string E(string s) => Uri.EscapeDataString(s);
        var action = p.ElementAtOrDefault(0);
        var sub = p.ElementAtOrDefault(1);
        switch (action)
        {
            case "lookup" when p.Count == 2:
                return new RestCall(HttpMethod.Get, $"/v1/numbers/{E(p[1])}");
            case "lookup" when p.Count > 2:
                return new RestCall(HttpMethod.Post, "/v1/numbers/lookup", new JsonObject { ["numbers"] = Strings(p.Skip(1)) }, ReadsOnly: true);
            case "cnam" when p.Count == 2:
                return new RestCall(HttpMethod.Get, $"/v1/numbers/{E(p[1])}/cnam");
            case "history" when p.Count == 2:
                return new RestCall(HttpMethod.Get, $"/v1/numbers/{E(p[1])}/history");
            case "publish" when p.Count == 2 && p[1].EndsWith(".json", StringComparison.OrdinalIgnoreCase):
                var document = JsonNode.Parse(File.ReadAllText(p[1])) ?? throw new JsonException($"{p[1]} holds no JSON value.");
                return new RestCall(HttpMethod.Post, document["numbers"] is JsonArray ? "/v1/numbers/bulk" : "/v1/numbers", document);
            case "publish" when p.Count == 2:
                return Profile(o, uris, new JsonObject { ["e164"] = p[1] }, out error) is { } number ? new RestCall(HttpMethod.Post, "/v1/numbers", number) : null;
            case "withdraw" when p.Count == 2:
                return new RestCall(HttpMethod.Delete, $"/v1/numbers/{E(p[1])}");
            case "withdraw" when p.Count > 2:
                return new RestCall(HttpMethod.Post, "/v1/numbers/withdraw", new JsonObject { ["numbers"] = Strings(p.Skip(1)) });
            case "block" when p.Count == 3 && sub == "publish":
                return Profile(o, uris, new JsonObject { ["id"] = p[2] }, out error) is { } block ? new RestCall(HttpMethod.Post, "/v1/numbers/blocks", block) : null;
            case "block" when p.Count == 3 && sub == "get":
                return new RestCall(HttpMethod.Get, $"/v1/numbers/blocks/{E(p[2])}");
            case "block" when p.Count == 3 && sub == "withdraw":
                return new RestCall(HttpMethod.Delete, $"/v1/numbers/blocks/{E(p[2])}");
            case "port" when p.Count == 3 && sub == "request":
                if (!o.TryGetValue("consent-hash", out var loa))
                {
                    error = "a port request needs --consent-hash: the SHA-256 of the subscriber's letter of authorisation.";
                    return null;
                }

                var body = new JsonObject { ["e164"] = p[2], ["consentHash"] = loa };
                if (o.TryGetValue("due-at", out var due))
                {
                    body["dueAt"] = due;
                }

                return new RestCall(HttpMethod.Post, "/v1/numbers/ports", body);
            case "port" when p.Count == 3 && sub == "get":
                return new RestCall(HttpMethod.Get, $"/v1/numbers/ports/{E(p[2])}");
            case "port" when p.Count == 3 && sub is "concur" or "cancel" or "activate":
                return new RestCall(HttpMethod.Post, $"/v1/numbers/ports/{E(p[2])}/{sub}", new JsonObject());
            case "port" when p.Count == 3 && sub == "conflict":
                if (!o.TryGetValue("reason", out var reason))
                {
                    error = "a conflict needs --reason.";
                    return null;
                }

                return new RestCall(HttpMethod.Post, $"/v1/numbers/ports/{E(p[2])}/conflict", new JsonObject { ["reason"] = reason });
            case "ports" when p.Count == 1:
                return new RestCall(HttpMethod.Get, "/v1/numbers/ports" + (o.ContainsKey("open") ? "?open=true" : ""));
            case "changes" when p.Count == 1:
                var query = new List<string>();
                if (o.TryGetValue("after", out var after))
                {
                    query.Add("after=" + E(after));
                }

                if (o.TryGetValue("limit", out var limit))
                {
                    query.Add("limit=" + E(limit));
                }

                return new RestCall(HttpMethod.Get, "/v1/numbers/changes" + (query.Count == 0 ? "" : "?" + string.Join('&', query)));
            default:
                return null;
        }
    }

    /// <summary>Line type, capabilities (all with one consent) and caller name from the options.</summary>
    private static JsonObject? Profile(Dictionary<string, string> o, List<string> uris, JsonObject target, out string? error)
    {
        error = null;
        if (o.TryGetValue("line-type", out var lineType))
        {
            target["lineType"] = lineType;
        }

        var routes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var uri in uris)
        {
            var eq = uri.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"--uri '{uri}' is not NAME=URI (e.g. voice=sip:+447700900123@ims.example.com).";
                return null;
            }

            routes[uri[..eq]] = uri[(eq + 1)..];
        }

        if (o.TryGetValue("capabilities", out var names))
        {
            if (!o.TryGetValue("consent-hash", out var hash))
            {
                error = "capabilities need --consent-hash: the SHA-256 of the subscriber's consent evidence.";
                return null;
            }

            var consentAt = o.GetValueOrDefault("consent-at") ?? DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            var list = new JsonArray();
            foreach (var name in names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var capability = new JsonObject { ["name"] = name, ["consentHash"] = hash, ["consentAt"] = consentAt };
                if (routes.Remove(name, out var route))
                {
                    capability["uri"] = route;
                }

                if (o.TryGetValue("consent-expires", out var expires))
                {
                    capability["consentExpires"] = expires;
                }

                list.Add(capability);
            }

            target["capabilities"] = list;
        }

        if (routes.Count > 0)
        {
            error = $"--uri names capabilities not in --capabilities: {string.Join(", ", routes.Keys)}.";
            return null;
        }

        if (o.TryGetValue("cnam", out var cnam))
        {
            target["cnam"] = new JsonObject { ["name"] = cnam, ["presentation"] = o.ContainsKey("restricted") ? "restricted" : "allowed" };
        }

        return target;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);

    private static bool TryParse(string[] args, out List<string> positional, out Dictionary<string, string> options, out List<string> uris, out string? error)
    {
        positional = [];
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        uris = [];
        error = null;
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
            else if (Flags.Contains(name))
            {
                value = "true";
            }
            else if (i + 1 < args.Length)
            {
                value = args[++i];
            }

            if (!KnownOptions.Contains(name))
            {
                error = $"unknown option --{name}.";
                return false;
            }

            if (value is null)
            {
                error = $"--{name} needs a value.";
                return false;
            }

            if (name == "uri")
            {
                uris.Add(value);
            }
            else
            {
                options[name] = value;
            }
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
