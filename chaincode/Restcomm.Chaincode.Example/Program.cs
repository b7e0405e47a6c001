using Restcomm.Chaincode.Example;
using Restcomm.Fabric.Shim;

// The example chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS, registers as CORE_CHAINCODE_ID_NAME
// (TLS from CORE_PEER_TLS_ENABLED and friends, see chaincode/README.md) and serves every channel the peer sends.
return await ChaincodeHost.RunAsync(
    "Restcomm.Chaincode.Example",
    () => new ContractChaincode(new ContractChaincodeOptions { Title = "example", Version = "1.0.0" }, new AssetContract()));
