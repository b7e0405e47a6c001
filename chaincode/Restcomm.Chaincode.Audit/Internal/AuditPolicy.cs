namespace Restcomm.Chaincode.Audit.Internal;

/// <summary>Deployment choices of the audit chaincode.</summary>
internal sealed record AuditPolicy
{
    /// <summary>Environment variable listing read-only MSP IDs, comma-separated.</summary>
    public const string ReadOnlyMspsVariable = "AUDIT_READONLY_MSPS";

    /// <summary>Organisations that may read anchors but never write one (the regulator by default).</summary>
    public IReadOnlySet<string> ReadOnlyMsps { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "RegulatorMSP" };

    public static AuditPolicy FromEnvironment()
        => Environment.GetEnvironmentVariable(ReadOnlyMspsVariable) is { } readOnly
            ? new AuditPolicy { ReadOnlyMsps = readOnly.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal) }
            : new AuditPolicy();
}
