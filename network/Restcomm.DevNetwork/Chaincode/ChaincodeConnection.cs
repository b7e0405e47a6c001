using System.Collections.Concurrent;
using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.DevNetwork.Chaincode;

/// <summary>Why a chaincode execution failed before the chaincode produced a response.</summary>
internal sealed class ChaincodeExecutionException(string message) : Exception(message);

/// <summary>
/// The peer's end of the chaincode protocol with one chaincode server (CCaaS): dials it, calls
/// <c>/protos.Chaincode/Connect</c>, waits for REGISTER, answers REGISTERED and READY, then runs many transactions
/// concurrently on the one stream, answering the shim's state calls. With <paramref name="tls"/> it dials over TLS
/// (mutual when a client certificate is configured), as a peer does for a connection.json with <c>tls_required</c>.
/// </summary>
internal sealed partial class ChaincodeConnection(string name, string address, StubHandler handler, ILogger logger, ChaincodeTls? tls = null) : IAsyncDisposable
{
    /// <summary>The message Fabric's handler reports when the chaincode stream ends mid-transaction.</summary>
    public const string StreamTerminated = "chaincode stream terminated";

    /// <summary>How long a transaction may run in the chaincode (the peer's <c>chaincode.executetimeout</c>, 30 s).</summary>
    private static readonly TimeSpan ExecuteTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private GrpcChannel? _channel;
    private AsyncDuplexStreamingCall<ChaincodeMessage, ChaincodeMessage>? _call;

    public string Name => name;

    /// <summary>What answers this chaincode's stub calls (shared by every chaincode of the network).</summary>
    public StubHandler Handler => handler;
    public string Address => address;
    public string? PackageId { get; private set; }

    /// <summary>Whether the server is dialled over TLS.</summary>
    public bool UsesTls => tls is not null;

    private sealed class Pending(TxContext context)
    {
        public TxContext Context => context;
        public TaskCompletionSource<ChaincodeMessage> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static string Key(string channel, string txId) => channel + "\u0000" + txId;

