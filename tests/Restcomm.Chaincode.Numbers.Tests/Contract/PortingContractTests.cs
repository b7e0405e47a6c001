using Restcomm.Chaincode.Numbers.Tests.Support;
using Restcomm.Numbers;
using static Restcomm.Chaincode.Numbers.Tests.Support.NumbersLedger;

namespace Restcomm.Chaincode.Numbers.Tests.Contract;

public class PortingContractTests
{
    private const string Number = "+447700900123";
    private readonly NumbersLedger _ledger = new();

    private async Task<PortRequest> PublishedAndRequestedAsync()
    {
        await _ledger.PublishAsync(ProviderA, Number);
        return await _ledger.RequestPortAsync(ProviderB, Number);
    }

    [Fact]
    public async Task Without_the_donors_answer_the_port_activates_at_its_due_time_and_moves_the_number_without_its_capabilities()
    {
        var port = await PublishedAndRequestedAsync();
        Assert.Equal((A, B, PortStatus.Requested), (port.Donor, port.Recipient, port.Status));
        Assert.Equal(_ledger.Clock.Now + Window, port.DueAt);

        _ledger.Clock.Advance(Window - TimeSpan.FromSeconds(1));
        await _ledger.Refused(412, NumberRuleException.PortNotDue, ProviderB, "ActivatePort", port.PortId);
        _ledger.Clock.Advance(TimeSpan.FromSeconds(1));
        var activated = await _ledger.Ok<PortRequest>(ProviderB, "ActivatePort", port.PortId);

        Assert.True(activated.ActivatedByTimeout);
        var change = Assert.Single(_ledger.LastEvent().Changes);
        Assert.Equal(NumberChangeKind.PortActivated, change.Kind);
        var view = await _ledger.Ok<NumberView>(ProviderC, "GetNumber", Number);
        Assert.Equal(B, view.Provider);
        Assert.Empty(view.Record!.Profile.Capabilities);
        Assert.Null(view.Record.Profile.Cnam);
        Assert.Equal(PortStatus.Activated, view.Port!.Status);
    }

    [Fact]
    public async Task After_activation_only_the_recipient_serves_the_number()
    {
        var port = await PublishedAndRequestedAsync();
        await _ledger.Ok<PortRequest>(ProviderA, "ConcurPort", port.PortId);
        await _ledger.Ok<PortRequest>(ProviderB, "ActivatePort", port.PortId);

        await _ledger.Refused(403, NumberRuleException.NotServingProvider, ProviderA, "Publish", Publication(Number));
        var published = await _ledger.PublishAsync(ProviderB, Number, Rich("B CORP"));

        Assert.Equal(PublishOutcome.Updated, published.Outcome);
        Assert.Equal(B, published.Record.Provider);
    }

    [Fact]
    public async Task A_conflict_stops_activation_and_the_donor_may_then_cancel()
    {
        var port = await PublishedAndRequestedAsync();

        var conflict = await _ledger.Ok<PortRequest>(ProviderA, "ConflictPort", Json(new PortConflictInput { PortId = port.PortId, Reason = ConflictReason.NoAuthorisation }));
        _ledger.Clock.Advance(Window * 2);
        await _ledger.Refused(412, NumberRuleException.PortState, ProviderB, "ActivatePort", port.PortId);
        var cancelled = await _ledger.Ok<PortRequest>(ProviderA, "CancelPort", port.PortId);

        Assert.Equal(ConflictReason.NoAuthorisation, conflict.ConflictReason);
        Assert.Equal((PortStatus.Cancelled, A), (cancelled.Status, cancelled.CancelledBy));
        Assert.Equal(A, (await _ledger.Ok<NumberView>(ProviderC, "GetNumber", Number)).Provider);
    }

    [Fact]
    public async Task Only_the_donor_answers_only_the_recipient_activates_and_outsiders_do_nothing()
    {
        var port = await PublishedAndRequestedAsync();

        await _ledger.Refused(403, NumberRuleException.PortParty, ProviderB, "ConcurPort", port.PortId);
        await _ledger.Refused(403, NumberRuleException.PortParty, ProviderC, "ConcurPort", port.PortId);
        await _ledger.Refused(403, NumberRuleException.PortParty, ProviderC, "CancelPort", port.PortId);
        await _ledger.Refused(403, NumberRuleException.PortParty, ProviderA, "CancelPort", port.PortId);
        await _ledger.Refused(403, "forbidden", Regulator, "ConcurPort", port.PortId);
        await _ledger.Ok<PortRequest>(ProviderA, "ConcurPort", port.PortId);
        await _ledger.Refused(403, NumberRuleException.PortParty, ProviderA, "ActivatePort", port.PortId);
    }

