using System.Runtime.CompilerServices;
using System.Text.Json;
using Restcomm.Eir;
using Restcomm.Fabric.Client;
using Restcomm.Gateway.Api.Eir.Internal;

namespace Restcomm.Gateway.Api.Eir;

/// <summary><see cref="IEirLedgerClient"/> over the Fabric Gateway client (dev network or real Fabric).</summary>
/// <param name="network">The <c>eir</c> channel, connected with this gateway organisation's identity.</param>
/// <param name="chaincodeName">The chaincode name (default <c>eir</c>).</param>
public sealed class FabricEirLedgerClient(Network network, string chaincodeName = "eir") : IEirLedgerClient
{
    private readonly Contract _contract = network.GetContract(chaincodeName);

    /// <inheritdoc />
    public async Task<EirCommitted<T>> SubmitAsync<T>(string function, string argument, CancellationToken cancellationToken)
    {
        try
        {
            var submitted = await _contract.SubmitAsync(function, new ProposalOptions().AddArguments(argument), cancellationToken).ConfigureAwait(false);
            var status = await submitted.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            if (!status.IsSuccessful)
            {
                throw new CommitException(status);
            }

            return new EirCommitted<T>(Parse<T>(submitted.GetResult()), status.TransactionId, (long)status.BlockNumber);
        }
        catch (GatewayException e) when (Refusal(e) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <inheritdoc />
    public async Task<T> EvaluateAsync<T>(string function, string argument, CancellationToken cancellationToken)
    {
        try
        {
            var bytes = await _contract.EvaluateTransactionAsync(function, new ProposalOptions().AddArguments(argument), cancellationToken).ConfigureAwait(false);
            return Parse<T>(bytes);
        }
        catch (GatewayException e) when (Refusal(e) is { } refusal)
        {
            throw refusal;
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<EirBlock> ReadBlocksAsync(long fromBlock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = new EventsOptions { StartBlock = (ulong)fromBlock };
        await foreach (var block in network.GetBlockEventsAsync(options, cancellationToken).ConfigureAwait(false))
        {
            yield return new EirBlock((long)block.Header.Number, EirBlockReader.ChangeSets(block, chaincodeName));
        }
    }

    private static T Parse<T>(byte[] bytes)
        => JsonSerializer.Deserialize<T>(bytes, EirJson.Options) ?? throw new InvalidOperationException("The eir chaincode answered with nothing.");

    /// <summary>The chaincode's refusal quoted in a gateway error (its message or a peer's detail), if any.</summary>
    private static EirException? Refusal(GatewayException e)
    {
        foreach (var text in e.Details.Select(d => d.Message).Prepend(e.Status.Detail).Prepend(e.Message))
        {
            if (EirException.TryParse(text, out var kind, out var reason))
            {
                return new EirException(kind, reason);
            }
        }

        return null;
    }
}
