namespace Restcomm.Cli.Keys;

internal static class KeysCommand
{
    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        await stderr.WriteLineAsync("restcomm keys: not built yet.").ConfigureAwait(false);
        return 2;
    }
}
