extern alias eirchaincode;

using System.Text.Json;
using eirchaincode::Restcomm.Chaincode.Eir;
using eirchaincode::Restcomm.Chaincode.Eir.Internal;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Eir;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Eir;

/// <summary>
/// A one-channel ledger in the test process: the real eir contract on the shim's in-memory stub, one block per
/// submitted transaction, and a block stream like the peer's (Fabric blocks carrying the chaincode's events). Each
/// organisation gets its own client view.
/// </summary>
internal sealed class InProcessEirLedger : IBlockFeed
{
    private readonly InMemoryChaincodeStub _stub;
    private readonly ContractChaincode _chaincode = EirChaincode.Create(new EirPolicy());
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ListBlockFeed _blocks = new();

    private readonly ManualClock _clock;

    public InProcessEirLedger(ManualClock clock)
    {
        _clock = clock;
        _stub = new InMemoryChaincodeStub("eir") { TimeProvider = clock };
        AppendBlock([]); // the genesis block
    }

    public long Height
    {
        get
        {
            return (long)_blocks.Height("eir");
        }
    }

    public IEirLedgerClient As(TestIdentity identity) => new Client(this, identity);

    /// <summary>A block without EIR changes (e.g. another chaincode's transaction).</summary>
    public void AppendEmptyBlock() => AppendBlock([]);

    private long AppendBlock(IReadOnlyList<(string TxId, EirChangeSet Changes)> transactions)
    {
        long number;
        lock (_blocks)
        {
            number = (long)_blocks.Height("eir");
            var block = new BlockBuilder("eir", (ulong)number);
            foreach (var (txId, changes) in transactions)
            {
                block.AddTransaction(txId, "eir", EirChangeSet.EventName, JsonSerializer.SerializeToUtf8Bytes(changes, EirJson.Options));
            }

            _blocks.Append("eir", block.Read());
        }

        return number;
    }

    private async Task<(ChaincodeResponse Response, string TxId, EirChangeSet? Event)> RunAsync(TestIdentity identity, string function, string argument)
    {
        await _gate.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            // Transactions a millisecond apart, as clients' timestamps are: history is ordered by them.
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            _stub.SetCreator(identity);
            var response = await _stub.InvokeAsync(_chaincode, function, argument).WaitAsync(TimeSpan.FromSeconds(30));
            var changes = _stub.EventName == EirChangeSet.EventName
                ? JsonSerializer.Deserialize<EirChangeSet>(_stub.EventPayload.Span, EirJson.Options)
                : null;
            return (response, _stub.TxId, changes);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static T Answer<T>(ChaincodeResponse response)
    {
        if (!response.IsSuccess)
        {
            // As the Fabric client reads a refusal: the chaincode's status, code and message.
            throw new LedgerException(ChaincodeError.FromResponse(response.Status, response.Message));
        }

        return JsonSerializer.Deserialize<T>(response.Payload.Span, EirJson.Options)!;
    }

    private sealed class Client(InProcessEirLedger ledger, TestIdentity identity) : IEirLedgerClient
    {
        public async Task<EirCommitted<T>> SubmitAsync<T>(string function, string argument, CancellationToken cancellationToken)
        {
            var (response, txId, changes) = await ledger.RunAsync(identity, function, argument);
            var answer = Answer<T>(response);
            var block = ledger.AppendBlock(changes is null ? [] : [(txId, changes)]);
            return new EirCommitted<T>(answer, txId, block);
        }

        public async Task<T> EvaluateAsync<T>(string function, string argument, CancellationToken cancellationToken)
            => Answer<T>((await ledger.RunAsync(identity, function, argument)).Response);
    }

    public IAsyncEnumerable<LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, CancellationToken cancellationToken)
        => _blocks.ReadBlocksAsync(channel, fromBlock, cancellationToken);
}