    [Fact]
    public async Task The_recipient_cancels_and_a_new_port_gets_the_next_id()
    {
        var port = await PublishedAndRequestedAsync();
        await _ledger.Refused(409, NumberRuleException.PortPending, ProviderC, "RequestPort", Json(new PortRequestInput { E164 = E164Number.Parse(Number), ConsentHash = LoaHash }));
        await _ledger.Refused(409, NumberRuleException.PortPending, ProviderA, "Withdraw", Number);

        await _ledger.Ok<PortRequest>(ProviderB, "CancelPort", port.PortId);
        var next = await _ledger.RequestPortAsync(ProviderC, Number);

        Assert.Equal("447700900123-2", next.PortId);
        await _ledger.Refused(404, NumberRuleException.Unknown, ProviderB, "ActivatePort", port.PortId);
    }

    [Fact]
    public async Task A_port_needs_the_letter_of_authorisations_hash_and_a_known_number()
    {
        await _ledger.PublishAsync(ProviderA, Number);

        await _ledger.Refused(400, NumberRuleException.InvalidRecord, ProviderB, "RequestPort", Json(new PortRequestInput { E164 = E164Number.Parse(Number), ConsentHash = "signed by Jane" }));
        await _ledger.Refused(404, NumberRuleException.Unknown, ProviderB, "RequestPort", Json(new PortRequestInput { E164 = E164Number.Parse("+447700900999"), ConsentHash = LoaHash }));
        await _ledger.Refused(403, NumberRuleException.PortParty, ProviderA, "RequestPort", Json(new PortRequestInput { E164 = E164Number.Parse(Number), ConsentHash = LoaHash }));
    }

    [Fact]
    public async Task A_number_of_a_block_ports_out_of_it_and_keeps_the_blocks_line_type()
    {
        await _ledger.Ok<BlockPublishResult>(ProviderA, "PublishBlock", Json(new BlockPublication { Id = NumberBlockId.Parse("+44207946xxxx"), Profile = new NumberProfile { LineType = LineType.Fixed, Capabilities = [Capability("voice")] } }));
        var port = await _ledger.RequestPortAsync(ProviderB, "+442079461234");
        Assert.Equal(A, port.Donor);

        _ledger.Clock.Advance(Window);
        await _ledger.Ok<PortRequest>(ProviderB, "ActivatePort", port.PortId);

        var ported = await _ledger.Ok<NumberView>(ProviderC, "GetNumber", "+442079461234");
        var neighbour = await _ledger.Ok<NumberView>(ProviderC, "GetNumber", "+442079461235");
        Assert.Equal((B, LineType.Fixed, "+44207946xxxx"), (ported.Provider, ported.Record!.Profile.LineType, ported.Record.Block));
        Assert.Equal(A, neighbour.Provider);
    }

    [Fact]
    public async Task The_history_shows_every_step_of_a_port_in_order()
    {
        var port = await PublishedAndRequestedAsync();
        _ledger.Clock.Advance(TimeSpan.FromMinutes(1));
        await _ledger.Ok<PortRequest>(ProviderA, "ConflictPort", Json(new PortConflictInput { PortId = port.PortId, Reason = ConflictReason.DueDateMismatch }));
        _ledger.Clock.Advance(TimeSpan.FromMinutes(1));
        await _ledger.Ok<PortRequest>(ProviderA, "ConcurPort", port.PortId);
        _ledger.Clock.Advance(TimeSpan.FromMinutes(1));
        await _ledger.Ok<PortRequest>(ProviderB, "ActivatePort", port.PortId);

        var history = await _ledger.Ok<List<NumberHistoryEntry>>(Regulator, "GetHistory", Number);

        Assert.Equal(
            ["record:Org1MSP", "port:Requested", "port:Conflict", "port:Concurred", "port:Activated", "record:Org2MSP"],
            history.Select(h => h.Record is { } r ? $"record:{r.Provider}" : $"port:{h.Port!.Status}"));
    }
}
