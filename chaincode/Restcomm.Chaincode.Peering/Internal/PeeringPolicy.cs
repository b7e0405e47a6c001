using System.Globalization;

namespace Restcomm.Chaincode.Peering.Internal;

/// <summary>Deployment choices of the peering rules.</summary>
internal sealed record PeeringPolicy
{
    /// <summary>Environment variable listing refused MSP IDs, comma-separated (default <c>RegulatorMSP</c>).</summary>
    public const string ReadOnlyMspsVariable = "PEERING_READONLY_MSPS";

    /// <summary>Environment variable: <c>true</c> makes a KYC attestation of the buyer a condition of approval.</summary>
    public const string RequireKycVariable = "PEERING_REQUIRE_KYC";

    /// <summary>Environment variable listing the organisations whose KYC attestations count, comma-separated.</summary>
    public const string KycAttestersVariable = "PEERING_KYC_ATTESTERS";

    /// <summary>Environment variable: the longest grant in days (default 366).</summary>
    public const string MaxDurationDaysVariable = "PEERING_MAX_DURATION_DAYS";

    /// <summary>Organisations refused every transaction.</summary>
    public IReadOnlySet<string> ReadOnlyMsps { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "RegulatorMSP" };

    /// <summary>Whether the buyer needs a KYC attestation before the seller may approve.</summary>
    public bool RequireKyc { get; init; }

    /// <summary>Organisations whose attestations count; empty: any channel member other than the subject.</summary>
    public IReadOnlySet<string> KycAttesters { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The longest grant.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromDays(366);

    public static PeeringPolicy FromEnvironment()
    {
        var policy = new PeeringPolicy
        {
            RequireKyc = string.Equals(Environment.GetEnvironmentVariable(RequireKycVariable)?.Trim(), "true", StringComparison.OrdinalIgnoreCase),
            KycAttesters = Set(Environment.GetEnvironmentVariable(KycAttestersVariable)) ?? new HashSet<string>(StringComparer.Ordinal),
        };
        if (Set(Environment.GetEnvironmentVariable(ReadOnlyMspsVariable)) is { } readOnly)
        {
            policy = policy with { ReadOnlyMsps = readOnly };
        }

        if (int.TryParse(Environment.GetEnvironmentVariable(MaxDurationDaysVariable), NumberStyles.None, CultureInfo.InvariantCulture, out var days) && days > 0)
        {
            policy = policy with { MaxDuration = TimeSpan.FromDays(days) };
        }

        return policy;
    }

    private static HashSet<string>? Set(string? value)
        => value?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
}
