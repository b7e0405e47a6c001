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

/// <summary>
/// Where a reader stands in an event stream: resume at <see cref="BlockNumber"/>, skipping that block's
/// events up to and including <see cref="TransactionId"/> (the Fabric Gateway's checkpoint rule).
/// </summary>
/// <param name="BlockNumber">Block of the last event applied.</param>
/// <param name="TransactionId">Transaction of the last event applied.</param>
public sealed record EventCheckpoint(long BlockNumber, string TransactionId);

/// <summary>A source of committed chaincode events, e.g. the Fabric Gateway's ChaincodeEvents service.</summary>
public interface IChaincodeEventFeed
{
    /// <summary>
    /// Streams events of one chaincode in commit order, from the start of the ledger when
    /// <paramref name="after"/> is null, otherwise from just after that checkpoint; waits for new ones
    /// until cancelled.
    /// </summary>
    /// <param name="channel">Channel name.</param>
    /// <param name="chaincode">Chaincode name.</param>
    /// <param name="after">Last event already applied, or null.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<ChaincodeEvent> ReadAsync(string channel, string chaincode, EventCheckpoint? after, CancellationToken cancellationToken);
}
