using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Cli.Audit;

/// <summary>
/// <c>restcomm audit …</c>: anchors on the audit channel through an API (the regulator's or an operator's). <c>verify</c>
/// asks the API to recompute an anchor's digest from the source ledger and exits 0 when it verifies, 3 when it does
/// not (the answer says where), 1 when refused or unreachable, 2 on a usage error.
/// </summary>
internal static class AuditCommand
{
    /// <summary>Exit code of an anchor that does not verify.</summary>
    public const int NotVerified = 3;

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly string[] Usage =
    [
        "usage: restcomm audit <action> [arguments] [--url URL] [--key KEY] [--org MSP] [--keys FILE]",
        "",
        "  verify ANCHOR_ID                 recompute the digest from the source ledger (exit 0 verified, 3 not verified)",
        "  anchors [--source CHANNEL] [--kind KIND] [--limit N]",
        "  get ANCHOR_ID",
        "  anchoring                        where this organisation's anchoring of each source stands",
        "",
        "Anchor IDs read channel~chaincode~kind~from-to, e.g. eir~eir~eir-changes~0-99.",
        $"The API: --url and --key, else RESTCOMM_URL and RESTCOMM_KEY, else --org's entry (default Org1MSP) in --keys (default {RestApi.DefaultKeysFile}).",
    ];

    private static readonly string[] KnownOptions = ["url", "key", "org", "keys", "source", "kind", "limit"];

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
        => RunAsync(args, stdout, stderr, null, cancellationToken);

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

        var positional = new List<string>();
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal))
            {
                var name = args[i][2..];
                if (!KnownOptions.Contains(name) || i + 1 >= args.Length)
                {
                    await stderr.WriteLineAsync($"restcomm audit: unknown option or missing value: {args[i]}").ConfigureAwait(false);
                    return 2;
                }

                options[name] = args[++i];
            }
            else
            {
                positional.Add(args[i]);
            }
        }

        string? path = (positional.ToArray()) switch
        {
            ["verify", var id] => $"v1/audit/anchors/{Uri.EscapeDataString(id)}/verification",
            ["get", var id] => $"v1/audit/anchors/{Uri.EscapeDataString(id)}",
            ["anchoring"] => "v1/audit/anchoring",
            ["anchors"] => "v1/audit/anchors?" + string.Join('&', new[] { ("sourceChannel", "source"), ("kind", "kind"), ("limit", "limit") }
                .Where(p => options.ContainsKey(p.Item2)).Select(p => $"{p.Item1}={Uri.EscapeDataString(options[p.Item2])}")),
            _ => null,
        };
        if (path is null)
        {
            await stderr.WriteLineAsync($"restcomm audit: unknown action or wrong arguments: {string.Join(' ', positional)} (see restcomm audit --help)").ConfigureAwait(false);
            return 2;
        }

        if (!RestApi.TryResolveApi(options, out var baseUrl, out var key, out var apiError))
        {
            await stderr.WriteLineAsync($"restcomm audit: {apiError}").ConfigureAwait(false);
            return 2;
        }

        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = baseUrl;
        client.Timeout = TimeSpan.FromSeconds(120);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        try
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                await stderr.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"restcomm audit: {(int)response.StatusCode} {RestApi.Describe(bytes)}")).ConfigureAwait(false);
                return 1;
            }

            await stdout.WriteLineAsync(RestApi.Pretty(bytes, Indented)).ConfigureAwait(false);
            if (positional[0] == "verify" && JsonNode.Parse(bytes)?["verified"]?.GetValue<bool>() != true)
            {
                await stderr.WriteLineAsync($"restcomm audit: {positional[1]} does not verify: {(string?)JsonNode.Parse(bytes)?["summary"]}").ConfigureAwait(false);
                return NotVerified;
            }

            return 0;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"restcomm audit: cannot reach {baseUrl}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"restcomm audit: {baseUrl} did not answer within {client.Timeout.TotalSeconds:0} s.").ConfigureAwait(false);
            return 1;
        }
    }
}
