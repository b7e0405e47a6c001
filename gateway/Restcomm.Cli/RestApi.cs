using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Cli;

/// <summary>
/// What the commands that call an operator's REST API share (<c>restcomm roaming</c>, <c>restcomm numbers</c>): which
/// API and key to use, and how answers and refusals are printed.
/// </summary>
/// <summary>One HTTP call: method, path (with query), JSON body, whether the POST only reads, and where to save a file answer.</summary>
internal sealed record RestCall(HttpMethod Method, string Path, JsonNode? Body = null, bool ReadsOnly = false, string? OutFile = null);

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

    /// <summary>
    /// Makes <paramref name="call"/> against the API the options name (an Idempotency-Key on a POST that writes, from
    /// <c>--idempotency-key</c> or new) and prints the answer's JSON on stdout (or saves it to the call's file), a refusal's
    /// problem on stderr. Exit codes: 0 answered, 1 refused or unreachable, 2 no API to call.
    /// </summary>
    public static async Task<int> SendAsync(
        string command, RestCall call, Dictionary<string, string> options, JsonSerializerOptions indented,
        TextWriter stdout, TextWriter stderr, HttpMessageHandler? handler, CancellationToken cancellationToken)
    {
        if (!TryResolveApi(options, out var baseUrl, out var key, out var apiError))
        {
            await stderr.WriteLineAsync($"restcomm {command}: {apiError}").ConfigureAwait(false);
            return 2;
        }

        using var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = baseUrl;
        client.Timeout = TimeSpan.FromSeconds(120);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var request = new HttpRequestMessage(call.Method, new Uri(call.Path.TrimStart('/'), UriKind.Relative));
        if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        if (call.Method == HttpMethod.Post && !call.ReadsOnly)
        {
            request.Headers.Add("Idempotency-Key", options.GetValueOrDefault("idempotency-key") ?? Guid.NewGuid().ToString());
        }

        try
        {
            using var response = await client.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                await stderr.WriteLineAsync($"restcomm {command}: {(int)response.StatusCode} {Describe(bytes)}").ConfigureAwait(false);
                return 1;
            }

            if (call.OutFile is { } outFile)
            {
                await File.WriteAllBytesAsync(outFile, bytes, cancellationToken).ConfigureAwait(false);
                await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"wrote {bytes.Length} bytes to {outFile}")).ConfigureAwait(false);
                return 0;
            }

            await stdout.WriteLineAsync(Pretty(bytes, indented)).ConfigureAwait(false);
            return 0;
        }
        catch (HttpRequestException ex)
        {
            await stderr.WriteLineAsync($"restcomm {command}: cannot reach {baseUrl}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"restcomm {command}: {baseUrl} did not answer within {client.Timeout.TotalSeconds:0} s.").ConfigureAwait(false);
            return 1;
        }
        catch (IOException ex)
        {
            await stderr.WriteLineAsync($"restcomm {command}: cannot write {call.OutFile}: {ex.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
