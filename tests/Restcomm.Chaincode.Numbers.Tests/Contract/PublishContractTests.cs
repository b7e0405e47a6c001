using System.Text;
using Restcomm.Chaincode.Numbers.Tests.Support;
using Restcomm.Numbers;
using static Restcomm.Chaincode.Numbers.Tests.Support.NumbersLedger;

namespace Restcomm.Chaincode.Numbers.Tests.Contract;

public class PublishContractTests
{
    private const string Number = "+447700900123";
    private readonly NumbersLedger _ledger = new();

    [Fact]
    public async Task The_first_publisher_serves_a_new_number_and_an_event_carries_the_record()
    {
        var result = await _ledger.PublishAsync(ProviderA, Number);

        Assert.Equal(PublishOutcome.Published, result.Outcome);
        Assert.Equal(A, result.Record.Provider);
        var change = Assert.Single(_ledger.LastEvent().Changes);
        Assert.Equal((NumberChangeKind.Published, Number), (change.Kind, change.E164.ToString()));
        Assert.Equal(3, change.Record!.Profile.Capabilities.Count);
    }

    [Fact]
    public async Task Only_the_serving_provider_updates_or_withdraws_a_number_and_the_regulator_writes_nothing()
    {
        await _ledger.PublishAsync(ProviderA, Number);

        await _ledger.Refused(403, NumberRuleException.NotServingProvider, ProviderB, "Publish", Publication(Number, new NumberProfile()));
        await _ledger.Refused(403, NumberRuleException.NotServingProvider, ProviderB, "Withdraw", Number);
        await _ledger.Refused(403, "forbidden", Regulator, "Publish", Publication("+447700900999"));
        var updated = await _ledger.PublishAsync(ProviderA, Number, Rich("ACME LTD"));
        var withdrawn = await _ledger.Ok<NumberRecord>(ProviderA, "Withdraw", Number);

        Assert.Equal(PublishOutcome.Updated, updated.Outcome);
        Assert.Equal("ACME LTD", withdrawn.Profile.Cnam!.Name);
        Assert.Equal(NumberChangeKind.Withdrawn, Assert.Single(_ledger.LastEvent().Changes).Kind);
        await _ledger.Refused(404, NumberRuleException.Unknown, ProviderA, "GetNumber", Number);
    }

    [Fact]
    public async Task Publishing_the_same_profile_again_writes_nothing()
    {
        await _ledger.PublishAsync(ProviderA, Number);
        var writes = _ledger.Stub.State.Count;

        var again = await _ledger.PublishAsync(ProviderA, Number);

        Assert.Equal(PublishOutcome.Unchanged, again.Outcome);
        Assert.Null(_ledger.Stub.EventName);
        Assert.Equal(writes, _ledger.Stub.State.Count);
    }

    [Theory]
    [InlineData("+4477009")]
    [InlineData("+99912345678")]
    public async Task Invalid_numbers_are_refused_before_anything_is_written(string e164)
    {
        var json = $$$"""{"e164":"{{{e164}}}","profile":{"lineType":"mobile"}}""";

        var response = await _ledger.Invoke(ProviderA, "Publish", json);

        Assert.Equal(400, response.Status);
        Assert.Empty(_ledger.Stub.State);
        await _ledger.Refused(400, NumberRuleException.InvalidE164, ProviderA, "Withdraw", e164);
    }

