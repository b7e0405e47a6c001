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
    private readonly Lazy<FabricGateway> _gateway;

    public FabricLedger(FabricConnection connection, FabricOptions options)
    {
        _gateway = new Lazy<FabricGateway>(() => connection.OpenGateway(options), LazyThreadSafetyMode.ExecutionAndPublication);
    }

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
            var contract = _gateway.Value.GetNetwork(call.Channel).GetContract(call.Chaincode);
            var submitted = await contract.SubmitAsync(call.Function, Options(call), cancellationToken).ConfigureAwait(false);
            var status = await submitted.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            if (!status.IsSuccessful)
            {
                throw new LedgerException(LedgerFailure.NotCommitted,
                    $"Transaction {status.TransactionId} was invalidated at commit in block {status.BlockNumber}: {status.Code}.", status.TransactionId);
            }

            return new LedgerCommit(status.TransactionId, (long)status.BlockNumber, submitted.GetResult());
        }
        catch (Exception ex) when (Translate(ex) is { } ledger)
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

    /// <summary>Maps client failures to what a REST caller can act on; null leaves the exception alone.</summary>
    internal static LedgerException? Translate(Exception exception) => exception switch
    {
        LedgerException => null,
        CommitException commit => new LedgerException(LedgerFailure.NotCommitted,
            $"Transaction {commit.TransactionId} was invalidated at commit in block {commit.BlockNumber}: {commit.Code}.", commit.TransactionId, commit),
        TransactionException tx => new LedgerException(Classify(tx), Describe(tx), tx.TransactionId, tx),
        GatewayException gateway => new LedgerException(Classify(gateway), Describe(gateway), null, gateway),
        RpcException rpc => new LedgerException(Classify(rpc.StatusCode), rpc.Status.Detail, null, rpc),
        HttpRequestException http => new LedgerException(LedgerFailure.Unavailable, $"The gateway peer cannot be reached: {http.Message}", null, http),
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException =>
            new LedgerException(LedgerFailure.Unavailable, $"The organisation's Fabric identity cannot be loaded: {exception.Message}", null, exception),
        _ => null,
    };

    /// <summary>
    /// How a peer words a failure to get any answer from the chaincode (not running, unreachable, crashed, timed out):
    /// Fabric's endorser wraps those as "error in simulation", while the chaincode's own refusals come back as its
    /// response status and message.
    /// </summary>
    private const string NoChaincodeAnswer = "error in simulation";

    /// <summary>
    /// When no peer got an answer from the chaincode, nothing was refused: the ledger could not run the call now, and
    /// the caller should retry (503), not drop the request as a 422 would tell it to.
    /// </summary>
    private static LedgerFailure Classify(GatewayException exception)
        => exception.StatusCode != StatusCode.DeadlineExceeded && exception.Details.Count > 0
            && exception.Details.All(d => d.Message.Contains(NoChaincodeAnswer, StringComparison.Ordinal))
            ? LedgerFailure.Unavailable
            : Classify(exception.StatusCode);

    private static LedgerFailure Classify(StatusCode code) => code switch
    {
        StatusCode.Unavailable or StatusCode.Internal or StatusCode.ResourceExhausted or StatusCode.Unimplemented => LedgerFailure.Unavailable,
        StatusCode.DeadlineExceeded => LedgerFailure.Timeout,
        _ => LedgerFailure.Rejected,
    };

    private static string Describe(GatewayException exception)
    {
        // Per-peer messages carry the chaincode's own words ("chaincode response 500, ...").
        var peers = exception.Details.Select(d => $"{d.MspId}: {d.Message}").Distinct().ToList();
        var reason = peers.Count > 0 ? string.Join("; ", peers) : exception.Status.Detail;
        return string.IsNullOrWhiteSpace(reason) ? exception.Message : reason;
    }

}
