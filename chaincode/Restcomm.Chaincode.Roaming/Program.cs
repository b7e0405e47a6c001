using Restcomm.Chaincode.Roaming;
using Restcomm.Chaincode.Roaming.Internal;
using Restcomm.Fabric.Shim;

// The roaming chaincode as a service: listens on CHAINCODE_SERVER_ADDRESS (127.0.0.1:7203 on the dev network),
// registers as CORE_CHAINCODE_ID_NAME and serves the roaming-emea channel. ROAMING_ROLE_ATTRIBUTES=false lets every
// client of a party act in both roles (certificates without Fabric CA attributes); ROAMING_READONLY_MSPS (default
// RegulatorMSP) lists organisations that are always refused. The settlement contract (settlement:…) reads
// SETTLEMENT_MEMBER_MSPS (the channel's members: governance majority, account holders, jurors), SETTLEMENT_JURORS,
// SETTLEMENT_VOTING_FEE, SETTLEMENT_MIN_PLEDGE and SETTLEMENT_MIN_VOTE_SECONDS.
return await ChaincodeHost.RunAsync("Restcomm.Chaincode.Roaming",
    () => RoamingChaincode.Create(RoamingPolicy.FromEnvironment(), SettlementPolicy.FromEnvironment()));
