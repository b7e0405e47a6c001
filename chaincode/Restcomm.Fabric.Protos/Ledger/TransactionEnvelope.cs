using Google.Protobuf;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Ledger.Rwset;
using Restcomm.Fabric.Protos.Ledger.KvRwset;
using Restcomm.Fabric.Protos.Msp;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Ledger;

/// <summary>
/// A transaction envelope read layer by layer: envelope → payload → channel and signature headers, and for an endorser
/// transaction → Transaction → ChaincodeActionPayload → ProposalResponsePayload → ChaincodeAction (response, event,
/// read/write set). The headers are read at once; deeper layers when first asked for, so a validator can check each
/// layer in Fabric's order and a reader pays only for what it uses.
/// </summary>
/// <remarks>
/// This is the one reader of Fabric's envelope chain: the dev network's validator and event services, the Gateway client
/// and the projection engine all use it. A layer that cannot be read throws <see cref="MalformedTransactionException"/>
/// with the validation code a Fabric peer gives such a transaction.
/// </remarks>
public sealed class TransactionEnvelope
{
    private IReadOnlyList<EndorsedAction>? _actions;
    private ChaincodeHeaderExtension? _extension;
    private SerializedIdentity? _creator;

    private TransactionEnvelope(Envelope envelope, Payload payload, ChannelHeader channelHeader, SignatureHeader signatureHeader)
    {
        Envelope = envelope;
        Payload = payload;
        ChannelHeader = channelHeader;
        SignatureHeader = signatureHeader;
    }

    /// <summary>The envelope as received.</summary>
    public Envelope Envelope { get; }

    /// <summary>The envelope's payload (its bytes are what the creator signed).</summary>
    public Payload Payload { get; }

    /// <summary>The channel header.</summary>
    public ChannelHeader ChannelHeader { get; }

    /// <summary>The signature header (creator and nonce).</summary>
    public SignatureHeader SignatureHeader { get; }

    /// <summary>The transaction ID.</summary>
    public string TransactionId => ChannelHeader.TxId;

    /// <summary>The channel.</summary>
    public string ChannelId => ChannelHeader.ChannelId;

    /// <summary>The header type (3 for endorser transactions).</summary>
    public HeaderType Type => (HeaderType)ChannelHeader.Type;

    /// <summary>Whether this is an endorser (chaincode) transaction.</summary>
    public bool IsEndorserTransaction => ChannelHeader.Type == (int)HeaderType.EndorserTransaction;

    /// <summary>The creator's timestamp, or null when the header has none.</summary>
    public DateTimeOffset? Timestamp => ChannelHeader.Timestamp is { } t ? t.ToDateTimeOffset() : null;

    /// <summary>The creator's identity (MSP ID and certificate).</summary>
    /// <exception cref="MalformedTransactionException">The creator is not a serialized identity (BAD_CREATOR_SIGNATURE).</exception>
    public SerializedIdentity Creator => _creator ??= Parse(SerializedIdentity.Parser, SignatureHeader.Creator, TxValidationCode.BadCreatorSignature, "creator");

    /// <summary>The chaincode named in the channel header's extension.</summary>
    /// <exception cref="MalformedTransactionException">The extension is unreadable (BAD_HEADER_EXTENSION).</exception>
    public ChaincodeHeaderExtension HeaderExtension
        => _extension ??= Parse(ChaincodeHeaderExtension.Parser, ChannelHeader.Extension, TxValidationCode.BadHeaderExtension, "chaincode header extension");

    /// <summary>The endorsed chaincode actions of an endorser transaction (Fabric allows exactly one); empty for other types.</summary>
    /// <exception cref="MalformedTransactionException">
    /// The transaction, an action payload or its endorsed action is unreadable or missing (INVALID_ENDORSER_TRANSACTION,
    /// as the peer's <c>validateEndorserTransaction</c> marks every layer it reads).
    /// </exception>
    public IReadOnlyList<EndorsedAction> Actions => _actions ??= ReadActions();

