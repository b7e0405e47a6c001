using System.Text.Json;
using Dapper;
using Restcomm.Eir;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store.Projections;

namespace Restcomm.Gateway.Api.Eir;

/// <summary>
/// The EIR read model, one of the projection engine's projections: the current entries of the <c>eir</c> channel in the
/// store (table <c>eir_entries</c>, migration V0002), and the in-memory <see cref="ImeiIndex"/> that answers checks. Each
/// block's <c>eir.changed</c> events are written to the store in the engine's transaction; the index takes them once that
/// transaction committed, so checks never wait for the ledger and lag it by at most the block being applied.
/// </summary>
public sealed partial class EirProjection(ImeiIndex index, ILogger<EirProjection> logger) : IProjection, IChangeFeedSource
{
    /// <summary>The channel the EIR lives on.</summary>
    public const string Channel = "eir";

    /// <summary>The chaincode whose events it follows.</summary>
    public const string Chaincode = "eir";

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public string Name => "eir";

    /// <summary>Whether the stored read model has been loaded into the index.</summary>
    public bool IsLoaded => _loaded.Task.IsCompleted;

    /// <inheritdoc />
    public bool Follows(string channel) => channel == Channel;

    /// <summary>Waits until the index reflects every block below <paramref name="blockHeight"/>.</summary>
    /// <param name="blockHeight">The height wanted.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>A task that completes when the index is there.</returns>
    public async Task WaitForHeightAsync(long blockHeight, CancellationToken cancellationToken)
    {
        while (true)
        {
            var advanced = Volatile.Read(ref _advanced).Task;
            if (IsLoaded && index.BlockHeight >= blockHeight)
            {
                return;
            }

            await advanced.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The EIR changes of a block's valid transactions, in order.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The changes.</returns>
    /// <exception cref="InvalidDataException">A valid transaction carries an <c>eir.changed</c> event that is not a change set.</exception>
    public static IEnumerable<EirChange> Changes(LedgerBlock block) => ChangesByTransaction(block).Select(c => c.Change);

    /// <inheritdoc />
    public string Application => "eir";

    /// <summary>Each change of the block as the <c>eir</c> change feed carries it: kind, entry ID and the change as JSON.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="block">The block.</param>
    /// <returns>The changes.</returns>
    public IEnumerable<FeedChange> FeedChanges(string channel, LedgerBlock block) =>
        ChangesByTransaction(block).Select(c => new FeedChange(c.TransactionId, KindName(c.Change.Kind), c.Change.Entry.Id, JsonSerializer.Serialize(c.Change, EirJson.Options)));

    private static string KindName(EirChangeKind kind) => kind switch
    {
        EirChangeKind.Reported => "reported",
        EirChangeKind.Updated => "updated",
        EirChangeKind.Cleared => "cleared",
        _ => JsonSerializer.Serialize(kind, EirJson.Options).Trim('"'),
    };

    private static IEnumerable<(string TransactionId, EirChange Change)> ChangesByTransaction(LedgerBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        foreach (var transaction in block.Transactions)
        {
            if (!transaction.IsValid || transaction.ChaincodeEvent is not { ChaincodeId: Chaincode, EventName: EirChangeSet.EventName } e)
            {
                continue;
            }

            EirChangeSet? set;
            try
            {
                set = JsonSerializer.Deserialize<EirChangeSet>(e.Payload.Span, EirJson.Options);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Transaction {transaction.TransactionId} carries an unreadable {EirChangeSet.EventName} event: {ex.Message}", ex);
            }

            foreach (var change in set?.Changes ?? [])
            {
                yield return (transaction.TransactionId, change);
            }
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(ProjectionContext context, long nextBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var rows = await context.Connection.QueryAsync<string>(new CommandDefinition(
            "SELECT entry_json FROM eir_entries WHERE channel = @Channel",
            new { context.Channel }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var entries = rows.Select(json => JsonSerializer.Deserialize<EirEntry>(json, EirJson.Options)!).ToList();
        index.Load(entries, nextBlock);
        _loaded.TrySetResult();
        Pulse();
        Log.Loaded(logger, entries.Count, nextBlock);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var change in Changes(block))
        {
            var entry = change.Entry;
            if (change.Kind == EirChangeKind.Cleared)
            {
                await context.Connection.ExecuteAsync(new CommandDefinition(
                    "DELETE FROM eir_entries WHERE channel = @Channel AND entry_id = @Id",
                    new { context.Channel, entry.Id }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                continue;
            }

            await context.Connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO eir_entries (channel, entry_id, target, list, owner, reason, updated_at, entry_json, block_number)
                VALUES (@Channel, @Id, @Target, @List, @Owner, @Reason, @UpdatedAt, @Json, @Block)
                ON CONFLICT (channel, entry_id) DO UPDATE SET
                    target = excluded.target, list = excluded.list, owner = excluded.owner, reason = excluded.reason,
                    updated_at = excluded.updated_at, entry_json = excluded.entry_json, block_number = excluded.block_number
                """,
                new
                {
                    context.Channel,
                    entry.Id,
                    Target = entry.Target.ToString(),
                    List = EirNames.Of(entry.List),
                    entry.Owner,
                    Reason = entry.Reason is { } reason ? EirNames.Of(reason) : null,
                    UpdatedAt = entry.UpdatedAt.ToUnixTimeMilliseconds(),
                    Json = JsonSerializer.Serialize(entry, EirJson.Options),
                    Block = (long)block.Number,
                },
                context.Transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM eir_entries WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Committed(string channel, LedgerBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        foreach (var change in Changes(block))
        {
            index.Apply(change);
        }

        index.CompleteBlock((long)block.Number);
        Pulse();
    }

    /// <summary>Wakes every <see cref="WaitForHeightAsync"/> caller to look at the height again.</summary>
    private void Pulse()
        => Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "EIR read model loaded: {Entries} entries at block height {Height}")]
        public static partial void Loaded(ILogger logger, int entries, long height);
    }
}
