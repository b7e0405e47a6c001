namespace Restcomm.Gateway.Store.Projections;

/// <summary>A chaincode event as committed on the ledger.</summary>
/// <param name="Channel">Channel name.</param>
/// <param name="Chaincode">Chaincode name.</param>
/// <param name="BlockNumber">Block that committed the transaction.</param>
/// <param name="TransactionId">Transaction that emitted the event (at most one event per transaction).</param>
/// <param name="EventName">Name given by the chaincode.</param>
/// <param name="Payload">Payload bytes.</param>
public sealed record ChaincodeEvent(
    string Channel,
    string Chaincode,
    long BlockNumber,
    string TransactionId,
    string EventName,
    ReadOnlyMemory<byte> Payload);
