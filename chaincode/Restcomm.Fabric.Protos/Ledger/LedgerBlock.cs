using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Ledger;

/// <summary>
/// A committed block read for its transactions: each with its validation code from the block metadata and its envelope
/// (read layer by layer on demand, see <see cref="TransactionEnvelope"/>).
/// </summary>
public sealed class LedgerBlock
{
    private LedgerBlock(Block block, IReadOnlyList<LedgerTransaction> transactions)
    {
        Block = block;
        Transactions = transactions;
    }

    /// <summary>The block as delivered.</summary>
    public Block Block { get; }

    /// <summary>The block number.</summary>
    public ulong Number => Block.Header?.Number ?? 0;

    /// <summary>Every transaction in block order, valid or not.</summary>
    public IReadOnlyList<LedgerTransaction> Transactions { get; }

    /// <summary>Reads a block's transactions and their validation codes.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The read block.</returns>
    public static LedgerBlock Read(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var filter = TransactionFilter(block);
        var data = block.Data?.Data;
        var transactions = new LedgerTransaction[data?.Count ?? 0];
        for (var i = 0; i < transactions.Length; i++)
        {
            // A transaction the block metadata does not cover has not been validated: Fabric's NOT_VALIDATED.
            var code = i < filter.Length ? (TxValidationCode)filter[i] : TxValidationCode.NotValidated;
            transactions[i] = new LedgerTransaction(i, code, data![i]);
        }

        return new LedgerBlock(block, transactions);
    }

    /// <summary>The block's transaction validation codes (metadata index TRANSACTIONS_FILTER), one byte per transaction.</summary>
    /// <param name="block">The block.</param>
    /// <returns>The codes; empty when the block carries none.</returns>
    public static ReadOnlySpan<byte> TransactionFilter(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var metadata = block.Metadata?.Metadata;
        return metadata is { Count: > (int)BlockMetadataIndex.TransactionsFilter }
            ? metadata[(int)BlockMetadataIndex.TransactionsFilter].Span
            : [];
    }
}

/// <summary>One transaction of a committed block.</summary>
public sealed class LedgerTransaction
{
    private readonly Google.Protobuf.ByteString _bytes;
    private TransactionEnvelope? _envelope;
    private MalformedTransactionException? _malformed;
    private bool _read;

    internal LedgerTransaction(int index, TxValidationCode validationCode, Google.Protobuf.ByteString bytes)
    {
        Index = index;
        ValidationCode = validationCode;
        _bytes = bytes;
    }

    /// <summary>The transaction's position in its block.</summary>
    public int Index { get; }

    /// <summary>The code the committing peer gave it.</summary>
    public TxValidationCode ValidationCode { get; }

    /// <summary>Whether the transaction is valid (its writes and events took effect).</summary>
    public bool IsValid => ValidationCode == TxValidationCode.Valid;

    /// <summary>The envelope, or null when it cannot be read (a malformed transaction the block keeps with its invalid code).</summary>
    public TransactionEnvelope? Envelope
    {
        get
        {
            if (!_read)
            {
                try
                {
                    _envelope = TransactionEnvelope.Read(_bytes);
                }
                catch (MalformedTransactionException e)
                {
                    _malformed = e;
                }

                _read = true;
            }

            return _envelope;
        }
    }

    /// <summary>Why <see cref="Envelope"/> is null, if it is.</summary>
    public MalformedTransactionException? Malformed => Envelope is null ? _malformed : null;

    /// <summary>The transaction ID, or empty when the envelope is unreadable.</summary>
    public string TransactionId => Envelope?.TransactionId ?? string.Empty;

    /// <summary>The header type, or <see cref="HeaderType.Message"/> when the envelope is unreadable.</summary>
    public HeaderType Type => Envelope?.Type ?? HeaderType.Message;

    /// <summary>
    /// The chaincode event the transaction set, or null (none, not an endorser transaction, or unreadable). An invalid
    /// transaction's event is returned too: callers that follow the ledger check <see cref="IsValid"/>.
    /// </summary>
    public ChaincodeEvent? ChaincodeEvent
    {
        get
        {
            try
            {
                return Envelope?.Action?.Event;
            }
            catch (MalformedTransactionException)
            {
                return null;
            }
        }
    }
}
