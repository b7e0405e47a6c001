using System.Diagnostics.Metrics;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>
/// Feeds one projection from one (channel, chaincode) event stream: reads the checkpoint, asks the feed
/// for what follows it, and applies each event in a transaction that also moves the checkpoint.
/// </summary>
public sealed class ProjectionRunner
{
    /// <summary>Name of the meter that counts applied events (<c>restcomm.projection.events</c>).</summary>
    public const string MeterName = "Restcomm.Gateway.Projections";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> Applied = Meter.CreateCounter<long>("restcomm.projection.events", "{event}", "Chaincode events applied to read models.");

    private readonly GatewayStore _store;
    private readonly IChaincodeEventFeed _feed;

    /// <summary>Creates a runner.</summary>
    /// <param name="store">Store holding the read model and the checkpoints.</param>
    /// <param name="feed">Source of events.</param>
    public ProjectionRunner(GatewayStore store, IChaincodeEventFeed feed)
    {
        _store = store;
        _feed = feed;
    }

    /// <summary>Called after each applied event (for progress reporting); never inside the transaction.</summary>
    public Action<IProjection, ChaincodeEvent>? OnApplied { get; set; }

    /// <summary>Follows the stream until <paramref name="cancellationToken"/> fires or the feed ends.</summary>
    /// <param name="projection">The projection.</param>
    /// <param name="channel">Channel name.</param>
    /// <param name="chaincode">Chaincode name.</param>
    /// <param name="cancellationToken">Stops the run; the event being applied is rolled back.</param>
    /// <returns>How many events were applied in this run.</returns>
    public async Task<long> RunAsync(IProjection projection, string channel, string chaincode, CancellationToken cancellationToken)
    {
        var checkpoint = await _store.Checkpoints.GetAsync(projection.Name, channel, chaincode, cancellationToken).ConfigureAwait(false);
        long count = 0;
        await foreach (var chaincodeEvent in _feed.ReadAsync(channel, chaincode, checkpoint, cancellationToken).ConfigureAwait(false))
        {
            // A feed that resumes by block only would hand back the checkpointed block again; the
            // read model's own keys stop repeats inside it, earlier blocks are skipped here.
            if (checkpoint is not null && (chaincodeEvent.BlockNumber < checkpoint.BlockNumber ||
                (chaincodeEvent.BlockNumber == checkpoint.BlockNumber && chaincodeEvent.TransactionId == checkpoint.TransactionId)))
            {
                continue;
            }

            await using (var connection = await _store.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false))
            {
                await projection.ApplyAsync(chaincodeEvent, connection, transaction, cancellationToken).ConfigureAwait(false);
                await _store.Checkpoints.SaveAsync(connection, transaction, projection.Name, chaincodeEvent, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            checkpoint = new EventCheckpoint(chaincodeEvent.BlockNumber, chaincodeEvent.TransactionId);
            count++;
            Applied.Add(1, new KeyValuePair<string, object?>("projection", projection.Name), new KeyValuePair<string, object?>("channel", channel));
            OnApplied?.Invoke(projection, chaincodeEvent);
        }

        return count;
    }
}
