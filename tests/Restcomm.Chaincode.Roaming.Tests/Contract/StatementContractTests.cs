using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Roaming;
using static Restcomm.Chaincode.Roaming.Tests.Support.RoamingLedger;

namespace Restcomm.Chaincode.Roaming.Tests.Contract;

public class StatementContractTests
{
    private const string Period = "2025-01";
    private readonly RoamingLedger _ledger = new();

    /// <summary>MOC local in A's network: 120/min up to 30 min, 60/min beyond (tiered linear).</summary>
    private static readonly DiscountModel Tiered = new()
    {
        Kind = DiscountKind.TieredLinear,
        Services =
        [
            new ServiceDiscount
            {
                Service = RoamingService.MocLocal,
                Tiers = [new DiscountTier { FromQuantity = 0, Price = 120 }, new DiscountTier { FromQuantity = 1800, Price = 60 }],
            },
        ],
    };

    /// <summary>
    /// A's usage: five 10-minute local calls (1200 each), the last rejected by B; B's usage: two SMS (40 each) and
    /// 1 MB of data (1500). Both batches reconciled.
    /// </summary>
    private async Task<string> ReconciledJanuary()
    {
        await _ledger.AgreeAsync(Samples.Agreement(discountInA: Tiered));
        var inA = await _ledger.SubmitAsync(A, Samples.Batch([.. Enumerable.Range(0, 5).Select(i => Samples.Record(RoamingService.MocLocal, 600, 1200, seconds: i))]));
        var inB = await _ledger.SubmitAsync(B, Samples.Batch(
            [
                Samples.Record(RoamingService.SmsMo, 1, 40, imsi: "208010000000001"),
                Samples.Record(RoamingService.SmsMo, 1, 40, imsi: "208010000000001", seconds: 5),
                Samples.Record(RoamingService.Data, RoamingServices.BytesPerMegabyte, 1500, imsi: "208010000000002"),
            ], sender: Samples.TadigB, recipient: Samples.TadigA));
        await _ledger.Ok<UsageBatchState>(B, "RejectUsageRecords", [inA.Batch.FileId, "1", Json(new[] { new RecordRejection { Index = 4, ErrorCode = 34 } })]);
        await _ledger.Ok<UsageBatchState>(B, "AcceptUsageBatch", [inA.Batch.FileId, "1"]);
        await _ledger.Ok<UsageBatchState>(A, "AcceptUsageBatch", [inB.Batch.FileId, "1"]);
        return inA.Batch.FileId;
    }

