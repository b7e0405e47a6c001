using System.Text.Json;
using Restcomm.Audit;
using Restcomm.Chaincode.Audit.Internal;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Audit;

/// <summary>Builds the audit chaincode (the service host and the tests use the same one).</summary>
internal static class AuditChaincode
{
    public static ContractChaincode Create(AuditPolicy policy)
        => new(
            new ContractChaincodeOptions { Title = "audit", Version = "1.0.0", JsonSerializerOptions = new JsonSerializerOptions(AuditJson.Options) },
            new AuditContract(policy));
}
