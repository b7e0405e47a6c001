using System.Runtime.CompilerServices;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Eir.Internal;

/// <summary>The shim's stub seen through <see cref="IEirLedger"/>; the caller comes from the signed creator identity.</summary>
internal sealed class StubLedger(TransactionContext context) : IEirLedger
{
    private readonly IChaincodeStub _stub = context.Stub;

    public string CallerMspId => context.ClientIdentity.MspId;

    public string TxId => _stub.TxId;

    public bool CallerHasAttribute(string name)
        => context.ClientIdentity.Attributes.TryGetValue(name, out var value) && string.Equals(value, "true", StringComparison.Ordinal);

    public DateTimeOffset TxTimestamp => _stub.TxTimestamp;

    public Task<byte[]?> GetStateAsync(string key, CancellationToken cancellationToken) => _stub.GetStateAsync(key, cancellationToken);

    public Task PutStateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken) => _stub.PutStateAsync(key, value, cancellationToken);

    public Task DeleteStateAsync(string key, CancellationToken cancellationToken) => _stub.DeleteStateAsync(key, cancellationToken);

    public async IAsyncEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> GetStateByPartialCompositeKeyAsync(
        string objectType, IReadOnlyList<string> attributes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var kv in _stub.GetStateByPartialCompositeKeyAsync(objectType, attributes).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new KeyValuePair<string, ReadOnlyMemory<byte>>(kv.Key, kv.Value);
        }
    }

    public string CreateCompositeKey(string objectType, IReadOnlyList<string> attributes) => _stub.CreateCompositeKey(objectType, attributes);

    public void SetEvent(string name, ReadOnlyMemory<byte> payload) => _stub.SetEvent(name, payload);
}
