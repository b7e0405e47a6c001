namespace Restcomm.Cli.Tap;

internal static class TapCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await stderr.WriteLineAsync("restcomm tap: not built yet.").ConfigureAwait(false);
        return 2;
    }
}
