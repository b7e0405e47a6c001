using System.Text.Json;
using Restcomm.Chaincode.Peering.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Peering;

namespace Restcomm.Chaincode.Peering;

/// <summary>Builds the peering chaincode (the service host and tests use the same one).</summary>
internal static class PeeringChaincode
{
    public static ContractChaincode Create(PeeringPolicy policy)
        => new(
            new ContractChaincodeOptions { Title = "peering", Version = "1.0.0", JsonSerializerOptions = new JsonSerializerOptions(PeeringJson.Options) },
            new PeeringContract(policy));
}
