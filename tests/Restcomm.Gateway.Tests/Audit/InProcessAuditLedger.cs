extern alias auditchaincode;

using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Ledger.Testing;
using Restcomm.Fabric.Shim;
using Restcomm.Fabric.Shim.Testing;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Gateway.Tests.Infrastructure;
using AuditChaincode = auditchaincode::Restcomm.Chaincode.Audit.AuditChaincode;
using AuditPolicy = auditchaincode::Restcomm.Chaincode.Audit.Internal.AuditPolicy;

namespace Restcomm.Gateway.Tests.Audit;

/// <summary>
/// The audit channel in the test process: the real audit contract on the shim's in-memory stub, one block per submitted
/// transaction carrying its <c>audit.anchored</c> event, appended to a <see cref="ListBlockFeed"/> shared with the
/// source channels. <see cref="FailAfterCommit"/> makes the next submits commit and then throw, as a process killed
/// before it recorded the answer would.
/// </summary>
internal sealed class InProcessAuditLedger
{
    public const string Channel = "audit";

    private readonly InMemoryChaincodeStub _stub;
    private readonly ContractChaincode _chaincode = AuditChaincode.Create(new AuditPolicy());
    private readonly ListBlockFeed _blocks;

    public InProcessAuditLedger(ListBlockFeed blocks, TimeProvider clock)
    {
        _blocks = blocks;
        _stub = new InMemoryChaincodeStub(Channel) { TimeProvider = clock };
        _blocks.Append(Channel, new BlockBuilder(Channel, 0).Read());
    }

    /// <summary>Every Anchor call that reached the chaincode: (caller, request JSON, created).</summary>
    public List<(string Caller, string Request, bool Created)> Calls { get; } = [];

    /// <summary>Submits that commit and then fail, simulating a crash before the caller saw the answer.</summary>
    public int FailAfterCommit { get; set; }

    /// <summary>The anchors on the channel, from the stub's state.</summary>
    public IReadOnlyList<string> AnchorKeys => [.. _stub.State.Keys.Order(StringComparer.Ordinal)];

    public ILedger As(TestIdentity identity) => new Client(this, identity);

    private sealed class Client(InProcessAuditLedger ledger, TestIdentity identity) : ILedger
    {
        public async Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken)
        {
            ledger._stub.SetCreator(identity).StartTransaction(call.Function, call.Args);
            var response = await ledger._chaincode.InvokeAsync(ledger._stub, cancellationToken);
            return response.IsSuccess ? response.Payload : throw new LedgerException(ChaincodeError.FromResponse(response.Status, response.Message));
        }

        public async Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken)
        {
            Assert.Equal((Channel, "audit", "Anchor"), (call.Channel, call.Chaincode, call.Function));
            ledger._stub.SetCreator(identity).StartTransaction(call.Function, call.Args);
            var response = await ledger._chaincode.InvokeAsync(ledger._stub, cancellationToken);
            if (!response.IsSuccess)
            {
                throw new LedgerException(ChaincodeError.FromResponse(response.Status, response.Message));
            }

            var created = ledger._stub.EventName is not null;
            ledger.Calls.Add((identity.MspId, call.Args[0], created));
            var number = (long)ledger._blocks.Height(Channel);
            var block = new BlockBuilder(Channel, (ulong)number);
            if (created)
            {
                block.AddTransaction(ledger._stub.TxId, "audit", ledger._stub.EventName!, ledger._stub.EventPayload.ToArray());
            }

            ledger._blocks.Append(Channel, block.Read());
            if (ledger.FailAfterCommit > 0)
            {
                ledger.FailAfterCommit--;
                throw new IOException("simulated crash after the commit");
            }

            return new LedgerCommit(ledger._stub.TxId, number, response.Payload);
        }

        public Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken)
            => Task.FromResult<LedgerTransactionOutcome?>(null);
    }
}
