using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>
/// Disputes settled by a vote: the requester pledges RCB into an escrow, another member draws the jurors
/// (<see cref="JurorDraw"/>), jurors commit sealed votes with a fee, then reveal them, and anyone resolves after the
/// reveal deadline (<see cref="DisputeRules"/>). Votes live under keys of their own, so jurors vote concurrently.
/// </summary>
internal sealed class DisputeBook(RoamingTransaction tx, SettlementPolicy policy)
{
    /// <summary>The claim that closes the respondent's accounts when upheld.</summary>
    public const string AccountClosure = "account-closure";

    private readonly TokenLedger _ledger = new(tx, policy);

    public async Task<Dispute> OpenAsync(DisputeRequest request)
    {
        RequireVoter();
        ArgumentNullException.ThrowIfNull(request);
        if (request.Respondent == tx.CallerMspId || !policy.Members.Contains(request.Respondent))
        {
            throw ChaincodeException.InvalidArgument($"the respondent must be another member of the channel, not '{request.Respondent}'");
        }

        if (string.IsNullOrWhiteSpace(request.Claim) || request.Claim.Length > 500)
        {
            throw ChaincodeException.InvalidArgument("a dispute needs a claim of 1-500 characters");
        }

        if (request.Pledge < policy.MinimumPledge)
        {
            throw ChaincodeException.InvalidArgument($"the pledge must be at least {policy.MinimumPledge} RCB minor units");
        }

        foreach (var seconds in new[] { request.CommitSeconds, request.RevealSeconds })
        {
            if (seconds < policy.MinimumVoteSeconds || seconds > policy.MaximumVoteSeconds)
            {
                throw ChaincodeException.InvalidArgument($"commit and reveal windows must be {policy.MinimumVoteSeconds}-{policy.MaximumVoteSeconds} seconds");
            }
        }

        if (request.Subject == DisputeSubject.Statement)
        {
            if (request.AgreementId is null || request.Period is null)
            {
                throw ChaincodeException.InvalidArgument("a statement dispute names the agreement and the period");
            }

            var agreement = await tx.AgreementAsync(request.AgreementId).ConfigureAwait(false);
            tx.RequireParty(agreement);
            if (!agreement.IsParty(request.Respondent))
            {
                throw ChaincodeException.InvalidArgument($"{request.Respondent} is not a party to agreement {request.AgreementId}");
            }

            if (await tx.GetAsync<StatementState>(RoamingKeys.StatementKey(tx.Stub, request.AgreementId, request.Period)).ConfigureAwait(false) is null)
            {
                throw ChaincodeException.NotFound($"period {request.Period} of agreement {request.AgreementId} has no statement");
            }
        }

        var id = tx.Stub.TxId;
        var escrow = TokenAccounts.Escrow(id);
        await _ledger.MoveAsync(tx.CallerMspId, escrow, request.Pledge, "pledge", id).ConfigureAwait(false);
        var dispute = new Dispute
        {
            DisputeId = id,
            Subject = request.Subject,
            Requester = tx.CallerMspId,
            Respondent = request.Respondent,
            AgreementId = request.Subject == DisputeSubject.Statement ? request.AgreementId : null,
            Period = request.Subject == DisputeSubject.Statement ? request.Period : null,
            Claim = request.Claim,
            Pledge = request.Pledge,
            VotingFee = policy.VotingFee,
            Escrow = escrow,
            Status = DisputeStatus.Open,
            OpenedAt = tx.Now,
            CommitSeconds = request.CommitSeconds,
            RevealSeconds = request.RevealSeconds,
        };
        return await SaveAsync(dispute, SettlementEvents.DisputeOpened).ConfigureAwait(false);
    }

