extern alias roamingchaincode;

using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;
using Restcomm.Roaming;
using RoamingChaincode = roamingchaincode::Restcomm.Chaincode.Roaming.RoamingChaincode;
using RoamingPolicy = roamingchaincode::Restcomm.Chaincode.Roaming.Internal.RoamingPolicy;

namespace Restcomm.Gateway.Tests.Roaming;

/// <summary>
/// The roaming-emea channel in the test process: the real roaming contract on the shim's in-memory stub (one world
/// state holding every pair's collection; the contract's own party checks keep them apart), one block per submitted
/// transaction carrying its <c>roaming.changed</c> event, and a block stream like the peer's. Each organisation gets
/// its own <see cref="ILedger"/> view signing as its identity.
/// </summary>
internal sealed class InProcessRoamingLedger : IBlockFeed
{
    public const string Channel = "roaming-emea";

    private readonly InMemoryChaincodeStub _stub;
    private readonly ContractChaincode _chaincode = RoamingChaincode.Create(new RoamingPolicy());
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ListBlockFeed _blocks = new();
    private readonly ManualClock _clock;
    private int _submits;

    public InProcessRoamingLedger(ManualClock clock)
    {
        _clock = clock;
        _stub = new InMemoryChaincodeStub(Channel) { TimeProvider = clock };
        AppendBlock(null, null); // the genesis block
    }

    public long Height
    {
        get
        {
            return (long)_blocks.Height(Channel);
        }
    }

    /// <summary>Transactions submitted so far (committed or refused).</summary>
    public int Submits => Volatile.Read(ref _submits);

    public ILedger As(TestIdentity identity) => new Client(this, identity);

    public IAsyncEnumerable<LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, CancellationToken cancellationToken)
        => _blocks.ReadBlocksAsync(channel, fromBlock, cancellationToken);

    private long AppendBlock(string? txId, byte[]? change)
    {
        long number;
        lock (_blocks)
        {
            number = (long)_blocks.Height(Channel);
            var block = new BlockBuilder(Channel, (ulong)number);
            if (txId is not null && change is not null)
            {
                block.AddTransaction(txId, "roaming", RoamingEvents.Name, change);
            }

            _blocks.Append(Channel, block.Read());
        }

        return number;
    }

    private async Task<(ChaincodeResponse Response, string TxId, byte[]? Change)> RunAsync(TestIdentity identity, LedgerCall call)
    {
        Assert.Equal(Channel, call.Channel);
        Assert.Equal("roaming", call.Chaincode);
        await _gate.WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            _clock.Advance(TimeSpan.FromMilliseconds(1));
            _stub.SetCreator(identity).StartTransaction(call.Function, call.Args);
            foreach (var (key, value) in call.Transient ?? new Dictionary<string, byte[]>())
            {
                _stub.SetTransient(key, value);
            }

            var response = await _chaincode.InvokeAsync(_stub, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            var change = response.IsSuccess && _stub.EventName == RoamingEvents.Name ? _stub.EventPayload.ToArray() : null;
            return (response, _stub.TxId, change);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static ReadOnlyMemory<byte> Answer(ChaincodeResponse response)
        => response.IsSuccess ? response.Payload : throw new LedgerException(ChaincodeError.FromResponse(response.Status, response.Message));

    private sealed class Client(InProcessRoamingLedger ledger, TestIdentity identity) : ILedger
    {
        public async Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken)
            => Answer((await ledger.RunAsync(identity, call)).Response);

        public async Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref ledger._submits);
            // Writes name the two parties as endorsers, as the pair collections' policy needs.
            Assert.Equal(2, call.EndorsingOrganisations?.Count);
            var (response, txId, change) = await ledger.RunAsync(identity, call);
            var answer = Answer(response);
            return new LedgerCommit(txId, ledger.AppendBlock(txId, change), answer);
        }

        public Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken)
            => Task.FromResult<LedgerTransactionOutcome?>(null);
    }
}
