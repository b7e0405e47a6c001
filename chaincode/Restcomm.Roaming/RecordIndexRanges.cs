using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Restcomm.Roaming;

/// <summary>
/// A set of record indices of a batch, written as sorted inclusive ranges: <c>0-12,15,17-40</c>. The text is
/// canonical, so one set has one text: ascending, every maximal run of consecutive indices one item (<c>a-b</c> with
/// a &lt; b, or a lone <c>a</c>), items separated by commas, decimal indices without sign, spaces or leading zeros;
/// the empty set is the empty text. Its length grows with the gaps between the indices, never with a run's length, so
/// a batch whose every record has the same finding is one short item. Parsing keeps the ranges: nothing is expanded
/// until enumerated, and a short text naming a huge range costs nothing.
/// </summary>
public sealed class RecordIndexRanges : IEnumerable<int>
{
    private const string Example = "sorted inclusive ranges such as 0-12,15,17-40";
    private const int ShownCharacters = 48;

    private readonly (int First, int Last)[] _ranges;
    private string? _text;

    private RecordIndexRanges((int First, int Last)[] ranges, string? text)
    {
        _ranges = ranges;
        _text = text;
        long count = 0;
        foreach (var (first, last) in ranges)
        {
            count += (long)last - first + 1;
        }

        Count = count;
    }

    /// <summary>No index.</summary>
    public static RecordIndexRanges Empty { get; } = new([], "");

    /// <summary>How many indices the set holds.</summary>
    public long Count { get; }

    /// <summary>The set's inclusive ranges, ascending (the items of its text).</summary>
    public IReadOnlyList<(int First, int Last)> Ranges => _ranges;

    /// <summary>The set of the given indices (in any order, repeats allowed).</summary>
    /// <param name="indices">Record indices, each 0 or more.</param>
    /// <returns>The set.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative.</exception>
    public static RecordIndexRanges Of(IEnumerable<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var sorted = indices.ToArray();
        var ascending = true;
        for (var i = 0; i < sorted.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(sorted[i], nameof(indices));
            ascending &= i == 0 || sorted[i] > sorted[i - 1];
        }

        if (!ascending)
        {
            // Findings come in record order; other callers may pass indices in any order or twice.
            Array.Sort(sorted);
        }

        var ranges = new List<(int First, int Last)>();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (ranges.Count > 0 && ranges[^1].Last >= sorted[i] - 1)
            {
                ranges[^1] = (ranges[^1].First, Math.Max(ranges[^1].Last, sorted[i]));
            }
            else
            {
                ranges.Add((sorted[i], sorted[i]));
            }
        }

