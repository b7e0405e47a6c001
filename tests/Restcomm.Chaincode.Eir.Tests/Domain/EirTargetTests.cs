using Restcomm.Eir;

namespace Restcomm.Chaincode.Eir.Tests.Domain;

public class EirTargetTests
{
    [Fact]
    public void Fifteen_digits_is_a_single_imei_target()
    {
        var target = EirTarget.Parse("356938035643809");

        Assert.Equal(EirTargetKind.Imei, target.Kind);
        Assert.Equal(Imei.Parse("356938035643809"), target.Imei);
        Assert.Equal(1, target.Count);
        Assert.Equal("356938035643809", target.ToString());
    }

    [Fact]
    public void Imeisv_target_is_reduced_to_its_imei()
    {
        Assert.Equal("356938035643809", EirTarget.Parse("3569380356438091").ToString());
    }

    [Fact]
    public void Eight_digits_is_a_whole_tac_target()
    {
        var target = EirTarget.Parse("35693803");

        Assert.Equal(EirTargetKind.Tac, target.Kind);
        Assert.Equal(1_000_000, target.Count);
        Assert.Equal("35693803", target.ToString());
        Assert.Equal(target, EirTarget.ForTac(new Tac(35693803)));
    }

    [Fact]
    public void Tac_first_last_is_a_serial_range_covering_both_ends()
    {
        var target = EirTarget.Parse("35693803:000100-000199");

        Assert.Equal(EirTargetKind.Range, target.Kind);
        Assert.Equal(100, target.Count);
        Assert.True(target.Covers(Imei.FromParts(new Tac(35693803), 100)));
        Assert.True(target.Covers(Imei.FromParts(new Tac(35693803), 199)));
        Assert.False(target.Covers(Imei.FromParts(new Tac(35693803), 99)));
        Assert.False(target.Covers(Imei.FromParts(new Tac(35693803), 200)));
        Assert.False(target.Covers(Imei.FromParts(new Tac(35693804), 150)));
        Assert.Equal("35693803:000100-000199", target.ToString());
    }

    [Fact]
    public void Range_of_one_serial_is_the_same_target_as_that_imei()
    {
        var range = EirTarget.Parse("35693803:564380-564380");

        Assert.Equal(EirTargetKind.Imei, range.Kind);
        Assert.Equal(EirTarget.Parse("356938035643809"), range);
    }

    [Fact]
    public void Full_serial_range_is_the_whole_tac()
    {
        Assert.Equal(EirTargetKind.Tac, EirTarget.Parse("35693803:000000-999999").Kind);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("3569380:000100-000199", "TAC:FIRST-LAST")]
    [InlineData("35693803:100-199", "TAC:FIRST-LAST")]
    [InlineData("35693803:000100", "TAC:FIRST-LAST")]
    [InlineData("35693803:000200-000100", "after its last")]
    [InlineData("356938035643808", "Luhn")]
    [InlineData("3569380356", "10 digits")]
    public void Invalid_target_text_is_refused_with_a_reason(string text, string expected)
    {
        Assert.False(EirTarget.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Entry_key_round_trips_through_its_text_form()
    {
        var key = new EirEntryKey(EirTarget.Parse("35693803:000100-000199"), EirList.Grey, "Org2MSP");

        Assert.Equal("35693803:000100-000199|grey|Org2MSP", key.ToString());
        Assert.True(EirEntryKey.TryParse(key.ToString(), out var back));
        Assert.Equal(key, back);
        Assert.False(EirEntryKey.TryParse("35693803|purple|Org2MSP", out _));
    }
}
