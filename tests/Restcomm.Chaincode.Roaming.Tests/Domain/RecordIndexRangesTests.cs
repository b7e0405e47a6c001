using System.Globalization;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Tests.Domain;

public class RecordIndexRangesTests
{
    /// <summary>The text read the obvious way: split at commas, expand every <c>a-b</c> one index at a time.</summary>
    private static List<int> NaiveExpansion(string text)
    {
        var indices = new List<int>();
        foreach (var item in text.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = item.Split('-');
            var first = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var last = bounds.Length == 2 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : first;
            for (var i = first; i <= last; i++)
            {
                indices.Add(i);
            }
        }

        return indices;
    }

    [Theory]
    [InlineData(1, 0.02)]
    [InlineData(2, 0.5)]
    [InlineData(3, 0.9)]
    [InlineData(4, 0.99)]
    [InlineData(5, 1.0)]
    public void Random_index_sets_format_to_text_that_parses_and_expands_back_to_the_same_indices(int seed, double density)
    {
        var random = new Random(seed);
        for (var round = 0; round < 200; round++)
        {
            var size = random.Next(0, 600);
            var set = Enumerable.Range(0, size).Where(_ => random.NextDouble() < density).ToList();
            var shuffled = set.Concat(set.Take(random.Next(0, 3))).OrderBy(_ => random.Next()).ToList();

            var text = RecordIndexRanges.Format(shuffled);
            var parsed = RecordIndexRanges.Parse(text);

            Assert.Equal(set, NaiveExpansion(text));
            Assert.Equal(set, parsed);
            Assert.Equal(set.Count, parsed.Count);
            Assert.Equal(text, parsed.ToString());
            Assert.Equal(text, RecordIndexRanges.Format(set));
            for (var i = -1; i <= size + 1; i++)
            {
                Assert.Equal(set.Contains(i), parsed.Contains(i));
            }
        }
    }

    [Fact]
    public void Runs_are_one_item_and_lone_indices_stand_alone()
    {
        Assert.Equal("0-12,15,17-40", RecordIndexRanges.Format([.. Enumerable.Range(0, 13), 15, .. Enumerable.Range(17, 24)]));
        Assert.Equal("0-9999", RecordIndexRanges.Format(Enumerable.Range(0, 10_000)));
        Assert.Equal("3-4,7", RecordIndexRanges.Format([7, 4, 3, 4]));
        Assert.Equal("", RecordIndexRanges.Format([]));
        Assert.Empty(RecordIndexRanges.Parse(""));
    }

    [Fact]
    public void A_huge_range_is_counted_and_searched_without_being_expanded()
    {
        var all = RecordIndexRanges.Parse("0-2147483647");

        Assert.Equal(2_147_483_648L, all.Count);
        Assert.True(all.Contains(int.MaxValue));
        Assert.False(all.Contains(-1));
        Assert.Equal([(0, int.MaxValue)], all.Ranges);
    }

    [Fact]
    public void A_negative_index_is_refused_when_formatting()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RecordIndexRanges.Format([1, -2]));
    }

    [Theory]
    [InlineData(" 1", "' ' at character 1 where an index was expected")]
    [InlineData("1 ", "' ' at character 2 where a comma, a hyphen or the end was expected")]
    [InlineData("1, 2", "' ' at character 3 where an index was expected")]
    [InlineData("01", "leading zero")]
    [InlineData("1,03", "leading zero")]
    [InlineData("1,", "an index was expected at the end")]
    [InlineData(",1", "',' at character 1 where an index was expected")]
    [InlineData("1,,3", "',' at character 3 where an index was expected")]
    [InlineData("1-", "an index was expected at the end")]
    [InlineData("-1", "'-' at character 1 where an index was expected")]
    [InlineData("+1", "'+' at character 1 where an index was expected")]
    [InlineData("1--3", "'-' at character 3 where an index was expected")]
    [InlineData("1-3-5", "'-' at character 4 where a comma or the end was expected")]
    [InlineData("1-3 ", "' ' at character 4 where a comma or the end was expected")]
    [InlineData("3-1", "the range 3-1 at character 1 does not go up")]
    [InlineData("2-2", "the range 2-2 at character 1 does not go up")]
    [InlineData("5,2", "2 at character 3 is not after 5")]
    [InlineData("1,1", "1 at character 3 is not after 1")]
    [InlineData("1-4,3-6", "3 at character 5 is not after 4")]
    [InlineData("1,2", "2 at character 3 follows 1 directly")]
    [InlineData("1-3,4", "4 at character 5 follows 3 directly")]
    [InlineData("2147483648", "larger than 2147483647")]
    [InlineData("99999999999999999999999", "larger than 2147483647")]
    [InlineData("1;2", "';' at character 2")]
    [InlineData("a", "'a' at character 1")]
    [InlineData("１", "'１' at character 1")]
    public void Malformed_text_is_refused_with_a_format_error_saying_where_and_why(string text, string why)
    {
        var error = Assert.Throws<FormatException>(() => RecordIndexRanges.Parse(text));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains("is not a list of record indices", error.Message, StringComparison.Ordinal);
        Assert.False(RecordIndexRanges.TryParse(text, out var ranges));
        Assert.Null(ranges);
    }

    [Fact]
    public void Control_characters_and_broken_surrogates_are_named_by_code_point_in_the_error()
    {
        var control = Assert.Throws<FormatException>(() => RecordIndexRanges.Parse("1\u00002"));
        var surrogate = Assert.Throws<FormatException>(() => RecordIndexRanges.Parse("\ud800"));

        Assert.Contains("'U+0000' at character 2", control.Message, StringComparison.Ordinal);
        Assert.Contains("'U+D800' at character 1", surrogate.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', control.Message);
        Assert.DoesNotContain('\ud800', surrogate.Message);
    }

    [Fact]
    public void A_long_malformed_text_is_shown_shortened_in_the_error()
    {
        var text = string.Join(',', Enumerable.Range(0, 1000).Select(i => (i * 2).ToString(CultureInfo.InvariantCulture))) + ",x";

        var error = Assert.Throws<FormatException>(() => RecordIndexRanges.Parse(text));

        Assert.True(error.Message.Length < 300, error.Message);
        Assert.Contains("'x' at character", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_is_an_argument_error_for_parse_and_false_for_try_parse()
    {
        Assert.Throws<ArgumentNullException>(() => RecordIndexRanges.Parse(null!));
        Assert.False(RecordIndexRanges.TryParse(null, out _));
    }
}