        return ranges.Count == 0 ? Empty : new RecordIndexRanges([.. ranges], null);
    }

    /// <summary>The canonical text of the given indices (in any order, repeats allowed).</summary>
    /// <param name="indices">Record indices, each 0 or more.</param>
    /// <returns>The text, e.g. <c>0-12,15,17-40</c>; empty for no index.</returns>
    /// <exception cref="ArgumentOutOfRangeException">An index is negative.</exception>
    public static string Format(IEnumerable<int> indices) => Of(indices).ToString();

    /// <summary>Reads a canonical text.</summary>
    /// <param name="text">The text, e.g. <c>0-12,15,17-40</c>; empty for no index.</param>
    /// <returns>The set.</returns>
    /// <exception cref="FormatException">The text is not canonical ranges; the message says where and why.</exception>
    public static RecordIndexRanges Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryRead(text, out var ranges) is { } error
            ? throw new FormatException($"'{Shown(text)}' is not a list of record indices ({Example}): {error}")
            : ranges;
    }

    /// <summary>Reads a canonical text, or says it is none.</summary>
    /// <param name="text">The text.</param>
    /// <param name="ranges">The set when the text is canonical ranges.</param>
    /// <returns>Whether it is.</returns>
    public static bool TryParse([NotNullWhen(true)] string? text, [NotNullWhen(true)] out RecordIndexRanges? ranges)
    {
        if (text is null || TryRead(text, out var read) is not null)
        {
            ranges = null;
            return false;
        }

        ranges = read;
        return true;
    }

    /// <summary>Whether the set holds an index.</summary>
    /// <param name="index">A record index.</param>
    /// <returns>True when it is in one of the ranges.</returns>
    public bool Contains(int index)
    {
        // The last range starting at or before the index is the only one that can hold it.
        int low = 0, high = _ranges.Length - 1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (_ranges[middle].First <= index)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return high >= 0 && index <= _ranges[high].Last;
    }

    /// <summary>The indices, ascending.</summary>
    /// <returns>An enumerator.</returns>
    public IEnumerator<int> GetEnumerator()
    {
        foreach (var (first, last) in _ranges)
        {
            for (long index = first; index <= last; index++)
            {
                yield return (int)index;
            }
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The canonical text.</summary>
    /// <returns>E.g. <c>0-12,15,17-40</c>; empty for no index.</returns>
    public override string ToString() => _text ??= Write(_ranges);

    private static string Write((int First, int Last)[] ranges)
    {
        var text = new StringBuilder(ranges.Length * 8);
        foreach (var (first, last) in ranges)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            if (first == last)
            {
                text.Append(CultureInfo.InvariantCulture, $"{first}");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $"{first}-{last}");
            }
        }

        return text.ToString();
    }

    /// <summary>Reads <paramref name="text"/>; returns why it is not canonical ranges, or null with the set.</summary>
    private static string? TryRead(string text, out RecordIndexRanges ranges)
    {
        ranges = Empty;
        if (text.Length == 0)
        {
            return null;
        }

        var read = new List<(int First, int Last)>();
        var at = 0;
        while (true)
        {
            var start = at;
            if (ReadIndex(text, ref at, out var first) is { } firstError)
            {
                return firstError;
            }

            var last = first;
            if (at < text.Length && text[at] == '-')
            {
                at++;
                if (ReadIndex(text, ref at, out last) is { } lastError)
                {
                    return lastError;
                }

                if (last <= first)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"the range {first}-{last} at character {start + 1} does not go up");
                }
            }

            if (read.Count > 0 && first <= read[^1].Last + 1L)
            {
                return first <= read[^1].Last
                    ? string.Create(CultureInfo.InvariantCulture, $"{first} at character {start + 1} is not after {read[^1].Last}: items go up")
                    : string.Create(CultureInfo.InvariantCulture, $"{first} at character {start + 1} follows {read[^1].Last} directly: consecutive indices are one range");
            }

            read.Add((first, last));
            if (at == text.Length)
            {
                break;
            }

            if (text[at] != ',')
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"'{Printable(text[at])}' at character {at + 1} where a comma{(first == last ? ", a hyphen" : "")} or the end was expected");
            }

            at++;
        }

        ranges = new RecordIndexRanges([.. read], text);
        return null;
    }

    private static string? ReadIndex(string text, ref int at, out int index)
    {
        index = 0;
        var start = at;
        long value = 0;
        while (at < text.Length && char.IsAsciiDigit(text[at]))
        {
            value = (value * 10) + (text[at] - '0');
            if (value > int.MaxValue)
            {
                return string.Create(CultureInfo.InvariantCulture, $"the index at character {start + 1} is larger than {int.MaxValue}");
            }

            at++;
        }

        if (at == start)
        {
            return at < text.Length
                ? string.Create(CultureInfo.InvariantCulture, $"'{Printable(text[at])}' at character {at + 1} where an index was expected")
                : "an index was expected at the end";
        }

        if (text[start] == '0' && at - start > 1)
        {
            return string.Create(CultureInfo.InvariantCulture, $"the index at character {start + 1} has a leading zero");
        }

        index = (int)value;
        return null;
    }

    private static string Printable(char c)
        => char.IsControl(c) || char.IsSurrogate(c) ? string.Create(CultureInfo.InvariantCulture, $"U+{(int)c:X4}") : c.ToString();

    private static string Shown(string text)
    {
        var shown = text.Length > ShownCharacters ? string.Concat(text.AsSpan(0, ShownCharacters), "…") : text;
        return string.Concat(shown.Select(c => char.IsControl(c) || char.IsSurrogate(c) ? '?' : c));
    }
}
