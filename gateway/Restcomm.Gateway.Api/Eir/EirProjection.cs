using Restcomm.Eir;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>
/// Keeps the EIR read model and the in-memory <see cref="ImeiIndex"/> current: on start it loads what the store
/// holds, then follows the <c>eir</c> channel block by block from the stored height, writing each block's
/// changes to the store and then to the index. Checks therefore never wait for the ledger and lag it by at
/// most the block being applied.
/// </summary>
public sealed partial class EirProjection(
    ImeiIndex index, IEirLedgerClient ledger, EirReadModel readModel, ILogger<EirProjection> logger) : BackgroundService
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Whether the stored read model has been loaded into the index.</summary>
    public bool IsLoaded => _loaded.Task.IsCompleted;

    /// <summary>Waits until the index reflects every block below <paramref name="blockHeight"/>.</summary>
    public async Task WaitForHeightAsync(long blockHeight, CancellationToken cancellationToken)
    {
        while (index.BlockHeight < blockHeight)
        {
            var advanced = Volatile.Read(ref _advanced).Task;
            if (index.BlockHeight >= blockHeight)
            {
                return;
            }

            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await readModel.EnsureCreatedAsync(stoppingToken).ConfigureAwait(false);
        var (entries, height) = await readModel.LoadAsync(stoppingToken).ConfigureAwait(false);
        index.Load(entries, height);
        _loaded.TrySetResult();
        Pulse();
        Log.Loaded(logger, entries.Count, height);

        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var block in ledger.ReadBlocksAsync(index.BlockHeight, stoppingToken).ConfigureAwait(false))
                {
                    if (block.Number < index.BlockHeight)
                    {
                        continue;
                    }

                    var changes = block.ChangeSets.SelectMany(s => s.Changes).ToList();
                    await readModel.ApplyBlockAsync(changes, block.Number + 1, stoppingToken).ConfigureAwait(false);
                    foreach (var change in changes)
                    {
                        index.Apply(change);
                    }

                    index.CompleteBlock(block.Number);
                    Pulse();
                    backoff = TimeSpan.FromMilliseconds(200);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The projection must outlive a lost peer connection: log, wait, resume from the height.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.StreamFailed(logger, e, index.BlockHeight, backoff);
            }

            await Task.Delay(backoff, stoppingToken).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
        }
    }

    /// <summary>Wakes every <see cref="WaitForHeightAsync"/> caller to look at the height again.</summary>
    private void Pulse()
        => Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "EIR read model loaded: {Entries} entries at block height {Height}")]
        public static partial void Loaded(ILogger logger, int entries, long height);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "EIR block stream failed at height {Height}; retrying in {Delay}")]
        public static partial void StreamFailed(ILogger logger, Exception exception, long height, TimeSpan delay);
    }
}