    [Fact]
    public async Task An_invalid_caller_name_is_refused_with_a_numbers_code()
    {
        var message = await _ledger.Refused(400, NumberRuleException.InvalidRecord, ProviderA, "Publish", Publication(Number, Rich("THIS NAME IS TOO LONG")));

        Assert.Contains("1 to 15", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_about_the_subscriber_reaches_the_ledger()
    {
        var json = $$$"""
            {"e164":"{{{Number}}}","subscriber":"Jane Doe","profile":{"lineType":"mobile","accountId":"ACC-991",
             "capabilities":[{"name":"sms","consentHash":"{{{ConsentHash}}}","consentAt":"2026-01-01T00:00:00Z","signedBy":"Jane Doe"}]}}
            """;

        await _ledger.Ok<PublishResult>(ProviderA, "Publish", json);

        var state = string.Concat(_ledger.Stub.State.Values.Select(v => Encoding.UTF8.GetString(v)));
        Assert.DoesNotContain("Jane", state, StringComparison.Ordinal);
        Assert.DoesNotContain("ACC-991", state, StringComparison.Ordinal);
        Assert.DoesNotContain("Jane", Encoding.UTF8.GetString(_ledger.Stub.EventPayload.Span), StringComparison.Ordinal);
        Assert.Contains(ConsentHash, state, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bulk_publication_is_all_or_nothing()
    {
        await _ledger.PublishAsync(ProviderB, "+447700900200");
        var numbers = new[] { "+447700900201", "+447700900202", "+447700900200" }
            .Select(n => new NumberPublication { E164 = E164Number.Parse(n), Profile = Rich() }).ToList();

        await _ledger.Refused(403, NumberRuleException.NotServingProvider, ProviderA, "PublishBulk", Json(numbers));
        Assert.Single(_ledger.Stub.State);

        var result = await _ledger.Ok<BulkPublishResult>(ProviderA, "PublishBulk", Json(numbers.Take(2)));
        Assert.Equal((2, 0), (result.Published, result.Updated));
        Assert.Equal(2, _ledger.LastEvent().Changes.Count);
        var withdrawn = await _ledger.Ok<BulkWithdrawResult>(ProviderA, "WithdrawBulk", Json(new[] { "+447700900201", "+447700900202" }));
        Assert.Equal(2, withdrawn.Withdrawn.Count);
    }

    [Fact]
    public async Task Numbers_of_a_block_follow_the_block_and_only_its_provider_overrides_one()
    {
        var block = Json(new BlockPublication { Id = NumberBlockId.Parse("+44207946xxxx"), Profile = new NumberProfile { LineType = LineType.Fixed, Capabilities = [Capability("voice")] } });
        await _ledger.Ok<BlockPublishResult>(ProviderA, "PublishBlock", block);

        var view = await _ledger.Ok<NumberView>(ProviderC, "GetNumber", "+442079461234");
        await _ledger.Refused(403, NumberRuleException.NotServingProvider, ProviderB, "Publish", Publication("+442079461234"));
        var overridden = await _ledger.PublishAsync(ProviderA, "+442079461234");

        Assert.Equal((A, (NumberRecord?)null), (view.Provider, view.Record));
        Assert.Equal("+44207946xxxx", overridden.Record.Block);
    }

    [Theory]
    [InlineData("+44207946xxxx", "+442079461xxx")]
    [InlineData("+44207946xxxx", "+4420794612xx")]
    [InlineData("+442079461xxx", "+44207946xxxx")]
    [InlineData("+4420794612xx", "+44207946xxxx")]
    public async Task Blocks_cannot_overlap_whichever_comes_first(string first, string second)
    {
        await _ledger.Ok<BlockPublishResult>(ProviderA, "PublishBlock", Json(new BlockPublication { Id = NumberBlockId.Parse(first) }));

        await _ledger.Refused(409, NumberRuleException.BlockOverlap, ProviderB, "PublishBlock", Json(new BlockPublication { Id = NumberBlockId.Parse(second) }));
    }

    [Fact]
    public async Task A_block_of_numbers_of_another_length_under_the_same_digits_does_not_overlap()
    {
        await _ledger.Ok<BlockPublishResult>(ProviderA, "PublishBlock", Json(new BlockPublication { Id = NumberBlockId.Parse("+44207946xxxx") }));

        var inside = await _ledger.Invoke(ProviderB, "PublishBlock", Json(new BlockPublication { Id = NumberBlockId.Parse("+44207946123xx") }));
        await _ledger.Refused(409, NumberRuleException.BlockOverlap, ProviderB, "PublishBlock", Json(new BlockPublication { Id = NumberBlockId.Parse("+442079461xxx") }));

        Assert.True(inside.IsSuccess, inside.Message);
    }

    [Fact]
    public async Task A_restricted_caller_name_is_shown_only_to_its_provider_and_the_regulator()
    {
        await _ledger.PublishAsync(ProviderA, Number, Rich("DR SMITH", CnamPresentation.Restricted));

        var other = await _ledger.Ok<CnamView>(ProviderB, "GetCnam", Number);
        var own = await _ledger.Ok<CnamView>(ProviderA, "GetCnam", Number);
        var regulator = await _ledger.Ok<CnamView>(Regulator, "GetCnam", Number);
        var record = await _ledger.Ok<NumberView>(ProviderB, "GetNumber", Number);

        Assert.Equal(new CallerNameView(null, CnamPresentation.Restricted), other.Cnam);
        Assert.Equal("DR SMITH", own.Cnam!.Name);
        Assert.Equal("DR SMITH", regulator.Cnam!.Name);
        Assert.Equal("", record.Record!.Profile.Cnam!.Name);
        var history = await _ledger.Ok<List<NumberHistoryEntry>>(ProviderB, "GetHistory", Number);
        Assert.DoesNotContain(history, h => h.Record?.Profile.Cnam?.Name == "DR SMITH");
    }

    [Fact]
    public async Task An_allowed_caller_name_is_shown_to_everyone()
    {
        await _ledger.PublishAsync(ProviderA, Number);

        var cnam = await _ledger.Ok<CnamView>(ProviderB, "GetCnam", Number);

        Assert.Equal(new CallerNameView("ACME PLUMBING", CnamPresentation.Allowed), cnam.Cnam);
        Assert.Equal(A, cnam.Provider);
    }
}
