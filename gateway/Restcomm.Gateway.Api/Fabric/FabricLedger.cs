using System.Runtime.CompilerServices;
using Grpc.Core;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Ledger;
using FabricGateway = Restcomm.Fabric.Client.Gateway;
using StoreEvents = Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Fabric;

/// <summary>
/// The ledger over the Fabric Gateway client: one gRPC connection to the organisation's gateway peer,
/// signing with the organisation's identity; the projection engine reads blocks through the same connection. Client errors are translated into <see cref="LedgerException"/>
/// so the REST layer can answer with the right problem type.
/// </summary>
internal sealed class FabricLedger : ILedger, StoreEvents.IBlockFeed, IDisposable
{
    /// <summary>How long a retry waits for the ledger to know a transaction an earlier attempt submitted.</summary>
    private static readonly TimeSpan StatusWait = TimeSpan.FromSeconds(3);

    private readonly Lazy<FabricGateway> _gateway;

    public FabricLedger(FabricConnection connection, FabricOptions options)
    {
        _gateway = new Lazy<FabricGateway>(() => connection.OpenGateway(options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>A chaincode on a channel over this organisation's one gateway connection, for pipelines that drive the
    /// endorse, submit and commit steps themselves (TAP ingestion).</summary>
    public Contract GetContract(string channel, string chaincode) => _gateway.Value.GetNetwork(channel).GetContract(chaincode);

    public async Task<ReadOnlyMemory<byte>> EvaluateAsync(LedgerCall call, CancellationToken cancellationToken)
    {
        try
        {
            var contract = _gateway.Value.GetNetwork(call.Channel).GetContract(call.Chaincode);
            return await contract.EvaluateTransactionAsync(call.Function, Options(call), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex) is { } ledger)
        {
            throw ledger;
        }
    }

    public async Task<LedgerCommit> SubmitAsync(LedgerCall call, CancellationToken cancellationToken)
    {
        try
        {
            if (Internal.IdempotentSubmission.TakeCommitted(call.Channel) is { } earlier)
            {
                return earlier;
            }

            var contract = _gateway.Value.GetNetwork(call.Channel).GetContract(call.Chaincode);
            var proposal = contract.NewProposal(call.Function, Options(call));
            await Internal.IdempotentSubmission.BeforeEndorseAsync(call.Channel, proposal.TransactionId, cancellationToken).ConfigureAwait(false);
            var endorsed = await proposal.EndorseAsync(cancellationToken).ConfigureAwait(false);
            return await CommitAsync(endorsed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex) is { } ledger)
        {
            throw ledger;
        }
    }

    public async Task<ReadOnlyMemory<byte>> SubmitIfChangedAsync(LedgerCall call, Func<ReadOnlyMemory<byte>, bool> changes, CancellationToken cancellationToken)
    {
        try
        {
            var contract = _gateway.Value.GetNetwork(call.Channel).GetContract(call.Chaincode);
            var endorsed = await contract.NewProposal(call.Function, Options(call)).EndorseAsync(cancellationToken).ConfigureAwait(false);
            var answer = endorsed.GetResult();
            return changes(answer) ? (await CommitAsync(endorsed, cancellationToken).ConfigureAwait(false)).Result : answer;
        }
        catch (Exception ex) when (Translate(ex) is { } ledger)
        {
            throw ledger;
        }
    }

    /// <summary>Orders an endorsed transaction and waits for its commit; an invalidated one is <see cref="LedgerFailure.NotCommitted"/>.</summary>
    private static async Task<LedgerCommit> CommitAsync(Transaction endorsed, CancellationToken cancellationToken)
    {
        var submitted = await endorsed.SubmitAsync(cancellationToken).ConfigureAwait(false);
        var status = await submitted.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (!status.IsSuccessful)
        {
            throw new LedgerException(LedgerFailure.NotCommitted,
                $"Transaction {status.TransactionId} was invalidated at commit in block {status.BlockNumber}: {status.Code}.", status.TransactionId);
        }

        return new LedgerCommit(status.TransactionId, (long)status.BlockNumber, submitted.GetResult());
    }

    public async Task<LedgerTransactionOutcome?> FindTransactionAsync(string channel, string transactionId, CancellationToken cancellationToken)
    {
        // A peer's commit status waits for the transaction to commit; one that never reached ordering would hold the retry.
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(StatusWait);
        try
        {
            var status = await _gateway.Value.GetNetwork(channel).NewCommit(transactionId).GetStatusAsync(bounded.Token).ConfigureAwait(false);
            if (!status.IsSuccessful)
            {
                return new LedgerTransactionOutcome(transactionId, (long)status.BlockNumber, false, status.Code.ToString(), ReadOnlyMemory<byte>.Empty);
            }

            // The answer the chaincode gave is in the committed block.
            await foreach (var block in ReadBlocksAsync(channel, (long)status.BlockNumber, bounded.Token).ConfigureAwait(false))
            {
                var transaction = block.Transactions.FirstOrDefault(t => t.TransactionId == transactionId);
                var result = transaction?.Envelope?.Result() is { } bytes ? bytes.ToByteArray() : [];
                return new LedgerTransactionOutcome(transactionId, (long)status.BlockNumber, true, status.Code.ToString(), result);
            }

            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (CommitStatusException e) when (e.StatusCode is StatusCode.DeadlineExceeded or StatusCode.NotFound or StatusCode.Cancelled)
        {
            return null;
        }
        catch (Exception ex) when (ex is not LedgerException && Translate(ex) is { } ledger)
        {
            throw ledger;
        }
    }

    public async IAsyncEnumerable<LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var blocks = _gateway.Value.GetNetwork(channel).GetBlockEventsAsync(new EventsOptions { StartBlock = (ulong)fromBlock }, cancellationToken);
        await foreach (var block in blocks.ConfigureAwait(false))
        {
            yield return LedgerBlock.Read(block);
        }
    }

    public void Dispose()
    {
        if (_gateway.IsValueCreated)
        {
            _gateway.Value.Dispose();
        }
    }

    private static ProposalOptions Options(LedgerCall call)
    {
        var options = new ProposalOptions().AddArguments(call.Args);
        foreach (var (key, value) in call.Transient ?? new Dictionary<string, byte[]>())
        {
            options.PutTransient(key, value);
        }

        if (call.EndorsingOrganisations is { Count: > 0 } orgs)
        {
            options.WithEndorsingOrganizations(orgs);
        }

        return options;
    }

    /// <summary>
    /// Maps client failures to what a REST caller can act on; null leaves the exception alone. A call where some peer got
    /// the chaincode's answer is a refusal with the chaincode's code; otherwise the gateway's status decides: no access,
    /// no such channel or chaincode and malformed calls are refusals the caller must fix, a passed deadline is a timeout,
    /// and everything else (no peer got any answer from the chaincode) is unavailable, worth a retry.
    /// </summary>
    internal static LedgerException? Translate(Exception exception) => exception switch
    {
        LedgerException => null,
        CommitException commit => new LedgerException(LedgerFailure.NotCommitted,
            $"Transaction {commit.TransactionId} was invalidated at commit in block {commit.BlockNumber}: {commit.Code}.", commit.TransactionId, commit),
        GatewayException { ChaincodeError: { } refusal } gateway => new LedgerException(refusal, (gateway as TransactionException)?.TransactionId, gateway),
        TransactionException tx => Classify(tx.StatusCode, Describe(tx), tx.TransactionId, tx),
        GatewayException gateway => Classify(gateway.StatusCode, Describe(gateway), null, gateway),
        RpcException rpc => Classify(rpc.StatusCode, rpc.Status.Detail, null, rpc),
        HttpRequestException http => new LedgerException(LedgerFailure.Unavailable, $"The gateway peer cannot be reached: {http.Message}", null, http),
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException =>
            new LedgerException(LedgerFailure.Unavailable, $"The organisation's Fabric identity cannot be loaded: {exception.Message}", null, exception),
        _ => null,
    };

    /// <summary>A failure no chaincode answered: the gateway's status says whether retrying can help.</summary>
    private static LedgerException Classify(StatusCode status, string message, string? transactionId, Exception inner) => status switch
    {
        StatusCode.DeadlineExceeded => new LedgerException(LedgerFailure.Timeout, message, transactionId, inner),
        StatusCode.PermissionDenied or StatusCode.Unauthenticated => new LedgerException(LedgerFailure.Rejected, message, transactionId, inner, ChaincodeErrorCodes.Forbidden),
        StatusCode.NotFound => new LedgerException(LedgerFailure.Rejected, message, transactionId, inner, ChaincodeErrorCodes.NotFound),
        StatusCode.InvalidArgument => new LedgerException(LedgerFailure.Rejected, message, transactionId, inner, ChaincodeErrorCodes.InvalidArgument),
        _ => new LedgerException(LedgerFailure.Unavailable, message, transactionId, inner),
    };

    private static string Describe(GatewayException exception)
    {
        // Per-peer messages carry the chaincode's own words ("chaincode response 500, ...").
        var peers = exception.Details.Select(d => $"{d.MspId}: {d.Message}").Distinct().ToList();
        var reason = peers.Count > 0 ? string.Join("; ", peers) : exception.Status.Detail;
        return string.IsNullOrWhiteSpace(reason) ? exception.Message : reason;
    }

}
