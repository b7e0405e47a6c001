using System.Data.Common;
using Restcomm.Fabric.Ledger;

namespace Restcomm.Gateway.Store.Projections;

/// <summary>
/// A read model kept from the ledger's blocks by the <see cref="ProjectionEngine"/>. <see cref="ApplyAsync"/> runs inside
/// the database transaction that also moves the projection's position to the next block, so each block is applied
/// exactly once even when the process dies at any moment. Blocks without anything for the projection still move it.
/// </summary>
/// <remarks>
/// The schema of a projection's tables is a versioned migration of the store (<c>Migrations/V####__name.sql</c>).
/// <see cref="ResetAsync"/> empties them for a rebuild from block 0 (<c>restcomm projections rebuild NAME</c>).
/// </remarks>
public interface IProjection
{
    /// <summary>Stable name; the position is stored under it (one per channel it follows).</summary>
    string Name { get; }

    /// <summary>Whether the projection follows <paramref name="channel"/>.</summary>
    /// <param name="channel">A channel of the organisation.</param>
    /// <returns>True to receive its blocks.</returns>
    bool Follows(string channel);

    /// <summary>
    /// Called each time the engine starts following a channel, before the first block: e.g. loads an in-memory view from
    /// the read model as of <paramref name="nextBlock"/>.
    /// </summary>
    /// <param name="context">The channel, an open connection and a read transaction.</param>
    /// <param name="nextBlock">The first block that will be applied.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task.</returns>
    Task StartAsync(ProjectionContext context, long nextBlock, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Applies one block to the read model, writing only through the context's connection and transaction.</summary>
    /// <param name="context">The channel, an open connection and the transaction to write in (committed by the engine with the position).</param>
    /// <param name="block">The block: every transaction with its validation code; only valid ones took effect.</param>
    /// <param name="cancellationToken">Cancels the work (the transaction is then rolled back).</param>
    /// <returns>A task.</returns>
    Task ApplyAsync(ProjectionContext context, LedgerBlock block, CancellationToken cancellationToken);

    /// <summary>Removes the projection's rows for a channel, inside the transaction that rewinds its position to block 0.</summary>
    /// <param name="context">The channel, an open connection and the transaction.</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task.</returns>
    Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken);

    /// <summary>Called after the transaction holding <paramref name="block"/> committed: e.g. updates an in-memory view.</summary>
    /// <param name="channel">The channel.</param>
    /// <param name="block">The block just committed to the read model.</param>
    void Committed(string channel, LedgerBlock block)
    {
    }
}

/// <summary>Where a projection writes: the channel whose block it applies, and the store's connection and transaction.</summary>
/// <param name="Channel">The channel.</param>
/// <param name="Connection">An open connection to the store.</param>
/// <param name="Transaction">The transaction to write in.</param>
/// <param name="Provider">The database engine, for the rare statement that differs.</param>
public sealed record ProjectionContext(string Channel, DbConnection Connection, DbTransaction Transaction, StoreProvider Provider);

/// <summary>A source of committed blocks, e.g. the Fabric Gateway's Deliver service through the organisation's connection.</summary>
public interface IBlockFeed
{
    /// <summary>Streams a channel's blocks in order from <paramref name="fromBlock"/>, waiting for new ones until cancelled.</summary>
    /// <param name="channel">Channel name.</param>
    /// <param name="fromBlock">The first block wanted.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The blocks.</returns>
    IAsyncEnumerable<LedgerBlock> ReadBlocksAsync(string channel, long fromBlock, CancellationToken cancellationToken);
}
