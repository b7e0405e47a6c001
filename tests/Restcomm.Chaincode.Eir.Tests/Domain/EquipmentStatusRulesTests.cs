using Restcomm.Eir;
using static Restcomm.Chaincode.Eir.Tests.Domain.Entries;

namespace Restcomm.Chaincode.Eir.Tests.Domain;

public class EquipmentStatusRulesTests
{
    private static readonly Imei Device = Imei.Parse("356938035643809");

    [Fact]
    public void Device_no_entry_covers_is_white_listed_without_an_entry()
    {
        var check = EquipmentStatusRules.Evaluate(Device, [Black("490154203237518")], T0);

        Assert.Equal(EquipmentStatus.WhiteListed, check.Status);
        Assert.Null(check.Entry);
    }

    [Fact]
    public void Black_beats_grey_and_white()
    {
        var black = Black("35693803:500000-599999");
        var check = EquipmentStatusRules.Evaluate(Device, [White("35693803"), Grey("356938035643809", T0.AddDays(1)), black], T0);

        Assert.Equal(EquipmentStatus.BlackListed, check.Status);
        Assert.Same(black, check.Entry);
    }

    [Fact]
    public void Grey_beats_white()
    {
        var check = EquipmentStatusRules.Evaluate(Device, [White("35693803"), Grey("356938035643809", T0.AddDays(1))], T0);

        Assert.Equal(EquipmentStatus.GreyListed, check.Status);
    }

    [Fact]
    public void White_tac_entry_decides_when_nothing_else_covers_the_device()
    {
        var white = White("35693803");

        var check = EquipmentStatusRules.Evaluate(Device, [white], T0);

        Assert.Equal(EquipmentStatus.WhiteListed, check.Status);
        Assert.Same(white, check.Entry);
    }

    [Fact]
    public void Grey_entry_stops_counting_at_its_expiry()
    {
        var grey = Grey("356938035643809", T0.AddHours(1));

        Assert.Equal(EquipmentStatus.GreyListed, EquipmentStatusRules.Evaluate(Device, [grey], T0.AddHours(1).AddTicks(-1)).Status);
        Assert.Equal(EquipmentStatus.WhiteListed, EquipmentStatusRules.Evaluate(Device, [grey], T0.AddHours(1)).Status);
    }

    [Fact]
    public void Earliest_report_decides_among_entries_of_the_same_list()
    {
        var late = Black("356938035643809", "Org1MSP", ReasonCode.Lost, T0.AddMinutes(5));
        var early = Black("356938035643809", "Org3MSP", ReasonCode.Stolen, T0);
        var tieA = Black("356938035643809", "Org2MSP", ReasonCode.Fraud, T0);

        var check = EquipmentStatusRules.Evaluate(Device, [late, early, tieA], T0);

        Assert.Same(tieA, check.Entry);
    }

    [Fact]
    public void Entries_that_do_not_cover_the_device_are_ignored()
    {
        var check = EquipmentStatusRules.Evaluate(Device, [Black("35693803:000000-564379"), Black("35693804")], T0);

        Assert.Equal(EquipmentStatus.WhiteListed, check.Status);
    }
}
