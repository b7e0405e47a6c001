namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>Deployment choices of the roaming rules.</summary>
internal sealed record RoamingPolicy
{
    /// <summary>Environment variable: <c>false</c> turns the role attribute checks off.</summary>
    public const string RoleAttributesVariable = "ROAMING_ROLE_ATTRIBUTES";

    /// <summary>Environment variable listing refused MSP IDs, comma-separated.</summary>
    public const string ReadOnlyMspsVariable = "ROAMING_READONLY_MSPS";

    /// <summary>Certificate attribute (value <c>true</c>) of clients that submit usage batches.</summary>
    public const string SubmitterRole = "roaming.submitter";

    /// <summary>Certificate attribute (value <c>true</c>) of clients that agree, reconcile and settle.</summary>
    public const string ApproverRole = "roaming.approver";

    /// <summary>
    /// Whether callers need the role attributes (the default, as Fabric CA enrolments carry them); false lets any
    /// client of a party act in both roles, for networks whose certificates carry no attributes (cryptogen).
    /// </summary>
    public bool RequireRoleAttributes { get; init; } = true;

    /// <summary>Organisations refused every transaction (the regulator by default): they see public state only through blocks and events.</summary>
    public IReadOnlySet<string> ReadOnlyMsps { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "RegulatorMSP" };

    public static RoamingPolicy FromEnvironment()
    {
        var roles = Environment.GetEnvironmentVariable(RoleAttributesVariable);
        var readOnly = Environment.GetEnvironmentVariable(ReadOnlyMspsVariable);
        var policy = new RoamingPolicy { RequireRoleAttributes = !string.Equals(roles?.Trim(), "false", StringComparison.OrdinalIgnoreCase) };
        return readOnly is null
            ? policy
            : policy with
            {
                ReadOnlyMsps = readOnly.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal),
            };
    }
}
