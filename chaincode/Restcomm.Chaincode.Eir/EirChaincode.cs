using System.Text.Json;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Eir;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Eir;

/// <summary>Builds the eir chaincode (the service host, tests and in-process hosting use the same one).</summary>
internal static class EirChaincode
{
    public static ContractChaincode Create(EirPolicy policy)
        => new(
            new ContractChaincodeOptions { Title = "eir", Version = "1.0.0", JsonSerializerOptions = new JsonSerializerOptions(EirJson.Options) },
            new EirContract(policy));
}
