using System.Runtime.CompilerServices;
using Google.Protobuf;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client;

/// <summary>A Fabric channel as seen through a <see cref="Gateway"/>: its contracts and its event streams.</summary>
public sealed class Network
{
    private readonly GatewayContext _context;

    internal Network(GatewayContext context, string name)
    {
        _context = context;
        Name = name;
    }

    /// <summary>The channel name.</summary>
    public string Name { get; }

    /// <summary>Returns a chaincode's default contract, or the named contract within it.</summary>
    /// <param name="chaincodeName">The chaincode name, e.g. <c>example</c>.</param>
    /// <param name="contractName">A contract within the chaincode, or null for its default contract.</param>
    public Contract GetContract(string chaincodeName, string? contractName = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(chaincodeName);
        return new Contract(_context, Name, chaincodeName, string.IsNullOrEmpty(contractName) ? null : contractName);
    }

    /// <summary>
    /// A commit status request for a transaction submitted earlier, perhaps by another process (one that stopped before it
    /// learnt the outcome): <see cref="Commit.GetStatusAsync(CancellationToken)"/> waits until the transaction commits, so
    /// bound it for a transaction that may never have reached ordering. Signed by this gateway's identity when sent; to
    /// sign offline, sign <see cref="Commit.GetDigest"/> and use <see cref="Gateway.NewSignedCommit"/>.
    /// </summary>
    /// <param name="transactionId">The transaction ID.</param>
    public Commit NewCommit(string transactionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(transactionId);
        var request = new Protos.Gateway.CommitStatusRequest { TransactionId = transactionId, ChannelId = Name, Identity = _context.Signing.Creator };
        return new Commit(_context, new Protos.Gateway.SignedCommitStatusRequest { Request = request.ToByteString() }, Name, transactionId);
    }

    /// <summary>Builds a chaincode events request (to sign offline, or to read with <see cref="ChaincodeEventsRequest.GetEventsAsync(CancellationToken)"/>).</summary>
    /// <param name="chaincodeName">The chaincode whose events to read.</param>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    public ChaincodeEventsRequest NewChaincodeEventsRequest(string chaincodeName, EventsOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(chaincodeName);
        return ChaincodeEventsRequest.Create(_context, Name, chaincodeName, options ?? new EventsOptions());
    }

    /// <summary>
    /// Streams a chaincode's events from committed, valid transactions, in ledger order, until cancelled. Record
    /// progress with an <see cref="ICheckpointer"/> and pass it back in <see cref="EventsOptions.Checkpoint"/> to
    /// resume exactly after the last event you processed.
    /// </summary>
    /// <param name="chaincodeName">The chaincode whose events to read.</param>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    public async IAsyncEnumerable<CommittedChaincodeEvent> GetChaincodeEventsAsync(
        string chaincodeName, EventsOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = NewChaincodeEventsRequest(chaincodeName, options);
        await foreach (var e in request.GetEventsAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return e;
        }
    }

    /// <summary>Builds a request for full blocks through the peer's Deliver service.</summary>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    public BlockEventsRequest<Block> NewBlockEventsRequest(EventsOptions? options = null) =>
        BlockEventsRequest<Block>.Full(_context, BlockEventsRequest<Block>.BuildEnvelope(_context, Name, options));

    /// <summary>Builds a request for filtered blocks (transaction IDs, validation codes and chaincode event names, no payloads).</summary>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    public BlockEventsRequest<FilteredBlock> NewFilteredBlockEventsRequest(EventsOptions? options = null) =>
        BlockEventsRequest<FilteredBlock>.Filtered(_context, BlockEventsRequest<FilteredBlock>.BuildEnvelope(_context, Name, options));

    /// <summary>Builds a request for blocks with the private data this peer holds and the client may read.</summary>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    public BlockEventsRequest<BlockAndPrivateData> NewBlockAndPrivateDataEventsRequest(EventsOptions? options = null) =>
        BlockEventsRequest<BlockAndPrivateData>.WithPrivateData(_context, BlockEventsRequest<BlockAndPrivateData>.BuildEnvelope(_context, Name, options));

    /// <summary>Streams full blocks as they commit, until cancelled.</summary>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    public IAsyncEnumerable<Block> GetBlockEventsAsync(EventsOptions? options = null, CancellationToken cancellationToken = default) =>
        NewBlockEventsRequest(options).GetEventsAsync(cancellationToken);

    /// <summary>Streams filtered blocks as they commit, until cancelled.</summary>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    public IAsyncEnumerable<FilteredBlock> GetFilteredBlockEventsAsync(EventsOptions? options = null, CancellationToken cancellationToken = default) =>
        NewFilteredBlockEventsRequest(options).GetEventsAsync(cancellationToken);

    /// <summary>Streams blocks with private data as they commit, until cancelled.</summary>
    /// <param name="options">Where to start; by default at the next block to commit.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    public IAsyncEnumerable<BlockAndPrivateData> GetBlockAndPrivateDataEventsAsync(EventsOptions? options = null, CancellationToken cancellationToken = default) =>
        NewBlockAndPrivateDataEventsRequest(options).GetEventsAsync(cancellationToken);
}
