using Restcomm.Chaincode.Numbers;
using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.Fabric.Shim;

// The numbers chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS (127.0.0.1:7204 on the dev network),
// registers as CORE_CHAINCODE_ID_NAME and serves the `numbers` channel. NUMBERS_READONLY_MSPS (default RegulatorMSP)
// lists organisations that may read but never write; NUMBERS_PORT_WINDOW (default 1.00:00:00) is the donor's window
// to answer a port before it activates at its due time.
return await ChaincodeHost.RunAsync("Restcomm.Chaincode.Numbers", () => NumbersChaincode.Create(NumbersPolicy.FromEnvironment()));
