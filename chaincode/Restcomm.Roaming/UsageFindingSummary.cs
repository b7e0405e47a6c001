using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.Roaming;

/// <summary>
/// The records of a batch with one finding code, as the public state carries them: how many and which (their indices
/// as ranges such as <c>0-12,15,17-40</c>). One entry per code keeps the state, its event and the
/// submission's answer bounded by the gaps between the records with a finding, not by their number, and still tells
/// the home operator exactly which records to look at; the details are for the parties (<c>GetUsageRecords</c>).
/// </summary>
public sealed record UsageFindingSummary
{
    /// <summary>The finding's code (<c>rate-mismatch</c>, <c>outside-validity</c>, <c>no-rate</c>).</summary>
    public required string Code { get; init; }

    /// <summary>How many records have it.</summary>
    public required int Count { get; init; }

    /// <summary>Which records have it: their indices in the batch as sorted inclusive ranges, e.g. <c>0-12,15,17-40</c>.</summary>
    public required string Records { get; init; }

    /// <summary>The indices of <see cref="Records"/>.</summary>
    /// <returns>The set.</returns>
    /// <exception cref="FormatException"><see cref="Records"/> is not canonical ranges.</exception>
    public RecordIndexRanges Indices() => RecordIndexRanges.Parse(Records);

    /// <summary>The entry of one code.</summary>
    /// <param name="code">The code.</param>
    /// <param name="indices">The records that have it.</param>
    /// <returns>The entry.</returns>
    public static UsageFindingSummary Of(string code, IEnumerable<int> indices)
    {
        var ranges = RecordIndexRanges.Of(indices);
        return new UsageFindingSummary { Code = code, Count = checked((int)ranges.Count), Records = ranges.ToString() };
    }

    /// <summary>Summarises findings: one entry per code, in ordinal order of the codes (the same bytes on every peer).</summary>
    /// <param name="findings">Findings on records of one batch (each record at most once per code).</param>
    /// <returns>The entries; empty without findings.</returns>
    public static IReadOnlyList<UsageFindingSummary> Summarise(IEnumerable<UsageFinding> findings)
    {
        ArgumentNullException.ThrowIfNull(findings);
        var byCode = new SortedDictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            if (!byCode.TryGetValue(finding.Code, out var indices))
            {
                byCode[finding.Code] = indices = [];
            }

            indices.Add(finding.Index);
        }

        return [.. byCode.Select(c => Of(c.Key, c.Value))];
    }
}

/// <summary>
/// Reads a batch's <c>findings</c> in both forms the ledger holds: the summary per code, and the one entry per record
/// (<c>{index, code}</c>) that states written before findings were summarised carry, which it summarises. Writes the
/// summary.
/// </summary>
internal sealed class UsageFindingsJsonConverter : JsonConverter<IReadOnlyList<UsageFindingSummary>>
{
    public override bool HandleNull => true;

    public override IReadOnlyList<UsageFindingSummary> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }

        var entries = JsonSerializer.Deserialize<List<Entry?>>(ref reader, options) ?? [];
        var summaries = new List<UsageFindingSummary>(entries.Count);
        var perRecord = new List<UsageFinding>();
        foreach (var entry in entries)
        {
            switch (entry)
            {
                case { Code: { } code, Index: { } index, Count: null, Records: null } when index >= 0:
                    perRecord.Add(new UsageFinding { Index = index, Code = code });
                    break;
                case { Code: { } code, Count: { } count, Records: { } records, Index: null } when count >= 0:
                    summaries.Add(new UsageFindingSummary { Code = code, Count = count, Records = records });
                    break;
                default:
                    throw new JsonException("a finding is either {code, count, records} or, as written before findings were summarised, {index, code} with an index of 0 or more");
            }
        }

        if (perRecord.Count == 0)
        {
            // The summary form is read as written: the chaincode wrote it, and Indices() checks the ranges when asked.
            return summaries;
        }

        foreach (var summary in summaries)
        {
            perRecord.AddRange(Indices(summary).Select(i => new UsageFinding { Index = i, Code = summary.Code }));
        }

        return UsageFindingSummary.Summarise(perRecord);
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<UsageFindingSummary> value, JsonSerializerOptions options)
        => JsonSerializer.Serialize(writer, value ?? [], options);

    private static RecordIndexRanges Indices(UsageFindingSummary summary)
    {
        try
        {
            return summary.Indices();
        }
        catch (FormatException e)
        {
            throw new JsonException($"the records of finding {summary.Code}: {e.Message}", e);
        }
    }

    /// <summary>Either form of an entry.</summary>
    private sealed class Entry
    {
        public string? Code { get; set; }

        public int? Index { get; set; }

        public int? Count { get; set; }

        public string? Records { get; set; }
    }
}
