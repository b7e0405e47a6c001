using System.Data.Common;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>
/// Keeps a read model up to date from chaincode events. <see cref="ApplyAsync"/> runs inside the
/// transaction that also advances the projection's checkpoint, so an event is applied exactly once even
/// when the process dies at any moment.
/// </summary>
public interface IProjection
{
    /// <summary>Stable name; the checkpoint is stored under it.</summary>
    string Name { get; }

    /// <summary>Applies one event to the read model, using only the given connection and transaction.</summary>
    /// <param name="chaincodeEvent">The event.</param>
    /// <param name="connection">Open connection to the store.</param>
    /// <param name="transaction">Transaction to write in; committed by the caller together with the checkpoint.</param>
    /// <param name="cancellationToken">Cancels the work (the transaction is then rolled back).</param>
    /// <returns>A task.</returns>
    Task ApplyAsync(ChaincodeEvent chaincodeEvent, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);
}
