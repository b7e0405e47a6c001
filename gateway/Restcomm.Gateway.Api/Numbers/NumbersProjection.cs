using System.Text.Json;
using Dapper;
using Restcomm.Fabric.Ledger;
using Restcomm.Gateway.Store.Projections;
using Restcomm.Numbers;

namespace Restcomm.Gateway.Api.Numbers;

/// <summary>One change of the registry with where it sits in the ledger.</summary>
/// <param name="Seq">Its position: block number × 2^20 + its position in the block (the change feed's cursor).</param>
/// <param name="BlockNumber">The block.</param>
/// <param name="TxId">The transaction.</param>
/// <param name="Caller">The organisation that made it.</param>
/// <param name="Change">The change.</param>
public sealed record PositionedChange(long Seq, long BlockNumber, string TxId, string Caller, NumberChange Change);

/// <summary>
/// The numbers read model, one of the projection engine's projections: current records, blocks and ports of the
/// <c>numbers</c> channel and the change feed in the store (migration V0006), and the in-memory <see cref="NumberIndex"/>
/// that answers lookups. A block's changes are written in the engine's transaction; the index takes the whole block
/// once that committed, so lookups never wait for the ledger and lag it by at most the block being applied.
/// </summary>
public sealed partial class NumbersProjection(NumberIndex index, ILogger<NumbersProjection> logger) : IProjection, IChangeFeedSource
{
    /// <summary>The channel the registry lives on.</summary>
    public const string Channel = "numbers";

    /// <summary>The chaincode whose events it follows.</summary>
    public const string Chaincode = "numbers";

    /// <summary>Changes one block may hold (the seq's low 20 bits).</summary>
    public const int MaxChangesPerBlock = 1 << 20;

    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <inheritdoc />
    public string Name => "numbers";

    /// <summary>Whether the stored read model has been loaded into the index.</summary>
    public bool IsLoaded => _loaded.Task.IsCompleted;

    /// <summary>Completes at the next block the index takes (for followers of the change feed).</summary>
    public Task Advanced => Volatile.Read(ref _advanced).Task;

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

