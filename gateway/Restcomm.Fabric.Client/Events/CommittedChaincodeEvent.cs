namespace Restcomm.Fabric.Client;

/// <summary>
/// An event a chaincode set in a transaction that committed as valid, as the client reads it. (Named apart from the
/// protocol's own <c>Restcomm.Fabric.Protos.Peer.ChaincodeEvent</c>, so a program may use both namespaces.)
/// </summary>
/// <param name="BlockNumber">The block holding the transaction.</param>
/// <param name="TransactionId">The transaction that emitted the event.</param>
/// <param name="ChaincodeName">The chaincode that emitted it.</param>
/// <param name="EventName">The event name.</param>
/// <param name="Payload">The event payload.</param>
public sealed record CommittedChaincodeEvent(ulong BlockNumber, string TransactionId, string ChaincodeName, string EventName, ReadOnlyMemory<byte> Payload);
