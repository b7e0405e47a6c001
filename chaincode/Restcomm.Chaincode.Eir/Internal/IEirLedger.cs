namespace Restcomm.Chaincode.Eir.Internal;

/// <summary>
/// The slice of a transaction's stub the EIR rules need. Keeping the rules behind it lets them be read
/// (and tested) without the transport; the contract adapts the shim's stub to it.
/// </summary>
internal interface IEirLedger
{
    /// <summary>MSP ID of the submitting client, from its signed identity.</summary>
    string CallerMspId { get; }

    string TxId { get; }

    /// <summary>Whether the caller's certificate carries the attribute with value <c>true</c> (Fabric CA attributes).</summary>
    bool CallerHasAttribute(string name);

    /// <summary>The proposal's timestamp: the one clock every endorser agrees on.</summary>
    DateTimeOffset TxTimestamp { get; }

    Task<byte[]?> GetStateAsync(string key, CancellationToken cancellationToken);

    Task PutStateAsync(string key, ReadOnlyMemory<byte> value, CancellationToken cancellationToken);

    Task DeleteStateAsync(string key, CancellationToken cancellationToken);

    IAsyncEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> GetStateByPartialCompositeKeyAsync(
        string objectType, IReadOnlyList<string> attributes, CancellationToken cancellationToken);

    string CreateCompositeKey(string objectType, IReadOnlyList<string> attributes);

    void SetEvent(string name, ReadOnlyMemory<byte> payload);
}
