using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Cli.Settlement;

/// <summary>
/// <c>restcomm settlement …</c>: the settlement REST API (<c>/v1/settlement</c>) of one operator from a shell: RCB
/// balances and transfers, supply governance, statement payments, payment terms, netting rounds and disputes. Each
/// sub-command is one HTTP call; JSON answers on stdout, a refusal's problem on stderr (exit 1). The API is chosen as for
/// <c>restcomm roaming</c>.
/// </summary>
internal static class SettlementCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly string[] Usage =
    [
        "usage: restcomm settlement <area> <action> [arguments] [--url URL] [--key KEY] [--org MSP] [--keys FILE]",
        "",
        "  token",
        "  balance ACCOUNT                               (MSPID or MSPID/sub-account)",
        "  entries ACCOUNT [--limit N]",
        "  transfer TO AMOUNT [--from ACCOUNT]           (amounts in RCB minor units)",
        "  approve SPENDER_MSP AMOUNT",
        "  supply propose mint|burn ACCOUNT AMOUNT --reason TEXT",
        "  supply approve PROPOSAL_ID",
        "  supply get PROPOSAL_ID",
        "  statements get AGREEMENT_ID PERIOD",
        "  statements pay AGREEMENT_ID PERIOD",
        "  statements external AGREEMENT_ID PERIOD --reference REF",
        "  statements confirm AGREEMENT_ID PERIOD",
        "  statements net AGREEMENT_ID PERIOD           (enter the statement for the period's netting)",
        "  payments [--operator MSP]",
        "  terms propose AGREEMENT_ID N+M --from yyyy-MM",
        "  terms accept AGREEMENT_ID N+M",
        "  netting propose PERIOD",
        "  netting approve NETTING_ID",
        "  netting get NETTING_ID",
        "  disputes open --respondent MSP --claim TEXT --pledge N [--agreement ID --period yyyy-MM] [--commit-seconds S] [--reveal-seconds S]",
        "  disputes draw|resolve|get DISPUTE_ID",
        "  disputes commit DISPUTE_ID uphold|reject --salt SECRET   (sealed here: only the SHA-256 leaves this machine)",
        "  disputes reveal DISPUTE_ID uphold|reject --salt SECRET",
        "",
        $"The API: --url and --key, else RESTCOMM_URL and RESTCOMM_KEY, else --org's entry (default Org1MSP) in --keys (default {RestApi.DefaultKeysFile}).",
        "Writes send a fresh Idempotency-Key (--idempotency-key K to choose one, e.g. to retry safely).",
    ];

    private static readonly string[] Known =
    [
        "url", "key", "org", "keys", "limit", "from", "reason", "reference", "operator", "respondent", "claim", "pledge", "agreement", "period",
        "commit-seconds", "reveal-seconds", "salt", "idempotency-key",
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
            await stderr.WriteLineAsync($"restcomm settlement: {parseError}").ConfigureAwait(false);
            return 2;
        }

        var call = ToCall(positional, options, out var error);
        if (call is null)
        {
            await stderr.WriteLineAsync($"restcomm settlement: {error}").ConfigureAwait(false);
            WriteUsage(stderr);
            return 2;
        }

        return await RestApi.SendAsync("settlement", call, options, Indented, stdout, stderr, handler, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The SHA-256 commitment of a vote, as the chaincode checks it: hex of <c>disputeId|vote|salt</c>.</summary>
    internal static string Commitment(string disputeId, string vote, string salt)
        => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{disputeId}|{vote}|{salt}")));

    private static RestCall? ToCall(List<string> p, Dictionary<string, string> o, out string? error)
    {
        error = null;
        string E(string s) => Uri.EscapeDataString(s);
        JsonNode? Amount(string text) => long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : null;
        var (area, action) = (p.ElementAtOrDefault(0), p.ElementAtOrDefault(1));
        var post = HttpMethod.Post;
        var get = HttpMethod.Get;
        RestCall? call = (area, action, p.Count) switch
        {
            ("token", null, 1) => new RestCall(get, "/v1/settlement/token"),
            ("balance", _, 2) => new RestCall(get, $"/v1/settlement/accounts/{E(p[1])}"),
            ("entries", _, 2) => new RestCall(get, $"/v1/settlement/accounts/{E(p[1])}/entries" + (o.TryGetValue("limit", out var l) ? $"?limit={E(l)}" : "")),
            ("transfer", _, 3) when Amount(p[2]) is { } amount => new RestCall(post, "/v1/settlement/transfers", new JsonObject { ["to"] = p[1], ["amount"] = amount, ["from"] = o.GetValueOrDefault("from") }),
            ("approve", _, 3) when Amount(p[2]) is { } amount => new RestCall(post, "/v1/settlement/allowances", new JsonObject { ["spender"] = p[1], ["amount"] = amount }),
            ("supply", "propose", 5) when o.ContainsKey("reason") && Amount(p[4]) is { } amount
                => new RestCall(post, "/v1/settlement/proposals", new JsonObject { ["kind"] = p[2], ["account"] = p[3], ["amount"] = amount, ["reason"] = o["reason"] }),
            ("supply", "approve", 3) => new RestCall(post, $"/v1/settlement/proposals/{E(p[2])}/approve", new JsonObject()),
            ("supply", "get", 3) => new RestCall(get, $"/v1/settlement/proposals/{E(p[2])}"),
            ("statements", "get", 4) => new RestCall(get, $"/v1/settlement/statements/{E(p[2])}/{E(p[3])}"),
            ("statements", "pay", 4) => new RestCall(post, $"/v1/settlement/statements/{E(p[2])}/{E(p[3])}/pay", new JsonObject()),
            ("statements", "external", 4) when o.ContainsKey("reference")
                => new RestCall(post, $"/v1/settlement/statements/{E(p[2])}/{E(p[3])}/external-payment", new JsonObject { ["reference"] = o["reference"] }),
            ("statements", "confirm", 4) => new RestCall(post, $"/v1/settlement/statements/{E(p[2])}/{E(p[3])}/confirm", new JsonObject()),
            ("statements", "net", 4) => new RestCall(post, $"/v1/settlement/statements/{E(p[2])}/{E(p[3])}/netting", new JsonObject()),
            ("payments", null, 1) => new RestCall(get, "/v1/settlement/payments" + (o.TryGetValue("operator", out var op) ? $"?operator={E(op)}" : "")),
            ("terms", "propose", 4) when o.ContainsKey("from")
                => new RestCall(post, $"/v1/settlement/agreements/{E(p[2])}/payment-terms", new JsonObject { ["paymentTerms"] = p[3], ["effectiveFromPeriod"] = o["from"] }),
            ("terms", "accept", 4) => new RestCall(post, $"/v1/settlement/agreements/{E(p[2])}/payment-terms/accept", new JsonObject { ["paymentTerms"] = p[3] }),
            ("netting", "propose", 3) => new RestCall(post, "/v1/settlement/nettings", new JsonObject { ["period"] = p[2] }),
            ("netting", "approve", 3) => new RestCall(post, $"/v1/settlement/nettings/{E(p[2])}/approve", new JsonObject()),
            ("netting", "get", 3) => new RestCall(get, $"/v1/settlement/nettings/{E(p[2])}"),
            ("disputes", "open", 2) when o.ContainsKey("respondent") && o.ContainsKey("claim") && o.TryGetValue("pledge", out var pledge) && Amount(pledge) is { } pledged
                => new RestCall(post, "/v1/settlement/disputes", new JsonObject
                {
                    ["subject"] = o.ContainsKey("agreement") ? "statement" : "member",
                    ["respondent"] = o["respondent"],
                    ["claim"] = o["claim"],
                    ["agreementId"] = o.GetValueOrDefault("agreement"),
                    ["period"] = o.GetValueOrDefault("period"),
                    ["pledge"] = pledged,
                    ["commitSeconds"] = Amount(o.GetValueOrDefault("commit-seconds") ?? "86400"),
                    ["revealSeconds"] = Amount(o.GetValueOrDefault("reveal-seconds") ?? "86400"),
                }),
            ("disputes", "draw" or "resolve", 3) => new RestCall(post, $"/v1/settlement/disputes/{E(p[2])}/{action}", new JsonObject()),
            ("disputes", "get", 3) => new RestCall(get, $"/v1/settlement/disputes/{E(p[2])}"),
            ("disputes", "commit", 4) when p[3] is "uphold" or "reject" && o.ContainsKey("salt")
                => new RestCall(post, $"/v1/settlement/disputes/{E(p[2])}/commit", new JsonObject { ["commitment"] = Commitment(p[2], p[3], o["salt"]) }),
            ("disputes", "reveal", 4) when p[3] is "uphold" or "reject" && o.ContainsKey("salt")
                => new RestCall(post, $"/v1/settlement/disputes/{E(p[2])}/reveal", new JsonObject { ["vote"] = p[3], ["salt"] = o["salt"] }),
            _ => null,
        };

        if (call is null)
        {
            error = $"usage: 'settlement {string.Join(' ', p.Take(2))}' is not a command with these arguments and options.";
        }

        return call;
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

            if (!Known.Contains(name))
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
