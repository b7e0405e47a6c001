namespace Restcomm.Tap3.Tests;

public class AuditValidationTests
{
    [Fact]
    public void Each_audit_item_that_differs_from_the_call_events_is_a_fatal_mismatch_naming_both_values()
    {
        var doc = TapTrafficGenerator.CreateDocument(200, seed: 4);
        var right = TapEncoder.ComputeAudit(doc.Events);
        doc.Header.Audit = new AuditControl
        {
            TotalCharge = right.TotalCharge + 1,
            TotalTaxValue = right.TotalTaxValue + 2,
            TotalDiscountValue = right.TotalDiscountValue + 3,
            CallEventDetailsCount = right.CallEventDetailsCount + 4,
        };

        var fatal = TapValidator.Validate(doc).Errors.Where(e => e.Severity == TapSeverity.Fatal).ToList();

        Assert.All(fatal, e => Assert.Equal((100, "AuditControlInfo"), (e.Code, e.Context)));
        Assert.Equal(
        [
            $"TotalCharge {right.TotalCharge + 1} does not match the calculated sum of non-refund charges {right.TotalCharge}",
            $"TotalTaxValue {right.TotalTaxValue + 2} does not match the calculated sum of taxes {right.TotalTaxValue}",
            $"TotalDiscountValue {right.TotalDiscountValue + 3} does not match the calculated sum of discounts {right.TotalDiscountValue}",
            $"CallEventDetailsCount {right.CallEventDetailsCount + 4} does not match the {right.CallEventDetailsCount} call events in the file",
        ], fatal.Select(e => e.Message));
    }

    [Fact]
    public void Each_missing_audit_item_is_fatal_with_its_own_code()
    {
        var doc = TapTrafficGenerator.CreateDocument(10, seed: 4);
        doc.Header.Audit = new AuditControl();

        var fatal = TapValidator.Validate(doc).Errors.Where(e => e.Severity == TapSeverity.Fatal).ToList();

        Assert.Equal(
            [(30, "TotalCharge"), (31, "TotalTaxValue"), (32, "TotalDiscountValue"), (33, "CallEventDetailsCount")],
            fatal.Select(e => (e.Code, e.Item)));
    }
}
