using System.Collections.Concurrent;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Grpc.Net.Client;
using Restcomm.Fabric.Protos.Peer;
using Restcomm.Fabric.Shim;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.Benchmarks;

/// <summary>
/// Transactions per second through the shim: a test peer over loopback gRPC (one stream, h2c) sends TRANSACTION
/// messages and answers the stub calls from memory. Each operation is one transaction; tx/s = 1 / mean.
/// </summary>
/// <remarks>
/// Runs in-process: the server and the test peer share the process (and its two cores) as they would share a
/// machine, and the out-of-process build step times out on a busy two-core machine.
/// </remarks>
[InProcess]
[MemoryDiagnoser]
public class ShimThroughputBenchmarks
{
    private const int TransactionsPerInvoke = 256;

    private ChaincodeServer _server = null!;
    private ShimBenchPeer _peer = null!;
    private int _sequence;

    /// <summary>Transactions in flight at once on the stream.</summary>
    [Params(1, 64)]
    public int InFlight { get; set; }

    /// <summary>Whether the peer offers WRITE_BATCH_STATE in READY.</summary>
    [Params(false, true)]
    public bool WriteBatch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _server = ChaincodeServer.StartLocalAsync("bench:1", new BenchAssetContract()).GetAwaiter().GetResult();
        _peer = ShimBenchPeer.ConnectAsync(_server.Address, WriteBatch).GetAwaiter().GetResult();
        for (var i = 0; i < 1000; i++)
        {
            _peer.Seed($"asset{i}", $$"""{"id":"asset{{i}}","owner":"o","value":"{{i}}"}""");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _peer.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    /// <summary>Evaluate: one GET_STATE, JSON result.</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public Task ReadAsset() => RunAsync(i => ["ReadAsset", $"asset{i % 1000}"]);

    /// <summary>Submit: GET_STATE, PUT_STATE (or one WRITE_BATCH_STATE), an event, JSON result.</summary>
    [Benchmark(OperationsPerInvoke = TransactionsPerInvoke)]
    public Task CreateAsset() => RunAsync(i => ["CreateAsset", $"new{Interlocked.Increment(ref _sequence)}", "owner", "42"]);

    private async Task RunAsync(Func<int, string[]> args)
    {
        using var gate = new SemaphoreSlim(InFlight);
        var tasks = new Task[TransactionsPerInvoke];
        for (var i = 0; i < TransactionsPerInvoke; i++)
        {
            await gate.WaitAsync().ConfigureAwait(false);
            var argv = args(i);
            tasks[i] = RunOneAsync(argv, gate);
        }

        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    private async Task RunOneAsync(string[] args, SemaphoreSlim gate)
    {
        try
        {
            var response = await _peer.TransactAsync("bench", args).ConfigureAwait(false);
            if (response.Status != 200)
            {
                throw new InvalidOperationException($"transaction failed: {response.Status} {response.Message}");
            }
        }
        finally
        {
            gate.Release();
        }
    }
}

/// <summary>The example asset transactions used by the benchmark (kept here so the benchmark has no host dependency).</summary>
[Contract(Name = "assets", IsDefault = true)]
public sealed class BenchAssetContract
{
    private sealed record Asset(string Id, string Owner, string Value);

    private static readonly System.Text.Json.JsonSerializerOptions Json = new(System.Text.Json.JsonSerializerDefaults.Web);

    [SubmitTransaction]
    public async Task<string> CreateAsset(TransactionContext ctx, string id, string owner, string value)
    {
        if (await ctx.Stub.GetStateAsync(id).ConfigureAwait(false) is not null)
        {
            throw new ChaincodeException($"the asset {id} already exists");
        }

        var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(new Asset(id, owner, value), Json);
        await ctx.Stub.PutStateAsync(id, bytes).ConfigureAwait(false);
        ctx.Stub.SetEvent("AssetCreated", bytes);
        return id;
    }

    [EvaluateTransaction]
    public async Task<byte[]> ReadAsset(TransactionContext ctx, string id) =>
        await ctx.Stub.GetStateAsync(id).ConfigureAwait(false) ?? throw new ChaincodeException($"the asset {id} does not exist");
}

/// <summary>A minimal peer: answers GET_STATE/PUT_STATE/WRITE_BATCH_STATE from a dictionary and completes transactions.</summary>
internal sealed class ShimBenchPeer : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly Grpc.Core.AsyncDuplexStreamingCall<ChaincodeMessage, ChaincodeMessage> _call;
    private readonly Channel<ChaincodeMessage> _outbox = Channel.CreateUnbounded<ChaincodeMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource<Response>> _waiting = new();
    private readonly ConcurrentDictionary<string, ByteString> _state = new();
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private long _txCounter;

    private ShimBenchPeer(string address)
    {
        _channel = GrpcChannel.ForAddress($"http://{address}");
        _call = new Restcomm.Fabric.Protos.Peer.Chaincode.ChaincodeClient(_channel).Connect();
    }

    public static async Task<ShimBenchPeer> ConnectAsync(string address, bool offerWriteBatch)
    {
        var peer = new ShimBenchPeer(address);
        await peer._call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false); // REGISTER
        await peer._call.RequestStream.WriteAsync(new ChaincodeMessage { Type = MessageType.Registered }).ConfigureAwait(false);
        var ready = new ChaincodeMessage { Type = MessageType.Ready };
        if (offerWriteBatch)
        {
            ready.Payload = new ChaincodeAdditionalParams { UseWriteBatch = true, MaxSizeWriteBatch = 1000, UseGetMultipleKeys = true, MaxSizeGetMultipleKeys = 1000 }.ToByteString();
        }

        await peer._call.RequestStream.WriteAsync(ready).ConfigureAwait(false);
        peer._writer = Task.Run(peer.WriteLoopAsync);
        peer._reader = Task.Run(peer.ReadLoopAsync);
        return peer;
    }

