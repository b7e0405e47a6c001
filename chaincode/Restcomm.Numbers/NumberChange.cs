namespace Restcomm.Numbers;

/// <summary>What a change did.</summary>
public enum NumberChangeKind
{
    /// <summary>A number got a record of its own.</summary>
    Published,

    /// <summary>A number's record changed.</summary>
    Updated,

    /// <summary>A number's record was removed (a number of a block falls back to the block).</summary>
    Withdrawn,

    /// <summary>A block was published.</summary>
    BlockPublished,

    /// <summary>A block's profile changed.</summary>
    BlockUpdated,

    /// <summary>A block was withdrawn.</summary>
    BlockWithdrawn,

    /// <summary>A recipient asked for a port.</summary>
    PortRequested,

    /// <summary>The donor concurred.</summary>
    PortConcurred,

    /// <summary>The donor raised a conflict.</summary>
    PortConflict,

    /// <summary>The port was cancelled.</summary>
    PortCancelled,

    /// <summary>The port activated: <see cref="NumberChange.Record"/> is the number's new record.</summary>
    PortActivated,
}

/// <summary>One change to the registry, as the chaincode event and the change feed carry it.</summary>
public sealed record NumberChange
{
    /// <summary>What happened.</summary>
    public required NumberChangeKind Kind { get; init; }

    /// <summary>The number (absent for block changes).</summary>
    public E164Number? E164 { get; init; }

    /// <summary>The number's record after the change (before it, for <see cref="NumberChangeKind.Withdrawn"/>).</summary>
    public NumberRecord? Record { get; init; }

    /// <summary>The block after the change (before it, for <see cref="NumberChangeKind.BlockWithdrawn"/>).</summary>
    public NumberBlock? Block { get; init; }

    /// <summary>The port after the step.</summary>
    public PortRequest? Port { get; init; }
}

/// <summary>The changes of one transaction: the payload of its one chaincode event.</summary>
public sealed record NumberChangeSet
{
    /// <summary>The chaincode event's name.</summary>
    public const string EventName = "numbers.changed";

    /// <summary>The transaction.</summary>
    public required string TxId { get; init; }

    /// <summary>Who made them.</summary>
    public required string Caller { get; init; }

    /// <summary>The changes, in order.</summary>
    public required IReadOnlyList<NumberChange> Changes { get; init; }
}
