using System.Text.Json;
using Microsoft.Extensions.Options;
using Restcomm.Gateway.Api.Fabric;
using Restcomm.Peering;

namespace Restcomm.Gateway.Api.Peering;

/// <summary>Where the peering endpoints find their consortium, and how this gateway issues grant access tokens.</summary>
public sealed class PeeringOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Peering";

    /// <summary>The consortium channel the <c>peering</c> chaincode is on.</summary>
    public string Channel { get; set; } = "roaming-emea";

    /// <summary>The longest access token this gateway issues (never beyond the grant's expiry).</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The PEM file (PKCS#8, P-256) of the key this gateway signs access tokens with; relative paths are under
    /// <c>Gateway:DataDirectory</c>. Created on first use.
    /// </summary>
    public string SigningKeyFile { get; set; } = "peering-token-key.pem";

    /// <summary>The tokens' issuer; default <c>restcomm-gateway:&lt;MSP ID&gt;</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>How often this gateway, as a seller, purges the copies of its grants that have expired (zero: never).</summary>
    public TimeSpan PurgeInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>A committed peering transaction: the chaincode's answer and where it landed.</summary>
/// <typeparam name="T">The answer type.</typeparam>
internal sealed record PeeringCommitted<T>(T Result, string TransactionId, long BlockNumber);

/// <summary>
/// How the peering endpoints reach the <c>peering</c> chaincode as this gateway's organisation. One peer endorses:
/// the caller's own for profiles, requests, decisions and attestations; the seller's for anything that changes a grant
/// afterwards (its key-level policy names the seller's peer), so a buyer registering a client sends the client's secret
/// hash to the seller's peer only. Reads are evaluated on this organisation's own peer, a member of its pair
/// collections. Failures stay <see cref="LedgerException"/>s for the API's one ledger-failure mapping.
/// </summary>
internal sealed class PeeringLedgerClient(ILedger ledger, IOptions<PeeringOptions> peering, IOptions<GatewayOptions> gateway)
{
    /// <summary>The chaincode.</summary>
    public const string Chaincode = "peering";

    /// <summary>The consortium channel.</summary>
    public string Channel => peering.Value.Channel;

    /// <summary>This gateway's organisation.</summary>
    public string MspId => gateway.Value.MspId;

    /// <summary>Endorses on <paramref name="endorser"/>'s peer (this organisation's when null), orders and waits for the commit.</summary>
    public async Task<PeeringCommitted<T>> SubmitAsync<T>(
        string function, IReadOnlyList<string> args, string? endorser, IReadOnlyDictionary<string, byte[]>? transient, CancellationToken cancellationToken)
    {
        var commit = await ledger.SubmitAsync(new LedgerCall(Channel, Chaincode, function, args, transient, [endorser ?? MspId]), cancellationToken).ConfigureAwait(false);
        return new PeeringCommitted<T>(Parse<T>(commit.Result.Span), commit.TransactionId, commit.BlockNumber);
    }

    /// <summary>Runs a read on this organisation's own peer.</summary>
    public async Task<T> EvaluateAsync<T>(string function, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var result = await ledger.EvaluateAsync(new LedgerCall(Channel, Chaincode, function, args, null, [MspId]), cancellationToken).ConfigureAwait(false);
        return Parse<T>(result.Span);
    }

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, PeeringJson.Options);

    private static T Parse<T>(ReadOnlySpan<byte> bytes)
        => JsonSerializer.Deserialize<T>(bytes, PeeringJson.Options) ?? throw new InvalidOperationException("The peering chaincode answered with nothing.");
}
