using Restcomm.Chaincode.Eir;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Fabric.Shim;

// The eir chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS (127.0.0.1:7202 on the dev network),
// registers as CORE_CHAINCODE_ID_NAME and serves the `eir` channel. EIR_READONLY_MSPS (default RegulatorMSP)
// lists organisations that may read but never write.
return await ChaincodeHost.RunAsync("Restcomm.Chaincode.Eir", () => EirChaincode.Create(EirPolicy.FromEnvironment()));
