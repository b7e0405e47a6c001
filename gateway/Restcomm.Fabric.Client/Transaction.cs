using Google.Protobuf;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Gateway;

namespace Restcomm.Fabric.Client;

/// <summary>
/// An endorsed transaction, ready to submit for ordering. Its result is known already. For offline signing,
/// sign <see cref="GetDigest"/> and recreate it with <see cref="Gateway.NewSignedTransaction"/>.
/// </summary>
public sealed class Transaction
{
    private readonly GatewayContext _context;
    private readonly PreparedTransaction _prepared;
    private ByteString? _result;

    internal Transaction(GatewayContext context, PreparedTransaction prepared, string channelName)
    {
        _context = context;
        _prepared = prepared;
        ChannelName = channelName;
    }

    /// <summary>The transaction ID.</summary>
    public string TransactionId => _prepared.TransactionId;

    /// <summary>The channel.</summary>
    public string ChannelName { get; }

    /// <summary>The chaincode's result, as endorsed.</summary>
    public byte[] GetResult() => (_result ??= TransactionParser.Result(_prepared.Envelope)).ToByteArray();

    /// <summary>The serialized prepared transaction (for an offline signer).</summary>
    public byte[] ToBytes() => _prepared.ToByteArray();

    /// <summary>The digest to sign: the gateway's hash of the envelope payload exactly as the Gateway returned it.</summary>
    public byte[] GetDigest() => _context.Signing.Digest(_prepared.Envelope.Payload.Span);

    internal void SetSignature(byte[] signature) => _prepared.Envelope.Signature = ByteString.CopyFrom(signature);

    /// <summary>Sends the transaction to ordering; returns once the orderer accepted it.</summary>
    /// <param name="cancellationToken">Cancels the call (the default submit timeout also applies).</param>
    /// <exception cref="SubmitException">Ordering failed.</exception>
    public Task<SubmittedTransaction> SubmitAsync(CancellationToken cancellationToken = default) => SubmitAsync(null, cancellationToken);

    /// <summary>Signs (unless signed offline) and submits the transaction with this call's own deadline or timeout.</summary>
    /// <param name="request">The call's deadline or timeout; null uses <see cref="GatewayOptions.SubmitTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The submitted transaction, whose commit status can be awaited.</returns>
    /// <exception cref="SubmitException">The Gateway refused or failed the call.</exception>
    public async Task<SubmittedTransaction> SubmitAsync(RequestOptions? request, CancellationToken cancellationToken = default)
    {
        if (_prepared.Envelope.Signature.IsEmpty)
        {
            // Sign the payload bytes as received: re-serialising could change them and void the endorsements.
            _prepared.Envelope.Signature = await _context.Signing.SignAsync(_prepared.Envelope.Payload, cancellationToken).ConfigureAwait(false);
        }

        var submit = new SubmitRequest
        {
            TransactionId = TransactionId,
            ChannelId = ChannelName,
            PreparedTransaction = _prepared.Envelope,
        };
        await _context.CallAsync(
            Phase.Submit, ChannelName, TransactionId, _context.Options.SubmitTimeout, request,
            options => _context.Gateway.SubmitAsync(submit, options), cancellationToken).ConfigureAwait(false);

        var statusRequest = new CommitStatusRequest
        {
            TransactionId = TransactionId,
            ChannelId = ChannelName,
            Identity = _context.Signing.Creator,
        };
        var signed = new SignedCommitStatusRequest { Request = statusRequest.ToByteString() };
        return new SubmittedTransaction(_context, signed, ChannelName, TransactionId, _result ?? TransactionParser.Result(_prepared.Envelope));
    }
}
