using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Cli;

/// <summary>
/// What the commands that call an operator's REST API share (<c>restcomm roaming</c>, <c>restcomm numbers</c>): which
/// API and key to use, and how answers and refusals are printed.
/// </summary>
internal static class RestApi
{
    /// <summary>The API keys file <c>make run</c> writes.</summary>
    public const string DefaultKeysFile = ".run/api-keys.json";

    /// <summary>
    /// The API's base address and key: <c>--url</c>/<c>--key</c>, else <c>RESTCOMM_URL</c>/<c>RESTCOMM_KEY</c>, else the
    /// entry of <c>--org</c> (default Org1MSP) in <c>--keys</c> (default <see cref="DefaultKeysFile"/>).
    /// </summary>
    public static bool TryResolveApi(Dictionary<string, string> options, out Uri baseUrl, out string key, out string? error)
    {
        baseUrl = null!;
        key = string.Empty;
        error = null;
        var url = options.GetValueOrDefault("url") ?? Environment.GetEnvironmentVariable("RESTCOMM_URL");
        var token = options.GetValueOrDefault("key") ?? Environment.GetEnvironmentVariable("RESTCOMM_KEY");
        if (url is null || token is null)
        {
            var org = options.GetValueOrDefault("org") ?? "Org1MSP";
            var file = options.GetValueOrDefault("keys") ?? DefaultKeysFile;
            try
            {
                var entry = JsonNode.Parse(File.ReadAllText(file))?[org];
                url ??= (string?)entry?["url"];
                token ??= (string?)entry?["key"];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
            {
                error = $"no --url/--key given and {file} cannot be read ({ex.Message}); start 'make run' or pass --url and --key.";
                return false;
            }

            if (url is null || token is null)
            {
                error = $"{file} has no url and key for {org}; pass --url and --key.";
                return false;
            }
        }

        if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            error = $"--url '{url}' is not an http(s) address.";
            return false;
        }

        baseUrl = parsed;
        key = token;
        return true;
    }

    public static string Pretty(byte[] bytes, JsonSerializerOptions indented)
    {
        try
        {
            return JsonNode.Parse(bytes)?.ToJsonString(indented) ?? "null";
        }
        catch (JsonException)
        {
            return Encoding.UTF8.GetString(bytes);
        }
    }

    /// <summary>A refusal in one line: the problem's type, detail and code when it is one.</summary>
    public static string Describe(byte[] bytes)
    {
        try
        {
            var problem = JsonNode.Parse(bytes);
            var type = (string?)problem?["type"];
            var detail = (string?)problem?["detail"] ?? (string?)problem?["title"];
            var code = (string?)problem?["code"];
            return $"{type?.Split(':')[^1]}: {detail}{(code is null ? string.Empty : $" (code {code})")}";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return Encoding.UTF8.GetString(bytes);
        }
    }
}
