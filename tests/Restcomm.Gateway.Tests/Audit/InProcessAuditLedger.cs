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

    /// <summary>Every Disclose call that committed: (caller, anchor ID, the organisations asked to endorse).</summary>
    public List<(string Caller, string AnchorId, IReadOnlyList<string> Endorsers)> Disclosures { get; } = [];

    /// <summary>Submits that commit and then fail, simulating a crash before the caller saw the answer.</summary>
    public int FailAfterCommit { get; set; }

    /// <summary>Transactions ordered but invalidated at commit (a transaction that wrote nothing, endorsed by one organisation).</summary>
    public int Invalidated { get; private set; }

    /// <summary>Calls that were endorsed to be ordered only if they change something.</summary>
    public int Endorsed { get; private set; }

    /// <summary>The anchors on the channel, from the stub's state.</summary>
    public IReadOnlyList<string> AnchorKeys => [.. _stub.State.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Answers evaluations on other channels (e.g. a roaming statement's figures); null refuses them.</summary>
    public Func<TestIdentity, LedgerCall, byte[]>? OtherChannels { get; set; }

    /// <summary>One private data collection of the audit chaincode.</summary>
    public IReadOnlyDictionary<string, byte[]> PrivateState(string collection) => _stub.GetPrivateState(collection);

    public ILedger As(TestIdentity identity) => new Client(this, identity);

    private sealed class Client(InProcessAuditLedger ledger, TestIdentity identity) : ILedger
    {
        public async Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken)
        {
            if (call.Channel != Channel)
            {
                return ledger.OtherChannels?.Invoke(identity, call)
                    ?? throw new LedgerException(LedgerFailure.Rejected, $"{call.Channel} is not a channel of this test", code: "not-found");
            }

            ledger._stub.SetCreator(identity).StartTransaction(call.Function, call.Args);
            var response = await ledger._chaincode.InvokeAsync(ledger._stub, cancellationToken);
            return response.IsSuccess ? response.Payload : throw new LedgerException(ChaincodeError.FromResponse(response.Status, response.Message));
        }

        public async Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken)
            => (await RunAsync(call, changes: null, cancellationToken)).Commit!;

        public async Task<ReadOnlyMemory<byte>> SubmitIfChangedAsync(LedgerCall call, Func<ReadOnlyMemory<byte>, bool> changes, CancellationToken cancellationToken)
        {
            ledger.Endorsed++;
            return (await RunAsync(call, changes, cancellationToken)).Answer;
        }

        /// <summary>Runs the call; no commit when <paramref name="changes"/> says its answer changes nothing (then nothing is ordered).</summary>
        private async Task<(LedgerCommit? Commit, ReadOnlyMemory<byte> Answer)> RunAsync(LedgerCall call, Func<ReadOnlyMemory<byte>, bool>? changes, CancellationToken cancellationToken)
        {
            Assert.Equal((Channel, "audit"), (call.Channel, call.Chaincode));
            Assert.Contains(call.Function, new[] { "Anchor", "Disclose" });
            ledger._stub.SetCreator(identity).StartTransaction(call.Function, call.Args);
            foreach (var (key, value) in call.Transient ?? new Dictionary<string, byte[]>())
            {
                ledger._stub.SetTransient(key, value);
            }

            var response = await ledger._chaincode.InvokeAsync(ledger._stub, cancellationToken);
            if (!response.IsSuccess)
            {
                throw new LedgerException(ChaincodeError.FromResponse(response.Status, response.Message));
            }

            // The audit contract sets its event exactly when it writes.
            var created = ledger._stub.EventName is not null;
            if (changes is not null && !changes(response.Payload))
            {
                Assert.False(created, "the answer said nothing changes, yet the chaincode wrote");
                return (null, response.Payload);
            }

            if (!created && call.EndorsingOrganisations is { Count: 1 })
            {
                // Fabric holds a transaction that writes nothing to the chaincode's own endorsement policy (a majority of
                // the operators here), which one organisation's endorsement does not meet: it is ordered, then invalidated.
                ledger.Invalidated++;
                ledger._blocks.Append(Channel, new BlockBuilder(Channel, (ulong)ledger._blocks.Height(Channel)).Read());
                throw new LedgerException(LedgerFailure.NotCommitted,
                    $"Transaction {ledger._stub.TxId} was invalidated at commit: ENDORSEMENT_POLICY_FAILURE.", ledger._stub.TxId);
            }
            if (call.Function == "Anchor")
            {
                ledger.Calls.Add((identity.MspId, call.Args[0], created));
            }
            else
            {
                ledger.Disclosures.Add((identity.MspId, call.Args[0], call.EndorsingOrganisations ?? []));
            }

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

            return (new LedgerCommit(ledger._stub.TxId, number, response.Payload), response.Payload);
        }

        public Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken)
            => Task.FromResult<LedgerTransactionOutcome?>(null);
    }
}
