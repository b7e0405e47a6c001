using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Restcomm.Roaming.Scenario;

/// <summary>An HTTP answer: status, headers and the JSON body.</summary>
internal sealed record Answer(HttpStatusCode Status, string? MediaType, IReadOnlyDictionary<string, string> Headers, JsonNode Body)
{
    public byte[] Bytes { get; init; } = [];

    public string Text(string property) => (string?)Body[property] ?? throw new Xunit.Sdk.XunitException($"no '{property}' in {Body.ToJsonString()}");

    public long Number(string property) => (long?)Body[property] ?? throw new Xunit.Sdk.XunitException($"no '{property}' in {Body.ToJsonString()}");

    public Answer Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"expected {(int)status}, got {(int)Status}: {Body.ToJsonString()}");
        return this;
    }
}

/// <summary>The blocks a story's writes named, and a wait until a read model holds every one of them.</summary>
internal sealed class WrittenBlocks
{
    /// <summary>The ledger height that holds every block noted so far.</summary>
    public long Height { get; private set; }

    /// <summary>Notes the block a write answer names; returns the answer.</summary>
    public Answer Note(Answer answer)
    {
        if (answer.Body["blockNumber"] is { } block)
        {
            Height = Math.Max(Height, (long)block + 1);
        }

        return answer;
    }

    /// <summary>
    /// Polls <paramref name="readModel"/> (the height its read model holds, and how to say it) until it reaches
    /// <see cref="Height"/>, failing after <see cref="Rest.Timeout"/>.
    /// </summary>
    public async Task CaughtUpAsync(Func<Task<(long Height, string Said)>> readModel)
    {
        var deadline = DateTime.UtcNow + Rest.Timeout;
        while (true)
        {
            var (height, said) = await readModel();
            if (height >= Height)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the read model stayed at {said}, below {Height}");
            await Task.Delay(100);
        }
    }
}

/// <summary>JSON over HTTP, every call bounded by <see cref="Timeout"/>.</summary>
internal static class Rest
{
    /// <summary>How long one HTTP call may take, answer included.</summary>
    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(90);

    private static readonly System.Text.Json.JsonSerializerOptions Web = Restcomm.Roaming.RoamingJson.Options;

    public static Task<Answer> GetJsonAsync(this HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path, null, null);

    public static Task<Answer> DeleteJsonAsync(this HttpClient client, string path) => SendAsync(client, HttpMethod.Delete, path, null, null);

    /// <summary>A POST with a fresh Idempotency-Key, as every writing POST needs.</summary>
    public static Task<Answer> PostJsonAsync(this HttpClient client, string path, object body) => SendAsync(client, HttpMethod.Post, path, body, Guid.NewGuid().ToString());

    public static async Task<Answer> SendAsync(this HttpClient client, HttpMethod method, string path, object? body, string? idempotencyKey)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Web);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await client.SendAsync(request).WaitAsync(Timeout);
        var bytes = await response.Content.ReadAsByteArrayAsync().WaitAsync(Timeout);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var text = mediaType is not null && mediaType.Contains("json", StringComparison.Ordinal) ? System.Text.Encoding.UTF8.GetString(bytes) : "";
        var headers = response.Headers.ToDictionary(h => h.Key, h => string.Join(',', h.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, mediaType, headers, JsonNode.Parse(text.Length == 0 ? "{}" : text)!) { Bytes = bytes };
    }
}
