using Google.Protobuf;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client;

/// <summary>
/// A submitted transaction whose commit status can be asked for. For offline signing, sign
/// <see cref="GetDigest"/> and recreate it with <see cref="Gateway.NewSignedCommit"/>.
/// </summary>
public class Commit
{
    private readonly GatewayContext _context;
    private readonly SignedCommitStatusRequest _request;

    internal Commit(GatewayContext context, SignedCommitStatusRequest request, string channelName, string transactionId)
    {
        _context = context;
        _request = request;
        ChannelName = channelName;
        TransactionId = transactionId;
    }

    /// <summary>The transaction ID.</summary>
    public string TransactionId { get; }

    /// <summary>The channel the transaction was submitted to.</summary>
    public string ChannelName { get; }

    /// <summary>The serialized commit status request (for an offline signer).</summary>
    public byte[] ToBytes() => _request.ToByteArray();

    /// <summary>The digest to sign: the gateway's hash of the commit status request.</summary>
    public byte[] GetDigest() => _context.Signing.Digest(_request.Request.Span);

    internal void SetSignature(byte[] signature) => _request.Signature = ByteString.CopyFrom(signature);

    /// <summary>
    /// Waits until the transaction is committed (valid or not) and returns its status. Safe to call again,
    /// e.g. after a <see cref="CommitStatusException"/> for a timeout.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait (the default commit status timeout also applies).</param>
    /// <exception cref="CommitStatusException">The status could not be obtained.</exception>
    public Task<CommitStatus> GetStatusAsync(CancellationToken cancellationToken = default) => GetStatusAsync(null, cancellationToken);

    /// <summary>Waits for the transaction's commit status with this call's own deadline or timeout.</summary>
    /// <param name="request">The call's deadline or timeout; null uses <see cref="GatewayOptions.CommitStatusTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The validation code and block.</returns>
    /// <exception cref="CommitStatusException">The Gateway refused or failed the call.</exception>
    public async Task<CommitStatus> GetStatusAsync(RequestOptions? request, CancellationToken cancellationToken = default)
    {
        if (_request.Signature.IsEmpty)
        {
            _request.Signature = await _context.Signing.SignAsync(_request.Request, cancellationToken).ConfigureAwait(false);
        }

        var response = await _context.CallAsync(
            Phase.CommitStatus, ChannelName, TransactionId, _context.Options.CommitStatusTimeout, request,
            options => _context.Gateway.CommitStatusAsync(_request, options), cancellationToken).ConfigureAwait(false);
        return new CommitStatus(TransactionId, response.Result, response.BlockNumber);
    }
}

/// <summary>A transaction accepted for ordering: its result now, its commit status when asked for.</summary>
public sealed class SubmittedTransaction : Commit
{
    private readonly ByteString _result;

    internal SubmittedTransaction(GatewayContext context, SignedCommitStatusRequest request, string channelName, string transactionId, ByteString result)
        : base(context, request, channelName, transactionId)
    {
        _result = result;
    }

    /// <summary>The chaincode's result, as endorsed.</summary>
    public byte[] GetResult() => _result.ToByteArray();
}

/// <summary>How a transaction was committed.</summary>
/// <param name="TransactionId">The transaction ID.</param>
/// <param name="Code">The validation code; <see cref="TxValidationCode.Valid"/> when the transaction took effect.</param>
/// <param name="BlockNumber">The block holding the transaction.</param>
public sealed record CommitStatus(string TransactionId, TxValidationCode Code, ulong BlockNumber)
{
    /// <summary>Whether the transaction committed as valid (its writes took effect).</summary>
    public bool IsSuccessful => Code == TxValidationCode.Valid;
}
