using System.Collections.Concurrent;
using System.Text;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Restcomm.Fabric.Protos.Peer;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.Fabric.Shim.Internal;

/// <summary>
/// One peer stream: the REGISTER → REGISTERED → READY handshake, then many concurrent transactions. Responses to
/// stub calls are routed by (channel, txid); every write goes through one queue drained by a single writer, because
/// a gRPC stream accepts one write at a time.
/// </summary>
internal sealed partial class PeerSession
{
    private const int DefaultMaxBatch = 100;

    private readonly IAsyncStreamReader<ChaincodeMessage> _reader;
    private readonly IAsyncStreamWriter<ChaincodeMessage> _writer;
    private readonly string _chaincodeId;
    private readonly IChaincode _chaincode;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _closed;
    private readonly Channel<ChaincodeMessage> _outbox = Channel.CreateUnbounded<ChaincodeMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<(string Channel, string TxId), TaskCompletionSource<ChaincodeMessage>> _pending = new();
    private readonly ConcurrentDictionary<(string Channel, string TxId), byte> _running = new();

    public PeerSession(IAsyncStreamReader<ChaincodeMessage> reader, IAsyncStreamWriter<ChaincodeMessage> writer, string chaincodeId, IChaincode chaincode, ILogger logger, CancellationToken callCancelled)
    {
        _reader = reader;
        _writer = writer;
        _chaincodeId = chaincodeId;
        _chaincode = chaincode;
        _logger = logger;
        _closed = CancellationTokenSource.CreateLinkedTokenSource(callCancelled);
    }

    public bool IsReady { get; private set; }

    /// <summary>Whether the peer offered WRITE_BATCH_STATE in READY, and the largest batch it takes.</summary>
    public bool UseWriteBatch { get; private set; }

    public int MaxWriteBatch { get; private set; } = DefaultMaxBatch;

    /// <summary>Whether the peer offered GET_STATE_MULTIPLE in READY, and the most keys per request.</summary>
    public bool UseGetMultiple { get; private set; }

    public int MaxGetMultiple { get; private set; } = DefaultMaxBatch;

    public CancellationToken Closed => _closed.Token;

    public void Close() => _closed.Cancel();

    public async Task RunAsync()
    {
        var writeLoop = WriteLoopAsync();
        try
        {
            Send(new ChaincodeMessage { Type = MessageType.Register, Payload = new ChaincodeID { Name = _chaincodeId }.ToByteString() });
            await ReadLoopAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_closed.IsCancellationRequested)
        {
            // The peer went away or the server is stopping.
        }
        catch (IOException e)
        {
            LogStreamFailed(e.Message);
        }
        catch (RpcException e)
        {
            LogStreamFailed(e.Status.Detail);
        }
        finally
        {
            IsReady = false;
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new IOException("the peer connection closed"));
            }

            // Flush what is queued (e.g. a final ERROR) before the stream ends.
            _outbox.Writer.TryComplete();
            try
            {
                await writeLoop.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or TimeoutException or IOException or RpcException or InvalidOperationException)
            {
                // Writes after the stream ended are moot.
            }

