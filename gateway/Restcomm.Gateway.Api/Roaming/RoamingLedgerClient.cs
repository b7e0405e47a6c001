using System.Text.Json;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Roaming;

namespace Restcomm.Gateway.Api.Roaming;

/// <summary>Where the roaming endpoints find their consortium.</summary>
public sealed class RoamingOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Roaming";

    /// <summary>
    /// The consortium channel the <c>/v1/roaming</c> and <c>/v1/settlement</c> endpoints act on when a request names none
    /// (one consortium = one channel; a request names another of this organisation's with <c>?channel=</c>).
    /// </summary>
    public string Channel { get; set; } = "roaming-emea";
}

/// <summary>A committed roaming transaction: the chaincode's answer and where it landed.</summary>
/// <typeparam name="T">The answer type.</typeparam>
/// <param name="Result">The chaincode's answer.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="BlockNumber">The block that committed it.</param>
internal sealed record RoamingCommitted<T>(T Result, string TransactionId, long BlockNumber);

/// <summary>
/// How the roaming endpoints reach the <c>roaming</c> chaincode as this gateway's organisation. Every write is endorsed
/// by the two parties it concerns (each pair collection's endorsement policy is <c>AND(A.peer, B.peer)</c>, and the
/// channel's MAJORITY of three is met by two); private reads (documents, records, proofs, figures) are evaluated on this
/// organisation's own peer, which is a member of its pair collections. Failures stay <see cref="LedgerException"/>s
/// for the API's one ledger-failure mapping (<see cref="RoamingEndpoints.Problems"/>). Scoped: it acts on the consortium
/// channel the request names.
/// </summary>
internal sealed class RoamingLedgerClient(ILedger ledger, RoamingConsortium consortium, IOptions<GatewayOptions> gateway)
{
    /// <summary>The chaincode.</summary>
    public const string Chaincode = "roaming";

    /// <summary>The consortium channel of this request (<see cref="RoamingConsortium"/>).</summary>
    public string Channel => consortium.Channel;

    /// <summary>This gateway's organisation.</summary>
    public string MspId => gateway.Value.MspId;

    /// <summary>Endorses (by <paramref name="pair"/>, or for public writes when null by the organisations the gateway picks), orders and waits for the commit of a transaction.</summary>
    public async Task<RoamingCommitted<T>> SubmitAsync<T>(
        string function, IReadOnlyList<string> args, IReadOnlyList<string>? pair, IReadOnlyDictionary<string, byte[]>? transient, CancellationToken cancellationToken)
    {
        var commit = await ledger.SubmitAsync(new LedgerCall(Channel, Chaincode, function, args, transient, pair), cancellationToken).ConfigureAwait(false);
        return new RoamingCommitted<T>(Parse<T>(commit.Result.Span), commit.TransactionId, commit.BlockNumber);
    }

    /// <summary>Runs a read on this organisation's own peer (needed for private data, harmless for public state).</summary>
    public async Task<T> EvaluateAsync<T>(string function, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await ledger.EvaluateAsync(new LedgerCall(Channel, Chaincode, function, args, null, [MspId]), cancellationToken).ConfigureAwait(false);
        return Parse<T>(result.Span);
    }

    /// <summary>The two parties of an agreement, from the ledger (the read model may not have the newest yet).</summary>
    public async Task<IReadOnlyList<string>> PairOfAgreementAsync(string agreementId, CancellationToken cancellationToken)
    {
        var agreement = await EvaluateAsync<AgreementState>("GetAgreement", [agreementId], cancellationToken).ConfigureAwait(false);
        return [agreement.PartyA.MspId, agreement.PartyB.MspId];
    }

    /// <summary>The visited and home operator of a batch, from the ledger.</summary>
    public async Task<IReadOnlyList<string>> PairOfBatchAsync(string fileId, int batchNumber, CancellationToken cancellationToken)
    {
        var batch = await EvaluateAsync<UsageBatchState>("GetUsageBatch", [fileId, Number(batchNumber)], cancellationToken).ConfigureAwait(false);
        return [batch.VisitedMspId, batch.HomeMspId];
    }

    /// <summary>An integer as a chaincode argument.</summary>
    public static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static T Parse<T>(ReadOnlySpan<byte> bytes)
        => JsonSerializer.Deserialize<T>(bytes, RoamingJson.Options) ?? throw new InvalidOperationException("The roaming chaincode answered with nothing.");
}
