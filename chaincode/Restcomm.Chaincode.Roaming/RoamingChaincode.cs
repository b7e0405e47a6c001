using System.Text.Json;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Chaincode.Roaming.Settlement;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming;

/// <summary>Builds the roaming chaincode (the service host, tests and in-process hosting use the same one).</summary>
internal static class RoamingChaincode
{
    public static ContractChaincode Create(RoamingPolicy policy, SettlementPolicy? settlement = null)
        => new(
            new ContractChaincodeOptions { Title = "roaming", Version = "1.0.0", JsonSerializerOptions = new JsonSerializerOptions(RoamingJson.Options) },
            new RoamingContract(policy),
            new SettlementContract(policy, settlement ?? new SettlementPolicy()));
}
