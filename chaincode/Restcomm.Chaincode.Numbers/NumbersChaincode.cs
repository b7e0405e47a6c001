using System.Text.Json;
using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Numbers;

namespace Restcomm.Chaincode.Numbers;

/// <summary>Builds the numbers chaincode (the service host, tests and in-process hosting use the same one).</summary>
internal static class NumbersChaincode
{
    public static ContractChaincode Create(NumbersPolicy policy)
        => new(
            new ContractChaincodeOptions { Title = "numbers", Version = "1.0.0", JsonSerializerOptions = new JsonSerializerOptions(NumbersJson.Options) },
            new NumbersContract(policy));
}