    public async Task EnsureConnectedAsync(CancellationToken ct)
    {
        if (_call is not null)
        {
            return;
        }
        await _connectLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (_call is not null)
            {
                return;
            }
            _channel ??= GrpcChannel.ForAddress((tls is null ? "http://" : "https://") + address, new GrpcChannelOptions
            {
                MaxReceiveMessageSize = 100 * 1024 * 1024,
                MaxSendMessageSize = 100 * 1024 * 1024,
                HttpHandler = tls?.CreateHandler(),
                DisposeHttpClient = true,
            });
            var client = new Restcomm.Fabric.Protos.Peer.Chaincode.ChaincodeClient(_channel);
            var call = client.Connect(cancellationToken: _stopping.Token);
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromSeconds(10));
                // The chaincode speaks first: REGISTER with its package ID.
                if (!await call.ResponseStream.MoveNext(timeout.Token).ConfigureAwait(false))
                {
                    throw new ChaincodeExecutionException($"chaincode {name} at {address} closed the stream before registering");
                }
                var register = call.ResponseStream.Current;
                if (register.Type != ChaincodeMessage.Types.Type.Register)
                {
                    throw new ChaincodeExecutionException($"chaincode {name} at {address} sent {register.Type} instead of REGISTER");
                }
                var id = ChaincodeID.Parser.ParseFrom(register.Payload);
                if (string.IsNullOrEmpty(id.Name))
                {
                    throw new ChaincodeExecutionException("error in handling register chaincode, chaincodeID name is empty");
                }
                PackageId = id.Name;
                await call.RequestStream.WriteAsync(new ChaincodeMessage { Type = ChaincodeMessage.Types.Type.Registered }, ct).ConfigureAwait(false);
                await call.RequestStream.WriteAsync(new ChaincodeMessage { Type = ChaincodeMessage.Types.Type.Ready, Payload = handler.ReadyPayload }, ct).ConfigureAwait(false);
            }
            catch
            {
                call.Dispose();
                throw;
            }
            _call = call;
            LogRegistered(logger, name, address, PackageId);
            _ = Task.Run(() => ReadLoopAsync(call));
        }
        catch (RpcException e)
        {
            DropChannel();
            throw new ChaincodeExecutionException(tls is null
                ? $"could not connect to chaincode {name} at {address}: {e.Status.Detail}"
                : $"could not connect to chaincode {name} at {address} over TLS: {tls.Explain(e.Status.DebugException ?? e)}");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            DropChannel();
            throw new ChaincodeExecutionException($"chaincode {name} at {address} did not register within 10s");
        }
        catch (ChaincodeExecutionException)
        {
            DropChannel();
            throw;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Forgets a channel whose connection attempt failed. A gRPC channel that failed to connect backs off (a second,
    /// then longer) and fails calls at once meanwhile; a Fabric peer dials the chaincode afresh on each launch, so the
    /// first transaction after the chaincode server is back must dial anew too. Called with the connect lock held.
    /// </summary>
    private void DropChannel()
    {
        _channel?.Dispose();
        _channel = null;
    }

    /// <summary>Runs one transaction and returns the chaincode's COMPLETED message.</summary>
    public async Task<ChaincodeMessage> ExecuteAsync(TxContext context, ChaincodeInput input, CancellationToken ct)
    {
        await EnsureConnectedAsync(ct).ConfigureAwait(false);
        var pending = new Pending(context);
        var key = Key(context.Channel.Name, context.TxId);
        if (!_pending.TryAdd(key, pending))
        {
            throw new ChaincodeExecutionException($"another request pending for this CC: {name}, Txid: {context.TxId}, ChannelID: {context.Channel.Name}. Cannot process.");
        }
        try
        {
            await SendAsync(new ChaincodeMessage
            {
                Type = ChaincodeMessage.Types.Type.Transaction,
                Txid = context.TxId,
                ChannelId = context.Channel.Name,
                Proposal = context.Proposal,
                Payload = input.ToByteString(),
                Timestamp = Timestamp.FromDateTime(DateTime.UtcNow),
            }, ct).ConfigureAwait(false);
            ChaincodeMessage result;
            try
            {
                // WaitAsync drops its timer when the answer comes; a Task.Delay per transaction stayed queued for 30 s.
                result = await pending.Done.Task.WaitAsync(ExecuteTimeout, ct).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new ChaincodeExecutionException("timeout expired while executing transaction");
            }
            if (result.Type == ChaincodeMessage.Types.Type.Error)
            {
                throw new ChaincodeExecutionException("transaction returned with failure: " + result.Payload.ToStringUtf8());
            }
            return result;
        }
        finally
        {
            _pending.TryRemove(key, out _);
        }
    }

    private async Task SendAsync(ChaincodeMessage message, CancellationToken ct)
    {
        var call = _call ?? throw new ChaincodeExecutionException(StreamTerminated);
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await call.RequestStream.WriteAsync(message, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RpcException or InvalidOperationException)
        {
            throw new ChaincodeExecutionException(StreamTerminated);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync(AsyncDuplexStreamingCall<ChaincodeMessage, ChaincodeMessage> call)
    {
        try
        {
            while (await call.ResponseStream.MoveNext(_stopping.Token).ConfigureAwait(false))
            {
                var message = call.ResponseStream.Current;
                switch (message.Type)
                {
                    case ChaincodeMessage.Types.Type.Completed:
                    case ChaincodeMessage.Types.Type.Error:
                        if (_pending.TryGetValue(Key(message.ChannelId, message.Txid), out var p))
                        {
                            p.Done.TrySetResult(message);
                        }
                        break;
                    case ChaincodeMessage.Types.Type.Keepalive:
                        _ = SendQuietlyAsync(message);
                        break;
                    default:
                        if (_pending.TryGetValue(Key(message.ChannelId, message.Txid), out var tx))
                        {
                            _ = Task.Run(() => AnswerAsync(tx.Context, message));
                        }
                        else
                        {
                            _ = SendQuietlyAsync(Error(message, $"no ledger context: {message.ChannelId} {message.Txid}"));
                        }
                        break;
                }
            }
        }
        catch (Exception e) when (e is RpcException or OperationCanceledException or IOException)
        {
            LogStreamEnded(logger, name, e.Message);
        }
        finally
        {
            if (ReferenceEquals(_call, call))
            {
                _call = null;
            }
            call.Dispose();
            foreach (var p in _pending.Values)
            {
                p.Done.TrySetException(new ChaincodeExecutionException(StreamTerminated));
            }
        }
    }

    private async Task AnswerAsync(TxContext context, ChaincodeMessage message)
    {
        ChaincodeMessage reply;
        try
        {
            var payload = await handler.HandleAsync(this, context, message, _stopping.Token).ConfigureAwait(false);
            reply = new ChaincodeMessage { Type = ChaincodeMessage.Types.Type.Response, Payload = payload, Txid = message.Txid, ChannelId = message.ChannelId };
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            reply = Error(message, $"{message.Type} failed: transaction ID: {message.Txid}: {e.Message}");
        }
        await SendQuietlyAsync(reply).ConfigureAwait(false);
    }

    private static ChaincodeMessage Error(ChaincodeMessage request, string text) => new()
    {
        Type = ChaincodeMessage.Types.Type.Error,
        Payload = ByteString.CopyFrom(Encoding.UTF8.GetBytes(text)),
        Txid = request.Txid,
        ChannelId = request.ChannelId,
    };

    private async Task SendQuietlyAsync(ChaincodeMessage message)
    {
        try
        {
            await SendAsync(message, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ChaincodeExecutionException or OperationCanceledException)
        {
            LogStreamEnded(logger, name, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _call?.Dispose();
        _channel?.Dispose();
        _stopping.Dispose();
        _connectLock.Dispose();
        _sendLock.Dispose();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Chaincode {Name} at {Address} registered as {PackageId}")]
    private static partial void LogRegistered(ILogger logger, string name, string address, string? packageId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Chaincode {Name} stream ended: {Reason}")]
    private static partial void LogStreamEnded(ILogger logger, string name, string reason);
}
