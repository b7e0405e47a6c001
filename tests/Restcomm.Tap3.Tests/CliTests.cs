using System.Text.Json;
using Restcomm.Cli;

namespace Restcomm.Tap3.Tests;

public class CliTests
{
    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public async Task Inspect_prints_the_decoded_file_as_json()
    {
        var (exit, output, _) = await RunAsync("tap", "inspect", Samples.PathOf("tap_3_12_valid.ber"));

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var root = json.RootElement;
        Assert.Equal("3.12", root.GetProperty("version").GetString());
        Assert.Equal("WERFD", root.GetProperty("batchControlInfo").GetProperty("sender").GetString());
        var events = root.GetProperty("events");
        Assert.Equal(4, events.GetArrayLength());
        Assert.Equal("MobileTerminatedCall", events[0].GetProperty("type").GetString());
        Assert.Equal(2300, events[0].GetProperty("charges")[0].GetProperty("details")[0].GetProperty("charge").GetInt64());
        Assert.Equal(2_200_000_000, events[2].GetProperty("dataVolumeOutgoing").GetInt64());
        Assert.Equal(64, events[0].GetProperty("hash").GetString()!.Length);
        Assert.Equal(71_200, root.GetProperty("totals").GetProperty("totalCharge").GetInt64());
        Assert.Equal(2300, root.GetProperty("auditControlInfo").GetProperty("totalCharge").GetInt64());
        Assert.True(root.GetProperty("validation").GetProperty("fatal").GetBoolean());
    }

    [Fact]
    public async Task Inspect_names_event_items_in_canonical_order_and_leaves_absent_ones_out()
    {
        var (_, output, _) = await RunAsync("tap", "inspect", Samples.PathOf("tap_3_12_valid.ber"));

        using var json = JsonDocument.Parse(output);
        var keys = json.RootElement.GetProperty("events").EnumerateArray()
            .Select(e => string.Join(",", e.EnumerateObject().Select(p => p.Name))).ToList();
        const string Head = "index,offset,type,rejected,hash,imsi,startTime,";
        Assert.Equal(
        [
            Head + "durationSeconds,recEntityCodes,locationArea,cellId,teleServiceCode,charges",
            Head + "durationSeconds,recEntityCodes,locationArea,cellId,teleServiceCode,charges",
            Head + "durationSeconds,recEntityCodes,accessPointNameNI,chargingId,dataVolumeIncoming,dataVolumeOutgoing,charges",
            Head + "recEntityCodes,locationArea,cellId,supplServiceCode,supplServiceActionCode,charges",
        ], keys);
    }

    [Fact]
    public async Task Validate_exits_1_on_a_fatal_error_and_lists_it()
    {
        var (exit, output, _) = await RunAsync("tap", "validate", Samples.PathOf("tap_3_12_valid.ber"));

        Assert.Equal(1, exit);
        Assert.Contains("REFUSED", output, StringComparison.Ordinal);
        Assert.Contains("AuditControlInfo/TotalCharge", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_exits_0_for_a_clean_file()
    {
        var (exit, output, _) = await RunAsync("tap", "validate", Samples.PathOf("tap_notification.ber"));

        Assert.Equal(0, exit);
        Assert.Contains("ACCEPTED", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_reports_malformed_ber_with_its_offset_and_exit_1()
    {
        var (exit, _, error) = await RunAsync("tap", "validate", Samples.PathOf("tap_3_12_trailing_eoc_invalid.ber"));

        Assert.Equal(1, exit);
        Assert.Contains("byte offset 819", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_and_missing_files_have_their_own_exit_codes()
    {
        Assert.Equal(2, (await RunAsync("tap")).Exit);
        Assert.Equal(2, (await RunAsync("tap", "validate")).Exit);
        Assert.Equal(2, (await RunAsync("tap", "generate", "--records", "x", "--out", "/tmp/x")).Exit);
        Assert.Equal(2, (await RunAsync("tap", "frobnicate")).Exit);
        var missing = await RunAsync("tap", "validate", "/nonexistent/file.tap");
        Assert.Equal(3, missing.Exit);
        Assert.Contains("not found", missing.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_writes_a_file_that_validates_clean_and_shows_progress_when_asked()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tap-cli-{Guid.NewGuid():N}.tap");
        try
        {
            var (exit, output, error) = await RunAsync("tap", "generate", "--records", "5000", "--seed", "4", "--out", path, "--progress");
            Assert.Equal(0, exit);
            Assert.Contains("5000", output, StringComparison.Ordinal);
            Assert.Contains("100.0%", error, StringComparison.Ordinal);

            var (validateExit, report, _) = await RunAsync("tap", "validate", path);
            Assert.Equal(0, validateExit);
            Assert.Contains("5000 call events", report, StringComparison.Ordinal);

            var (jsonExit, json, _) = await RunAsync("tap", "validate", path, "--json");
            Assert.Equal(0, jsonExit);
            Assert.Equal("accepted", JsonDocument.Parse(json).RootElement.GetProperty("verdict").GetString());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
