using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Restcomm.Eir;
using Restcomm.Fabric.Client;
using Restcomm.Gateway.Api.Eir.Internal;
using Restcomm.Gateway.Api.Fabric;
using FabricGateway = Restcomm.Fabric.Client.Gateway;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>
/// <see cref="IEirLedgerClient"/> for the host: transactions go through the API's <see cref="ILedger"/> (its
/// identity, timeouts and error translation); blocks come from a Gateway connection of the same organisation.
/// Failures, the chaincode's coded refusals included, stay <see cref="LedgerException"/>s for the API's one
/// ledger-failure mapping (<see cref="EirEndpoints.Problems"/>).
/// </summary>
internal sealed class FabricEirLedgerClient : IEirLedgerClient, IDisposable
{
    public const string Channel = "eir";
    public const string Chaincode = "eir";

    private readonly ILedger _ledger;
    private readonly Lazy<FabricGateway>? _blocks;

    public FabricEirLedgerClient(ILedger ledger, FabricConnectionHolder connection, IOptions<FabricOptions> options)
    {
        _ledger = ledger;
        if (connection.Connection is { } c)
        {
            _blocks = new Lazy<FabricGateway>(() => c.OpenGateway(options.Value), LazyThreadSafetyMode.ExecutionAndPublication);
        }
    }

    public async Task<EirCommitted<T>> SubmitAsync<T>(string function, string argument, CancellationToken cancellationToken)
    {
        var commit = await _ledger.SubmitAsync(new LedgerCall(Channel, Chaincode, function, [argument]), cancellationToken).ConfigureAwait(false);
        return new EirCommitted<T>(Parse<T>(commit.Result.Span), commit.TransactionId, commit.BlockNumber);
    }

    public async Task<T> EvaluateAsync<T>(string function, string argument, CancellationToken cancellationToken)
    {
        var result = await _ledger.EvaluateAsync(new LedgerCall(Channel, Chaincode, function, [argument]), cancellationToken).ConfigureAwait(false);
        return Parse<T>(result.Span);
    }

    public async IAsyncEnumerable<EirBlock> ReadBlocksAsync(long fromBlock, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_blocks is null)
        {
            throw new LedgerException(LedgerFailure.Unavailable, UnconfiguredLedger.Message);
        }

        var network = _blocks.Value.GetNetwork(Channel);
        await foreach (var block in network.GetBlockEventsAsync(new EventsOptions { StartBlock = (ulong)fromBlock }, cancellationToken).ConfigureAwait(false))
        {
            yield return new EirBlock((long)block.Header.Number, EirBlockReader.ChangeSets(block, Chaincode));
        }
    }

    public void Dispose()
    {
        if (_blocks is { IsValueCreated: true })
        {
            _blocks.Value.Dispose();
        }
    }

    private static T Parse<T>(ReadOnlySpan<byte> bytes)
        => JsonSerializer.Deserialize<T>(bytes, EirJson.Options) ?? throw new InvalidOperationException("The eir chaincode answered with nothing.");
}
