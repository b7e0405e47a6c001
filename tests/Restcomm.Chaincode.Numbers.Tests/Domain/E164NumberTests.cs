using Restcomm.Numbers;

namespace Restcomm.Chaincode.Numbers.Tests.Domain;

public class E164NumberTests
{
    [Theory]
    [InlineData("+447700900123", 44)]
    [InlineData("+12025550143", 1)]
    [InlineData("+35316790000", 353)]
    [InlineData("+79161234567", 7)]
    [InlineData("+8613800138000", 86)]
    [InlineData("+88213000000", 882)]
    [InlineData("447700900123", 44)]
    public void Valid_numbers_parse_with_their_country_calling_code(string text, int countryCode)
    {
        Assert.True(E164Number.TryParse(text, out var number, out var error), error);
        Assert.Equal(countryCode, number.CountryCode);
        Assert.Equal("+" + text.TrimStart('+'), number.ToString());
    }

    [Theory]
    [InlineData("+4477009", "8 to 15 digits")]
    [InlineData("+4477009001234567", "8 to 15 digits")]
    [InlineData("+44 7700 900123", "digits only")]
    [InlineData("+44-7700900123", "digits only")]
    [InlineData("+0447700900123", "never 0")]
    [InlineData("+2857009001", "country calling code")]
    [InlineData("+99970090012", "country calling code")]
    [InlineData("+42970090012", "country calling code")]
    [InlineData("", "8 to 15 digits")]
    public void Invalid_numbers_are_refused_saying_why(string text, string why)
    {
        Assert.False(E164Number.TryParse(text, out _, out var error));
        Assert.Contains(why, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_assigned_country_code_is_recognised_and_no_code_is_a_prefix_of_another()
    {
        foreach (var code in CountryCallingCodes.All)
        {
            var digits = code.ToString(System.Globalization.CultureInfo.InvariantCulture).PadRight(10, '5');
            Assert.True(E164Number.TryParse(digits, out var number, out var error), $"{code}: {error}");
            Assert.Equal(code, number.CountryCode);
            Assert.DoesNotContain(CountryCallingCodes.All, other => other != code && code.ToString(System.Globalization.CultureInfo.InvariantCulture).StartsWith(other.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_block_holds_exactly_the_numbers_of_its_length_under_its_prefix()
    {
        var block = NumberBlockId.Parse("+4420794600xx");

        Assert.Equal(100, block.Size);
        Assert.Equal("+442079460000", block.First.ToString());
        Assert.True(block.Contains(E164Number.Parse("+442079460099")));
        Assert.False(block.Contains(E164Number.Parse("+442079460100")));
        Assert.False(block.Contains(E164Number.Parse("+4420794600123")));
        Assert.Equal("+4420794600xx", block.ToString());
        Assert.False(NumberBlockId.TryParse("+44207946xxxxx", out _, out _));
        Assert.False(NumberBlockId.TryParse("+442079460000", out _, out _));
    }

    [Fact]
    public void Port_ids_carry_the_number_and_a_sequence()
    {
        var number = E164Number.Parse("+447700900123");

        Assert.Equal("447700900123-2", PortRequest.IdOf(number, 2));
        Assert.True(PortRequest.TryParseId("447700900123-2", out var parsed, out var sequence));
        Assert.Equal((number, 2), (parsed, sequence));
        Assert.False(PortRequest.TryParseId("447700900123-02", out _, out _));
        Assert.False(PortRequest.TryParseId("447700900123", out _, out _));
    }
}