    /// <summary>Another member than the requester draws the jurors, seeded by the opening and this transaction's IDs.</summary>
    public async Task<Dispute> DrawAsync(string disputeId)
    {
        RequireVoter();
        var dispute = await GetAsync(disputeId).ConfigureAwait(false);
        if (dispute.Status != DisputeStatus.Open)
        {
            throw new ChaincodeException("jurors-drawn", $"the jurors of dispute {disputeId} are already drawn", 409);
        }

        if (tx.CallerMspId == dispute.Requester)
        {
            throw ChaincodeException.Forbidden("the requester may not draw its own jurors");
        }

        var candidates = new List<string>();
        foreach (var member in policy.Members)
        {
            if (member == dispute.Requester || member == dispute.Respondent)
            {
                continue;
            }

            if (await tx.Stub.GetStateAsync(SettlementKeys.ClosedKey(tx.Stub, member), tx.CancellationToken).ConfigureAwait(false) is { Length: > 0 })
            {
                continue;
            }

            if (await _ledger.CommittedBalanceAsync(member).ConfigureAwait(false) >= dispute.VotingFee)
            {
                candidates.Add(member);
            }
        }

        if (candidates.Count == 0)
        {
            throw new ChaincodeException("no-jurors", $"no member other than the parties holds the voting fee of {dispute.VotingFee}", 412);
        }

        candidates.Sort(StringComparer.Ordinal);
        var seed = JurorDraw.Seed(dispute.DisputeId, tx.Stub.TxId);
        var jurors = JurorDraw.Draw(seed, candidates, Math.Min(policy.Jurors, candidates.Count));
        var commitDeadline = tx.Now.AddSeconds(dispute.CommitSeconds);
        dispute = dispute with
        {
            Status = DisputeStatus.Voting,
            DrawTxId = tx.Stub.TxId,
            Seed = seed,
            Candidates = candidates,
            Jurors = jurors,
            CommitDeadline = commitDeadline,
            RevealDeadline = commitDeadline.AddSeconds(dispute.RevealSeconds),
        };
        return await SaveAsync(dispute, SettlementEvents.JurorsDrawn).ConfigureAwait(false);
    }