    public void Seed(string key, string value) => _state[key] = ByteString.CopyFromUtf8(value);

    public Task<Response> TransactAsync(string channel, string[] args)
    {
        var txId = "tx" + Interlocked.Increment(ref _txCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var waiter = new TaskCompletionSource<Response>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[txId] = waiter;
        var input = new ChaincodeInput();
        foreach (var arg in args)
        {
            input.Args.Add(ByteString.CopyFromUtf8(arg));
        }

        _outbox.Writer.TryWrite(new ChaincodeMessage { Type = MessageType.Transaction, Txid = txId, ChannelId = channel, Payload = input.ToByteString() });
        return waiter.Task;
    }

    private async Task WriteLoopAsync()
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await _call.RequestStream.WriteAsync(message).ConfigureAwait(false);
        }
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None).ConfigureAwait(false))
            {
                Handle(_call.ResponseStream.Current);
            }
        }
        catch (Grpc.Core.RpcException)
        {
            // Stream closed at cleanup.
        }
    }

    private void Handle(ChaincodeMessage message)
    {
        var reply = new ChaincodeMessage { Type = MessageType.Response, Txid = message.Txid, ChannelId = message.ChannelId };
        switch (message.Type)
        {
            case MessageType.GetState:
                reply.Payload = _state.TryGetValue(GetState.Parser.ParseFrom(message.Payload).Key, out var value) ? value : ByteString.Empty;
                break;
            case MessageType.PutState:
                var put = PutState.Parser.ParseFrom(message.Payload);
                _state[put.Key] = put.Value;
                break;
            case MessageType.WriteBatchState:
                foreach (var record in WriteBatchState.Parser.ParseFrom(message.Payload).Rec)
                {
                    _state[record.Key] = record.Value;
                }

                break;
            case MessageType.Completed:
            case MessageType.Error:
                if (_waiting.TryRemove(message.Txid, out var waiter))
                {
                    waiter.TrySetResult(message.Type == MessageType.Completed
                        ? Response.Parser.ParseFrom(message.Payload)
                        : new Response { Status = 500, Message = message.Payload.ToStringUtf8() });
                }

                return;
            case MessageType.Keepalive:
                reply = message;
                break;
            default:
                reply.Type = MessageType.Error;
                reply.Payload = ByteString.CopyFromUtf8($"bench peer does not handle {message.Type}");
                break;
        }

        _outbox.Writer.TryWrite(reply);
    }

    public async ValueTask DisposeAsync()
    {
        _outbox.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _call.RequestStream.CompleteAsync().ConfigureAwait(false);
        await _reader.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        _call.Dispose();
        _channel.Dispose();
    }
}
