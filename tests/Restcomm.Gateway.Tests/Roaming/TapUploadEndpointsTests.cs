using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Restcomm.Gateway.Api.Roaming;
using Restcomm.Gateway.Store;
using Restcomm.Ingestion;
using Restcomm.Ingestion.Tests.Infrastructure;
using Restcomm.Roaming;
using Restcomm.Tap3;

namespace Restcomm.Gateway.Tests.Roaming;

/// <summary>
/// <c>POST /v1/roaming/tap-files</c> in the real API host (keys, scopes, idempotency, body limits, store, the
/// ingestion service) over the ingestion suite's in-memory usage-batch ledger, which verifies every batch with the
/// roaming domain as the chaincode does.
/// </summary>
public sealed class TapUploadEndpointsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly string _data = Directory.CreateTempSubdirectory("tap-upload-tests-").FullName;

    [Fact]
    public async Task An_uploaded_file_is_accepted_at_once_and_its_job_commits_every_batch_with_the_files_totals()
    {
        var (path, control) = await GenerateAsync(3_000, seed: 5);
        var ledger = new MemoryLedger(Agreements.ActiveState(control.Sender!, control.Recipient!));
        await using var api = new TapUploadApi(_data, ledger);
        using var client = await api.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);

        using var response = await UploadAsync(client, File.ReadAllBytes(path), $"agreementId={Agreements.Id}&batchRecords=400&fileName=usage.tap");
        var accepted = await JsonAsync(response, HttpStatusCode.Accepted);
        var uploadId = (string)accepted["uploadId"]!;
        Assert.Equal($"/v1/roaming/tap-files/{uploadId}", response.Headers.Location?.OriginalString);
        Assert.Equal("queued", (string?)accepted["state"]);
        Assert.Equal(new FileInfo(path).Length, (long?)accepted["fileBytes"]);
        var done = await FinalAsync(client, uploadId);

        Assert.Equal("complete", (string?)done["state"]);
        var result = done["result"]!;
        var batches = done["batches"]!.AsArray();
        Assert.Equal((int?)result["batches"], batches.Count);
        Assert.All(batches, b => Assert.Equal("committed", (string?)b!["state"]));
        Assert.Equal(result["batches"]!.GetValue<int>(), ledger.Batches.Count);
        Assert.True(JsonNode.DeepEquals(result["fileTotals"], result["committedTotals"]), done.ToJsonString());
        Assert.Equal(3_000, (long?)result["recordsInFile"]);
        Assert.True(batches.All(b => (int?)b!["recordCount"] <= 400));
        var listed = await JsonAsync(await client.GetAsync(new Uri("/v1/roaming/tap-files?limit=5", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Equal(uploadId, (string?)listed["items"]![0]!["uploadId"]);
    }

    [Fact]
    public async Task An_upload_accepted_before_a_restart_is_carried_onto_the_ledger_by_the_next_api_on_the_same_store()
    {
        var (path, control) = await GenerateAsync(2_000, seed: 7);
        var agreement = Agreements.ActiveState(control.Sender!, control.Recipient!);
        string uploadId;
        await using (var stuck = new TapUploadApi(_data, new UnreachableLedger()))
        {
            using var client = await stuck.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
            using var response = await UploadAsync(client, File.ReadAllBytes(path), $"agreementId={Agreements.Id}&batchRecords=500");
            uploadId = (string)(await JsonAsync(response, HttpStatusCode.Accepted))["uploadId"]!;
            var seen = await JsonAsync(await client.GetAsync(new Uri($"/v1/roaming/tap-files/{uploadId}", UriKind.Relative)), HttpStatusCode.OK);
            Assert.False(TapUploadStates.IsFinal((string)seen["state"]!));
        }

        var ledger = new MemoryLedger(agreement);
        await using var restarted = new TapUploadApi(_data, ledger);
        using var after = await restarted.ClientAsync(ApiScopes.RoamingRead);

        var done = await FinalAsync(after, uploadId);

        Assert.Equal("complete", (string?)done["state"]);
        Assert.Equal((int?)done["result"]!["batches"], ledger.Batches.Count);
        Assert.True(ledger.Batches.Count >= 2);
    }

    [Fact]
    public async Task A_file_over_the_configured_limit_is_413_whether_its_length_is_declared_or_streamed_and_leaves_nothing_behind()
    {
        await using var api = new TapUploadApi(_data, new UnreachableLedger(), ("TapUploads:MaxBytes", "1000"));
        using var client = await api.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);
        var body = new byte[5_000];

        using var declared = await UploadAsync(client, body, $"agreementId={Agreements.Id}");
        using var streamed = await UploadAsync(client, body, $"agreementId={Agreements.Id}", chunked: true);

        Assert.Equal("urn:restcomm:problem:payload-too-large", (string?)(await JsonAsync(declared, HttpStatusCode.RequestEntityTooLarge))["type"]);
        Assert.Equal("urn:restcomm:problem:payload-too-large", (string?)(await JsonAsync(streamed, HttpStatusCode.RequestEntityTooLarge))["type"]);
        var listed = await JsonAsync(await client.GetAsync(new Uri("/v1/roaming/tap-files", UriKind.Relative)), HttpStatusCode.OK);
        Assert.Empty(listed["items"]!.AsArray());
        var uploads = Path.Combine(_data, "tap-uploads");
        Assert.True(!Directory.Exists(uploads) || Directory.GetFiles(uploads).Length == 0);
    }

    [Fact]
    public async Task An_upload_without_an_agreement_or_with_an_empty_body_is_400_and_an_unknown_upload_404()
    {
        await using var api = new TapUploadApi(_data, new UnreachableLedger());
        using var client = await api.ClientAsync(ApiScopes.RoamingRead, ApiScopes.RoamingSubmit);

        using var noAgreement = await UploadAsync(client, [1, 2, 3], "batchRecords=10");
        using var empty = await UploadAsync(client, [], $"agreementId={Agreements.Id}");
        using var badSize = await UploadAsync(client, [1, 2, 3], $"agreementId={Agreements.Id}&batchRecords=0");
        using var unknown = await client.GetAsync(new Uri("/v1/roaming/tap-files/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, noAgreement.StatusCode);
        Assert.Equal("urn:restcomm:problem:validation-failed", (string?)(await JsonAsync(empty, HttpStatusCode.BadRequest))["type"]);
        Assert.NotNull((await JsonAsync(badSize, HttpStatusCode.BadRequest))["errors"]!["batchRecords"]);
        Assert.Equal("urn:restcomm:problem:not-found", (string?)(await JsonAsync(unknown, HttpStatusCode.NotFound))["type"]);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }

    private async Task<(string Path, BatchControl Control)> GenerateAsync(int records, int seed)
    {
        var path = Path.Combine(_data, $"gen-{seed}.tap");
        await using (var stream = File.Create(path))
        {
            await TapTrafficGenerator.WriteAsync(stream, records, seed, null, CancellationToken.None);
        }

        return (path, new TapTrafficGenerator(seed).Header.BatchControl!);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, byte[] body, string query, bool chunked = false)
    {
        HttpContent content = chunked ? new StreamContent(new MemoryStream(body)) : new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        if (!chunked)
        {
            content.Headers.ContentLength = body.Length;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v1/roaming/tap-files?{query}", UriKind.Relative)) { Content = content };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        if (chunked)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        return await client.SendAsync(request).WaitAsync(Timeout);
    }

    private static async Task<JsonNode> FinalAsync(HttpClient client, string uploadId)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            var upload = await JsonAsync(await client.GetAsync(new Uri($"/v1/roaming/tap-files/{uploadId}", UriKind.Relative)), HttpStatusCode.OK);
            if (TapUploadStates.IsFinal((string)upload["state"]!))
            {
                return upload;
            }

            Assert.True(DateTime.UtcNow < deadline, "the upload did not finish: " + upload.ToJsonString());
            await Task.Delay(100);
        }
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>A ledger that never answers: an upload taken up stays unfinished until the host stops.</summary>
    private sealed class UnreachableLedger : IUsageBatchLedger
    {
        public string MspId => Agreements.Visited;

        public async Task<AgreementState> GetAgreementAsync(string agreementId, CancellationToken cancellationToken)
        {
            await Task.Delay(System.Threading.Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }

        public Task<FileSequenceReport> GetFileSequenceReportAsync(string senderTadig, string recipientTadig, CancellationToken cancellationToken)
            => throw new UsageLedgerException("unreachable", isTransient: true);

        public Task<IEndorsedUsageBatch> EndorseAsync(UsageBatchHeader header, ReadOnlyMemory<byte> payload, IReadOnlyList<string> endorsingOrganizations, CancellationToken cancellationToken)
            => throw new UsageLedgerException("unreachable", isTransient: true);
    }

    /// <summary>Operator A's API host on <paramref name="data"/>, its TAP ingestion over <paramref name="ledger"/>.</summary>
    private sealed class TapUploadApi(string data, IUsageBatchLedger ledger, params (string Key, string Value)[] settings) : WebApplicationFactory<RoamingProjection>
    {
        public async Task<HttpClient> ClientAsync(params string[] scopes)
        {
            var store = Services.GetRequiredService<GatewayStore>();
            var key = await store.ApiKeys.CreateAsync(Agreements.Visited, "tap", scopes, [], CancellationToken.None).WaitAsync(Timeout);
            var client = CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Token);
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseSetting("Gateway:DataDirectory", data);
            builder.UseSetting("Gateway:MspId", Agreements.Visited);
            builder.UseSetting("Gateway:LogFormat", "text");
            builder.UseSetting("Fabric:NetworkFile", Path.Combine(data, "no-network.json"));
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }

            builder.ConfigureTestServices(services => services.AddSingleton(ledger));
        }
    }
}
