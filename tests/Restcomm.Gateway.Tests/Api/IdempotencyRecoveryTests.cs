using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Api;

/// <summary>
/// An API killed while a POST's transaction was in flight leaves its Idempotency-Key claimed. The restarted API asks the
/// ledger what became of the transaction the claim recorded: committed → the retry gets the answer, invalidated → the
/// retry submits anew, unknown → 409 until the claim's deadline, then the retry submits anew.
/// </summary>
public sealed class IdempotencyRecoveryTests : IAsyncLifetime
{
    private const string Path = "/v1/ledger/eir/eir/submit";
    private const string Body = """{"function":"Report","args":["352099001761481"]}""";
    private const string Key = "retry-after-crash";
    private static readonly TimeSpan Timeout = GatewayApiFactory.Timeout;
    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "restcomm-api-tests", Guid.NewGuid().ToString("N"));
    private readonly List<IAsyncDisposable> _hosts = [];
    private readonly List<HttpClient> _clients = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        foreach (var host in _hosts)
        {
            await host.DisposeAsync();
        }

        GatewayApiFactory.DeleteDirectory(_directory);
    }

    [Fact]
    public async Task A_retry_after_the_api_died_with_its_transaction_committed_gets_the_answer_not_409()
    {
        var (token, transactionId) = await DieInFlightAsync();
        var restarted = Host();
        restarted.Ledger.Transactions[transactionId] = new LedgerTransactionOutcome(transactionId, 42, true, "Valid", Encoding.UTF8.GetBytes("reported"));
        var client = Client(restarted, token);

        using var retry = await client.SendAsync(Post()).WaitAsync(Timeout);
        var answer = await retry.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);
        using var again = await client.SendAsync(Post()).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(transactionId, answer.GetProperty("transactionId").GetString());
        Assert.Equal(42, answer.GetProperty("blockNumber").GetInt64());
        Assert.Equal("reported", answer.GetProperty("result").GetString());
        Assert.Equal(0, restarted.Ledger.Submits);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal("true", again.Headers.GetValues("Idempotency-Replayed").Single());
    }

    [Fact]
    public async Task A_retry_after_the_api_died_with_its_transaction_invalidated_submits_again()
    {
        var (token, transactionId) = await DieInFlightAsync();
        var restarted = Host();
        restarted.Ledger.Transactions[transactionId] = new LedgerTransactionOutcome(transactionId, 42, false, "MvccReadConflict", ReadOnlyMemory<byte>.Empty);
        var client = Client(restarted, token);

        using var retry = await client.SendAsync(Post()).WaitAsync(Timeout);
        var answer = await retry.Content.ReadFromJsonAsync<JsonElement>().WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(1, restarted.Ledger.Submits);
        Assert.Equal(await restarted.Ledger.Recorded.Task.WaitAsync(Timeout), answer.GetProperty("transactionId").GetString());
        Assert.NotEqual(42, answer.GetProperty("blockNumber").GetInt64());
    }

    [Fact]
    public async Task A_retry_while_the_ledger_does_not_know_the_transaction_is_409_until_the_claim_deadline_then_submits_again()
    {
        var (token, _) = await DieInFlightAsync();
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var restarted = Host(clock);
        var client = Client(restarted, token);

        using var early = await client.SendAsync(Post()).WaitAsync(Timeout);
        clock.Advance(TimeSpan.FromMinutes(3));
        using var late = await client.SendAsync(Post()).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal("1", early.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, late.StatusCode);
        Assert.Equal(1, restarted.Ledger.Submits);
    }

    /// <summary>An API whose submit records its transaction and then never returns, as if killed there; the request is left unanswered.</summary>
    private async Task<(string Token, string TransactionId)> DieInFlightAsync()
    {
        var dying = Host();
        dying.Ledger.DieAfterRecording = true;
        var token = await dying.CreateKeyAsync("Org1MSP", "ledger:write");
        var client = Client(dying, token);
        _ = client.SendAsync(Post());
        var transactionId = await dying.Ledger.Recorded.Task.WaitAsync(Timeout);
        return (token, transactionId);
    }

    private GatewayApiFactory Host(TimeProvider? clock = null)
    {
        var host = new GatewayApiFactory(_directory) { Clock = clock };
        _hosts.Add(host);
        return host;
    }

    private HttpClient Client(GatewayApiFactory host, string token)
    {
        var client = host.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(client);
        return client;
    }

    private static HttpRequestMessage Post()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(Body, Encoding.UTF8, "application/json") };
        request.Content.Headers.ContentType!.CharSet = null;
        request.Headers.Add("Idempotency-Key", Key);
        return request;
    }
}
