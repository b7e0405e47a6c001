namespace Restcomm.Fabric.Client;

/// <summary>Where an event stream starts. Without either setting it starts at the next block to commit.</summary>
public sealed class EventsOptions
{
    /// <summary>Start at this block (inclusive).</summary>
    public ulong? StartBlock { get; set; }

    /// <summary>
    /// Resume from a checkpoint: at its block, skipping (for chaincode events) everything up to and including its
    /// transaction. A checkpoint with no position yet is ignored, so <see cref="StartBlock"/> (or the next commit)
    /// applies on the first run.
    /// </summary>
    public ICheckpoint? Checkpoint { get; set; }
}

/// <summary>A position in the ledger: the block where the next event is expected and the last transaction processed in it.</summary>
public interface ICheckpoint
{
    /// <summary>The block in which the next event is expected, or null when nothing has been checkpointed.</summary>
    ulong? BlockNumber { get; }

    /// <summary>The last transaction processed within <see cref="BlockNumber"/>, or null when none was.</summary>
    string? TransactionId { get; }
}

/// <summary>Records event-processing progress so that a stream can resume exactly after what was processed.</summary>
public interface ICheckpointer : ICheckpoint
{
    /// <summary>Records that the whole of block <paramref name="blockNumber"/> was processed.</summary>
    /// <param name="blockNumber">The processed block.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask CheckpointBlockAsync(ulong blockNumber, CancellationToken cancellationToken = default);

    /// <summary>Records that transaction <paramref name="transactionId"/> in block <paramref name="blockNumber"/> was processed.</summary>
    /// <param name="blockNumber">The block of the transaction.</param>
    /// <param name="transactionId">The processed transaction.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask CheckpointTransactionAsync(ulong blockNumber, string transactionId, CancellationToken cancellationToken = default);

    /// <summary>Records that the chaincode event (and so its transaction) was processed.</summary>
    /// <param name="chaincodeEvent">The processed event.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    ValueTask CheckpointChaincodeEventAsync(CommittedChaincodeEvent chaincodeEvent, CancellationToken cancellationToken = default);
}

/// <summary>A checkpointer kept in memory: for resuming after a dropped connection within one process.</summary>
public sealed class InMemoryCheckpointer : ICheckpointer
{
    private readonly Lock _lock = new();
    private ulong? _blockNumber;
    private string? _transactionId;

    /// <inheritdoc />
    public ulong? BlockNumber
    {
        get
        {
            lock (_lock)
            {
                return _blockNumber;
            }
        }
    }

    /// <inheritdoc />
    public string? TransactionId
    {
        get
        {
            lock (_lock)
            {
                return _transactionId;
            }
        }
    }

    /// <inheritdoc />
    public ValueTask CheckpointBlockAsync(ulong blockNumber, CancellationToken cancellationToken = default) =>
        CheckpointTransactionAsync(blockNumber + 1, null, cancellationToken);

    /// <inheritdoc />
    public ValueTask CheckpointTransactionAsync(ulong blockNumber, string? transactionId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _blockNumber = blockNumber;
            _transactionId = transactionId;
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask CheckpointChaincodeEventAsync(CommittedChaincodeEvent chaincodeEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(chaincodeEvent);
        return CheckpointTransactionAsync(chaincodeEvent.BlockNumber, chaincodeEvent.TransactionId, cancellationToken);
    }
}
