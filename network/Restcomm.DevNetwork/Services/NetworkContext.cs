using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.DevNetwork.Ledger;
using Restcomm.Fabric.Protos.Gateway;

namespace Restcomm.DevNetwork.Services;

/// <summary>Everything the gRPC services share: configuration, membership, channel ledgers, the endorser.</summary>
internal sealed class NetworkContext(
    DevNetworkConfig config, Msp msp, IReadOnlyDictionary<string, ChannelLedger> ledgers, Endorser endorser, IReadOnlyDictionary<int, OrgConfig> orgsByPort,
    CancellationToken stopping)
{
    public DevNetworkConfig Config => config;
    public Msp Msp => msp;
    public IReadOnlyDictionary<string, ChannelLedger> Ledgers => ledgers;
    public Endorser Endorser => endorser;

    /// <summary>
    /// Cancelled when the network starts to stop. Calls that wait for blocks (Deliver, chaincode events, commit status)
    /// end then, as a stopping peer's do, instead of holding the host's graceful shutdown open until it times out.
    /// </summary>
    public CancellationToken Stopping => stopping;

    /// <summary>A token cancelled when the caller goes away or the network stops; see <see cref="Stopping"/>.</summary>
    public CancellationTokenSource CallOrStopping(ServerCallContext context) => CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, stopping);

    /// <summary>What a waiting call answers when the network stops under it: the peer is going away, retry elsewhere or later.</summary>
    public static RpcException ShuttingDown() => new(new Grpc.Core.Status(StatusCode.Unavailable, "the peer is shutting down"));

    /// <summary>The organisation whose gateway endpoint the call arrived on.</summary>
    public OrgConfig LocalOrg(ServerCallContext context)
    {
        var port = context.GetHttpContext().Connection.LocalPort;
        return orgsByPort.TryGetValue(port, out var org) ? org : config.Orgs[0];
    }

    public string PeerAddress(string mspId)
    {
        var org = config.Org(mspId);
        return $"{org.PeerName}:{org.Port}";
    }

    /// <summary>A gRPC error carrying Fabric gateway ErrorDetail messages, as fabric's gateway returns them.</summary>
    public static RpcException Error(StatusCode code, string message, params ErrorDetail[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        foreach (var d in details)
        {
            status.Details.Add(Any.Pack(d));
        }
        var metadata = new Metadata { { "grpc-status-details-bin", status.ToByteArray() } };
        return new RpcException(new Grpc.Core.Status(code, message), metadata);
    }

    public ErrorDetail Detail(string mspId, string message) => new() { Address = PeerAddress(mspId), MspId = mspId, Message = message };

    /// <summary>Checks a signed request (commit status, events, deliver) as the Readers policy of the channel would.</summary>
    public Identity? CheckReader(ChannelLedger ledger, ByteString identity, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        var id = msp.Deserialize(identity);
        if (id is null || !id.Verify(data, signature) || !ledger.Definition.Readers.IsSatisfiedBy(id.AsSigner))
        {
            return null;
        }
        return id;
    }
}
