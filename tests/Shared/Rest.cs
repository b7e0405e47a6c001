using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Tests.Shared;

/// <summary>An HTTP answer: status, headers and the JSON body.</summary>
internal sealed record Answer(HttpStatusCode Status, string? MediaType, IReadOnlyDictionary<string, string> Headers, JsonNode Body)
{
    /// <summary>The body as it came (a downloaded file, for instance); <see cref="Body"/> is parsed only from JSON.</summary>
    public byte[] Bytes { get; init; } = [];

    public string Text(string property) => (string?)Body[property] ?? throw new Xunit.Sdk.XunitException($"no '{property}' in {Body.ToJsonString()}");

    public long Number(string property) => (long?)Body[property] ?? throw new Xunit.Sdk.XunitException($"no '{property}' in {Body.ToJsonString()}");

    public Answer Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Body.ToJsonString()}");
        return this;
    }
}

/// <summary>
/// JSON over HTTP for the end-to-end suites (one source file linked into each), every call bounded by
/// <see cref="RequestTimeout"/>.
/// </summary>
internal static class Rest
{
    /// <summary>How long one request may take: generous, for a busy 2-core machine running a network and several APIs.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// How request bodies are written: the web defaults unless a suite whose API reads its domain's own JSON (enum
    /// names, for instance) sets its options once, from a module initializer.
    /// </summary>
    public static JsonSerializerOptions BodyOptions { get; set; } = new(JsonSerializerDefaults.Web);

    public static Task<Answer> GetJsonAsync(this HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path, null, null);

    public static Task<Answer> DeleteJsonAsync(this HttpClient client, string path) => SendAsync(client, HttpMethod.Delete, path, null, null);

    /// <summary>A POST with a fresh Idempotency-Key, as every writing POST needs.</summary>
    public static Task<Answer> PostJsonAsync(this HttpClient client, string path, object body) => SendAsync(client, HttpMethod.Post, path, body, Guid.NewGuid().ToString());

    public static async Task<Answer> SendAsync(this HttpClient client, HttpMethod method, string path, object? body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: BodyOptions);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request).WaitAsync(RequestTimeout);
        var bytes = await response.Content.ReadAsByteArrayAsync().WaitAsync(RequestTimeout);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var text = mediaType is not null && mediaType.Contains("json", StringComparison.Ordinal) ? System.Text.Encoding.UTF8.GetString(bytes) : "";
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, mediaType, headers, JsonNode.Parse(text.Length == 0 ? "{}" : text)!) { Bytes = bytes };
    }
}
