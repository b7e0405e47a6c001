namespace Restcomm.Fabric.Shim;

/// <summary>
/// The low-level chaincode interface, as in Fabric's other shims: one call per INIT and per TRANSACTION message.
/// Most chaincodes use contracts (<see cref="ContractChaincode"/>) instead of implementing this directly.
/// </summary>
public interface IChaincode
{
    /// <summary>Handles an INIT message (a transaction with <c>is_init</c> set).</summary>
    /// <param name="stub">The transaction's view of the ledger.</param>
    /// <param name="cancellationToken">Cancelled when the connection to the peer closes.</param>
    /// <returns>The response for the peer.</returns>
    Task<ChaincodeResponse> InitAsync(IChaincodeStub stub, CancellationToken cancellationToken);

    /// <summary>Handles a TRANSACTION message.</summary>
    /// <param name="stub">The transaction's view of the ledger.</param>
    /// <param name="cancellationToken">Cancelled when the connection to the peer closes.</param>
    /// <returns>The response for the peer.</returns>
    Task<ChaincodeResponse> InvokeAsync(IChaincodeStub stub, CancellationToken cancellationToken);
}