    /// <summary>The first (in Fabric, only) endorsed action, or null when there is none.</summary>
    public EndorsedAction? Action => Actions.Count > 0 ? Actions[0] : null;

    /// <summary>Reads an envelope's headers.</summary>
    /// <param name="envelopeBytes">The serialized envelope.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="MalformedTransactionException">
    /// Empty (NIL_ENVELOPE), not an envelope (INVALID_OTHER_REASON, as a peer's validator marks block data it cannot
    /// read as an envelope), or the payload or headers are unreadable.
    /// </exception>
    public static TransactionEnvelope Read(ByteString envelopeBytes)
    {
        ArgumentNullException.ThrowIfNull(envelopeBytes);
        if (envelopeBytes.IsEmpty)
        {
            throw new MalformedTransactionException(TxValidationCode.NilEnvelope, "The envelope is empty.");
        }

        return Read(Parse(Envelope.Parser, envelopeBytes, TxValidationCode.InvalidOtherReason, "envelope"));
    }

    /// <summary>Reads an envelope's headers.</summary>
    /// <param name="envelope">The envelope.</param>
    /// <returns>The envelope.</returns>
    /// <exception cref="MalformedTransactionException">The payload or headers are unreadable.</exception>
    public static TransactionEnvelope Read(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        var payload = Parse(Payload.Parser, envelope.Payload, TxValidationCode.BadPayload, "payload");
        if (payload.Header is null)
        {
            throw new MalformedTransactionException(TxValidationCode.BadCommonHeader, "The payload has no header.");
        }

        var channelHeader = Parse(ChannelHeader.Parser, payload.Header.ChannelHeader, TxValidationCode.BadCommonHeader, "channel header");
        var signatureHeader = Parse(SignatureHeader.Parser, payload.Header.SignatureHeader, TxValidationCode.BadCommonHeader, "signature header");
        return new TransactionEnvelope(envelope, payload, channelHeader, signatureHeader);
    }

    /// <summary>
    /// The chaincode's result in a prepared or committed transaction: the first action's response payload.
    /// </summary>
    /// <returns>The payload bytes.</returns>
    /// <exception cref="MalformedTransactionException">There is no chaincode response.</exception>
    public ByteString Result()
        => Action?.Response?.Payload
           ?? throw new MalformedTransactionException(TxValidationCode.NilTxaction, "The transaction holds no chaincode response.");

    private IReadOnlyList<EndorsedAction> ReadActions()
    {
        if (!IsEndorserTransaction)
        {
            return [];
        }

        var transaction = Parse(Transaction.Parser, Payload.Data, TxValidationCode.InvalidEndorserTransaction, "transaction");
        var actions = new List<EndorsedAction>(transaction.Actions.Count);
        foreach (var action in transaction.Actions)
        {
            var actionPayload = Parse(ChaincodeActionPayload.Parser, action.Payload, TxValidationCode.InvalidEndorserTransaction, "chaincode action payload");
            if (actionPayload.Action is null)
            {
                throw new MalformedTransactionException(TxValidationCode.InvalidEndorserTransaction, "A transaction action carries no endorsed action.");
            }

            actions.Add(new EndorsedAction(actionPayload, action.Header));
        }

        return actions;
    }

    internal static T Parse<T>(MessageParser<T> parser, ByteString bytes, TxValidationCode code, string what)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new MalformedTransactionException(code, $"The {what} is not readable: {e.Message}", e);
        }
    }
}

/// <summary>
/// One endorsed chaincode action: the proposal payload, the endorsed response (read/write set, events, response) and
/// the endorsements. Layers are read when first asked for.
/// </summary>
public sealed class EndorsedAction
{
    private ProposalResponsePayload? _responsePayload;
    private SignatureHeader? _signatureHeader;
    private ChaincodeAction? _chaincodeAction;
    private TxReadWriteSet? _readWriteSet;
    private ChaincodeEvent? _event;
    private bool _eventRead;

