using System.Text.Json;
using Restcomm.Eir;

namespace Restcomm.Chaincode.Eir.Tests.Domain;

public class EirReportTests
{
    private static readonly DateTimeOffset Now = Entries.T0;
    private static readonly EirTarget Device = EirTarget.Parse("356938035643809");

    [Fact]
    public void Black_report_with_reason_is_valid()
    {
        var report = new EirReport { Target = Device, Reason = ReasonCode.Stolen };

        Assert.NotNull(report.Validate(Now, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Black_report_without_reason_is_refused()
    {
        Assert.Null(new EirReport { Target = Device }.Validate(Now, out var error));
        Assert.Contains("needs a reason", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Grey_report_needs_a_future_expiry()
    {
        var grey = new EirReport { Target = Device, List = EirList.Grey, Reason = ReasonCode.Fraud };

        Assert.Null(grey.Validate(Now, out var missing));
        Assert.Contains("needs an expiry", missing, StringComparison.Ordinal);
        Assert.Null((grey with { ExpiresAt = Now }).Validate(Now, out var past));
        Assert.Contains("not in the future", past, StringComparison.Ordinal);
        Assert.NotNull((grey with { ExpiresAt = Now.AddDays(30) }).Validate(Now, out _));
    }

    [Fact]
    public void Only_grey_reports_may_expire()
    {
        var black = new EirReport { Target = Device, Reason = ReasonCode.Lost, ExpiresAt = Now.AddDays(1) };

        Assert.Null(black.Validate(Now, out var error));
        Assert.Contains("Only grey entries expire", error, StringComparison.Ordinal);
    }

    [Fact]
    public void White_list_holds_whole_tacs_without_reason()
    {
        Assert.NotNull(new EirReport { Target = EirTarget.Parse("35693803"), List = EirList.White }.Validate(Now, out _));
        Assert.Null(new EirReport { Target = Device, List = EirList.White }.Validate(Now, out var imeiError));
        Assert.Contains("allowed TACs", imeiError, StringComparison.Ordinal);
        Assert.Null(new EirReport { Target = EirTarget.Parse("35693803"), List = EirList.White, Reason = ReasonCode.Other }.Validate(Now, out var reasonError));
        Assert.Contains("no reason", reasonError, StringComparison.Ordinal);
    }

    [Fact]
    public void Evidence_hash_is_normalised_to_lower_case_hex_without_prefix()
    {
        var hex = new string('A', 32) + new string('0', 32);
        var report = new EirReport { Target = Device, Reason = ReasonCode.Stolen, EvidenceHash = "sha256:" + hex };

        var valid = report.Validate(Now, out _);

        Assert.Equal(hex.ToLowerInvariant(), valid!.EvidenceHash);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")]
    public void Evidence_that_is_not_a_sha256_digest_is_refused(string hash)
    {
        Assert.Null(new EirReport { Target = Device, Reason = ReasonCode.Stolen, EvidenceHash = hash }.Validate(Now, out var error));
        Assert.Contains("SHA-256", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlong_note_is_refused()
    {
        var report = new EirReport { Target = Device, Reason = ReasonCode.Other, Note = new string('n', EirReport.MaxNoteLength + 1) };

        Assert.Null(report.Validate(Now, out var error));
        Assert.Contains("at most", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stolen", ReasonCode.Stolen)]
    [InlineData("LOST", ReasonCode.Lost)]
    [InlineData("fraudulentlyObtained", ReasonCode.Fraud)]
    [InlineData("cloned", ReasonCode.Duplicate)]
    [InlineData("duplicate", ReasonCode.Duplicate)]
    [InlineData("faulty", ReasonCode.Faulty)]
    [InlineData("other", ReasonCode.Other)]
    public void Reason_names_and_aliases_are_read_from_json(string name, ReasonCode expected)
    {
        var json = $$"""{"target":"356938035643809","list":"black","reason":"{{name}}"}""";

        var report = JsonSerializer.Deserialize<EirReport>(json, EirJson.Options);

        Assert.Equal(expected, report!.Reason);
    }

    [Fact]
    public void Unknown_reason_in_json_is_refused_with_the_known_names()
    {
        var ex = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<EirReport>(
            """{"target":"356938035643809","reason":"borrowed"}""", EirJson.Options));

        Assert.Contains("stolen, lost, fraud, duplicate, faulty or other", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Change_set_round_trips_through_json_with_text_names()
    {
        var entry = Entries.Grey("35693803:000100-000199", Now.AddDays(3)) with { EvidenceHash = new string('a', 64), Note = "n" };
        var set = new EirChangeSet { TxId = "t1", Changes = [Entries.Reported(entry), Entries.Cleared(Entries.Black("356938035643809"))] };

        var json = JsonSerializer.Serialize(set, EirJson.Options);
        var back = JsonSerializer.Deserialize<EirChangeSet>(json, EirJson.Options)!;

        Assert.Contains("\"list\":\"grey\"", json, StringComparison.Ordinal);
        Assert.Contains("\"reason\":\"fraud\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"cleared\"", json, StringComparison.Ordinal);
        Assert.Contains("\"target\":\"35693803:000100-000199\"", json, StringComparison.Ordinal);
        Assert.Equal(2, back.Changes.Count);
        Assert.Equal(entry, back.Changes[0].Entry);
        Assert.Equal(EirChangeKind.Cleared, back.Changes[1].Kind);
    }
}
