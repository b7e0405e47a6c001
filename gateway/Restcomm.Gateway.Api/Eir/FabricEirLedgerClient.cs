using System.Text.Json;
using Restcomm.Eir;
using Restcomm.Gateway.Api.Fabric;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>
/// <see cref="IEirLedgerClient"/> for the host: transactions go through the API's <see cref="ILedger"/> (its
/// identity, the organisation's one Gateway connection, timeouts and error translation). Failures, the chaincode's
/// coded refusals included, stay <see cref="LedgerException"/>s for the API's one ledger-failure mapping
/// (<see cref="EirEndpoints.Problems"/>).
/// </summary>
internal sealed class FabricEirLedgerClient : IEirLedgerClient
{
    public const string Channel = "eir";
    public const string Chaincode = "eir";

    private readonly ILedger _ledger;

    public FabricEirLedgerClient(ILedger ledger) => _ledger = ledger;

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

    private static T Parse<T>(ReadOnlySpan<byte> bytes)
        => JsonSerializer.Deserialize<T>(bytes, EirJson.Options) ?? throw new InvalidOperationException("The eir chaincode answered with nothing.");
}