    internal EndorsedAction(ChaincodeActionPayload actionPayload, ByteString header)
    {
        ActionPayload = actionPayload;
        Header = header;
    }

    /// <summary>
    /// The action's serialized <c>SignatureHeader</c> (the creator and nonce of the proposal that was endorsed; with the
    /// channel header it is the header the proposal hash covers).
    /// </summary>
    public ByteString Header { get; }

    /// <summary>The action's signature header, read.</summary>
    /// <exception cref="MalformedTransactionException">Unreadable (INVALID_ENDORSER_TRANSACTION).</exception>
    public SignatureHeader SignatureHeader => _signatureHeader ??= TransactionEnvelope.Parse(
        SignatureHeader.Parser, Header, TxValidationCode.InvalidEndorserTransaction, "action's signature header");

    /// <summary>The action payload: the chaincode proposal payload and the endorsed action.</summary>
    public ChaincodeActionPayload ActionPayload { get; }

    /// <summary>The serialized <c>ChaincodeProposalPayload</c> (input, transient map removed).</summary>
    public ByteString ChaincodeProposalPayload => ActionPayload.ChaincodeProposalPayload;

    /// <summary>The bytes every endorser signed (with its identity appended).</summary>
    public ByteString ProposalResponsePayloadBytes => ActionPayload.Action.ProposalResponsePayload;

    /// <summary>The endorsements.</summary>
    public IReadOnlyList<Endorsement> Endorsements => ActionPayload.Action.Endorsements;

    /// <summary>The endorsed proposal response payload (proposal hash and the chaincode action).</summary>
    /// <exception cref="MalformedTransactionException">Unreadable (INVALID_ENDORSER_TRANSACTION: the peer reads it to check the proposal hash).</exception>
    public ProposalResponsePayload ResponsePayload => _responsePayload ??= TransactionEnvelope.Parse(
        ProposalResponsePayload.Parser, ProposalResponsePayloadBytes, TxValidationCode.InvalidEndorserTransaction, "proposal response payload");

    /// <summary>The chaincode action: results (read/write set), events, response and chaincode ID.</summary>
    /// <exception cref="MalformedTransactionException">Unreadable (BAD_RESPONSE_PAYLOAD).</exception>
    public ChaincodeAction ChaincodeAction => _chaincodeAction ??= TransactionEnvelope.Parse(
        ChaincodeAction.Parser, ResponsePayload.Extension, TxValidationCode.BadResponsePayload, "chaincode action");

    /// <summary>The name of the chaincode that ran, or empty when the action does not say.</summary>
    public string ChaincodeName => ChaincodeAction.ChaincodeId?.Name ?? string.Empty;

    /// <summary>The chaincode's response.</summary>
    public Response? Response => ChaincodeAction.Response;

    /// <summary>The chaincode event set by the transaction, or null.</summary>
    /// <exception cref="MalformedTransactionException">The event is unreadable (INVALID_OTHER_REASON, as the peer's validation dispatcher marks it).</exception>
    public ChaincodeEvent? Event
    {
        get
        {
            if (!_eventRead)
            {
                var bytes = ChaincodeAction.Events;
                _event = bytes.IsEmpty ? null : TransactionEnvelope.Parse(ChaincodeEvent.Parser, bytes, TxValidationCode.InvalidOtherReason, "chaincode event");
                _eventRead = true;
            }

            return _event;
        }
    }

    /// <summary>The read/write set.</summary>
    /// <exception cref="MalformedTransactionException">Unreadable (BAD_RWSET).</exception>
    public TxReadWriteSet ReadWriteSet => _readWriteSet ??= TransactionEnvelope.Parse(
        TxReadWriteSet.Parser, ChaincodeAction.Results, TxValidationCode.BadRwset, "read/write set");

