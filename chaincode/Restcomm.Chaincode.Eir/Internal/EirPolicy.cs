namespace Restcomm.Chaincode.Eir.Internal;

/// <summary>Deployment choices of the EIR rules.</summary>
internal sealed class EirPolicy
{
    /// <summary>Environment variable listing read-only MSP IDs, comma-separated.</summary>
    public const string ReadOnlyMspsVariable = "EIR_READONLY_MSPS";

    /// <summary>Organisations that may read but never write (the regulator by default).</summary>
    public IReadOnlySet<string> ReadOnlyMsps { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "RegulatorMSP" };

    public static EirPolicy FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(ReadOnlyMspsVariable);
        return text is null
            ? new EirPolicy()
            : new EirPolicy
            {
                ReadOnlyMsps = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .ToHashSet(StringComparer.Ordinal),
            };
    }
}
