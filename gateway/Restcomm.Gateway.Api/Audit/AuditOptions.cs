using Restcomm.Audit;

namespace Restcomm.Gateway.Api.Audit;

/// <summary>The audit channel and this organisation's anchoring (configuration section <c>Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "Audit";

    /// <summary>The channel anchors live on.</summary>
    public string Channel { get; set; } = "audit";

    /// <summary>The audit chaincode.</summary>
    public string Chaincode { get; set; } = "audit";

    /// <summary>Whether this API anchors its applications' changes; null = yes for an operator, no for a read-only organisation.</summary>
    public bool? AnchoringEnabled { get; set; }

    /// <summary>A range is anchored once this many blocks of its source are applied (ranges then line up across operators).</summary>
    public int EveryBlocks { get; set; } = 100;

    /// <summary>The blocks applied since the last anchor are anchored after this long, even when fewer than <see cref="EveryBlocks"/>.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often the anchoring service looks at the projections' progress and pending anchors.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Whether this API verifies new anchors of the sources it reads by itself (null = only for a read-only organisation).</summary>
    public bool? VerifyAnchors { get; set; }

    /// <summary>Whether this API reads the figures of statement disclosures for its dashboard (null = only for a read-only organisation).</summary>
    public bool? FetchDisclosures { get; set; }

    /// <summary>The sources anchored: an application's change feed on a channel.</summary>
    public List<AnchorSource> Sources { get; set; } =
    [
        new() { Application = "eir", Channel = "eir", Chaincode = "eir", Kind = AnchorKinds.EirChanges },
        new() { Application = "numbers", Channel = "numbers", Chaincode = "numbers", Kind = AnchorKinds.NumbersChanges },
        // Each signed statement of the roaming consortia, disclosed to the regulators by its parties.
        new() { Application = "roaming", Channel = "roaming-emea", Chaincode = "roaming", Kind = AnchorKinds.RoamingStatement },
        new() { Application = "roaming", Channel = "roaming-apac", Chaincode = "roaming", Kind = AnchorKinds.RoamingStatement },
    ];
}

/// <summary>One anchored source: the change feed of <see cref="Application"/> on <see cref="Channel"/>.</summary>
public sealed class AnchorSource
{
    /// <summary>The application whose change feed is digested (<c>eir</c>, <c>numbers</c>).</summary>
    public string Application { get; set; } = "";

    /// <summary>The source channel.</summary>
    public string Channel { get; set; } = "";

    /// <summary>The chaincode whose changes the feed carries.</summary>
    public string Chaincode { get; set; } = "";

    /// <summary>The anchor kind (<see cref="AnchorKinds"/>).</summary>
    public string Kind { get; set; } = "";
}
