using System.Security.Cryptography;
using Google.Protobuf;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;
using PeerEvent = Restcomm.Fabric.Protos.Peer.ChaincodeEvent;

namespace Restcomm.Fabric.Client.Tests.Support;

/// <summary>A committed transaction in the fake peer's ledger.</summary>
internal sealed record FakeTransaction(
    string TransactionId,
    TxValidationCode Code,
    ByteString Envelope,
    PeerEvent? Event = null,
    string? PrivateCollection = null);

/// <summary>A committed block in the fake peer's ledger.</summary>
internal sealed record FakeBlock(ulong Number, IReadOnlyList<FakeTransaction> Transactions, byte[] PreviousHash)
{
    public Block ToBlock()
    {
        var block = new Block
        {
            Header = new BlockHeader { Number = Number, PreviousHash = ByteString.CopyFrom(PreviousHash) },
            Data = new BlockData(),
            Metadata = new BlockMetadata(),
        };
        foreach (var tx in Transactions)
        {
            block.Data.Data.Add(tx.Envelope);
        }

        block.Header.DataHash = ByteString.CopyFrom(SHA256.HashData([.. Transactions.SelectMany(t => t.Envelope.ToByteArray())]));
        for (var i = 0; i < 5; i++)
        {
            block.Metadata.Metadata.Add(ByteString.Empty);
        }

        block.Metadata.Metadata[(int)BlockMetadataIndex.TransactionsFilter] =
            ByteString.CopyFrom([.. Transactions.Select(t => (byte)t.Code)]);
        return block;
    }

    public byte[] Hash() => SHA256.HashData(ToBlock().Header.ToByteArray());
}

/// <summary>
/// The fake peer's ledger: blocks of transactions in order, starting with a genesis block 0. Readers wait for
/// blocks that are not there yet.
/// </summary>
internal sealed class FakeLedger
{
    private readonly Lock _lock = new();
    private readonly List<FakeBlock> _blocks = [new FakeBlock(0, [], new byte[32])];
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ulong Height
    {
        get
        {
            lock (_lock)
            {
                return (ulong)_blocks.Count;
            }
        }
    }

    public ulong Append(params FakeTransaction[] transactions)
    {
        TaskCompletionSource appended;
        ulong number;
        lock (_lock)
        {
            number = (ulong)_blocks.Count;
            _blocks.Add(new FakeBlock(number, transactions, _blocks[^1].Hash()));
            appended = _appended;
            _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        appended.SetResult();
        return number;
    }

    /// <summary>Appends a block with one chaincode event per transaction ID (all valid unless given).</summary>
    public ulong AppendEvents(string chaincode, params (string TxId, string Name, TxValidationCode Code)[] events) =>
        Append([.. events.Select(e => new FakeTransaction(
            e.TxId, e.Code, ByteString.CopyFromUtf8("envelope-" + e.TxId),
            new PeerEvent { ChaincodeId = chaincode, TxId = e.TxId, EventName = e.Name, Payload = ByteString.CopyFromUtf8("payload-" + e.TxId) }))]);

    public (FakeTransaction Transaction, ulong Block)? Find(string transactionId)
    {
        lock (_lock)
        {
            foreach (var block in _blocks)
            {
                foreach (var tx in block.Transactions)
                {
                    if (tx.TransactionId == transactionId)
                    {
                        return (tx, block.Number);
                    }
                }
            }
        }

        return null;
    }

    public async Task<FakeBlock> GetBlockAsync(ulong number, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (number < (ulong)_blocks.Count)
                {
                    return _blocks[(int)number];
                }

                wait = _appended.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    public async Task WaitForTransactionAsync(string transactionId, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_blocks.Any(b => b.Transactions.Any(t => t.TransactionId == transactionId)))
                {
                    return;
                }

                wait = _appended.Task;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }
}
