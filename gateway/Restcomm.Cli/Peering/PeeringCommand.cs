using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Cli.Peering;

/// <summary>
/// <c>restcomm peering …</c>: interconnection profiles and time-limited grants through an operator's REST API
/// (<c>/v1/peering</c>), and a buyer's application's two calls on the seller's API (<c>token</c>, <c>shared</c>). Each
/// sub-command is one HTTP call; the answer's JSON is printed on stdout, a refusal on stderr (exit 1), a usage error
/// exits 2. The API and key: <c>--url</c>/<c>--key</c>, else <c>RESTCOMM_URL</c>/<c>RESTCOMM_KEY</c>, else the entry
/// of <c>--org</c> (default Org1MSP) in <c>.run/api-keys.json</c>.
/// </summary>
internal static class PeeringCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly string[] Usage =
    [
        "usage: restcomm peering <action> [arguments] [--url URL] [--key KEY] [--org MSP] [--keys FILE]",
        "",
        "  profile register FILE.json                  (this organisation's next profile version: sip, ss7, diameter, smpp, ipx, contacts)",
        "  profile get MSP | profiles | profile details [--version N]",
        "  request SELLER --services sip[,ss7,...] --purpose TEXT (--days N | --seconds N) [--grant-id ID] [--start T]",
        "  approve GRANT [--services sip,...] [--days N | --seconds N] [--start T]",
        "  decline GRANT --reason TEXT | revoke GRANT --reason TEXT | purge GRANT",
        "  grants [--party MSP] | grant GRANT | details GRANT",
        "  client register GRANT                       (the buyer; prints the client ID and its secret, shown once)",
        "  kyc attest MSP --evidence-hash SHA256 | kyc get MSP",
        "  token --client-id ID --client-secret SECRET  (on the seller's API: an access token for the client's grant)",
        "  shared GRANT --token TOKEN                  (on the seller's API: the granted details, with that token)",
        "",
        $"The API: --url and --key, else RESTCOMM_URL and RESTCOMM_KEY, else --org's entry (default Org1MSP) in --keys (default {RestApi.DefaultKeysFile}).",
        "Writes send a fresh Idempotency-Key (--idempotency-key K to choose one, e.g. to retry safely).",
    ];

    private static readonly string[] KnownOptions =
    [
        "url", "key", "org", "keys", "version", "services", "purpose", "days", "seconds", "grant-id", "start", "reason", "party",
        "evidence-hash", "client-id", "client-secret", "token", "idempotency-key",
    ];

    /// <summary>Runs the command with a real HTTP client.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => RunAsync(args, stdout, stderr, null, cancellationToken);

    /// <summary>Runs the command; <paramref name="handler"/> replaces the network (tests).</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            foreach (var line in Usage)
            {
                await (args.Length == 0 ? stderr : stdout).WriteLineAsync(line).ConfigureAwait(false);
            }

            return args.Length == 0 ? 2 : 0;
        }

        if (!TryParse(args, out var p, out var o, out var parseError))
        {
            await stderr.WriteLineAsync($"restcomm peering: {parseError}").ConfigureAwait(false);
            return 2;
        }

        if (p[0] == "token")
        {
            return await TokenAsync(o, stdout, stderr, handler, cancellationToken).ConfigureAwait(false);
        }

        if (p[0] == "shared")
        {
            return p.Count == 2 && o.TryGetValue("token", out var token)
                ? await SharedAsync(p[1], token, o, stdout, stderr, handler, cancellationToken).ConfigureAwait(false)
                : await Fail(stderr, "shared GRANT --token TOKEN").ConfigureAwait(false);
        }

        RestCall? call;
        string? error;
        try
        {
            call = ToCall(p, o, out error);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            (call, error) = (null, $"cannot read the input file: {ex.Message}");
        }

        return call is null
            ? await Fail(stderr, error!).ConfigureAwait(false)
            : await RestApi.SendAsync("peering", call, o, Indented, stdout, stderr, handler, cancellationToken).ConfigureAwait(false);
    }

    private static RestCall? ToCall(IReadOnlyList<string> p, Dictionary<string, string> o, out string? error)
    {
        error = null;
        var grant = p.Count > 1 ? Uri.EscapeDataString(p[1]) : null;
        switch (p[0], p.Count)
        {
            case ("profile", 3) when p[1] == "register":
                return new RestCall(HttpMethod.Post, "v1/peering/profiles", JsonNode.Parse(File.ReadAllText(p[2])));
            case ("profile", 3) when p[1] == "get":
                return new RestCall(HttpMethod.Get, $"v1/peering/profiles/{Uri.EscapeDataString(p[2])}");
            case ("profile", 2) when p[1] == "details":
                return new RestCall(HttpMethod.Get, "v1/peering/profile/details" + (o.TryGetValue("version", out var v) ? $"?version={Uri.EscapeDataString(v)}" : string.Empty));
            case ("profiles", 1):
                return new RestCall(HttpMethod.Get, "v1/peering/profiles");
            case ("request", 2):
            {
                if (!o.TryGetValue("services", out var services) || !o.TryGetValue("purpose", out var purpose) || Duration(o) is not { } duration)
                {
                    error = "request SELLER --services sip[,ss7,...] --purpose TEXT (--days N | --seconds N) [--grant-id ID] [--start T]";
                    return null;
                }

                var body = new JsonObject { ["seller"] = p[1], ["services"] = Services(services), ["purpose"] = purpose, [duration.Name] = duration.Value };
                Optional(body, o, "grant-id", "grantId");
                Optional(body, o, "start", "wantedStart");
                return new RestCall(HttpMethod.Post, "v1/peering/grants", body);
            }

            case ("approve", 2):
            {
                var body = new JsonObject();
                if (o.TryGetValue("services", out var services))
                {
                    body["services"] = Services(services);
                }

                if (Duration(o) is { } duration)
                {
                    body[duration.Name] = duration.Value;
                }

                Optional(body, o, "start", "startsAt");
                return new RestCall(HttpMethod.Post, $"v1/peering/grants/{grant}/approve", body);
            }

            case ("decline" or "revoke", 2):
                if (!o.TryGetValue("reason", out var reason))
                {
                    error = $"{p[0]} GRANT --reason TEXT";
                    return null;
                }

                return new RestCall(HttpMethod.Post, $"v1/peering/grants/{grant}/{p[0]}", new JsonObject { ["reason"] = reason });
            case ("purge", 2):
                return new RestCall(HttpMethod.Post, $"v1/peering/grants/{grant}/purge", new JsonObject());
            case ("grants", 1):
                return new RestCall(HttpMethod.Get, "v1/peering/grants" + (o.TryGetValue("party", out var party) ? $"?party={Uri.EscapeDataString(party)}" : string.Empty));
            case ("grant", 2):
                return new RestCall(HttpMethod.Get, $"v1/peering/grants/{grant}");
            case ("details", 2):
                return new RestCall(HttpMethod.Get, $"v1/peering/grants/{grant}/details");
            case ("client", 3) when p[1] == "register":
                return new RestCall(HttpMethod.Post, $"v1/peering/grants/{Uri.EscapeDataString(p[2])}/clients", new JsonObject());
            case ("kyc", 3) when p[1] == "attest":
                if (!o.TryGetValue("evidence-hash", out var hash))
                {
                    error = "kyc attest MSP --evidence-hash SHA256";
                    return null;
                }

                return new RestCall(HttpMethod.Post, "v1/peering/kyc", new JsonObject { ["subject"] = p[2], ["evidenceHash"] = hash });
            case ("kyc", 3) when p[1] == "get":
                return new RestCall(HttpMethod.Get, $"v1/peering/kyc/{Uri.EscapeDataString(p[2])}");
            default:
                error = $"unknown or incomplete action '{string.Join(' ', p)}'; see 'restcomm peering --help'.";
                return null;
        }
    }

    /// <summary>The OAuth client-credentials call (HTTP Basic), printing the token answer.</summary>
    private static async Task<int> TokenAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        if (!o.TryGetValue("client-id", out var id) || !o.TryGetValue("client-secret", out var secret))
        {
            return await Fail(stderr, "token --client-id ID --client-secret SECRET").ConfigureAwait(false);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/peering/oauth/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")));
        return await SendOAuthAsync("token", request, o, stdout, stderr, handler, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> SharedAsync(string grantId, string token, Dictionary<string, string> o, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v1/peering/shared/{Uri.EscapeDataString(grantId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await SendOAuthAsync("shared", request, o, stdout, stderr, handler, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A call authenticated by OAuth rather than an API key: only the API's address is needed.</summary>
    private static async Task<int> SendOAuthAsync(string action, HttpRequestMessage request, Dictionary<string, string> o, TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        var options = new Dictionary<string, string>(o, StringComparer.Ordinal);
        options.TryAdd("key", "-");
        if (!RestApi.TryResolveApi(options, out var baseUrl, out _, out var apiError))
        {
            await stderr.WriteLineAsync($"restcomm peering {action}: {apiError}").ConfigureAwait(false);
            return 2;
        }

        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = baseUrl;
        client.Timeout = TimeSpan.FromSeconds(60);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                var error = JsonNode.Parse(bytes.Length == 0 ? "{}"u8.ToArray() : bytes);
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"restcomm peering {action}: {(int)response.StatusCode} {(string?)error?["error"]}: {(string?)error?["error_description"]}")).ConfigureAwait(false);
                return 1;
            }

            await stdout.WriteLineAsync(RestApi.Pretty(bytes, Indented)).ConfigureAwait(false);
            return 0;
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await stderr.WriteLineAsync($"restcomm peering {action}: cannot get an answer from {baseUrl}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static (string Name, long Value)? Duration(Dictionary<string, string> o)
        => o.TryGetValue("seconds", out var s) && long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? ("durationSeconds", seconds)
            : o.TryGetValue("days", out var d) && long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var days) ? ("durationDays", days)
            : null;

    private static JsonArray Services(string list)
        => [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(s => (JsonNode)JsonValue.Create(s.ToLowerInvariant())!)];

    private static void Optional(JsonObject body, Dictionary<string, string> o, string option, string field)
    {
        if (o.TryGetValue(option, out var value))
        {
            body[field] = value;
        }
    }

    private static async Task<int> Fail(TextWriter stderr, string message)
    {
        await stderr.WriteLineAsync($"restcomm peering: {message}").ConfigureAwait(false);
        return 2;
    }

    private static bool TryParse(string[] args, out List<string> positional, out Dictionary<string, string> options, out string? error)
    {
        positional = [];
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(args[i]);
                continue;
            }

            var name = args[i][2..];
            if (!KnownOptions.Contains(name, StringComparer.Ordinal))
            {
                error = $"unknown option --{name}.";
                return false;
            }

            if (i + 1 >= args.Length)
            {
                error = $"--{name} needs a value.";
                return false;
            }

            options[name] = args[++i];
        }

        if (positional.Count == 0)
        {
            error = "name an action; see 'restcomm peering --help'.";
            return false;
        }

        return true;
    }
}
