using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Api.Internal;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Tests.Infrastructure;

/// <summary>
/// The real API host in memory, on a SQLite store in its own directory, with the ledger, peer probe and
/// block feed replaced by fakes the test controls.
/// </summary>
internal sealed class GatewayApiFactory : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string> _settings;

    public GatewayApiFactory(
        string? dataDirectory = null, string mspId = "Org1MSP", IBlockFeed? feed = null, IReadOnlyList<string>? channels = null, IReadOnlyDictionary<string, string>? settings = null)
    {
        _settings = settings ?? new Dictionary<string, string>();
        DataDirectory = dataDirectory ?? Path.Combine(Path.GetTempPath(), "restcomm-api-tests", Guid.NewGuid().ToString("N"));
        MspId = mspId;
        Feed = feed;
        Channels = channels ?? [];
    }

    public static TimeSpan Timeout { get; } = TimeSpan.FromSeconds(30);

    public string DataDirectory { get; }

    public string MspId { get; }

    public IBlockFeed? Feed { get; }

    public IReadOnlyList<string> Channels { get; }

    /// <summary>Gateway:ApiKeyCacheTtl, when a test needs key changes seen at once.</summary>
    public TimeSpan? ApiKeyCacheTtl { get; init; }

    /// <summary>Channels of the network this organisation is not on.</summary>
    public IReadOnlyList<string> OtherChannels { get; init; } = [];

    public FakeLedger Ledger { get; } = new();

    public FakePeerProbe Probe { get; } = new();

    /// <summary>The host's clock (the store's too), when a test moves time itself.</summary>
    public TimeProvider? Clock { get; init; }

    public ConcurrentQueue<string> LogLines { get; } = new();

    public GatewayStore Store => Services.GetRequiredService<GatewayStore>();

    /// <summary>Creates a key directly in the store (bypassing the read-only check when asked to).</summary>
    public async Task<string> CreateKeyAsync(string org, params string[] scopes)
    {
        var created = await Store.ApiKeys.CreateAsync(org, "test", scopes, [], CancellationToken.None).WaitAsync(Timeout);
        return created.Token;
    }

    public async Task<HttpClient> ClientWithKeyAsync(params string[] scopes)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await CreateKeyAsync(MspId, scopes));
        return client;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Gateway:DataDirectory", DataDirectory);
        builder.UseSetting("Gateway:MspId", MspId);
        builder.UseSetting("Gateway:MaxRequestBodyBytes", "4096");
        builder.UseSetting("Gateway:MaxBulkRequestBodyBytes", "65536");
        if (ApiKeyCacheTtl is { } ttl)
        {
            builder.UseSetting("Gateway:ApiKeyCacheTtl", ttl.ToString("c", System.Globalization.CultureInfo.InvariantCulture));
        }

        builder.UseSetting("Fabric:NetworkFile", Path.Combine(DataDirectory, "no-network.json"));
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.AddProvider(new CapturingLoggerProvider(LogLines)));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<ILedger>(Ledger);
            services.AddSingleton<IPeerProbe>(Probe);
            if (Clock is not null)
            {
                services.AddSingleton(Clock);
            }
            if (Feed is not null)
            {
                services.AddSingleton(Feed);
                var channels = Channels.Select(c => new ChannelOptions { Name = c }).ToList();
                services.AddSingleton(new FabricConnectionHolder(new FabricConnection(MspId, "127.0.0.1:1", null, null, "cert.pem", "key.pem", channels) { OtherChannels = OtherChannels }));
            }
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    public static void DeleteDirectory(string directory)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}

/// <summary>A ledger that records calls and answers as told.</summary>
internal sealed class FakeLedger : ILedger
{
    private int _submits;

    public int Submits => Volatile.Read(ref _submits);

    public ConcurrentQueue<LedgerCall> Calls { get; } = new();

    /// <summary>Failures to throw on the next submits, in order.</summary>
    public ConcurrentQueue<LedgerException> SubmitFailures { get; } = new();

    /// <summary>A non-ledger exception to throw from every submit (a bug).</summary>
    public Exception? Unexpected { get; set; }

    public Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken)
    {
        Calls.Enqueue(call);
        return Task.FromResult<ReadOnlyMemory<byte>>(System.Text.Encoding.UTF8.GetBytes($"{{\"function\":\"{call.Function}\",\"args\":{call.Args.Count}}}"));
    }

    /// <summary>How long a submit takes (to overlap concurrent requests).</summary>
    public TimeSpan SubmitDelay { get; set; }

    /// <summary>Transactions the ledger knows (committed valid or invalidated), as a restarted API would find them.</summary>
    public ConcurrentDictionary<string, LedgerTransactionOutcome> Transactions { get; } = new();

    /// <summary>Set with the transaction ID once a submit has recorded it, before it is "endorsed".</summary>
    public TaskCompletionSource<string> Recorded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Submits hang for ever once their transaction ID is recorded, deaf to cancellation: the API process "dies" there.</summary>
    public bool DieAfterRecording { get; set; }

    /// <summary>Like the Fabric ledger: an earlier attempt's committed transaction is answered instead of a new one, and a new one is recorded before endorsement.</summary>
    public async Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken)
    {
        if (IdempotentSubmission.TakeCommitted(call.Channel) is { } earlier)
        {
            return earlier;
        }

        if (SubmitDelay > TimeSpan.Zero)
        {
            await Task.Delay(SubmitDelay, cancellationToken);
        }

        Calls.Enqueue(call);
        var n = Interlocked.Increment(ref _submits);
        var transactionId = $"tx-{n:D4}";
        await IdempotentSubmission.BeforeEndorseAsync(call.Channel, transactionId, cancellationToken);
        Recorded.TrySetResult(transactionId);
        if (DieAfterRecording)
        {
            await Task.Delay(System.Threading.Timeout.Infinite, CancellationToken.None);
        }

        if (Unexpected is not null)
        {
            throw Unexpected;
        }

        if (SubmitFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        return new LedgerCommit(transactionId, 100 + n, System.Text.Encoding.UTF8.GetBytes($"done {n}"));
    }

    public Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken)
        => Task.FromResult(Transactions.TryGetValue(transactionId, out var outcome) ? outcome : null);
}

internal sealed class FakePeerProbe : IPeerProbe
{
    public string? Problem { get; set; }

    public Task<string?> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult(Problem);
}

internal sealed class CapturingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, lines);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(' ', pairs.Select(p => $"{p.Key}={p.Value}")) : "";
            lines.Enqueue($"{logLevel} {category} {formatter(state, exception)} {structured} {exception}");
        }
    }
}
