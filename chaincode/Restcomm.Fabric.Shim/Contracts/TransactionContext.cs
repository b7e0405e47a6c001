namespace Restcomm.Fabric.Shim;

/// <summary>
/// What a transaction function receives as its first parameter: the stub and the caller's identity. Contracts may
/// derive their own context and create it in <see cref="ContractBase.CreateContext"/>.
/// </summary>
public class TransactionContext
{
    private ClientIdentity? _clientIdentity;

    /// <summary>Creates a context over a stub.</summary>
    /// <param name="stub">The transaction's stub.</param>
    public TransactionContext(IChaincodeStub stub)
    {
        Stub = stub;
    }

    /// <summary>The transaction's view of the ledger.</summary>
    public IChaincodeStub Stub { get; }

    /// <summary>The identity of the client that created the proposal (parsed on first use).</summary>
    /// <exception cref="ChaincodeException">The creator is not an X.509 identity (status 403).</exception>
    public ClientIdentity ClientIdentity => _clientIdentity ??= ClientIdentity.FromStub(Stub);

    /// <summary>The contract being called (set before the before-transaction hook runs).</summary>
    public string ContractName { get; internal set; } = string.Empty;

    /// <summary>The transaction function being called, without the contract prefix.</summary>
    public string FunctionName { get; internal set; } = string.Empty;

    /// <summary>Cancelled when the peer connection closes.</summary>
    public CancellationToken CancellationToken { get; internal set; }
}
