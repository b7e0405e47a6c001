using Restcomm.Numbers;
using static Restcomm.Chaincode.Numbers.Tests.Support.NumbersLedger;

namespace Restcomm.Chaincode.Numbers.Tests.Domain;

public class NumberRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_valid_profile_is_kept_with_capabilities_sorted_by_name()
    {
        var profile = NumberRules.Validate(Rich(), Now);

        Assert.Equal(["rcs", "sms", "voice"], profile.Capabilities.Select(c => c.Name));
        Assert.Equal("ACME PLUMBING", profile.Cnam!.Name);
    }

    [Theory]
    [InlineData("Voice", null, "capability name")]
    [InlineData("voice", "http://gw.example.com", "routing URI")]
    [InlineData("voice", "mailto:someone@example.com", "routing URI")]
    [InlineData("voice", "sip:a b@example.com", "routing URI")]
    public void Malformed_capabilities_are_refused(string name, string? uri, string why)
    {
        var profile = new NumberProfile { Capabilities = [Capability(name, uri)] };

        var e = Assert.Throws<NumberRuleException>(() => NumberRules.Validate(profile, Now));

        Assert.Equal(NumberRuleException.InvalidRecord, e.Code);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Consent_needs_a_sha256_a_past_date_and_an_expiry_after_it()
    {
        Assert.Contains("64 hex", Assert.Throws<NumberRuleException>(() => NumberRules.Validate(Capability("sms") with { ConsentHash = "abc" }, Now)).Message, StringComparison.Ordinal);
        Assert.Contains("after the transaction", Assert.Throws<NumberRuleException>(() => NumberRules.Validate(Capability("sms") with { ConsentAt = Now.AddDays(1) }, Now)).Message, StringComparison.Ordinal);
        Assert.Contains("expires before", Assert.Throws<NumberRuleException>(() => NumberRules.Validate(Capability("sms") with { ConsentExpires = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero) }, Now)).Message, StringComparison.Ordinal);
        Assert.Throws<NumberRuleException>(() => NumberRules.Validate(new NumberProfile { Capabilities = [Capability("sms"), Capability("sms")] }, Now));
    }

    [Theory]
    [InlineData("ACME PLUMBING CO", "not 16")]
    [InlineData("", "not 0")]
    [InlineData(" ACME", "leading")]
    [InlineData("CAFÉ", "printable ASCII only")]
    public void Caller_names_are_1_to_15_printable_ascii_characters(string name, string why)
    {
        var e = Assert.Throws<NumberRuleException>(() => NumberRules.Validate(new CallerName { Name = name }));

        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Equal("ACME PLUMBING C", NumberRules.Validate(new CallerName { Name = "ACME PLUMBING C" }).Name);
    }
}
