using Google.Protobuf;
using Grpc.Core;
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
    public async Task<byte[]> EvaluateAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSignedAsync(cancellationToken).ConfigureAwait(false);
        var request = new EvaluateRequest
        {
            TransactionId = TransactionId,
            ChannelId = ChannelName,
            ProposedTransaction = _proposed.Proposal,
        };
        request.TargetOrganizations.AddRange(_targetOrganizations);
        try
        {
            var response = await _context.Gateway.EvaluateAsync(
                request, GatewayContext.CallOptions(_context.Options.EvaluateTimeout, cancellationToken)).ConfigureAwait(false);
            return response.Result?.Payload.ToByteArray() ?? [];
        }
        catch (RpcException e)
        {
            throw ErrorMapping.Map(e, Phase.Evaluate, TransactionId, cancellationToken);
        }
    }

    /// <summary>Collects endorsements and returns the prepared transaction, ready to submit.</summary>
    /// <param name="cancellationToken">Cancels the call (the default endorse timeout also applies).</param>
    /// <exception cref="EndorseException">Endorsement failed; <see cref="GatewayException.Details"/> has each peer's message.</exception>
    public async Task<Transaction> EndorseAsync(CancellationToken cancellationToken = default)
    {
        await EnsureSignedAsync(cancellationToken).ConfigureAwait(false);
        var request = new EndorseRequest
        {
            TransactionId = TransactionId,
            ChannelId = ChannelName,
            ProposedTransaction = _proposed.Proposal,
        };
        request.EndorsingOrganizations.AddRange(_proposed.EndorsingOrganizations);
        EndorseResponse response;
        try
        {
            response = await _context.Gateway.EndorseAsync(
                request, GatewayContext.CallOptions(_context.Options.EndorseTimeout, cancellationToken)).ConfigureAwait(false);
        }
        catch (RpcException e)
        {
            throw ErrorMapping.Map(e, Phase.Endorse, TransactionId, cancellationToken);
        }

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