    [Fact]
    public async Task Closing_shows_both_directions_the_discount_the_bilateral_net_and_the_due_date()
    {
        await ReconciledJanuary();
        _ledger.Clock.Now = new DateTimeOffset(2025, 2, 3, 9, 0, 0, TimeSpan.Zero);

        var view = await _ledger.Ok<StatementView>(A, "CloseStatementPeriod", [Samples.AgreementId, Period]);

        var statement = view.Statement!;
        var inA = statement.Directions.Single(d => d.VisitedMspId == Samples.A);
        var inB = statement.Directions.Single(d => d.VisitedMspId == Samples.B);
        // 40 accepted minutes: IOT 4800; tiered 30 × 120 + 10 × 60 = 4200.
        Assert.Equal((4800L, 4200L, 600L), (inA.ChargeMinor, inA.DiscountedMinor, inA.DiscountMinor));
        Assert.Equal((DiscountKind.TieredLinear, 1), (inA.DiscountKind, inA.Batches));
        Assert.Equal(1580, inB.PayableMinor);
        Assert.Equal((2620L, Samples.B, Samples.A), (statement.NetMinor, statement.NetPayerMspId, statement.NetPayeeMspId));
        Assert.Equal(new DateOnly(2025, 3, 2), statement.DueDate);
        Assert.Equal(StatementStatus.Proposed, view.State.Status);
        Assert.Equal(2, view.State.Batches);
        Assert.Equal(new DateOnly(2025, 3, 5), view.State.DisputeWindowEnds);
        Assert.Equal(RoamingEvents.StatementProposed, _ledger.LastEvent().Change);
        // The figures stay in the pair's collection: the event (seen by every channel member) carries only their hash.
        var eventText = System.Text.Encoding.UTF8.GetString(_ledger.Stub.EventPayload.Span);
        Assert.Contains(view.State.StatementHash, eventText, StringComparison.Ordinal);
        Assert.DoesNotContain("2620", eventText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_period_cannot_close_before_it_ends_or_while_a_batch_waits_for_reconciliation()
    {
        await _ledger.AgreeAsync(Samples.Agreement());
        await _ledger.SubmitAsync(A, Samples.Batch(Samples.UsageInA()));

        await _ledger.Refused(412, "period-open", A, "CloseStatementPeriod", [Samples.AgreementId, Period]);
        _ledger.Clock.Now = new DateTimeOffset(2025, 2, 1, 0, 0, 1, TimeSpan.Zero);
        await _ledger.Refused(412, "unreconciled-batches", B, "CloseStatementPeriod", [Samples.AgreementId, Period]);
        await _ledger.Refused(403, "forbidden", C, "CloseStatementPeriod", [Samples.AgreementId, Period]);
    }

    [Fact]
    public async Task The_counterparty_co_signs_the_named_hash_and_a_signed_statement_is_immutable()
    {
        await ReconciledJanuary();
        _ledger.Clock.Now = new DateTimeOffset(2025, 2, 3, 9, 0, 0, TimeSpan.Zero);
        var proposed = await _ledger.Ok<StatementView>(A, "CloseStatementPeriod", [Samples.AgreementId, Period]);

        await _ledger.Refused(403, "forbidden", A, "SignStatement", [Samples.AgreementId, Period, proposed.State.StatementHash]);
        await _ledger.Refused(409, "statement-hash-mismatch", B, "SignStatement", [Samples.AgreementId, Period, new string('0', 64)]);
        var signed = await _ledger.Ok<StatementView>(B, "SignStatement", [Samples.AgreementId, Period, proposed.State.StatementHash]);

        Assert.Equal((StatementStatus.Signed, Samples.B), (signed.State.Status, signed.State.SignedBy));
        Assert.Equal(Json(proposed.Statement), Json(signed.Statement));
        await _ledger.Refused(409, "statement-signed", B, "SignStatement", [Samples.AgreementId, Period, proposed.State.StatementHash]);
        await _ledger.Refused(409, "conflict", B, "CloseStatementPeriod", [Samples.AgreementId, Period]);
        var seenByC = await _ledger.Ok<StatementView>(C, "GetStatement", [Samples.AgreementId, Period]);
        Assert.Equal(StatementStatus.Signed, seenByC.State.Status);
        Assert.Null(seenByC.Statement);
    }

    [Fact]
    public async Task A_dispute_inside_the_window_freezes_the_statement_with_its_reason()
    {
        await ReconciledJanuary();
        _ledger.Clock.Now = new DateTimeOffset(2025, 2, 3, 9, 0, 0, TimeSpan.Zero);
        var proposed = await _ledger.Ok<StatementView>(A, "CloseStatementPeriod", [Samples.AgreementId, Period]);
        _ledger.Clock.Now = new DateTimeOffset(2025, 3, 5, 23, 0, 0, TimeSpan.Zero);   // the window's last day

        var disputed = await _ledger.Ok<StatementView>(B, "DisputeStatement", [Samples.AgreementId, Period, "data volume differs from our records"]);

        Assert.Equal(StatementStatus.Disputed, disputed.State.Status);
        Assert.Equal((Samples.B, "data volume differs from our records"), (disputed.State.Dispute!.By, disputed.State.Dispute.Reason));
        Assert.Equal(RoamingEvents.StatementDisputed, _ledger.LastEvent().Change);
        await _ledger.Refused(412, "statement-disputed", B, "SignStatement", [Samples.AgreementId, Period, proposed.State.StatementHash]);
        await _ledger.Refused(409, "statement-disputed", A, "DisputeStatement", [Samples.AgreementId, Period, "again"]);
    }

    [Fact]
    public async Task A_dispute_after_the_window_is_refused()
    {
        await ReconciledJanuary();
        _ledger.Clock.Now = new DateTimeOffset(2025, 2, 3, 9, 0, 0, TimeSpan.Zero);
        var proposed = await _ledger.Ok<StatementView>(A, "CloseStatementPeriod", [Samples.AgreementId, Period]);
        await _ledger.Ok<StatementView>(B, "SignStatement", [Samples.AgreementId, Period, proposed.State.StatementHash]);
        _ledger.Clock.Now = new DateTimeOffset(2025, 3, 6, 0, 0, 1, TimeSpan.Zero);

        await _ledger.Refused(412, "dispute-window-closed", B, "DisputeStatement", [Samples.AgreementId, Period, "too late"]);

        var state = await _ledger.Ok<StatementView>(A, "GetStatement", [Samples.AgreementId, Period]);
        Assert.Equal(StatementStatus.Signed, state.State.Status);
    }
}
