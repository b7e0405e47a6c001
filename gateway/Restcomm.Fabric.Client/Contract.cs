using Google.Protobuf;
using Restcomm.Fabric.Client.Internal;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Gateway;
using Restcomm.Fabric.Protos.Peer;

namespace Restcomm.Fabric.Client;

/// <summary>
/// A chaincode (and optionally one named contract within it) on a channel. The convenience methods run a
/// whole flow; <see cref="NewProposal"/> gives the explicit path (endorse, submit, commit status) with
/// offline signing.
/// </summary>
public sealed class Contract
{
    private readonly GatewayContext _context;

    internal Contract(GatewayContext context, string channelName, string chaincodeName, string? contractName)
    {
        _context = context;
        ChannelName = channelName;
        ChaincodeName = chaincodeName;
        ContractName = contractName;
    }

    /// <summary>The channel.</summary>
    public string ChannelName { get; }

    /// <summary>The chaincode name.</summary>
    public string ChaincodeName { get; }

    /// <summary>The contract within the chaincode, or null for its default contract.</summary>
    public string? ContractName { get; }

    /// <summary>Runs a transaction function on one peer without ordering it, and returns its result.</summary>
    /// <param name="name">The transaction function.</param>
    /// <param name="arguments">UTF-8 string arguments.</param>
    /// <exception cref="EvaluateException">The chaincode or the Gateway reported an error.</exception>
    public Task<byte[]> EvaluateTransactionAsync(string name, params string[] arguments) =>
        EvaluateTransactionAsync(name, new ProposalOptions().AddArguments(arguments), CancellationToken.None);

    /// <summary>Runs a transaction function on one peer without ordering it, and returns its result.</summary>
    /// <param name="name">The transaction function.</param>
    /// <param name="options">Arguments, transient data and target organisations.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="EvaluateException">The chaincode or the Gateway reported an error.</exception>
    public Task<byte[]> EvaluateTransactionAsync(string name, ProposalOptions? options, CancellationToken cancellationToken = default) =>
        NewProposal(name, options).EvaluateAsync(cancellationToken);

    /// <summary>Endorses, submits and waits for the transaction to commit; returns its result.</summary>
    /// <param name="name">The transaction function.</param>
    /// <param name="arguments">UTF-8 string arguments.</param>
    /// <exception cref="EndorseException">Endorsement failed (e.g. the chaincode returned an error).</exception>
    /// <exception cref="SubmitException">Ordering failed.</exception>
    /// <exception cref="CommitStatusException">The commit status could not be obtained.</exception>
    /// <exception cref="CommitException">The transaction committed as invalid.</exception>
    public Task<byte[]> SubmitTransactionAsync(string name, params string[] arguments) =>
        SubmitTransactionAsync(name, new ProposalOptions().AddArguments(arguments), CancellationToken.None);

    /// <summary>Endorses, submits and waits for the transaction to commit; returns its result.</summary>
    /// <param name="name">The transaction function.</param>
    /// <param name="options">Arguments, transient data and endorsing organisations.</param>
    /// <param name="cancellationToken">Cancels the flow.</param>
    /// <exception cref="EndorseException">Endorsement failed (e.g. the chaincode returned an error).</exception>
    /// <exception cref="SubmitException">Ordering failed.</exception>
    /// <exception cref="CommitStatusException">The commit status could not be obtained.</exception>
    /// <exception cref="CommitException">The transaction committed as invalid.</exception>
    public async Task<byte[]> SubmitTransactionAsync(string name, ProposalOptions? options, CancellationToken cancellationToken = default)
    {
        var submitted = await SubmitAsync(name, options, cancellationToken).ConfigureAwait(false);
        var status = await submitted.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        if (!status.IsSuccessful)
        {
            throw new CommitException(status);
        }

        return submitted.GetResult();
    }

    /// <summary>
    /// Endorses and submits the transaction and returns as soon as it is handed to ordering: the result is
    /// available at once, the commit status later through <see cref="Commit.GetStatusAsync(CancellationToken)"/>.
    /// </summary>
    /// <param name="name">The transaction function.</param>
    /// <param name="options">Arguments, transient data and endorsing organisations.</param>
    /// <param name="cancellationToken">Cancels the flow.</param>
    /// <exception cref="EndorseException">Endorsement failed.</exception>
    /// <exception cref="SubmitException">Ordering failed.</exception>
    public async Task<SubmittedTransaction> SubmitAsync(string name, ProposalOptions? options = null, CancellationToken cancellationToken = default)
    {
        var transaction = await NewProposal(name, options).EndorseAsync(cancellationToken).ConfigureAwait(false);
        return await transaction.SubmitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds a transaction proposal without sending it. With a signer it is signed when first sent; without
    /// one, sign <see cref="Proposal.GetDigest"/> yourself and use <see cref="Gateway.NewSignedProposal"/>.
    /// </summary>
    /// <param name="name">The transaction function.</param>
    /// <param name="options">Arguments, transient data and organisations.</param>
    public Proposal NewProposal(string name, ProposalOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new ProposalOptions();
        var signing = _context.Signing;
        var nonce = SigningIdentity.NewNonce();
        var transactionId = signing.TransactionId(nonce);

        var input = new ChaincodeInput();
        input.Args.Add(ByteString.CopyFromUtf8(ContractName is null ? name : ContractName + ":" + name));
        foreach (var argument in options.Arguments)
        {
            input.Args.Add(ByteString.CopyFrom(argument));
        }

        var invocation = new ChaincodeInvocationSpec
        {
            ChaincodeSpec = new ChaincodeSpec
            {
                ChaincodeId = new ChaincodeID { Name = ChaincodeName },
                Input = input,
            },
        };
        var payload = new ChaincodeProposalPayload { Input = invocation.ToByteString() };
        foreach (var (key, value) in options.TransientData)
        {
            payload.TransientMap.Add(key, ByteString.CopyFrom(value));
        }

        var channelHeader = SigningIdentity.ChannelHeader(HeaderType.EndorserTransaction, ChannelName, transactionId);
        channelHeader.Extension = new ChaincodeHeaderExtension { ChaincodeId = new ChaincodeID { Name = ChaincodeName } }.ToByteString();
        var header = new Header
        {
            ChannelHeader = channelHeader.ToByteString(),
            SignatureHeader = signing.SignatureHeader(nonce),
        };
        var proposal = new Protos.Peer.Proposal
        {
            Header = header.ToByteString(),
            Payload = payload.ToByteString(),
        };

        var proposed = new ProposedTransaction
        {
            TransactionId = transactionId,
            Proposal = new SignedProposal { ProposalBytes = proposal.ToByteString() },
        };
        proposed.EndorsingOrganizations.AddRange(options.EndorsingOrganizations);
        var targets = options.TargetOrganizations.Count > 0 ? options.TargetOrganizations : options.EndorsingOrganizations;
        return new Proposal(_context, proposed, ChannelName, [.. targets]);
    }
}
