using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Restcomm.Ingestion.Tests.Infrastructure;
using Restcomm.Roaming.EndToEnd.Tests.Support;
using Restcomm.Tap3;

namespace Restcomm.Roaming.EndToEnd.Tests;

/// <summary>
/// A TAP file uploaded to operator A's REST API as the visited operator's back office would send it: the API streams
/// it to disk, answers 202, and its ingestion service carries the usage onto the dev network as batches endorsed by
/// A's and B's peers; B's API then lists every batch from its own read model.
/// </summary>
public sealed class TapUploadEndToEndTests(RoamingNetwork network) : IClassFixture<RoamingNetwork>
{
    [Fact]
    public async Task A_tap_file_uploaded_to_As_api_reaches_the_ledger_in_batches_that_B_lists()
    {
        using var a = network.A.Client(network.KeyA);
        using var b = network.B.Client(network.KeyB);
        var seed = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var file = Path.Combine(network.A.DataDirectory, $"upload-{seed}.tap");
        await using (var stream = File.Create(file))
        {
            await TapTrafficGenerator.WriteAsync(stream, 4_000, seed, null, CancellationToken.None);
        }

        var control = new TapTrafficGenerator(seed).Header.BatchControl!;
        var agreementId = $"UP-{seed:X8}";
        var proposed = (await a.PostJsonAsync("/v1/roaming/agreements", Agreements.Document(control.Sender!, control.Recipient!, agreementId))).Expect(HttpStatusCode.Created);
        (await b.PostJsonAsync($"/v1/roaming/agreements/{agreementId}/accept", new { documentHash = proposed.Text("documentHash") })).Expect(HttpStatusCode.OK);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v1/roaming/tap-files?agreementId={agreementId}&batchRecords=1000&fileName=usage.tap", UriKind.Relative))
        {
            Content = new StreamContent(File.OpenRead(file)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await a.SendAsync(request).WaitAsync(Rest.RequestTimeout);
        var accepted = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, accepted.ToString());
        var location = response.Headers.Location!.OriginalString;

        var upload = await FinalAsync(a, location);

        Assert.Equal("complete", upload.Text("state"));
        var result = upload.Body["result"]!;
        var batches = (int)result["batches"]!;
        Assert.True(batches >= 2, upload.Body.ToJsonString());
        Assert.True(System.Text.Json.Nodes.JsonNode.DeepEquals(result["fileTotals"], result["committedTotals"]), upload.Body.ToJsonString());
        var fileId = (string)result["fileId"]!;
        var blocks = upload.Body["batches"]!.AsArray().Select(x => (long)x!["blockNumber"]!).ToList();
        await network.B.CaughtUpAsync(blocks.Max() + 1);
        var listed = (await b.GetJsonAsync($"/v1/roaming/batches?agreementId={agreementId}&limit=100")).Expect(HttpStatusCode.OK);
        var items = listed.Body["items"]!.AsArray();
        Assert.Equal(batches, items.Count);
        Assert.All(items, i => Assert.Equal(fileId, (string?)i!["fileId"]));
        Assert.Equal(Enumerable.Range(1, batches), items.Select(i => (int)i!["header"]!["batchNumber"]!).Order());
    }

    private static async Task<Answer> FinalAsync(HttpClient api, string location)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var upload = (await api.GetJsonAsync(location)).Expect(HttpStatusCode.OK);
            if (upload.Text("state") is not ("queued" or "ingesting"))
            {
                return upload;
            }

            Assert.True(DateTime.UtcNow < deadline, "the upload did not finish: " + upload.Body.ToJsonString());
            await Task.Delay(250);
        }
    }
}
