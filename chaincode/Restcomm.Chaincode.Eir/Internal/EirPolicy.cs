namespace Restcomm.Chaincode.Eir.Internal;

/// <summary>Deployment choices of the EIR rules.</summary>
internal sealed record EirPolicy
{
    /// <summary>Environment variable listing read-only MSP IDs, comma-separated.</summary>
    public const string ReadOnlyMspsVariable = "EIR_READONLY_MSPS";

    /// <summary>Environment variable naming a certificate attribute every writer must carry as <c>true</c>.</summary>
    public const string WriterAttributeVariable = "EIR_WRITER_ATTRIBUTE";

    /// <summary>Organisations that may read but never write (the regulator by default).</summary>
    public IReadOnlySet<string> ReadOnlyMsps { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "RegulatorMSP" };

    /// <summary>
    /// A Fabric CA attribute (e.g. <c>eir.reporter</c>) a caller's certificate must carry as <c>true</c> to write;
    /// null (the default) lets every member organisation's client write, as cryptogen certificates carry no attributes.
    /// </summary>
    public string? WriterAttribute { get; init; }

    public static EirPolicy FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(ReadOnlyMspsVariable);
        var attribute = Environment.GetEnvironmentVariable(WriterAttributeVariable);
        var policy = new EirPolicy { WriterAttribute = string.IsNullOrWhiteSpace(attribute) ? null : attribute.Trim() };
        return text is null
            ? policy
            : policy with
            {
                ReadOnlyMsps = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .ToHashSet(StringComparer.Ordinal),
            };
    }
}
