using System.Text.Json;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>The RCB token: ERC-20 transfers and allowances, and supply changes by governance proposals.</summary>
internal sealed class TokenBook(RoamingTransaction tx, SettlementPolicy policy)
{
    private readonly TokenLedger _ledger = new(tx, policy);

    public Task<TokenInfo> TokenAsync() => _ledger.TokenAsync();

    public async Task<AccountBalance> BalanceAsync(string account)
    {
        RequireAccount(account, nameof(account));
        long sum = 0;
        var count = 0;
        await foreach (var entry in _ledger.EntriesAsync(account).ConfigureAwait(false))
        {
            sum += entry.Amount;
            count++;
        }

        return new AccountBalance(account, sum, count);
    }

    public async Task<IReadOnlyList<AccountEntry>> HistoryAsync(string account)
    {
        RequireAccount(account, nameof(account));
        var entries = new List<AccountEntry>();
        await foreach (var entry in _ledger.EntriesAsync(account).ConfigureAwait(false))
        {
            entries.Add(entry);
        }

        return entries.OrderBy(e => e.At).ThenBy(e => e.TxId, StringComparer.Ordinal).ToList();
    }

    /// <summary>ERC-20 <c>transfer</c>: from the caller's main account.</summary>
    public Task<IReadOnlyList<AccountEntry>> TransferAsync(string to, long amount) => TransferFromAsync(tx.CallerMspId, to, amount);

    /// <summary>
    /// ERC-20 <c>transferFrom</c>: from any account of the caller's own organisation, or from another member's account
    /// within the allowance it gave the caller.
    /// </summary>
    public async Task<IReadOnlyList<AccountEntry>> TransferFromAsync(string from, string to, long amount)
    {
        tx.RequireMember();
        RequireAccount(from, nameof(from));
        RequireHolder(to);
        Allowance? spent = null;
        if (TokenAccounts.Owner(from) != tx.CallerMspId)
        {
            var allowance = await tx.GetAsync<Allowance>(SettlementKeys.AllowanceKey(tx.Stub, from, tx.CallerMspId)).ConfigureAwait(false);
            if (allowance is null || allowance.Amount < amount)
            {
                throw new ChaincodeException("allowance-exceeded",
                    $"{from} allows {tx.CallerMspId} {allowance?.Amount ?? 0} RCB minor units, not {amount}", 403);
            }

            spent = allowance with { Amount = allowance.Amount - amount };
        }

        await _ledger.MoveAsync(from, to, amount, "transfer", null).ConfigureAwait(false);
        if (spent is not null)
        {
            await tx.PutAsync(SettlementKeys.AllowanceKey(tx.Stub, from, tx.CallerMspId), spent).ConfigureAwait(false);
        }

        Emit(SettlementEvents.Transferred, new SettlementChange { Entries = _ledger.Entries, Allowance = spent });
        return _ledger.Entries;
    }

    /// <summary>ERC-20 <c>approve</c>: the caller's main account allows <paramref name="spender"/> (an MSP) to move up to the amount.</summary>
    public async Task<Allowance> ApproveAsync(string spender, long amount)
    {
        tx.RequireMember();
        if (!TokenAccounts.IsMemberAccount(spender) || spender.Contains('/', StringComparison.Ordinal) || spender == tx.CallerMspId)
        {
            throw ChaincodeException.InvalidArgument($"the spender must be another organisation's MSP ID, not '{spender}'");
        }

        if (amount < 0)
        {
            throw ChaincodeException.InvalidArgument("an allowance cannot be negative");
        }

        var allowance = new Allowance { Owner = tx.CallerMspId, Spender = spender, Amount = amount };
        await tx.PutAsync(SettlementKeys.AllowanceKey(tx.Stub, tx.CallerMspId, spender), allowance).ConfigureAwait(false);
        Emit(SettlementEvents.Approved, new SettlementChange { Allowance = allowance });
        return allowance;
    }

    public async Task<Allowance> AllowanceAsync(string owner, string spender)
    {
        RequireAccount(owner, nameof(owner));
        return await tx.GetAsync<Allowance>(SettlementKeys.AllowanceKey(tx.Stub, owner, spender)).ConfigureAwait(false)
               ?? new Allowance { Owner = owner, Spender = spender, Amount = 0 };
    }