    /// <summary>Each namespace's public reads and writes and its collections' hashed reads and writes.</summary>
    /// <returns>The namespaces, in the order the set lists them.</returns>
    /// <exception cref="MalformedTransactionException">A namespace's set is unreadable (BAD_RWSET).</exception>
    public IReadOnlyList<NamespaceReadWrites> Namespaces()
    {
        var namespaces = new List<NamespaceReadWrites>(ReadWriteSet.NsRwset.Count);
        foreach (var ns in ReadWriteSet.NsRwset)
        {
            namespaces.Add(NamespaceReadWrites.Read(ns));
        }

        return namespaces;
    }
}

/// <summary>One namespace (chaincode) of a read/write set, its layers read.</summary>
/// <param name="Namespace">The chaincode name.</param>
/// <param name="Public">Public reads, range queries, writes and metadata writes.</param>
/// <param name="Collections">Each private collection's hashed reads and writes (with the hash of its private set).</param>
public sealed record NamespaceReadWrites(string Namespace, KVRWSet Public, IReadOnlyList<CollectionHashedReadWrites> Collections)
{
    /// <summary>Reads a namespace's set.</summary>
    /// <param name="set">The namespace's set as it travels.</param>
    /// <returns>The read set.</returns>
    /// <exception cref="MalformedTransactionException">Unreadable (BAD_RWSET).</exception>
    public static NamespaceReadWrites Read(NsReadWriteSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        var kv = TransactionEnvelope.Parse(KVRWSet.Parser, set.Rwset, TxValidationCode.BadRwset, $"read/write set of {set.Namespace}");
        var collections = new List<CollectionHashedReadWrites>(set.CollectionHashedRwset.Count);
        foreach (var collection in set.CollectionHashedRwset)
        {
            collections.Add(new CollectionHashedReadWrites(
                collection.CollectionName,
                TransactionEnvelope.Parse(HashedRWSet.Parser, collection.HashedRwset, TxValidationCode.BadRwset, $"hashed set of {set.Namespace}/{collection.CollectionName}"),
                collection.PvtRwsetHash));
        }

        return new NamespaceReadWrites(set.Namespace, kv, collections);
    }
}

/// <summary>A private collection's part of a namespace's read/write set as the ledger keeps it: hashes only.</summary>
/// <param name="Collection">The collection name.</param>
/// <param name="Hashed">Hashed reads, writes and metadata writes.</param>
/// <param name="PrivateSetHash">SHA-256 of the private read/write set.</param>
public sealed record CollectionHashedReadWrites(string Collection, HashedRWSet Hashed, ByteString PrivateSetHash);

/// <summary>A layer of a transaction could not be read; <see cref="Code"/> is what a Fabric peer marks it with.</summary>
public sealed class MalformedTransactionException : FormatException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="code">The validation code.</param>
    /// <param name="message">What could not be read.</param>
    /// <param name="innerException">The parser's error, if any.</param>
    public MalformedTransactionException(TxValidationCode code, string message, Exception? innerException = null)
        : base(message, innerException) => Code = code;

    /// <summary>Creates the exception with <see cref="TxValidationCode.BadPayload"/>.</summary>
    public MalformedTransactionException()
        : this(TxValidationCode.BadPayload, "The transaction is malformed.")
    {
    }

    /// <summary>Creates the exception with <see cref="TxValidationCode.BadPayload"/>.</summary>
    /// <param name="message">What could not be read.</param>
    public MalformedTransactionException(string message)
        : this(TxValidationCode.BadPayload, message)
    {
    }

    /// <summary>Creates the exception with <see cref="TxValidationCode.BadPayload"/>.</summary>
    /// <param name="message">What could not be read.</param>
    /// <param name="innerException">The parser's error.</param>
    public MalformedTransactionException(string message, Exception innerException)
        : this(TxValidationCode.BadPayload, message, innerException)
    {
    }

    /// <summary>The validation code for the transaction.</summary>
    public TxValidationCode Code { get; }
}
