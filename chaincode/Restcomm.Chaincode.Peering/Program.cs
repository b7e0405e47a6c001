using Restcomm.Chaincode.Peering;
using Restcomm.Chaincode.Peering.Internal;
using Restcomm.Fabric.Shim;

// The peering chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS (127.0.0.1:7207 on the dev network),
// registers as CORE_CHAINCODE_ID_NAME and serves the roaming-emea channel. PEERING_READONLY_MSPS (default
// RegulatorMSP), PEERING_REQUIRE_KYC, PEERING_KYC_ATTESTERS and PEERING_MAX_DURATION_DAYS: see README.md.
return await ChaincodeHost.RunAsync("Restcomm.Chaincode.Peering", () => PeeringChaincode.Create(PeeringPolicy.FromEnvironment()));
