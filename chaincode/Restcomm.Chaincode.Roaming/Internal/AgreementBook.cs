using Restcomm.Fabric.Shim;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>Agreements: propose, accept by the counterparty, amend (one pending at a time), supersede, terminate.</summary>
internal sealed class AgreementBook(RoamingTransaction tx)
{
    /// <summary>The transient key carrying an agreement document (JSON).</summary>
    public const string DocumentTransientKey = "agreement";

    public async Task<AgreementState> ProposeAsync()
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var bytes = tx.Transient(DocumentTransientKey);
        var document = RoamingTransaction.ParseDocument(bytes);
        document.Validate();
        if (document.Version != 1)
        {
            throw new ChaincodeException("invalid-agreement", "a new agreement is version 1; amend an agreement to change it", 400);
        }

        if (document.Party(tx.CallerMspId) is null)
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} can only propose agreements it is a party to");
        }

        var key = RoamingKeys.AgreementKey(tx.Stub, document.AgreementId);
        if (await tx.GetAsync<AgreementState>(key).ConfigureAwait(false) is not null)
        {
            throw ChaincodeException.Conflict($"agreement {document.AgreementId} already exists");
        }

        if (document.Supersedes is { } old)
        {
            var previous = await tx.AgreementAsync(old).ConfigureAwait(false);
            CheckSupersedable(previous, document);
        }

        var state = new AgreementState
        {
            AgreementId = document.AgreementId,
            Collection = document.Collection,
            PartyA = document.PartyA,
            PartyB = document.PartyB,
            Status = AgreementStatus.Proposed,
            ValidFrom = document.ValidFrom,
            ValidTo = document.ValidTo,
            Supersedes = document.Supersedes,
            Pending = Proposal(document, bytes),
        };
        await tx.PutPrivateAsync(state.Collection, RoamingKeys.DocumentKey(tx.Stub, document.AgreementId, 1), bytes).ConfigureAwait(false);
        await tx.PutAsync(key, state).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.AgreementProposed, TxId = tx.Stub.TxId, Agreement = state });
        return state;
    }

    public async Task<AgreementState> AcceptAsync(string agreementId, string documentHash)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var state = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(state);
        if (state.Status != AgreementStatus.Proposed)
        {
            throw ChaincodeException.FailedPrecondition($"agreement {agreementId} is {state.Status}, not waiting for acceptance");
        }

        var pending = await CheckAcceptableAsync(state, documentHash).ConfigureAwait(false);
        var accepted = state with
        {
            Status = AgreementStatus.Active,
            Versions = [pending with { AcceptedBy = tx.CallerMspId, AcceptedAt = tx.Now }],
            Pending = null,
        };
        AgreementState? superseded = null;
        if (state.Supersedes is { } old)
        {
            var previous = await tx.AgreementAsync(old).ConfigureAwait(false);
            var document = await tx.DocumentAsync(state, 1).ConfigureAwait(false);
            CheckSupersedable(previous, document);
            var end = state.ValidFrom.AddDays(-1);
            superseded = previous with
            {
                Status = AgreementStatus.Superseded,
                SupersededBy = agreementId,
                ValidTo = previous.ValidTo is { } to && to < end ? to : end,
                Pending = null,
            };
            await tx.PutAsync(RoamingKeys.AgreementKey(tx.Stub, old), superseded).ConfigureAwait(false);
        }

        await tx.PutAsync(RoamingKeys.AgreementKey(tx.Stub, agreementId), accepted).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.AgreementAccepted, TxId = tx.Stub.TxId, Agreement = accepted, Superseded = superseded });
        return accepted;
    }

    public async Task<AgreementState> ProposeAmendmentAsync(string agreementId)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var state = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(state);
        if (state.Status != AgreementStatus.Active)
        {
            throw ChaincodeException.FailedPrecondition($"agreement {agreementId} is {state.Status}; only an active agreement can be amended");
        }

        if (state.Pending is { } pending)
        {
            throw new ChaincodeException("amendment-pending",
                $"amendment version {pending.Version} proposed by {pending.ProposedBy} is still pending; it must be accepted or declined first", 409);
        }

        var bytes = tx.Transient(DocumentTransientKey);
        var proposed = RoamingTransaction.ParseDocument(bytes);
        var current = await tx.DocumentAsync(state, state.Versions[^1].Version).ConfigureAwait(false);
        AmendmentRules.Check(current, proposed, tx.Today);
        var amended = state with { Pending = Proposal(proposed, bytes) };
        await tx.PutPrivateAsync(state.Collection, RoamingKeys.DocumentKey(tx.Stub, agreementId, proposed.Version), bytes).ConfigureAwait(false);
        await tx.PutAsync(RoamingKeys.AgreementKey(tx.Stub, agreementId), amended).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.AmendmentProposed, TxId = tx.Stub.TxId, Agreement = amended });
        return amended;
    }

    public async Task<AgreementState> AcceptAmendmentAsync(string agreementId, string documentHash)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var state = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(state);
        if (state.Status != AgreementStatus.Active || state.Pending is null)
        {
            throw ChaincodeException.FailedPrecondition($"agreement {agreementId} has no pending amendment");
        }

        var pending = await CheckAcceptableAsync(state, documentHash).ConfigureAwait(false);
        // The notice counts to the day of acceptance too: an amendment accepted late cannot apply retroactively.
        var current = await tx.DocumentAsync(state, state.Versions[^1].Version).ConfigureAwait(false);
        var proposed = await tx.DocumentAsync(state, pending.Version).ConfigureAwait(false);
        if (proposed.RatesFrom < tx.Today)
        {
            throw new ChaincodeException("amendment-notice",
                $"amendment version {pending.Version} was to take effect on {proposed.RatesFrom:yyyy-MM-dd}, which has passed; propose it again", 400);
        }

        var amended = state with
        {
            Versions = [.. state.Versions, pending with { AcceptedBy = tx.CallerMspId, AcceptedAt = tx.Now }],
            Pending = null,
            ValidTo = proposed.ValidTo ?? current.ValidTo,
        };
        await tx.PutAsync(RoamingKeys.AgreementKey(tx.Stub, agreementId), amended).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.AmendmentAccepted, TxId = tx.Stub.TxId, Agreement = amended });
        return amended;
    }

    public async Task<AgreementState> DeclineAmendmentAsync(string agreementId)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var state = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(state);
        if (state.Status != AgreementStatus.Active || state.Pending is null)
        {
            throw ChaincodeException.FailedPrecondition($"agreement {agreementId} has no pending amendment");
        }

        var declined = state with { Pending = null };
        await tx.PutAsync(RoamingKeys.AgreementKey(tx.Stub, agreementId), declined).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.AmendmentDeclined, TxId = tx.Stub.TxId, Agreement = declined });
        return declined;
    }

    public async Task<AgreementState> TerminateAsync(string agreementId, DateOnly effectiveTo, string reason)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var state = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(state);
        if (state.Status != AgreementStatus.Active)
        {
            throw ChaincodeException.FailedPrecondition($"agreement {agreementId} is {state.Status}; only an active agreement can be terminated");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw ChaincodeException.InvalidArgument("a termination needs a reason");
        }

        if (effectiveTo < tx.Today || effectiveTo < state.ValidFrom.AddDays(-1))
        {
            throw ChaincodeException.InvalidArgument($"a termination cannot end the agreement before today ({tx.Today:yyyy-MM-dd})");
        }

        var terminated = state with
        {
            Status = AgreementStatus.Terminated,
            ValidTo = state.ValidTo is { } to && to < effectiveTo ? to : effectiveTo,
            Pending = null,
            TerminatedBy = tx.CallerMspId,
            TerminationReason = reason,
        };
        await tx.PutAsync(RoamingKeys.AgreementKey(tx.Stub, agreementId), terminated).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.AgreementTerminated, TxId = tx.Stub.TxId, Agreement = terminated });
        return terminated;
    }

    public async Task<AgreementDocument> DocumentAsync(string agreementId, int version)
    {
        var state = await tx.AgreementAsync(agreementId).ConfigureAwait(false);
        tx.RequireParty(state);
        var known = state.Versions.Any(v => v.Version == version) || state.Pending?.Version == version;
        return known
            ? await tx.DocumentAsync(state, version).ConfigureAwait(false)
            : throw ChaincodeException.NotFound($"agreement {agreementId} has no version {version}");
    }

    private async Task<AgreementVersionInfo> CheckAcceptableAsync(AgreementState state, string documentHash)
    {
        var pending = state.Pending!;
        if (pending.ProposedBy == tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden($"{tx.CallerMspId} proposed version {pending.Version}; only the counterparty can accept it");
        }

        if (!string.Equals(documentHash, pending.DocumentHash, StringComparison.OrdinalIgnoreCase))
        {
            throw new ChaincodeException("document-hash-mismatch",
                $"version {pending.Version} of agreement {state.AgreementId} has hash {pending.DocumentHash}, not {documentHash}: accept exactly the document proposed", 409);
        }

        // The document must be in the collection as proposed (Fabric keeps the SHA-256 of private values on chain).
        var stored = await tx.Stub.GetPrivateDataHashAsync(state.Collection, RoamingKeys.DocumentKey(tx.Stub, state.AgreementId, pending.Version), tx.CancellationToken).ConfigureAwait(false);
        if (stored is null || Convert.ToHexStringLower(stored) != pending.DocumentHash)
        {
            throw ChaincodeException.FailedPrecondition($"version {pending.Version} of agreement {state.AgreementId} is not in {state.Collection} as proposed");
        }

        return pending;
    }

    private AgreementVersionInfo Proposal(AgreementDocument document, byte[] bytes) => new()
    {
        Version = document.Version,
        EffectiveFrom = document.RatesFrom,
        DocumentHash = RoamingTransaction.Hash(bytes),
        ProposedBy = tx.CallerMspId,
        ProposedAt = tx.Now,
    };

    private static void CheckSupersedable(AgreementState previous, AgreementDocument next)
    {
        if (previous.Status != AgreementStatus.Active)
        {
            throw ChaincodeException.FailedPrecondition($"agreement {previous.AgreementId} is {previous.Status}; only an active agreement can be superseded");
        }

        if (previous.Collection != next.Collection)
        {
            throw ChaincodeException.InvalidArgument($"agreement {previous.AgreementId} is between other operators");
        }

        if (next.ValidFrom <= previous.ValidFrom)
        {
            throw ChaincodeException.InvalidArgument($"the new agreement must start after {previous.ValidFrom:yyyy-MM-dd}, when agreement {previous.AgreementId} starts");
        }
    }
}
