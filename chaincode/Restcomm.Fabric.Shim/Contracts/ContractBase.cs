namespace Restcomm.Fabric.Shim;

/// <summary>
/// Optional base class for contracts that want hooks around their transactions or a custom context. Contracts
/// need not derive from it: any class with <see cref="SubmitTransactionAttribute"/>/<see cref="EvaluateTransactionAttribute"/>
/// methods works.
/// </summary>
public abstract class ContractBase
{
    /// <summary>Creates the context passed to this contract's transaction functions.</summary>
    /// <param name="stub">The transaction's stub.</param>
    /// <returns>The context.</returns>
    public virtual TransactionContext CreateContext(IChaincodeStub stub) => new(stub);

    /// <summary>Runs before every transaction function of this contract, after arguments were parsed. Throw to refuse.</summary>
    /// <param name="context">The context.</param>
    /// <returns>A task.</returns>
    public virtual Task BeforeTransactionAsync(TransactionContext context) => Task.CompletedTask;

    /// <summary>Runs after a transaction function returned successfully. Throw to fail the transaction.</summary>
    /// <param name="context">The context.</param>
    /// <param name="result">The function's result (null for none).</param>
    /// <returns>A task.</returns>
    public virtual Task AfterTransactionAsync(TransactionContext context, object? result) => Task.CompletedTask;

    /// <summary>
    /// Runs when the requested function does not exist in this contract. The default fails with status 400 and a
    /// message naming the functions that exist; override to answer differently.
    /// </summary>
    /// <param name="context">The context (<see cref="TransactionContext.FunctionName"/> is the unknown name).</param>
    /// <param name="knownFunctions">The transaction functions this contract has.</param>
    /// <returns>The response to return.</returns>
    public virtual Task<ChaincodeResponse> UnknownTransactionAsync(TransactionContext context, IReadOnlyList<string> knownFunctions) =>
        throw new ChaincodeException(
            $"function '{context.FunctionName}' does not exist in contract '{context.ContractName}'; it has: {string.Join(", ", knownFunctions)}",
            ChaincodeResponse.BadRequest);
}
