namespace Restcomm.Roaming.Scenario;

/// <summary>The blocks a story's writes named, and a wait until a read model holds every one of them.</summary>
internal sealed class WrittenBlocks
{
    /// <summary>The ledger height that holds every block noted so far.</summary>
    public long Height { get; private set; }

    /// <summary>Notes the block a write answer names; returns the answer.</summary>
    public Answer Note(Answer answer)
    {
        if (answer.Body["blockNumber"] is { } block)
        {
            Height = Math.Max(Height, (long)block + 1);
        }

        return answer;
    }

    /// <summary>
    /// Polls <paramref name="readModel"/> (the height its read model holds, and how to say it) until it reaches
    /// <see cref="Height"/>, failing after <see cref="Rest.RequestTimeout"/>.
    /// </summary>
    public async Task CaughtUpAsync(Func<Task<(long Height, string Said)>> readModel)
    {
        var deadline = DateTime.UtcNow + Rest.RequestTimeout;
        while (true)
        {
            var (height, said) = await readModel();
            if (height >= Height)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the read model stayed at {said}, below {Height}");
            await Task.Delay(100);
        }
    }
}
