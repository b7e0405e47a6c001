using Google.Protobuf;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Gateway;

namespace Restcomm.Fabric.Client;

/// <summary>
/// A transaction proposal: evaluate it, or endorse it to get a <see cref="Transaction"/> to submit. For offline
/// signing, sign <see cref="GetDigest"/> and recreate it with <see cref="Gateway.NewSignedProposal"/>.
/// </summary>
public sealed class Proposal
{
    private readonly GatewayContext _context;
    private readonly ProposedTransaction _proposed;
    private readonly IReadOnlyList<string> _targetOrganizations;

    internal Proposal(GatewayContext context, ProposedTransaction proposed, string channelName, IReadOnlyList<string>? targetOrganizations = null)
    {
        _context = context;
        _proposed = proposed;
        ChannelName = channelName;
        _targetOrganizations = targetOrganizations ?? [.. proposed.EndorsingOrganizations];
    }

    /// <summary>The transaction ID: lowercase hex SHA-256 of the nonce and the creator.</summary>
    public string TransactionId => _proposed.TransactionId;

    /// <summary>The channel the proposal is for.</summary>
    public string ChannelName { get; }

    /// <summary>The serialized proposal (for storage, or to carry to an offline signer and back).</summary>
    public byte[] ToBytes() => _proposed.ToByteArray();

    /// <summary>The digest to sign: the gateway's hash of the proposal bytes.</summary>
    public byte[] GetDigest() => _context.Signing.Digest(_proposed.Proposal.ProposalBytes.Span);

    internal ProposedTransaction Proposed => _proposed;

    internal void SetSignature(byte[] signature) => _proposed.Proposal.Signature = ByteString.CopyFrom(signature);

    /// <summary>Runs the proposal on a peer without ordering it and returns the chaincode's result.</summary>
    /// <param name="cancellationToken">Cancels the call (the default evaluate timeout also applies).</param>
    /// <exception cref="EvaluateException">The chaincode or the Gateway reported an error.</exception>
    public Task<byte[]> EvaluateAsync(CancellationToken cancellationToken = default) => EvaluateAsync(null, cancellationToken);

    /// <summary>Evaluates the proposal with this call's own deadline or timeout.</summary>
    /// <param name="request">The call's deadline or timeout; null uses <see cref="GatewayOptions.EvaluateTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The chaincode's result.</returns>
    /// <exception cref="EvaluateException">The Gateway refused or failed the call.</exception>
    public async Task<byte[]> EvaluateAsync(RequestOptions? request, CancellationToken cancellationToken = default)
    {
        await EnsureSignedAsync(cancellationToken).ConfigureAwait(false);
        var evaluate = new EvaluateRequest
        {
            TransactionId = TransactionId,
            ChannelId = ChannelName,
            ProposedTransaction = _proposed.Proposal,
        };
        evaluate.TargetOrganizations.AddRange(_targetOrganizations);
        var response = await _context.CallAsync(
            Phase.Evaluate, ChannelName, TransactionId, _context.Options.EvaluateTimeout, request,
            options => _context.Gateway.EvaluateAsync(evaluate, options), cancellationToken).ConfigureAwait(false);
        return response.Result?.Payload.ToByteArray() ?? [];
    }

    /// <summary>Signs (unless signed offline) and endorses the proposal with the gateway's default endorse timeout.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endorsed transaction, ready to submit.</returns>
    /// <exception cref="EndorseException">The Gateway refused or failed the call.</exception>
    public Task<Transaction> EndorseAsync(CancellationToken cancellationToken = default) => EndorseAsync(null, cancellationToken);

    /// <summary>Endorses the proposal with this call's own deadline or timeout.</summary>
    /// <param name="request">The call's deadline or timeout; null uses <see cref="GatewayOptions.EndorseTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endorsed transaction, ready to submit.</returns>
    /// <exception cref="EndorseException">The Gateway refused or failed the call.</exception>
    public async Task<Transaction> EndorseAsync(RequestOptions? request, CancellationToken cancellationToken = default)
    {
        await EnsureSignedAsync(cancellationToken).ConfigureAwait(false);
        var endorse = new EndorseRequest
        {
            TransactionId = TransactionId,
            ChannelId = ChannelName,
            ProposedTransaction = _proposed.Proposal,
        };
        endorse.EndorsingOrganizations.AddRange(_proposed.EndorsingOrganizations);
        var response = await _context.CallAsync(
            Phase.Endorse, ChannelName, TransactionId, _context.Options.EndorseTimeout, request,
            options => _context.Gateway.EndorseAsync(endorse, options), cancellationToken).ConfigureAwait(false);
        var prepared = new PreparedTransaction { TransactionId = TransactionId, Envelope = response.PreparedTransaction };
        return new Transaction(_context, prepared, ChannelName);
    }

    private async ValueTask EnsureSignedAsync(CancellationToken cancellationToken)
    {
        if (_proposed.Proposal.Signature.IsEmpty)
        {
            _proposed.Proposal.Signature = await _context.Signing.SignAsync(_proposed.Proposal.ProposalBytes, cancellationToken).ConfigureAwait(false);
        }
    }
}
