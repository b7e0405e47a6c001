using Grpc.Core;
using Restcomm.Fabric.Protos.Peer;
using GatewayService = Restcomm.Fabric.Protos.Gateway.Gateway;

namespace Restcomm.Fabric.Client.Internal;

/// <summary>What every object created from one <see cref="Client.Gateway"/> shares.</summary>
internal sealed class GatewayContext
{
    public GatewayContext(CallInvoker invoker, GatewayOptions options)
    {
        Options = options;
        Signing = new SigningIdentity(options.Identity, options.Signer, options.Hash);
        Gateway = new GatewayService.GatewayClient(invoker);
        Deliver = new Deliver.DeliverClient(invoker);
    }

    public GatewayOptions Options { get; }

    public SigningIdentity Signing { get; }

    public GatewayService.GatewayClient Gateway { get; }

    public Deliver.DeliverClient Deliver { get; }

    public static CallOptions CallOptions(TimeSpan timeout, CancellationToken cancellationToken) =>
        new(deadline: timeout == Timeout.InfiniteTimeSpan || timeout <= TimeSpan.Zero ? null : DateTime.UtcNow + timeout,
            cancellationToken: cancellationToken);
}
