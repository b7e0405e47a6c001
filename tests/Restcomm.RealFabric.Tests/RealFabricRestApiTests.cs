using System.Net.Http.Json;
using System.Text.Json;

namespace Restcomm.RealFabric.Tests;

/// <summary>
/// The REST API host as a process in front of the real Fabric network: an API key made with the
/// <c>restcomm</c> CLI, a submit that commits on the peers and an evaluate that reads it back.
/// </summary>
[Collection(RealFabricCollection.Name)]
[Trait("Category", "RealFabric")]
public sealed class RealFabricRestApiTests(FabricNetworkFixture network)
{
    [SkippableFact]
    public async Task Rest_api_submits_to_and_evaluates_on_the_real_peers_with_an_api_key()
    {
        network.Require();
        await using var api = await RestApiProcess.StartAsync("Org1MSP");
        using var http = api.Client();
        var id = $"rest-{Guid.NewGuid():N}"[..17];

        var submitted = await PostAsync(http, "/v1/ledger/roaming-emea/example/submit", new { function = "CreateAsset", args = new[] { id, "AAAA1", "42" } });
        var evaluated = await PostAsync(http, "/v1/ledger/roaming-emea/example/evaluate", new { function = "ReadAsset", args = new[] { id } });

        Assert.Equal(64, submitted.GetProperty("transactionId").GetString()!.Length);
        Assert.True(submitted.GetProperty("blockNumber").GetInt64() > 0);
        using var asset = JsonDocument.Parse(evaluated.GetProperty("result").GetString()!);
        Assert.Equal(id, asset.RootElement.GetProperty("id").GetString());
        Assert.Equal("42", asset.RootElement.GetProperty("value").GetString());
    }

    /// <summary>POSTs JSON with a fresh Idempotency-Key (the API requires one on every POST).</summary>
    private static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await http.SendAsync(request).WaitAsync(RestApiProcess.Timeout);
        var text = await response.Content.ReadAsStringAsync().WaitAsync(RestApiProcess.Timeout);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
