using System.Text.Json;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Api.Numbers;

/// <summary>Where and how the numbers endpoints work.</summary>
public sealed class NumbersOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Numbers";

    /// <summary>The channel the registry lives on.</summary>
    public string Channel { get; set; } = NumbersProjection.Channel;

    /// <summary>Whether this gateway activates its organisation's incoming ports once they are due (the recipient's side of the timer).</summary>
    public bool ActivateDuePorts { get; set; } = true;

    /// <summary>How often the port activator looks for due ports.</summary>
    public TimeSpan PortActivationInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>A committed numbers transaction: the chaincode's answer and where it landed.</summary>
/// <typeparam name="T">The answer type.</typeparam>
/// <param name="Result">The chaincode's answer.</param>
/// <param name="TransactionId">The transaction.</param>
/// <param name="BlockNumber">The block that committed it.</param>
internal sealed record NumbersCommitted<T>(T Result, string TransactionId, long BlockNumber);

/// <summary>
/// How the numbers endpoints reach the <c>numbers</c> chaincode as this gateway's organisation. Failures stay
/// <see cref="LedgerException"/>s for the API's one ledger-failure mapping (<see cref="NumbersEndpoints.Problems"/>).
/// </summary>
internal sealed class NumbersLedgerClient(ILedger ledger, IOptions<NumbersOptions> options)
{
    /// <summary>The chaincode.</summary>
    public const string Chaincode = "numbers";

    public string Channel => options.Value.Channel;

    public async Task<NumbersCommitted<T>> SubmitAsync<T>(string function, string argument, CancellationToken cancellationToken)
    {
        var commit = await ledger.SubmitAsync(new LedgerCall(Channel, Chaincode, function, [argument]), cancellationToken).ConfigureAwait(false);
        return new NumbersCommitted<T>(Parse<T>(commit.Result.Span), commit.TransactionId, commit.BlockNumber);
    }

    public async Task<T> EvaluateAsync<T>(string function, string argument, CancellationToken cancellationToken)
        => Parse<T>((await ledger.EvaluateAsync(new LedgerCall(Channel, Chaincode, function, [argument]), cancellationToken).ConfigureAwait(false)).Span);

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, NumbersJson.Options);

    private static T Parse<T>(ReadOnlySpan<byte> bytes)
        => JsonSerializer.Deserialize<T>(bytes, NumbersJson.Options) ?? throw new InvalidOperationException("The numbers chaincode answered with nothing.");
}
