extern alias cli;

using cli::Restcomm.Cli;
using Restcomm.Gateway.Store;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Gateway.Tests.Infrastructure;

namespace Restcomm.Gateway.Tests.Cli;

public sealed class ProjectionsCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "restcomm-cli-tests", Guid.NewGuid().ToString("N"));

    private string StorePath => Path.Combine(_directory, "api", "gateway.db");

    [Fact]
    public async Task Projections_list_shows_each_position_and_rebuild_marks_the_projection_for_a_replay()
    {
        await using (var store = await GatewayStore.OpenAsync(StoreLocation.Sqlite(StorePath), CancellationToken.None).WaitAsync(Timeout))
        {
            var feed = ListBlockFeed.WithBlocks("eir", "eir", blocks: 4, eventsPerBlock: 1);
            feed.Complete();
            await new ProjectionEngine(store, feed, [new LedgerEventsProjection(store)]).RunChannelAsync("eir", CancellationToken.None).WaitAsync(Timeout);
        }

        var (listCode, listed, _) = await RunAsync("projections", "list", "--store", StorePath);
        var (rebuildCode, rebuilt, _) = await RunAsync("projections", "rebuild", "ledger-events", "--store", StorePath);
        var (_, listedAfter, _) = await RunAsync("projections", "list", "--store", StorePath);
        var (unknownCode, _, unknownError) = await RunAsync("projections", "rebuild", "roaming", "--store", StorePath);

        Assert.Equal(0, listCode);
        Assert.Matches(@"ledger-events\s+eir\s+5\s+\S+ \S+\s+following", listed);
        Assert.Equal(0, rebuildCode);
        Assert.Contains("1 channel", rebuilt, StringComparison.Ordinal);
        Assert.Contains("rebuild requested", listedAfter, StringComparison.Ordinal);
        Assert.Equal(1, unknownCode);
        Assert.Contains("known: ledger-events", unknownError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Projections_without_a_sub_command_prints_usage_and_fails()
    {
        var (code, _, stderr) = await RunAsync("projections");

        Assert.Equal(2, code);
        Assert.Contains("restcomm projections rebuild NAME", stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CommandLine.RunAsync(args, stdout, stderr, CancellationToken.None).WaitAsync(Timeout);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
