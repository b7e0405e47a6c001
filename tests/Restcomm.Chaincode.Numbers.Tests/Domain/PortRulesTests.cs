using Restcomm.Numbers;
using static Restcomm.Chaincode.Numbers.Tests.Support.NumbersLedger;

namespace Restcomm.Chaincode.Numbers.Tests.Domain;

public class PortRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly E164Number Number = E164Number.Parse("+447700900123");

    private static PortRequest Requested() => PortRules.Request(Number, A, B, LoaHash, null, null, T0, Window, "tx1");

    [Fact]
    public void A_request_is_due_at_the_end_of_the_donors_window_unless_a_later_time_is_asked()
    {
        Assert.Equal(T0 + Window, Requested().DueAt);
        Assert.Equal(T0.AddDays(3), PortRules.Request(Number, A, B, LoaHash, T0.AddDays(3), null, T0, Window, "tx").DueAt);
        Assert.Throws<NumberRuleException>(() => PortRules.Request(Number, A, B, LoaHash, T0.AddHours(1), null, T0, Window, "tx"));
    }

    [Fact]
    public void The_sequence_grows_with_each_port_of_a_number_and_an_open_port_blocks_another()
    {
        var first = Requested();
        var again = Assert.Throws<NumberRuleException>(() => PortRules.Request(Number, A, C, LoaHash, null, first, T0, Window, "tx2"));
        Assert.Equal(NumberRuleException.PortPending, again.Code);

        var cancelled = PortRules.Cancel(first, B, T0, "tx2");
        var second = PortRules.Request(Number, A, C, LoaHash, null, cancelled, T0, Window, "tx3");

        Assert.Equal("447700900123-1", first.PortId);
        Assert.Equal("447700900123-2", second.PortId);
    }

    [Fact]
    public void Without_an_answer_the_recipient_activates_only_from_the_due_time()
    {
        var port = Requested();

        Assert.Equal(NumberRuleException.PortNotDue, Assert.Throws<NumberRuleException>(() => PortRules.Activate(port, B, port.DueAt.AddTicks(-1), "tx")).Code);
        var activated = PortRules.Activate(port, B, port.DueAt, "tx2");

        Assert.Equal(PortStatus.Activated, activated.Status);
        Assert.True(activated.ActivatedByTimeout);
    }

    [Fact]
    public void After_concurrence_the_recipient_activates_at_once_and_nobody_else_can()
    {
        var concurred = PortRules.Concur(Requested(), A, T0.AddMinutes(5), "tx2");

        Assert.Equal(NumberRuleException.PortParty, Assert.Throws<NumberRuleException>(() => PortRules.Activate(concurred, A, T0.AddMinutes(6), "tx")).Code);
        var activated = PortRules.Activate(concurred, B, T0.AddMinutes(6), "tx3");

        Assert.False(activated.ActivatedByTimeout);
        Assert.Equal(PortStatus.Activated, activated.Status);
        Assert.Equal(NumberRuleException.PortState, Assert.Throws<NumberRuleException>(() => PortRules.Cancel(activated, B, T0.AddMinutes(7), "tx4")).Code);
    }

    [Fact]
    public void A_conflict_blocks_activation_until_the_donor_concurs_and_must_come_before_the_due_time()
    {
        var port = Requested();
        Assert.Equal(NumberRuleException.PortState, Assert.Throws<NumberRuleException>(() => PortRules.Conflict(port, A, ConflictReason.NoAuthorisation, port.DueAt, "tx")).Code);
        Assert.Equal(NumberRuleException.PortParty, Assert.Throws<NumberRuleException>(() => PortRules.Conflict(port, B, ConflictReason.Other, T0, "tx")).Code);

        var conflict = PortRules.Conflict(port, A, ConflictReason.NoAuthorisation, T0.AddHours(1), "tx2");

        Assert.Equal(NumberRuleException.PortState, Assert.Throws<NumberRuleException>(() => PortRules.Activate(conflict, B, port.DueAt.AddDays(1), "tx")).Code);
        var settled = PortRules.Concur(conflict, A, T0.AddHours(2), "tx3");
        Assert.Equal(ConflictReason.NoAuthorisation, settled.ConflictReason);
        Assert.Equal(PortStatus.Activated, PortRules.Activate(settled, B, T0.AddHours(2), "tx4").Status);
    }

    [Fact]
    public void The_donor_cancels_only_a_port_it_holds_in_conflict_and_the_recipient_any_open_port()
    {
        var port = Requested();

        Assert.Equal(NumberRuleException.PortParty, Assert.Throws<NumberRuleException>(() => PortRules.Cancel(port, A, T0, "tx")).Code);
        Assert.Equal(NumberRuleException.PortParty, Assert.Throws<NumberRuleException>(() => PortRules.Cancel(port, C, T0, "tx")).Code);
        var conflict = PortRules.Conflict(port, A, ConflictReason.FraudSuspected, T0, "tx2");
        Assert.Equal(A, PortRules.Cancel(conflict, A, T0, "tx3").CancelledBy);
        Assert.Equal(B, PortRules.Cancel(PortRules.Concur(port, A, T0, "tx4"), B, T0, "tx5").CancelledBy);
    }

    [Fact]
    public void A_provider_cannot_port_a_number_to_itself()
        => Assert.Equal(NumberRuleException.PortParty, Assert.Throws<NumberRuleException>(() => PortRules.Request(Number, A, A, LoaHash, null, null, T0, Window, "tx")).Code);
}
