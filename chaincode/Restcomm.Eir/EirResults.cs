using System.Text.Json.Serialization;

namespace Restcomm.Eir;

/// <summary>What a report did.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EirReportOutcome>))]
public enum EirReportOutcome
{
    /// <summary>A new entry was created.</summary>
    [JsonStringEnumMemberName("reported")]
    Reported = 1,

    /// <summary>The owner's existing entry was changed.</summary>
    [JsonStringEnumMemberName("updated")]
    Updated = 2,

    /// <summary>The same entry already existed: nothing changed (a repeated report is harmless).</summary>
    [JsonStringEnumMemberName("unchanged")]
    Unchanged = 3,
}

/// <summary>The answer of the chaincode's <c>Report</c>.</summary>
public sealed record EirReportResult
{
    /// <summary>What happened.</summary>
    public required EirReportOutcome Outcome { get; init; }

    /// <summary>The entry as it now is on the ledger.</summary>
    public required EirEntry Entry { get; init; }
}

/// <summary>The answer of the chaincode's <c>ReportBulk</c>.</summary>
public sealed record EirBulkReportResult
{
    /// <summary>New entries.</summary>
    public int Reported { get; init; }

    /// <summary>Changed entries.</summary>
    public int Updated { get; init; }

    /// <summary>Reports that changed nothing.</summary>
    public int Unchanged { get; init; }

    /// <summary>The outcome of each report, in request order.</summary>
    public required IReadOnlyList<EirReportOutcome> Outcomes { get; init; }
}

/// <summary>The answer of the chaincode's <c>Clear</c>.</summary>
public sealed record EirClearResult
{
    /// <summary>The entry as it was when cleared.</summary>
    public required EirEntry Entry { get; init; }
}

/// <summary>The answer of the chaincode's <c>Get</c>: a target's entries, status and history.</summary>
public sealed record EirRecord
{
    /// <summary>The target asked about.</summary>
    public required EirTarget Target { get; init; }

    /// <summary>For a single IMEI: its status judged at the transaction time; null for ranges and TACs.</summary>
    public EquipmentStatus? Status { get; init; }

    /// <summary>The entry that decided <see cref="Status"/>, if any.</summary>
    public string? DecidingEntryId { get; init; }

    /// <summary>
    /// Current entries: for an IMEI, its own entries and those of every range or TAC covering it; for a
    /// range or TAC, the entries of exactly that target.
    /// </summary>
    public required IReadOnlyList<EirEntry> Entries { get; init; }

    /// <summary>Every change to those targets (cleared entries included), oldest first.</summary>
    public required IReadOnlyList<EirChange> History { get; init; }
}

/// <summary>The organisations allowed to act for an owner.</summary>
public sealed record EirDelegation
{
    /// <summary>MSP ID of the owner.</summary>
    public required string Owner { get; init; }

    /// <summary>MSP IDs of its delegates, sorted.</summary>
    public required IReadOnlyList<string> Delegates { get; init; }
}

/// <summary>The input of the chaincode's <c>Clear</c>.</summary>
public sealed record EirClearRequest
{
    /// <summary>The IMEI, serial range or TAC.</summary>
    public required EirTarget Target { get; init; }

    /// <summary>The list (black by default).</summary>
    public EirList List { get; init; } = EirList.Black;

    /// <summary>The owner whose entry to clear; null means the caller's own entry.</summary>
    public string? Owner { get; init; }

    /// <summary>Why it is cleared (e.g. "device recovered"), recorded in the history.</summary>
    public string? Note { get; init; }
}

/// <summary>The answer of the chaincode's <c>CheckImei</c> (the slow path, read from the ledger).</summary>
public sealed record EirCheckAnswer
{
    /// <summary>The device (an IMEISV is answered with its IMEI).</summary>
    public required Imei Imei { get; init; }

    /// <summary>whiteListed, blackListed or greyListed.</summary>
    public required EquipmentStatus Status { get; init; }

    /// <summary>The deciding entry, if any.</summary>
    public EirEntry? Entry { get; init; }
}
