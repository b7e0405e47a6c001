namespace Restcomm.Chaincode.Eir.Internal;

/// <summary>Deployment choices of the EIR rules.</summary>
internal sealed record EirPolicy
{
    /// <summary>Environment variable listing read-only MSP IDs, comma-separated.</summary>
    public const string ReadOnlyMspsVariable = "EIR_READONLY_MSPS";

    /// <summary>Environment variable listing the channel's member MSP IDs, comma-separated: the only possible delegates.</summary>
    public const string MemberMspsVariable = "EIR_MEMBER_MSPS";

    /// <summary>Environment variable naming a certificate attribute every writer must carry as <c>true</c>.</summary>
    public const string WriterAttributeVariable = "EIR_WRITER_ATTRIBUTE";

    /// <summary>Organisations that may read but never write (the regulator by default).</summary>
    public IReadOnlySet<string> ReadOnlyMsps { get; init; } = new HashSet<string>(StringComparer.Ordinal) { "RegulatorMSP" };

    /// <summary>
    /// A Fabric CA attribute (e.g. <c>eir.reporter</c>) a caller's certificate must carry as <c>true</c> to write;
    /// null (the default) lets every member organisation's client write, as cryptogen certificates carry no attributes.
    /// </summary>
    public string? WriterAttribute { get; init; }

    /// <summary>
    /// The organisations on the channel that may write (a chaincode cannot read the channel's configuration, so the
    /// deployment names them); a delegate must be one of them. Null when not configured: any well-formed MSP ID that
    /// is not read-only may then be named.
    /// </summary>
    public IReadOnlySet<string>? MemberMsps { get; init; }

    public static EirPolicy FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable(ReadOnlyMspsVariable);
        var attribute = Environment.GetEnvironmentVariable(WriterAttributeVariable);
        var members = Environment.GetEnvironmentVariable(MemberMspsVariable);
        var policy = new EirPolicy
        {
            WriterAttribute = string.IsNullOrWhiteSpace(attribute) ? null : attribute.Trim(),
            MemberMsps = string.IsNullOrWhiteSpace(members)
                ? null
                : members.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal),
        };
        return text is null
            ? policy
            : policy with
            {
                ReadOnlyMsps = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .ToHashSet(StringComparer.Ordinal),
            };
    }
}