    /// <summary>The registry changes of a block's valid transactions, in order, with their feed positions.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The changes.</returns>
    /// <exception cref="InvalidDataException">A valid transaction carries a <c>numbers.changed</c> event that is not a change set.</exception>
    public static IEnumerable<PositionedChange> Changes(LedgerBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var position = 0L;
        foreach (var transaction in block.Transactions)
        {
            if (!transaction.IsValid || transaction.ChaincodeEvent is not { ChaincodeId: Chaincode, EventName: NumberChangeSet.EventName } e)
            {
                continue;
            }

            NumberChangeSet? set;
            try
            {
                set = JsonSerializer.Deserialize<NumberChangeSet>(e.Payload.Span, NumbersJson.Options);
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"Transaction {transaction.TransactionId} carries an unreadable {NumberChangeSet.EventName} event: {ex.Message}", ex);
            }

            foreach (var change in set?.Changes ?? [])
            {
                if (position >= MaxChangesPerBlock)
                {
                    throw new InvalidDataException($"Block {block.Number} holds more than {MaxChangesPerBlock} registry changes.");
                }

                yield return new PositionedChange(((long)block.Number * MaxChangesPerBlock) + position++, (long)block.Number, transaction.TransactionId, set!.Caller, change);
            }
        }
    }

    /// <inheritdoc />
    public async Task StartAsync(ProjectionContext context, long nextBlock, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var records = await context.Connection.QueryAsync<string>(new CommandDefinition(
            "SELECT record_json FROM number_records WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var blocks = await context.Connection.QueryAsync<string>(new CommandDefinition(
            "SELECT block_json FROM number_blocks WHERE channel = @Channel", new { context.Channel }, context.Transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var count = 0;
        index.Load(
            records.Select(json => { count++; return JsonSerializer.Deserialize<NumberRecord>(json, NumbersJson.Options)!; }),
            blocks.Select(json => JsonSerializer.Deserialize<NumberBlock>(json, NumbersJson.Options)!),
            nextBlock);
        _loaded.TrySetResult();
        Pulse();
        Log.Loaded(logger, count, nextBlock);
    }

    /// <inheritdoc />
    public async Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var positioned in Changes(block))
        {
            var change = positioned.Change;
            var number = (long)block.Number;
            if (change.Record is { } record)
            {
                if (change.Kind == NumberChangeKind.Withdrawn)
                {
                    await Execute(context, cancellationToken, "DELETE FROM number_records WHERE channel = @Channel AND e164 = @E164",
                        new { context.Channel, E164 = record.E164.ToString() }).ConfigureAwait(false);
                }
                else
                {
                    await Execute(context, cancellationToken,
                        """
                        INSERT INTO number_records (channel, e164, provider, line_type, record_json, block_number)
                        VALUES (@Channel, @E164, @Provider, @LineType, @Json, @Block)
                        ON CONFLICT (channel, e164) DO UPDATE SET provider = excluded.provider, line_type = excluded.line_type,
                            record_json = excluded.record_json, block_number = excluded.block_number
                        """,
                        new
                        {
                            context.Channel,
                            E164 = record.E164.ToString(),
                            record.Provider,
                            LineType = JsonNamingPolicy.CamelCase.ConvertName(record.Profile.LineType.ToString()),
                            Json = JsonSerializer.Serialize(record, NumbersJson.Options),
                            Block = number,
                        }).ConfigureAwait(false);
                }
            }

            if (change.Block is { } numberBlock)
            {
                if (change.Kind == NumberChangeKind.BlockWithdrawn)
                {
                    await Execute(context, cancellationToken, "DELETE FROM number_blocks WHERE channel = @Channel AND block_id = @Id",
                        new { context.Channel, Id = numberBlock.Id.ToString() }).ConfigureAwait(false);
                }
                else
                {
                    await Execute(context, cancellationToken,
                        """
                        INSERT INTO number_blocks (channel, block_id, provider, block_json, block_number)
                        VALUES (@Channel, @Id, @Provider, @Json, @Block)
                        ON CONFLICT (channel, block_id) DO UPDATE SET provider = excluded.provider, block_json = excluded.block_json,
                            block_number = excluded.block_number
                        """,
                        new { context.Channel, Id = numberBlock.Id.ToString(), numberBlock.Provider, Json = JsonSerializer.Serialize(numberBlock, NumbersJson.Options), Block = number }).ConfigureAwait(false);
                }
            }

            if (change.Port is { } port)
            {
                await Execute(context, cancellationToken,
                    """
                    INSERT INTO number_ports (channel, port_id, e164, donor, recipient, status, due_at, port_json, block_number)
                    VALUES (@Channel, @PortId, @E164, @Donor, @Recipient, @Status, @DueAt, @Json, @Block)
                    ON CONFLICT (channel, port_id) DO UPDATE SET status = excluded.status, due_at = excluded.due_at,
                        port_json = excluded.port_json, block_number = excluded.block_number
                    """,
                    new
                    {
                        context.Channel,
                        port.PortId,
                        E164 = port.E164.ToString(),
                        port.Donor,
                        port.Recipient,
                        Status = JsonNamingPolicy.CamelCase.ConvertName(port.Status.ToString()),
                        DueAt = port.DueAt.ToUnixTimeMilliseconds(),
                        Json = JsonSerializer.Serialize(port, NumbersJson.Options),
                        Block = number,
                    }).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The change feed this projection's changes join (<c>GET /v1/numbers/changes</c>).</summary>
    public string Application => "numbers";

    /// <summary>
    /// Each registry change of the block as the <c>numbers</c> change feed carries it: its kind (<c>published</c>,
    /// <c>portRequested</c>…), the number (or the block's id, for block changes) and the change as JSON.
    /// </summary>
    /// <param name="channel">The channel.</param>
    /// <param name="block">The block.</param>
    /// <returns>The changes.</returns>
    public IEnumerable<FeedChange> FeedChanges(string channel, LedgerBlock block) =>
        Changes(block).Select(p => new FeedChange(
            p.TxId,
            JsonNamingPolicy.CamelCase.ConvertName(p.Change.Kind.ToString()),
            p.Change.E164?.ToString() ?? p.Change.Block?.Id.ToString() ?? p.Change.Port?.PortId ?? string.Empty,
            JsonSerializer.Serialize(p.Change, NumbersJson.Options)));

    /// <inheritdoc />
    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var table in new[] { "number_records", "number_blocks", "number_ports" })
        {
            await Execute(context, cancellationToken, $"DELETE FROM {table} WHERE channel = @Channel", new { context.Channel }).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Committed(string channel, LedgerBlock block)
    {
        ArgumentNullException.ThrowIfNull(block);
        index.ApplyBlock(Changes(block).Select(c => c.Change), (long)block.Number);
        Pulse();
    }

    private static Task<int> Execute(ProjectionContext context, CancellationToken cancellationToken, string sql, object parameters)
        => context.Connection.ExecuteAsync(new CommandDefinition(sql, parameters, context.Transaction, cancellationToken: cancellationToken));

    /// <summary>Wakes every waiter to look at the height again.</summary>
    private void Pulse()
        => Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private static partial class Log
    {
        [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "Numbers read model loaded: {Records} records at block height {Height}")]
        public static partial void Loaded(ILogger logger, int records, long height);
    }
}
