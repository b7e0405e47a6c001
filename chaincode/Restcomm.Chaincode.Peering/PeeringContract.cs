using Restcomm.Chaincode.Peering.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Peering;

namespace Restcomm.Chaincode.Peering;

/// <summary>
/// Interconnection (peering) details shared under time-limited grants (see README.md). Profiles live in each
/// operator's implicit collection; a grant's copy in the pair's collection until it is revoked or expires, then it is
/// purged. Public state records every step with hashes and summaries only. The caller's organisation comes from its
/// certificate, never from arguments; time is the transaction's. Each change sets one chaincode event <c>peering.changed</c>.
/// </summary>
[Contract(Name = "peering", IsDefault = true, Title = "Interconnection details under time-limited grants", Version = "1.0.0")]
internal sealed class PeeringContract(PeeringPolicy policy) : ContractBase
{
    /// <summary>Registers the caller's next profile version; the document (<see cref="InterconnectionProfile"/> JSON) is the transient entry <c>profile</c>.</summary>
    [SubmitTransaction]
    public Task<ProfileState> RegisterProfile(TransactionContext ctx)
        => Run(ctx, tx => new ProfileBook(tx).RegisterAsync());

    /// <summary>An operator's public profile record: versions with their hashes and the summary.</summary>
    [EvaluateTransaction]
    public Task<ProfileState> GetProfile(TransactionContext ctx, string operatorMspId)
        => Run(ctx, tx => new ProfileBook(tx).GetAsync(operatorMspId));

    /// <summary>Every operator's public profile record.</summary>
    [EvaluateTransaction]
    public Task<IReadOnlyList<ProfileState>> ListProfiles(TransactionContext ctx)
        => Run(ctx, tx => new ProfileBook(tx).ListAsync());

    /// <summary>The caller's own profile details (version 0: the current one), from its implicit collection on its own peer.</summary>
    [EvaluateTransaction]
    public Task<InterconnectionProfile> GetProfileDetails(TransactionContext ctx, int version)
        => Run(ctx, tx => new ProfileBook(tx).DetailsAsync(version));

    /// <summary>The caller (the buyer) asks a seller for interconnection details.</summary>
    [SubmitTransaction]
    public Task<GrantState> RequestInterconnection(TransactionContext ctx, InterconnectionRequest request)
        => Run(ctx, tx => new GrantBook(tx).RequestAsync(request));

    /// <summary>The seller approves, possibly narrower or shorter; the granted part of its profile goes to the pair's collection.</summary>
    [SubmitTransaction]
    public Task<GrantState> ApproveInterconnection(TransactionContext ctx, string grantId, GrantTerms terms)
        => Run(ctx, tx => new GrantBook(tx).ApproveAsync(grantId, terms));

    /// <summary>The seller declines with a public reason.</summary>
    [SubmitTransaction]
    public Task<GrantState> DeclineInterconnection(TransactionContext ctx, string grantId, string reason)
        => Run(ctx, tx => new GrantBook(tx).DeclineAsync(grantId, reason));

    /// <summary>The seller revokes an approved grant at any time; the copy and the clients' secrets are purged.</summary>
    [SubmitTransaction]
    public Task<GrantState> RevokeGrant(TransactionContext ctx, string grantId, string reason)
        => Run(ctx, tx => new GrantBook(tx).RevokeAsync(grantId, reason));

    /// <summary>Either party purges the copy of a grant that has expired.</summary>
    [SubmitTransaction]
    public Task<GrantState> PurgeExpiredGrant(TransactionContext ctx, string grantId)
        => Run(ctx, tx => new GrantBook(tx).PurgeExpiredAsync(grantId));

    /// <summary>A grant's public record.</summary>
    [EvaluateTransaction]
    public Task<GrantState> GetGrant(TransactionContext ctx, string grantId)
        => Run(ctx, tx => tx.GrantAsync(grantId));

    /// <summary>Every grant's public record.</summary>
    [EvaluateTransaction]
    public Task<IReadOnlyList<GrantState>> ListGrants(TransactionContext ctx)
        => Run(ctx, tx => new GrantBook(tx).ListAsync());

    /// <summary>The granted details, for the buyer or the seller while the grant is in force.</summary>
    [EvaluateTransaction]
    public Task<GrantedDetailsView> GetGrantedDetails(TransactionContext ctx, string grantId)
        => Run(ctx, tx => new GrantBook(tx).DetailsAsync(grantId));

    /// <summary>What the answering peer keeps of a grant's copy: its hash (anyone on the channel may ask) and, for a party, whether its peer holds the copy; never the copy.</summary>
    [EvaluateTransaction]
    public Task<GrantCopyHolding> GetGrantCopyHolding(TransactionContext ctx, string grantId)
        => Run(ctx, tx => new GrantBook(tx).HoldingAsync(grantId));

    /// <summary>The buyer registers an OAuth client under a grant in force; the secret's SHA-256 is the transient entry <c>clientSecretHash</c>.</summary>
    [SubmitTransaction]
    public Task<GrantClient> RegisterGrantClient(TransactionContext ctx, string grantId, string clientId)
        => Run(ctx, tx => new GrantBook(tx).RegisterClientAsync(grantId, clientId));

    /// <summary>A client's secret hash and grant, for a party while the grant is in force.</summary>
    [EvaluateTransaction]
    public Task<GrantClientCredentials> GetGrantClientCredentials(TransactionContext ctx, string clientId)
        => Run(ctx, tx => new GrantBook(tx).ClientCredentialsAsync(clientId));

    /// <summary>The caller attests another operator's KYC/AML checks: the evidence's SHA-256 (the evidence stays with the caller).</summary>
    [SubmitTransaction]
    public Task<KycAttestation> AttestKyc(TransactionContext ctx, string subjectMspId, string evidenceHash)
        => Run(ctx, tx => new GrantBook(tx).AttestKycAsync(subjectMspId, evidenceHash));

    /// <summary>An operator's KYC attestation.</summary>
    [EvaluateTransaction]
    public Task<KycAttestation> GetKycAttestation(TransactionContext ctx, string subjectMspId)
        => Run(ctx, tx => new GrantBook(tx).KycAsync(subjectMspId));

    private async Task<T> Run<T>(TransactionContext ctx, Func<PeeringTransaction, Task<T>> action)
    {
        try
        {
            return await action(new PeeringTransaction(ctx, policy)).ConfigureAwait(false);
        }
        catch (PeeringRuleException e)
        {
            throw new ChaincodeException(e.Code, e.Message, e.Status);
        }
    }
}
