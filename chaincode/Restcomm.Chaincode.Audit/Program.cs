using Restcomm.Chaincode.Audit;
using Restcomm.Chaincode.Audit.Internal;
using Restcomm.Fabric.Shim;

// The audit chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS (127.0.0.1:7205 on the dev network), registers as
// CORE_CHAINCODE_ID_NAME and serves the `audit` channel. AUDIT_READONLY_MSPS (default RegulatorMSP) lists organisations
// that may read anchors but never write one.
return await ChaincodeHost.RunAsync("Restcomm.Chaincode.Audit", () => AuditChaincode.Create(AuditPolicy.FromEnvironment()));
