using Restcomm.Chaincode.Roaming.Tests.Support;
using Restcomm.Roaming;
using static Restcomm.Chaincode.Roaming.Tests.Support.RoamingLedger;

namespace Restcomm.Chaincode.Roaming.Tests.Contract;

public class AgreementContractTests
{
    private readonly RoamingLedger _ledger = new();

    [Fact]
    public async Task Proposed_agreement_has_no_effect_until_the_counterparty_accepts_it()
    {
        var document = Samples.Agreement();
        var transient = AgreementTransient(document);

        var proposed = await _ledger.Ok<AgreementState>(A, "ProposeAgreement", [], transient);
        Assert.Equal(AgreementStatus.Proposed, proposed.Status);
        Assert.Equal(RoamingEvents.AgreementProposed, _ledger.LastEvent().Change);
        var (header, payload) = Samples.Batch(Samples.UsageInA());
        await _ledger.Refused(412, "failed-precondition", A, "SubmitUsageBatch", [Json(header)], Records(payload));

        var accepted = await _ledger.Ok<AgreementState>(B, "AcceptAgreement", [Samples.AgreementId, Sha256(transient["agreement"])]);

        Assert.Equal(AgreementStatus.Active, accepted.Status);
        Assert.Equal((Samples.B, 1), (accepted.Versions.Single().AcceptedBy, accepted.Versions[0].Version));
        Assert.Equal(RoamingEvents.AgreementAccepted, _ledger.LastEvent().Change);
        Assert.Equal(Samples.Collection, accepted.Collection);
    }

