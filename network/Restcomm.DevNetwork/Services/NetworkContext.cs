using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Restcomm.DevNetwork.Configuration;
using Restcomm.DevNetwork.Crypto;
using Restcomm.DevNetwork.Ledger;
using Restcomm.Fabric.Protos.Gateway;

namespace Restcomm.DevNetwork.Services;

/// <summary>Everything the gRPC services share: configuration, membership, channel ledgers, the endorser.</summary>
internal sealed class NetworkContext(DevNetworkConfig config, Msp msp, IReadOnlyDictionary<string, ChannelLedger> ledgers, Endorser endorser, IReadOnlyDictionary<int, OrgConfig> orgsByPort)
{
    public DevNetworkConfig Config => config;
    public Msp Msp => msp;
    public IReadOnlyDictionary<string, ChannelLedger> Ledgers => ledgers;
    public Endorser Endorser => endorser;

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
        if (id is null || !id.Verify(data, signature) || !ledger.Definition.Orgs.Contains(id.MspId))
        {
            return null;
        }
        return id;
    }
}
