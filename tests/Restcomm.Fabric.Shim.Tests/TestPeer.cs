using System.Collections.Concurrent;
using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;
using MessageType = Restcomm.Fabric.Protos.Peer.ChaincodeMessage.Types.Type;

namespace Restcomm.Fabric.Shim.Tests;

/// <summary>
/// Plays the peer over a real gRPC connection: dials the chaincode server, answers the handshake, sends
/// transactions and sees every message the shim sends, sorted per (channel, txid).
/// </summary>
internal sealed class TestPeer : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<ChaincodeMessage, ChaincodeMessage> _call;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<(string Channel, string TxId), Channel<ChaincodeMessage>> _inboxes = new();
    private readonly Channel<ChaincodeMessage> _untargeted = Channel.CreateUnbounded<ChaincodeMessage>();
    private readonly CancellationTokenSource _stop = new();
    private Task? _readLoop;

    private TestPeer(GrpcChannel channel)
    {
        _channel = channel;
        _call = new Protos.Peer.Chaincode.ChaincodeClient(channel).Connect(cancellationToken: _stop.Token);
    }

    public ChaincodeMessage? Register { get; private set; }

    /// <summary>Dials a server and completes the handshake (READY with the given parameters, or without payload).</summary>
    public static async Task<TestPeer> ConnectAsync(string address, ChaincodeAdditionalParams? readyParams = null, GrpcChannelOptions? options = null, string scheme = "http")
    {
        var peer = new TestPeer(GrpcChannel.ForAddress($"{scheme}://{address}", options ?? new GrpcChannelOptions()));
        await peer.HandshakeAsync(readyParams);
        return peer;
    }

    /// <summary>Dials without completing the handshake: the test drives it.</summary>
    public static TestPeer Dial(string address) => new(GrpcChannel.ForAddress($"http://{address}"));

    public async Task<ChaincodeMessage> ReadRawAsync()
    {
        var moved = await _call.ResponseStream.MoveNext(_stop.Token).WaitAsync(Timeout);
        return moved ? _call.ResponseStream.Current : throw new IOException("stream ended");
    }

    private async Task HandshakeAsync(ChaincodeAdditionalParams? readyParams)
    {
        Register = await ReadRawAsync();
        await SendAsync(new ChaincodeMessage { Type = MessageType.Registered });
        await SendAsync(new ChaincodeMessage { Type = MessageType.Ready, Payload = readyParams?.ToByteString() ?? ByteString.Empty });
        StartReading();
    }

    public void StartReading() => _readLoop = Task.Run(ReadLoopAsync);

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(_stop.Token))
            {
                var message = _call.ResponseStream.Current;
                if (string.IsNullOrEmpty(message.Txid))
                {
                    await _untargeted.Writer.WriteAsync(message);
                }
                else
                {
                    await Inbox(message.ChannelId, message.Txid).Writer.WriteAsync(message);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or RpcException or IOException)
        {
            // Connection closed.
        }
        finally
        {
            _untargeted.Writer.TryComplete();
            foreach (var inbox in _inboxes.Values)
            {
                inbox.Writer.TryComplete();
            }
        }
    }

    private Channel<ChaincodeMessage> Inbox(string channel, string txId) =>
        _inboxes.GetOrAdd((channel, txId), _ => Channel.CreateUnbounded<ChaincodeMessage>());

    public async Task SendAsync(ChaincodeMessage message)
    {
        await _writeLock.WaitAsync(Timeout);
        try
        {
            await _call.RequestStream.WriteAsync(message).WaitAsync(Timeout);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends a TRANSACTION with the given string arguments and, optionally, a signed proposal.</summary>
    public Task StartTransactionAsync(string channel, string txId, IEnumerable<string> args, SignedProposal? proposal = null, MessageType type = MessageType.Transaction)
    {
        var input = new ChaincodeInput();
        input.Args.AddRange(args.Select(ByteString.CopyFromUtf8));
        return SendAsync(new ChaincodeMessage { Type = type, Txid = txId, ChannelId = channel, Payload = input.ToByteString(), Proposal = proposal });
    }

    /// <summary>The next message the shim sent for a transaction.</summary>
    public async Task<ChaincodeMessage> NextAsync(string channel, string txId) =>
        await Inbox(channel, txId).Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>True if the shim sends something for the transaction within the window.</summary>
    public async Task<bool> SendsWithinAsync(string channel, string txId, TimeSpan window)
    {
        using var cts = new CancellationTokenSource(window);
        try
        {
            await Inbox(channel, txId).Reader.WaitToReadAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task<ChaincodeMessage> NextUntargetedAsync() => await _untargeted.Reader.ReadAsync().AsTask().WaitAsync(Timeout);

    /// <summary>Answers a stub request with RESPONSE.</summary>
    public Task RespondAsync(ChaincodeMessage request, IMessage? payload = null) =>
        RespondAsync(request, payload?.ToByteString() ?? ByteString.Empty);

    public Task RespondAsync(ChaincodeMessage request, ByteString payload) =>
        SendAsync(new ChaincodeMessage { Type = MessageType.Response, Txid = request.Txid, ChannelId = request.ChannelId, Payload = payload });

    public Task RespondErrorAsync(ChaincodeMessage request, string error) =>
        SendAsync(new ChaincodeMessage { Type = MessageType.Error, Txid = request.Txid, ChannelId = request.ChannelId, Payload = ByteString.CopyFromUtf8(error) });

    /// <summary>Reads the final message of a transaction, failing if a stub request comes first.</summary>
    public async Task<ChaincodeMessage> CompletionAsync(string channel, string txId)
    {
        var message = await NextAsync(channel, txId);
        Assert.True(message.Type is MessageType.Completed or MessageType.Error, $"expected COMPLETED or ERROR, got {message.Type}");
        return message;
    }

    /// <summary>Reads the Response inside a COMPLETED message.</summary>
    public async Task<Response> ResponseAsync(string channel, string txId)
    {
        var message = await CompletionAsync(channel, txId);
        Assert.Equal(MessageType.Completed, message.Type);
        return Response.Parser.ParseFrom(message.Payload);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _call.RequestStream.CompleteAsync().WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is InvalidOperationException or RpcException or TimeoutException or IOException)
        {
        }

        await _stop.CancelAsync();
        if (_readLoop is not null)
        {
            await _readLoop.WaitAsync(Timeout);
        }

        _call.Dispose();
        _channel.Dispose();
        _stop.Dispose();
        _writeLock.Dispose();
    }

    /// <summary>Builds a signed proposal as a Fabric client would (signature not checked by the shim).</summary>
    public static SignedProposal Proposal(string channel, string txId, ReadOnlyMemory<byte> creator, IReadOnlyDictionary<string, byte[]>? transient = null, DateTimeOffset? timestamp = null, byte[]? nonce = null, ulong epoch = 0)
    {
        var channelHeader = new ChannelHeader
        {
            Type = (int)HeaderType.EndorserTransaction,
            ChannelId = channel,
            TxId = txId,
            Epoch = epoch,
            Timestamp = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(timestamp ?? DateTimeOffset.UtcNow),
        };
        var signatureHeader = new SignatureHeader { Creator = ByteString.CopyFrom(creator.Span), Nonce = ByteString.CopyFrom(nonce ?? new byte[24]) };
        var header = new Header { ChannelHeader = channelHeader.ToByteString(), SignatureHeader = signatureHeader.ToByteString() };
        var payload = new ChaincodeProposalPayload();
        foreach (var (key, value) in transient ?? new Dictionary<string, byte[]>())
        {
            payload.TransientMap[key] = ByteString.CopyFrom(value);
        }

        var proposal = new Proposal { Header = header.ToByteString(), Payload = payload.ToByteString() };
        return new SignedProposal { ProposalBytes = proposal.ToByteString(), Signature = ByteString.CopyFromUtf8("not checked") };
    }
}
