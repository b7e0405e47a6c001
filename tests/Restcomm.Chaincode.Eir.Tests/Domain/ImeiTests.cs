using System.Text;
using Restcomm.Eir;

namespace Restcomm.Chaincode.Eir.Tests.Domain;

public class ImeiTests
{
    [Theory]
    [InlineData("490154203237518", "49015420", 323751, 8)]
    [InlineData("356938035643809", "35693803", 564380, 9)]
    [InlineData("352099001761481", "35209900", 176148, 1)]
    [InlineData("012345670000004", "01234567", 0, 4)]
    [InlineData("999999999999994", "99999999", 999999, 4)]
    [InlineData("000000000000000", "00000000", 0, 0)]
    public void Valid_imei_parses_into_tac_serial_and_check_digit(string text, string tac, int serial, int check)
    {
        var imei = Imei.Parse(text);

        Assert.Equal(tac, imei.Tac.ToString());
        Assert.Equal(serial, imei.Serial);
        Assert.Equal(check, imei.CheckDigit);
        Assert.Equal(text, imei.ToString());
    }

    [Theory]
    [InlineData("3569380356438091", "356938035643809")]
    [InlineData("3569380356438000", "356938035643809")]
    [InlineData("4901542032375199", "490154203237518")]
    public void Imeisv_is_reduced_to_the_imei_of_the_same_device(string imeisv, string imei)
    {
        Assert.Equal(imei, Imei.Parse(imeisv).ToString());
    }

    [Theory]
    [InlineData("", ImeiProblem.Empty)]
    [InlineData("35693803564380", ImeiProblem.WrongLength)]
    [InlineData("35693803564380912", ImeiProblem.WrongLength)]
    [InlineData("3", ImeiProblem.WrongLength)]
    [InlineData("35693803564380A", ImeiProblem.NonDigit)]
    [InlineData(" 356938035643809", ImeiProblem.NonDigit)]
    [InlineData("35-693803-564380-9", ImeiProblem.NonDigit)]
    [InlineData("３５６９３８０３５６４３８０９", ImeiProblem.NonDigit)]
    [InlineData("356938035643808", ImeiProblem.WrongCheckDigit)]
    [InlineData("490154203237519", ImeiProblem.WrongCheckDigit)]
    public void Invalid_text_is_refused_with_the_problem_named(string text, ImeiProblem expected)
    {
        Assert.False(Imei.TryParse(text.AsSpan(), out _, out var problem));
        Assert.Equal(expected, problem);

        var ex = Assert.Throws<ImeiFormatException>(() => Imei.Parse(text));
        Assert.Equal(expected, ex.Problem);
        Assert.Equal(text, ex.Input);
    }

    [Fact]
    public void Wrong_length_message_says_how_many_digits_were_given_and_expected()
    {
        var ex = Assert.Throws<ImeiFormatException>(() => Imei.Parse("35693803564380"));

        Assert.Contains("14 digits", ex.Message, StringComparison.Ordinal);
        Assert.Contains("15 digits", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_digit_message_names_the_character_and_its_position()
    {
        var ex = Assert.Throws<ImeiFormatException>(() => Imei.Parse("3569380x5643809"));

        Assert.Contains("'x'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("position 8", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_check_digit_message_gives_the_expected_digit()
    {
        var ex = Assert.Throws<ImeiFormatException>(() => Imei.Parse("356938035643801"));

        Assert.Contains("check digit 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("is 9", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_one_check_digit_of_ten_is_accepted_for_every_body()
    {
        var random = new Random(7);
        for (var n = 0; n < 2_000; n++)
        {
            var body = random.NextInt64(0, 100_000_000_000_000L).ToString("D14", System.Globalization.CultureInfo.InvariantCulture);
            var accepted = Enumerable.Range(0, 10).Count(d => Imei.TryParse(body + d, out _));
            Assert.Equal(1, accepted);
            Assert.Equal(ReferenceLuhn(body), Imei.LuhnCheckDigit(long.Parse(body, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void Utf8_parsing_agrees_with_text_parsing()
    {
        foreach (var text in new[] { "356938035643809", "3569380356438091", "356938035643808", "35693803564380", "3569380x5643809", "" })
        {
            var fromChars = Imei.TryParse(text.AsSpan(), out var a, out var pa);
            var fromBytes = Imei.TryParse(Encoding.UTF8.GetBytes(text), out var b, out var pb);

            Assert.Equal(fromChars, fromBytes);
            Assert.Equal(pa, pb);
            Assert.Equal(a, b);
        }
    }

    [Fact]
    public void From_parts_computes_the_check_digit_and_keeps_leading_zeros()
    {
        var imei = Imei.FromParts(new Tac(1234567), 42);

        Assert.Equal("012345670000426", imei.ToString());
        Assert.True(Imei.TryParse(imei.ToString(), out var back));
        Assert.Equal(imei, back);
    }

    [Fact]
    public void Serial_outside_six_digits_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Imei.FromParts(new Tac(1), 1_000_000));
        Assert.Throws<ArgumentOutOfRangeException>(() => Imei.FromParts(new Tac(1), -1));
    }

    [Fact]
    public void Imei_round_trips_through_json_as_a_string()
    {
        var imei = Imei.Parse("356938035643809");

        var json = System.Text.Json.JsonSerializer.Serialize(imei, EirJson.Options);

        Assert.Equal("\"356938035643809\"", json);
        Assert.Equal(imei, System.Text.Json.JsonSerializer.Deserialize<Imei>(json, EirJson.Options));
    }

    [Theory]
    [InlineData("12345678", true)]
    [InlineData("1234567", false)]
    [InlineData("123456789", false)]
    [InlineData("1234567a", false)]
    public void Tac_has_exactly_eight_digits(string text, bool valid)
    {
        Assert.Equal(valid, Tac.TryParse(text, out _));
    }

    private static int ReferenceLuhn(string body)
    {
        var sum = 0;
        for (var i = 0; i < body.Length; i++)
        {
            var d = body[body.Length - 1 - i] - '0';
            if (i % 2 == 0)
            {
                d *= 2;
                sum += (d / 10) + (d % 10);
            }
            else
            {
                sum += d;
            }
        }

        return (10 - (sum % 10)) % 10;
    }
}