    /// <summary>A juror seals its vote before the commit deadline and pays the voting fee into the escrow.</summary>
    public async Task<JurorVote> CommitAsync(string disputeId, string commitment)
    {
        RequireVoter();
        var dispute = await VotingAsync(disputeId).ConfigureAwait(false);
        RequireJuror(dispute);
        if (tx.Now > dispute.CommitDeadline)
        {
            throw new ChaincodeException("commit-closed", $"commitments for dispute {disputeId} closed at {dispute.CommitDeadline:O}", 412);
        }

        if (commitment is not { Length: 64 } || !commitment.All(Uri.IsHexDigit))
        {
            throw ChaincodeException.InvalidArgument("a commitment is a SHA-256 in 64 hex digits");
        }

        var key = SettlementKeys.VoteKey(tx.Stub, disputeId, tx.CallerMspId);
        if (await tx.GetAsync<JurorVote>(key).ConfigureAwait(false) is not null)
        {
            throw ChaincodeException.Conflict($"{tx.CallerMspId} already committed a vote on dispute {disputeId}");
        }

        await _ledger.MoveAsync(tx.CallerMspId, dispute.Escrow, dispute.VotingFee, "fee", disputeId).ConfigureAwait(false);
        var vote = new JurorVote { DisputeId = disputeId, Juror = tx.CallerMspId, Commitment = commitment.ToLowerInvariant(), Fee = dispute.VotingFee };
        await tx.PutAsync(key, vote).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = SettlementEvents.VoteCommitted, TxId = tx.Stub.TxId, Settlement = new SettlementChange { Entries = _ledger.Entries } });
        return vote;
    }

    /// <summary>A juror reveals its vote after the commit deadline and before the reveal deadline.</summary>
    public async Task<JurorVote> RevealAsync(string disputeId, Vote vote, string salt)
    {
        RequireVoter();
        var dispute = await VotingAsync(disputeId).ConfigureAwait(false);
        RequireJuror(dispute);
        if (tx.Now <= dispute.CommitDeadline)
        {
            throw new ChaincodeException("reveal-not-open", $"votes on dispute {disputeId} are revealed after {dispute.CommitDeadline:O}", 412);
        }

        if (tx.Now > dispute.RevealDeadline)
        {
            throw new ChaincodeException("reveal-closed", $"reveals for dispute {disputeId} closed at {dispute.RevealDeadline:O}", 412);
        }

        var key = SettlementKeys.VoteKey(tx.Stub, disputeId, tx.CallerMspId);
        var sealedVote = await tx.GetAsync<JurorVote>(key).ConfigureAwait(false)
            ?? throw ChaincodeException.NotFound($"{tx.CallerMspId} committed no vote on dispute {disputeId}");
        if (sealedVote.Revealed is not null)
        {
            throw ChaincodeException.Conflict($"{tx.CallerMspId} already revealed its vote");
        }

        if (DisputeRules.Commitment(disputeId, vote, salt ?? "") != sealedVote.Commitment)
        {
            throw new ChaincodeException("commitment-mismatch", "the vote and salt do not match the commitment", 409);
        }

        var revealed = sealedVote with { Revealed = vote };
        await tx.PutAsync(key, revealed).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = SettlementEvents.VoteRevealed, TxId = tx.Stub.TxId, Settlement = new SettlementChange { Dispute = dispute } });
        return revealed;
    }

    /// <summary>Anyone resolves after the reveal deadline: tally, empty the escrow, close the respondent's accounts when so decided.</summary>
    public async Task<Dispute> ResolveAsync(string disputeId)
    {
        tx.RequireMember();
        var dispute = await VotingAsync(disputeId).ConfigureAwait(false);
        if (tx.Now <= dispute.RevealDeadline)
        {
            throw new ChaincodeException("reveal-open", $"dispute {disputeId} can be resolved after {dispute.RevealDeadline:O}", 412);
        }

        var votes = new List<(string Juror, long Fee, Vote? Vote)>();
        foreach (var juror in dispute.Jurors!)
        {
            if (await tx.GetAsync<JurorVote>(SettlementKeys.VoteKey(tx.Stub, disputeId, juror)).ConfigureAwait(false) is { } vote)
            {
                votes.Add((juror, vote.Fee, vote.Revealed));
            }
        }

        var tally = DisputeRules.Tally(dispute.Requester, dispute.Pledge, votes);
        var held = await _ledger.AvailableAsync(dispute.Escrow).ConfigureAwait(false);
        if (held != tally.Payouts.Sum(p => p.Amount))
        {
            throw new ChaincodeException("escrow-mismatch", $"the escrow of dispute {disputeId} holds {held}, the payouts sum to {tally.Payouts.Sum(p => p.Amount)}", 500);
        }

        foreach (var payout in tally.Payouts)
        {
            await _ledger.MoveAsync(dispute.Escrow, payout.Account, payout.Amount, "payout", disputeId).ConfigureAwait(false);
        }

        if (tally.Outcome == DisputeOutcome.Upheld && dispute.Subject == DisputeSubject.Member && dispute.Claim == AccountClosure)
        {
            await tx.Stub.PutStateAsync(SettlementKeys.ClosedKey(tx.Stub, dispute.Respondent), System.Text.Encoding.UTF8.GetBytes(disputeId), tx.CancellationToken).ConfigureAwait(false);
        }

        dispute = dispute with
        {
            Status = DisputeStatus.Resolved,
            Outcome = tally.Outcome,
            UpholdVotes = tally.Uphold,
            RejectVotes = tally.Reject,
            Unrevealed = tally.Unrevealed,
            Payouts = tally.Payouts,
        };
        return await SaveAsync(dispute, SettlementEvents.DisputeResolved).ConfigureAwait(false);
    }

    public async Task<Dispute> GetAsync(string disputeId)
        => await tx.GetAsync<Dispute>(SettlementKeys.DisputeKey(tx.Stub, disputeId)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"dispute {disputeId} does not exist");

    private async Task<Dispute> VotingAsync(string disputeId)
    {
        var dispute = await GetAsync(disputeId).ConfigureAwait(false);
        return dispute.Status switch
        {
            DisputeStatus.Open => throw new ChaincodeException("jurors-not-drawn", $"the jurors of dispute {disputeId} are not drawn yet", 412),
            DisputeStatus.Resolved => throw new ChaincodeException("dispute-resolved", $"dispute {disputeId} is resolved", 409),
            _ => dispute,
        };
    }

    private async Task<Dispute> SaveAsync(Dispute dispute, string change)
    {
        await tx.PutAsync(SettlementKeys.DisputeKey(tx.Stub, dispute.DisputeId), dispute).ConfigureAwait(false);
        tx.Emit(new RoamingChange
        {
            Change = change,
            TxId = tx.Stub.TxId,
            Settlement = new SettlementChange { Dispute = dispute, Entries = _ledger.Entries.Count > 0 ? _ledger.Entries : null },
        });
        return dispute;
    }

    private void RequireJuror(Dispute dispute)
    {
        if (!dispute.Jurors!.Contains(tx.CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} is not a juror of dispute {dispute.DisputeId}");
        }
    }

    private void RequireVoter()
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        if (!policy.Members.Contains(tx.CallerMspId))
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} is not a configured member of the channel ({SettlementPolicy.MembersVariable})");
        }
    }
}
