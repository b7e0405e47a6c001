using Restcomm.Cli;

namespace Restcomm.Tap3.Tests;

public sealed class RapCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("rap-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private async Task<string> WriteTapAsync(TapDocument doc)
    {
        var path = Path.Combine(_dir, "in.tap");
        await File.WriteAllBytesAsync(path, TapEncoder.Encode(doc)).WaitAsync(Samples.Timeout);
        return path;
    }

    [Fact]
    public async Task Validate_with_rap_writes_a_fatal_return_for_a_refused_file_and_keeps_exit_code_and_stdout()
    {
        var rapPath = Path.Combine(_dir, "out.rap");
        var sample = Samples.PathOf("tap_3_12_negative_volume.ber");
        var plain = await RunAsync("tap", "validate", sample);

        var (exit, output, error) = await RunAsync("tap", "validate", sample, "--rap", rapPath);

        Assert.Equal(1, exit);
        Assert.Equal(plain.Out, output);
        Assert.Contains("wrote RAP file", error, StringComparison.Ordinal);
        var rap = RapDecoder.Decode(await File.ReadAllBytesAsync(rapPath).WaitAsync(Samples.Timeout)).ReturnBatch!;
        Assert.Equal("00001", rap.BatchControl.RapFileSequenceNumber);
        var fatal = Assert.IsType<RapFatalReturn>(Assert.Single(rap.Returns));
        Assert.Equal([100, 100], fatal.Groups.SelectMany(g => g.Errors).Select(e => e.ErrorCode));
    }

    [Fact]
    public async Task Validate_with_rap_returns_the_rejected_call_events_of_an_accepted_file_under_the_given_sequence()
    {
        var doc = TapTrafficGenerator.CreateDocument(40, seed: 8);
        doc.Events[11].Imsi = null;
        doc.Events[12].Imsi = null;
        doc.Header.Audit = TapEncoder.ComputeAudit(doc.Events);
        var tap = await WriteTapAsync(doc);
        var rapPath = Path.Combine(_dir, "out.rap");

        var (exit, _, error) = await RunAsync("tap", "validate", tap, "--rap", rapPath, "--rap-sequence", "42");

        Assert.Equal(0, exit);
        Assert.Contains("2 SevereReturn(s)", error, StringComparison.Ordinal);
        var rap = RapDecoder.Decode(await File.ReadAllBytesAsync(rapPath).WaitAsync(Samples.Timeout)).ReturnBatch!;
        Assert.Equal("00042", rap.BatchControl.RapFileSequenceNumber);
        Assert.Equal([12L, 13L], rap.Returns.Cast<RapSevereReturn>().Select(r => r.Occurrence!.Value));
        Assert.Equal(2, rap.ReturnDetailsCount);
    }

    [Fact]
    public async Task Validate_with_rap_writes_no_file_and_says_so_when_there_is_nothing_to_return()
    {
        var tap = await WriteTapAsync(TapTrafficGenerator.CreateDocument(20, seed: 8));
        var rapPath = Path.Combine(_dir, "out.rap");

        var (exit, _, error) = await RunAsync("tap", "validate", tap, "--rap", rapPath);

        Assert.Equal(0, exit);
        Assert.Contains("nothing to return", error, StringComparison.Ordinal);
        Assert.False(File.Exists(rapPath));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("100000")]
    [InlineData("x")]
    public async Task Validate_refuses_a_rap_sequence_outside_1_to_99999(string sequence)
    {
        var (exit, _, error) = await RunAsync("tap", "validate", Samples.PathOf("tap_3_12_valid.ber"), "--rap", Path.Combine(_dir, "o.rap"), "--rap-sequence", sequence);

        Assert.Equal(2, exit);
        Assert.Contains("--rap-sequence", error, StringComparison.Ordinal);
    }
}