            await _closed.CancelAsync().ConfigureAwait(false);

        }
    }

    private async Task ReadLoopAsync()
    {
        var state = MessageType.Register;
        while (await _reader.MoveNext(_closed.Token).ConfigureAwait(false))
        {
            var message = _reader.Current;
            if (message.Type == MessageType.Keepalive)
            {
                Send(message);
                continue;
            }

            switch (state)
            {
                case MessageType.Register when message.Type == MessageType.Registered:
                    state = MessageType.Registered;
                    break;
                case MessageType.Registered when message.Type == MessageType.Ready:
                    ApplyReady(message);
                    state = MessageType.Ready;
                    IsReady = true;
                    LogReady(_chaincodeId, UseWriteBatch, UseGetMultiple);
                    break;
                case MessageType.Ready:
                    HandleReadyMessage(message);
                    break;
                default:
                    var error = $"chaincode cannot handle message {message.Type} while in state {state}";
                    LogProtocolError(error);
                    Send(new ChaincodeMessage { Type = MessageType.Error, Payload = ByteString.CopyFromUtf8(error), Txid = message.Txid, ChannelId = message.ChannelId });
                    return;
            }
        }
    }

    private void ApplyReady(ChaincodeMessage ready)
    {
        if (ready.Payload.IsEmpty)
        {
            return;
        }

        ChaincodeAdditionalParams parameters;
        try
        {
            parameters = ChaincodeAdditionalParams.Parser.ParseFrom(ready.Payload);
        }
        catch (InvalidProtocolBufferException)
        {
            return;
        }

        UseWriteBatch = parameters.UseWriteBatch;
        MaxWriteBatch = (int)Math.Max(parameters.MaxSizeWriteBatch, DefaultMaxBatch);
        UseGetMultiple = parameters.UseGetMultipleKeys;
        MaxGetMultiple = (int)Math.Max(parameters.MaxSizeGetMultipleKeys, DefaultMaxBatch);
    }

    private void HandleReadyMessage(ChaincodeMessage message)
    {
        switch (message.Type)
        {
            case MessageType.Response:
            case MessageType.Error:
                if (_pending.TryRemove((message.ChannelId, message.Txid), out var waiter))
                {
                    waiter.TrySetResult(message);
                }
                else
                {
                    LogUnroutable(message.Type, message.ChannelId, message.Txid);
                }

                break;
            case MessageType.Transaction:
            case MessageType.Init:
                if (!_running.TryAdd((message.ChannelId, message.Txid), 0))
                {
                    SendError(message, $"transaction {message.Txid} on channel {message.ChannelId} is already running");
                    break;
                }

                _ = Task.Run(() => ExecuteAsync(message));
                break;
            default:
                SendError(message, $"chaincode cannot handle message {message.Type} while ready");
                break;
        }
    }

    private async Task ExecuteAsync(ChaincodeMessage message)
    {
        ChaincodeMessage reply;
        try
        {
            var input = ChaincodeInput.Parser.ParseFrom(message.Payload);
            var stub = new PeerStub(this, message.ChannelId, message.Txid, input, message.Proposal);
            ChaincodeResponse response;
            try
            {
                response = message.Type == MessageType.Init
                    ? await _chaincode.InitAsync(stub, _closed.Token).ConfigureAwait(false)
                    : await _chaincode.InvokeAsync(stub, _closed.Token).ConfigureAwait(false);
            }
            catch (ChaincodeException e)
            {
                response = new ChaincodeResponse(e.Status, e.ResponseMessage, e.Payload);
            }
            catch (Exception e) when (e is not OperationCanceledException || !_closed.IsCancellationRequested)
            {
                response = ChaincodeResponse.Error(e.Message);
            }

            if (message.Type == MessageType.Init && !response.IsSuccess)
            {
                reply = new ChaincodeMessage { Type = MessageType.Error, Payload = ByteString.CopyFromUtf8(response.Message) };
            }
            else
            {
                if (response.IsSuccess)
                {
                    await stub.FlushWritesAsync(_closed.Token).ConfigureAwait(false);
                }

                var result = new Response { Status = response.Status, Message = response.Message, Payload = ByteString.CopyFrom(response.Payload.Span) };
                reply = new ChaincodeMessage { Type = MessageType.Completed, Payload = result.ToByteString() };
            }

            reply.ChaincodeEvent = stub.Event;
        }
        catch (Exception e) when (!_closed.IsCancellationRequested)
        {
            // The transaction could not be run at all (bad input, a failed batch write): the peer gets ERROR.
            reply = new ChaincodeMessage { Type = MessageType.Error, Payload = ByteString.CopyFromUtf8(e.Message) };
        }
        catch (Exception)
        {
            _running.TryRemove((message.ChannelId, message.Txid), out _);
            return;
        }

        reply.Txid = message.Txid;
        reply.ChannelId = message.ChannelId;
        _running.TryRemove((message.ChannelId, message.Txid), out _);
        Send(reply);
    }

    /// <summary>Sends a request for a transaction and waits for the peer's RESPONSE or ERROR.</summary>
    /// <remarks>Callers (the stub) make sure a transaction has at most one request outstanding.</remarks>
    public async Task<ChaincodeMessage> CallAsync(ChaincodeMessage request, CancellationToken cancellationToken)
    {
        var key = (request.ChannelId, request.Txid);
        var waiter = new TaskCompletionSource<ChaincodeMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_pending.TryAdd(key, waiter))
        {
            throw new InvalidOperationException($"a request for transaction {request.Txid} is already outstanding");
        }

        try
        {
            if (_closed.IsCancellationRequested || !Send(request))
            {
                throw new IOException("the peer connection closed");
            }

            return await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<(string, string), TaskCompletionSource<ChaincodeMessage>>(key, waiter));
        }
    }

    private void SendError(ChaincodeMessage about, string error)
    {
        LogProtocolError(error);
        Send(new ChaincodeMessage { Type = MessageType.Error, Payload = ByteString.CopyFromUtf8(error), Txid = about.Txid, ChannelId = about.ChannelId });
    }

    // A message queued after the stream closed is dropped: nobody is left to read it.
    private bool Send(ChaincodeMessage message) => _outbox.Writer.TryWrite(message);

    private async Task WriteLoopAsync()
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync(_closed.Token).ConfigureAwait(false))
        {
            await _writer.WriteAsync(message, _closed.Token).ConfigureAwait(false);
        }
    }

    internal static string Text(ByteString payload) => Encoding.UTF8.GetString(payload.Span);

    [LoggerMessage(1, LogLevel.Information, "Registered as {ChaincodeId} with the peer (write batch: {WriteBatch}, get multiple: {GetMultiple})")]
    private partial void LogReady(string chaincodeId, bool writeBatch, bool getMultiple);

    [LoggerMessage(2, LogLevel.Warning, "Peer stream failed: {Reason}")]
    private partial void LogStreamFailed(string reason);

    [LoggerMessage(3, LogLevel.Warning, "Protocol error: {Error}")]
    private partial void LogProtocolError(string error);

    [LoggerMessage(4, LogLevel.Warning, "Dropped {Type} for {ChannelId}/{TxId}: no request is waiting for it")]
    private partial void LogUnroutable(MessageType type, string channelId, string txId);
}
