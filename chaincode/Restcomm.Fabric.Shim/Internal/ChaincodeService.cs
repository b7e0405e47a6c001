using Grpc.Core;
using Microsoft.Extensions.Logging;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Shim.Internal;

internal sealed record ChaincodeServiceSettings(string ChaincodeId, IChaincode Chaincode);

/// <summary>Tracks the live peer streams so the server can report and close them.</summary>
internal sealed class ChaincodeConnections
{
    private readonly Lock _lock = new();
    private readonly HashSet<PeerSession> _sessions = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _sessions.Count(s => s.IsReady);
            }
        }
    }

    public void Add(PeerSession session)
    {
        lock (_lock)
        {
            _sessions.Add(session);
        }
    }

    public void Remove(PeerSession session)
    {
        lock (_lock)
        {
            _sessions.Remove(session);
        }
    }

    public void CloseAll()
    {
        PeerSession[] sessions;
        lock (_lock)
        {
            sessions = [.. _sessions];
        }

        foreach (var session in sessions)
        {
            session.Close();
        }
    }
}

/// <summary>The <c>protos.Chaincode</c> gRPC service: one <see cref="PeerSession"/> per Connect stream.</summary>
internal sealed class ChaincodeService(ChaincodeServiceSettings settings, ChaincodeConnections connections, ILogger<ChaincodeService> logger)
    : Protos.Peer.Chaincode.ChaincodeBase
{
    public override async Task Connect(IAsyncStreamReader<ChaincodeMessage> requestStream, IServerStreamWriter<ChaincodeMessage> responseStream, ServerCallContext context)
    {
        var session = new PeerSession(requestStream, responseStream, settings.ChaincodeId, settings.Chaincode, logger, context.CancellationToken);
        connections.Add(session);
        try
        {
            await session.RunAsync().ConfigureAwait(false);
        }
        finally
        {
            connections.Remove(session);
        }
    }
}