    /// <summary>A member proposes to mint or burn; its own approval counts.</summary>
    public async Task<SupplyProposal> ProposeAsync(SupplyChangeKind kind, string account, long amount, string reason)
    {
        RequireGovernor();
        RequireHolder(account);
        if (amount <= 0)
        {
            throw ChaincodeException.InvalidArgument("a supply change needs a positive amount");
        }

        if (string.IsNullOrWhiteSpace(reason) || reason.Length > 500)
        {
            throw ChaincodeException.InvalidArgument("a supply change needs a reason of 1-500 characters");
        }

        var proposal = new SupplyProposal
        {
            ProposalId = tx.Stub.TxId,
            Kind = kind,
            Account = account,
            Amount = amount,
            Reason = reason,
            ProposedBy = tx.CallerMspId,
            Approvals = [tx.CallerMspId],
            Required = (policy.Members.Count / 2) + 1,
            Status = ProposalStatus.Open,
            ProposedAt = tx.Now,
        };
        return await ExecuteIfCarriedAsync(proposal, SettlementEvents.SupplyProposed).ConfigureAwait(false);
    }

    /// <summary>A member approves with its own identity; the approval that makes a strict majority carries the change out.</summary>
    public async Task<SupplyProposal> ApproveProposalAsync(string proposalId)
    {
        RequireGovernor();
        var proposal = await ProposalAsync(proposalId).ConfigureAwait(false);
        if (proposal.Status != ProposalStatus.Open)
        {
            throw new ChaincodeException("proposal-executed", $"proposal {proposalId} was already carried out", 409);
        }

        if (proposal.Approvals.Contains(tx.CallerMspId))
        {
            throw new ChaincodeException("already-approved", $"{tx.CallerMspId} already approved proposal {proposalId}", 409);
        }

        return await ExecuteIfCarriedAsync(proposal with { Approvals = [.. proposal.Approvals, tx.CallerMspId] }, SettlementEvents.SupplyApproved).ConfigureAwait(false);
    }

    public async Task<SupplyProposal> ProposalAsync(string proposalId)
        => await tx.GetAsync<SupplyProposal>(SettlementKeys.ProposalKey(tx.Stub, proposalId)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"supply proposal {proposalId} does not exist");

    private async Task<SupplyProposal> ExecuteIfCarriedAsync(SupplyProposal proposal, string change)
    {
        // A burn also needs the approval of the account's owner: a majority may not confiscate a member's tokens.
        var carried = proposal.Approvals.Count >= proposal.Required
                      && (proposal.Kind == SupplyChangeKind.Mint || proposal.Approvals.Contains(TokenAccounts.Owner(proposal.Account)));
        TokenInfo? token = null;
        if (carried)
        {
            token = await _ledger.TokenAsync().ConfigureAwait(false);
            if (proposal.Kind == SupplyChangeKind.Mint)
            {
                await _ledger.MintAsync(proposal.Account, proposal.Amount, proposal.ProposalId).ConfigureAwait(false);
                token = token with { TotalSupply = checked(token.TotalSupply + proposal.Amount) };
            }
            else
            {
                await _ledger.BurnAsync(proposal.Account, proposal.Amount, proposal.ProposalId).ConfigureAwait(false);
                token = token with { TotalSupply = token.TotalSupply - proposal.Amount };
            }

            await tx.PutAsync(SettlementKeys.TokenKey(tx.Stub), token).ConfigureAwait(false);
            proposal = proposal with { Status = ProposalStatus.Executed, ExecutedTxId = tx.Stub.TxId };
        }

        await tx.PutAsync(SettlementKeys.ProposalKey(tx.Stub, proposal.ProposalId), proposal).ConfigureAwait(false);
        Emit(change, new SettlementChange { Proposal = proposal, Token = token, Entries = carried ? _ledger.Entries : null });
        return proposal;
    }

    private void RequireGovernor()
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        if (policy.Members.Count == 0)
        {
            throw new ChaincodeException("no-members", $"the chaincode has no channel members configured ({SettlementPolicy.MembersVariable})", 412);
        }

        if (!policy.Members.Contains(tx.CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} is not a member of the channel and has no vote");
        }
    }

    /// <summary>Refuses anything but a member account (or sub-account) of a configured member.</summary>
    private void RequireHolder(string account)
    {
        RequireAccount(account, "account");
        if (policy.Members.Count > 0 && !policy.Members.Contains(TokenAccounts.Owner(account)))
        {
            throw ChaincodeException.InvalidArgument($"{account} does not belong to a member of the channel");
        }
    }

    internal static void RequireAccount(string account, string name)
    {
        if (!TokenAccounts.IsMemberAccount(account) && !(account?.StartsWith(TokenAccounts.EscrowPrefix, StringComparison.Ordinal) ?? false))
        {
            throw ChaincodeException.InvalidArgument($"{name} '{account}' is not an account (MSPID or MSPID/sub-account)");
        }
    }

    private void Emit(string change, SettlementChange settlement)
        => tx.Emit(new RoamingChange { Change = change, TxId = tx.Stub.TxId, Settlement = settlement });

    internal static T Parse<T>(ReadOnlySpan<byte> bytes) => JsonSerializer.Deserialize<T>(bytes, RoamingJson.Options)!;
}