    [Fact]
    public async Task The_document_lives_in_the_pairs_collection_and_the_public_state_holds_only_its_hash()
    {
        var transient = AgreementTransient(Samples.Agreement());
        await _ledger.Ok<AgreementState>(A, "ProposeAgreement", [], transient);

        var publicText = string.Concat(_ledger.Stub.State.Values.Select(v => System.Text.Encoding.UTF8.GetString(v)));
        Assert.DoesNotContain("pricePerUnit", publicText, StringComparison.Ordinal);
        Assert.Contains(Sha256(transient["agreement"]), publicText, StringComparison.Ordinal);
        Assert.Equal(transient["agreement"], Assert.Single(_ledger.Stub.GetPrivateState(Samples.Collection)).Value);
        var args = string.Join(" ", _ledger.Stub.StringArgs);
        Assert.DoesNotContain("pricePerUnit", args, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_proposer_cannot_accept_its_own_proposal_and_the_counterparty_must_name_the_documents_hash()
    {
        var transient = AgreementTransient(Samples.Agreement());
        await _ledger.Ok<AgreementState>(A, "ProposeAgreement", [], transient);

        await _ledger.Refused(403, "forbidden", A, "AcceptAgreement", [Samples.AgreementId, Sha256(transient["agreement"])]);
        await _ledger.Refused(409, "document-hash-mismatch", B, "AcceptAgreement", [Samples.AgreementId, new string('0', 64)]);
        await _ledger.Refused(403, "forbidden", C, "AcceptAgreement", [Samples.AgreementId, Sha256(transient["agreement"])]);
    }

    [Fact]
    public async Task Only_a_party_with_the_approver_role_proposes_and_the_regulator_is_refused()
    {
        var transient = AgreementTransient(Samples.Agreement());

        await _ledger.Refused(403, "forbidden", C, "ProposeAgreement", [], transient);
        await _ledger.Refused(403, "forbidden", ASubmitterOnly, "ProposeAgreement", [], transient);
        await _ledger.Refused(403, "forbidden", Regulator, "ProposeAgreement", [], transient);
        await _ledger.Refused(400, "invalid-argument", A, "ProposeAgreement", []);
        await _ledger.Ok<AgreementState>(AApproverOnly, "ProposeAgreement", [], transient);
    }

    [Fact]
    public async Task An_invalid_document_is_refused_naming_the_problem()
    {
        var broken = Samples.Agreement() with { PaymentTerms = "net 30" };

        var message = await _ledger.Refused(400, "invalid-agreement", A, "ProposeAgreement", [], AgreementTransient(broken));

        Assert.Contains("paymentTerms", message, StringComparison.Ordinal);
    }

    private AgreementDocument Amended(long mocLocalPriceInA, DateOnly effectiveFrom) => Samples.Agreement() with
    {
        Version = 2,
        EffectiveFrom = effectiveFrom,
        Directions =
        [
            Samples.Agreement().Directions[0] with
            {
                Rates = [.. Samples.Agreement().Directions[0].Rates.Select(r => r.Service == RoamingService.MocLocal ? r with { PricePerUnit = mocLocalPriceInA } : r)],
            },
            Samples.Agreement().Directions[1],
        ],
    };

    [Fact]
    public async Task An_amendment_within_the_variance_and_notice_applies_from_its_effective_date()
    {
        await _ledger.AgreeAsync(Samples.Agreement());
        // Proposed on 2 January with 30 days' notice: 1 February at the earliest. 120 → 140 is +16.7 % (≤ 20 %).
        var amendment = AgreementTransient(Amended(140, new DateOnly(2025, 2, 1)));

        var pending = await _ledger.Ok<AgreementState>(B, "ProposeAmendment", [Samples.AgreementId], amendment);
        Assert.Equal(2, pending.Pending!.Version);
        var accepted = await _ledger.Ok<AgreementState>(A, "AcceptAmendment", [Samples.AgreementId, Sha256(amendment["agreement"])]);

        Assert.Equal([1, 2], accepted.Versions.Select(v => v.Version));
        Assert.Null(accepted.Pending);
        Assert.Equal(RoamingEvents.AmendmentAccepted, _ledger.LastEvent().Change);
        // 61 s of MOC local: 2 min at 120 in January, at 140 from February.
        var january = await _ledger.SubmitAsync(A, Samples.Batch([Samples.Record(RoamingService.MocLocal, 61, 240, day: 20)], file: 1));
        var february = await _ledger.SubmitAsync(A, Samples.Batch([Samples.Record(RoamingService.MocLocal, 61, 280, day: 40)], file: 2));
        Assert.Empty(january.Batch.Findings);
        Assert.Empty(february.Batch.Findings);
        var februaryAtOldRate = await _ledger.SubmitAsync(A, Samples.Batch([Samples.Record(RoamingService.MocLocal, 61, 240, day: 41)], file: 3));
        Assert.Equal(new UsageFindingSummary { Code = "rate-mismatch", Count = 1, Records = "0" }, Assert.Single(februaryAtOldRate.Batch.Findings));
    }

    [Fact]
    public async Task At_most_one_amendment_is_pending()
    {
        await _ledger.AgreeAsync(Samples.Agreement());
        await _ledger.Ok<AgreementState>(B, "ProposeAmendment", [Samples.AgreementId], AgreementTransient(Amended(130, new DateOnly(2025, 3, 1))));

        await _ledger.Refused(409, "amendment-pending", A, "ProposeAmendment", [Samples.AgreementId], AgreementTransient(Amended(110, new DateOnly(2025, 3, 1))));

        await _ledger.Ok<AgreementState>(A, "DeclineAmendment", [Samples.AgreementId]);
        var second = await _ledger.Ok<AgreementState>(A, "ProposeAmendment", [Samples.AgreementId], AgreementTransient(Amended(110, new DateOnly(2025, 3, 1))));
        Assert.Equal(Samples.A, second.Pending!.ProposedBy);
    }

    [Fact]
    public async Task An_amendment_moving_a_rate_beyond_the_allowed_variance_is_refused()
    {
        await _ledger.AgreeAsync(Samples.Agreement());

        // 120 → 145 is +20.8 %, over 20 %; 120 → 144 is exactly 20 %.
        var message = await _ledger.Refused(400, "rate-variance", B, "ProposeAmendment", [Samples.AgreementId], AgreementTransient(Amended(145, new DateOnly(2025, 3, 1))));
        Assert.Contains("MocLocal", message, StringComparison.Ordinal);
        await _ledger.Ok<AgreementState>(B, "ProposeAmendment", [Samples.AgreementId], AgreementTransient(Amended(144, new DateOnly(2025, 3, 1))));
    }

    [Fact]
    public async Task An_amendment_with_less_notice_than_agreed_is_refused()
    {
        await _ledger.AgreeAsync(Samples.Agreement());

        // Proposed on 2 January: 31 January is 29 days later.
        await _ledger.Refused(400, "amendment-notice", B, "ProposeAmendment", [Samples.AgreementId], AgreementTransient(Amended(130, new DateOnly(2025, 1, 31))));
    }

    [Fact]
    public async Task An_amendment_cannot_change_the_parties()
    {
        await _ledger.AgreeAsync(Samples.Agreement());
        var other = Amended(130, new DateOnly(2025, 3, 1)) with { PartyB = new AgreementParty { MspId = Samples.B, Tadigs = ["BBBB2", "BBBB3"] } };

        await _ledger.Refused(400, "invalid-amendment", B, "ProposeAmendment", [Samples.AgreementId], AgreementTransient(other));
    }

    [Fact]
    public async Task Accepting_a_superseding_agreement_ends_the_old_one_the_day_before()
    {
        await _ledger.AgreeAsync(Samples.Agreement());
        var successor = Samples.Agreement() with { AgreementId = "AB-2025-07", Supersedes = Samples.AgreementId, ValidFrom = new DateOnly(2025, 7, 1) };

        await _ledger.AgreeAsync(successor);

        var change = _ledger.LastEvent();
        Assert.Equal(AgreementStatus.Superseded, change.Superseded!.Status);
        Assert.Equal("AB-2025-07", change.Superseded.SupersededBy);
        Assert.Equal(new DateOnly(2025, 6, 30), change.Superseded.ValidTo);
        var old = await _ledger.Ok<AgreementState>(C, "GetAgreement", [Samples.AgreementId]);
        Assert.Equal(AgreementStatus.Superseded, old.Status);
    }

    [Fact]
    public async Task Termination_ends_the_validity_and_later_usage_is_a_finding()
    {
        await _ledger.AgreeAsync(Samples.Agreement());
        await _ledger.Refused(400, "invalid-argument", A, "TerminateAgreement", [Samples.AgreementId, "2025-01-01", "in the past"]);

        var terminated = await _ledger.Ok<AgreementState>(B, "TerminateAgreement", [Samples.AgreementId, "2025-01-15", "network closure"]);

        Assert.Equal((AgreementStatus.Terminated, new DateOnly(2025, 1, 15)), (terminated.Status, terminated.ValidTo));
        var result = await _ledger.SubmitAsync(A, Samples.Batch([Samples.Record(RoamingService.SmsMo, 1, 50, day: 14), Samples.Record(RoamingService.SmsMo, 1, 50, day: 16)]));
        Assert.Equal(new UsageFindingSummary { Code = "outside-validity", Count = 1, Records = "1" }, Assert.Single(result.Batch.Findings));
        await _ledger.Refused(412, "failed-precondition", A, "TerminateAgreement", [Samples.AgreementId, "2025-01-20", "again"]);
    }

    [Fact]
    public async Task The_document_is_read_by_the_parties_only()
    {
        await _ledger.AgreeAsync(Samples.Agreement());

        var document = await _ledger.Ok<AgreementDocument>(B, "GetAgreementDocument", [Samples.AgreementId, "1"]);

        Assert.Equal(2000, document.Direction(Samples.A).Rate(RoamingService.Data)!.PricePerUnit);
        await _ledger.Refused(403, "forbidden", C, "GetAgreementDocument", [Samples.AgreementId, "1"]);
        await _ledger.Refused(403, "forbidden", Regulator, "GetAgreementDocument", [Samples.AgreementId, "1"]);
    }
}
