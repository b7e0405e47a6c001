extern alias numberschaincode;

using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Numbers;
using NumbersChaincode = numberschaincode::Restcomm.Chaincode.Numbers.NumbersChaincode;
using NumbersPolicy = numberschaincode::Restcomm.Chaincode.Numbers.Internal.NumbersPolicy;

namespace Restcomm.Gateway.Tests.Numbers;

/// <summary>
/// The numbers channel in the test process: the real numbers contract on the shim's in-memory stub with the test's
/// clock, one block per submitted transaction carrying its <c>numbers.changed</c> event, and a block stream like the
/// peer's. Each organisation gets its own <see cref="ILedger"/> view signing as its identity.
/// </summary>
internal sealed class InProcessNumbersLedger : IBlockFeed
{
    public const string Channel = "numbers";

    public static readonly TimeSpan Window = TimeSpan.FromHours(2);

    private readonly InMemoryChaincodeStub _stub;
    private readonly ContractChaincode _chaincode = NumbersChaincode.Create(new NumbersPolicy { PortWindow = Window });
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ListBlockFeed _blocks = new();

    public InProcessNumbersLedger(ManualClock clock)
    {
        _stub = new InMemoryChaincodeStub(Channel) { TimeProvider = clock };
        AppendBlock(null, null);
    }

    /// <summary>Blocks so far (the height a caught-up read model reflects).</summary>
    public long Height
    {
        get
        {
            lock (_blocks)
            {
                return (long)_blocks.Height(Channel);
            }
        }
    }

    public ILedger As(TestIdentity identity) => new Client(this, identity);

    public IAsyncEnumerable<LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, CancellationToken cancellationToken)
        => _blocks.ReadBlocksAsync(channel, fromBlock, cancellationToken);

    private long AppendBlock(string? txId, byte[]? change)
    {
        lock (_blocks)
        {
            var number = (long)_blocks.Height(Channel);
            var block = new BlockBuilder(Channel, (ulong)number);
            if (txId is not null && change is not null)
            {
                block.AddTransaction(txId, "numbers", NumberChangeSet.EventName, change);
            }

            _blocks.Append(Channel, block.Read());
            return number;
        }
    }

    private async Task<(ChaincodeResponse Response, string TxId, byte[]? Change)> RunAsync(TestIdentity identity, LedgerCall call)
    {
        Assert.Equal((Channel, "numbers"), (call.Channel, call.Chaincode));
        await _gate.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            _stub.SetCreator(identity).StartTransaction(call.Function, call.Args);
            var response = await _chaincode.InvokeAsync(_stub, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            var change = response.IsSuccess && _stub.EventName == NumberChangeSet.EventName ? _stub.EventPayload.ToArray() : null;
            return (response, _stub.TxId, change);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static ReadOnlyMemory<byte> Answer(ChaincodeResponse response)
        => response.IsSuccess ? response.Payload : throw new LedgerException(ChaincodeError.FromResponse(response.Status, response.Message));

    private sealed class Client(InProcessNumbersLedger ledger, TestIdentity identity) : ILedger
    {
        public async Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken)
            => Answer((await ledger.RunAsync(identity, call)).Response);

        public async Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken)
        {
            var (response, txId, change) = await ledger.RunAsync(identity, call);
            var answer = Answer(response);
            return new LedgerCommit(txId, ledger.AppendBlock(txId, change), answer);
        }

        public Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken)
            => Task.FromResult<LedgerTransactionOutcome?>(null);
    }
}
