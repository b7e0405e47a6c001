using Restcomm.Fabric.Shim;
using Restcomm.Roaming;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>Usage batches: submission by the visited operator, reconciliation by the home operator, proofs and records.</summary>
internal sealed class UsageBook(RoamingTransaction tx)
{
    public async Task<SubmitUsageBatchResult> SubmitAsync(UsageBatchHeader header)
    {
        tx.RequireRole(RoamingPolicy.SubmitterRole);
        try
        {
            header.Check();
        }
        catch (RoamingRuleException e)
        {
            throw ChaincodeException.InvalidArgument(e.Message);
        }

        var key = RoamingKeys.BatchKey(tx.Stub, header.SenderTadig, header.RecipientTadig, header.FileSequenceNumber, header.BatchNumber);
        if (await tx.GetAsync<UsageBatchState>(key).ConfigureAwait(false) is { } existing)
        {
            // The same batch again (a retry after a lost answer, a resumed ingestion): the original, nothing written.
            if (existing.Header.PayloadHash == header.PayloadHash && existing.Header.AgreementId == header.AgreementId
                && existing.Header.Period == header.Period && existing.VisitedMspId == tx.CallerMspId)
            {
                return new SubmitUsageBatchResult { Batch = existing, AlreadySubmitted = true };
            }

            throw new ChaincodeException("batch-conflict",
                $"batch {header.BatchNumber} of file {header.FileId} is already on the ledger with payload hash {existing.Header.PayloadHash}; a different batch cannot reuse its file sequence and batch numbers", 409);
        }

        var agreement = await tx.AgreementAsync(header.AgreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        if (agreement.Status == AgreementStatus.Proposed)
        {
            throw ChaincodeException.FailedPrecondition($"agreement {agreement.AgreementId} has not been accepted yet");
        }

        var visited = PartyOf(agreement, header.SenderTadig)
            ?? throw ChaincodeException.InvalidArgument($"TADIG {header.SenderTadig} is not a network of agreement {agreement.AgreementId}");
        var home = PartyOf(agreement, header.RecipientTadig)
            ?? throw ChaincodeException.InvalidArgument($"TADIG {header.RecipientTadig} is not a network of agreement {agreement.AgreementId}");
        if (visited.MspId != tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden($"TADIG {header.SenderTadig} belongs to {visited.MspId}: only the visited operator submits its usage");
        }

        if (home.MspId == visited.MspId)
        {
            throw ChaincodeException.InvalidArgument("sender and recipient belong to the same operator");
        }

        var payload = tx.Transient(UsageBatchPayload.TransientKey);
        var batch = VerifiedUsageBatch.Verify(header, payload);
        var assessment = await AssessAsync(agreement, visited.MspId, batch.Records, details: false).ConfigureAwait(false);

        SequenceCheck? sequence = null;
        if (header.BatchNumber == 1 && header.FileSequenceNumber > 1)
        {
            // Only a file's first batch looks back, and only at the previous file's first batch: a key written long
            // before, so parallel batches keep sharing no key. The full picture is GetFileSequenceReport.
            var previous = RoamingKeys.BatchKey(tx.Stub, header.SenderTadig, header.RecipientTadig, header.FileSequenceNumber - 1, 1);
            sequence = new SequenceCheck
            {
                PreviousFileSequenceNumber = header.FileSequenceNumber - 1,
                PreviousFileSeen = await tx.Stub.GetStateAsync(previous, tx.CancellationToken).ConfigureAwait(false) is not null,
            };
        }

        var state = new UsageBatchState
        {
            Header = header,
            FileId = header.FileId,
            VisitedMspId = visited.MspId,
            HomeMspId = home.MspId,
            Collection = agreement.Collection,
            Status = UsageBatchStatus.Submitted,
            TxId = tx.Stub.TxId,
            SubmittedAt = tx.Now,
            Usage = assessment.Usage(),
            Findings = UsageFindingSummary.Summarise(assessment.Findings),
            Sequence = sequence,
        };
        await tx.PutPrivateAsync(agreement.Collection, RoamingKeys.RecordsKey(tx.Stub, header.FileId, header.BatchNumber), payload).ConfigureAwait(false);
        await tx.PutAsync(key, state).ConfigureAwait(false);
        await tx.Stub.PutStateAsync(RoamingKeys.PeriodBatchKey(tx.Stub, header.AgreementId, header.Period, header.FileId, header.BatchNumber),
            System.Text.Encoding.UTF8.GetBytes(key), tx.CancellationToken).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.BatchSubmitted, TxId = tx.Stub.TxId, Batch = state });
        return new SubmitUsageBatchResult { Batch = state, AlreadySubmitted = false };
    }

    public async Task<UsageBatchState> RejectAsync(string fileId, int batchNumber, IReadOnlyList<RecordRejection> rejections)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var (key, state) = await BatchForHomeAsync(fileId, batchNumber).ConfigureAwait(false);
        if (rejections.Count == 0)
        {
            throw ChaincodeException.InvalidArgument("name at least one record to reject");
        }

        foreach (var r in rejections)
        {
            if (r.Index < 0 || r.Index >= state.Header.RecordCount)
            {
                throw ChaincodeException.InvalidArgument($"record {r.Index} is not in the batch (0-{state.Header.RecordCount - 1})");
            }

            if (r.ErrorCode is < 1 or > 999)
            {
                throw ChaincodeException.InvalidArgument($"record {r.Index}: {r.ErrorCode} is not a TD.57/RAP error code (1-999)");
            }

            if (r.Reason is { Length: > 200 })
            {
                throw ChaincodeException.InvalidArgument($"record {r.Index}: the reason is longer than 200 characters");
            }
        }

        // A later rejection of the same record replaces the earlier one.
        var merged = state.Rejections.Where(old => rejections.All(r => r.Index != old.Index)).Concat(rejections.DistinctBy(r => r.Index))
            .OrderBy(r => r.Index).ToList();
        var updated = state with { Rejections = merged };
        await tx.PutAsync(key, updated).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.RecordsRejected, TxId = tx.Stub.TxId, Batch = updated });
        return updated;
    }

    public async Task<UsageBatchState> AcceptAsync(string fileId, int batchNumber)
    {
        tx.RequireRole(RoamingPolicy.ApproverRole);
        var (key, state) = await BatchForHomeAsync(fileId, batchNumber).ConfigureAwait(false);
        var agreement = await tx.AgreementAsync(state.Header.AgreementId).ConfigureAwait(false);
        var records = await FiguresAsync(state).ConfigureAwait(false);
        var assessment = await AssessAsync(agreement, state.VisitedMspId, records, details: false).ConfigureAwait(false);
        var rejected = state.Rejections.Select(r => r.Index).ToHashSet();
        var accepted = state with
        {
            Status = UsageBatchStatus.Reconciled,
            Accepted = assessment.Usage(rejected),
            ReconciledAt = tx.Now,
        };
        await tx.PutAsync(key, accepted).ConfigureAwait(false);
        tx.Emit(new RoamingChange { Change = RoamingEvents.BatchAccepted, TxId = tx.Stub.TxId, Batch = accepted });
        return accepted;
    }

    public async Task<UsageBatchState> GetAsync(string fileId, int batchNumber)
        => (await FindAsync(fileId, batchNumber).ConfigureAwait(false)).State;

    public async Task<UsageRecordsView> RecordsAsync(string fileId, int batchNumber)
    {
        var (_, state) = await FindAsync(fileId, batchNumber).ConfigureAwait(false);
        var agreement = await tx.AgreementAsync(state.Header.AgreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        var records = await RecordsAsync(state).ConfigureAwait(false);
        var assessment = await AssessAsync(agreement, state.VisitedMspId, [.. records.Select(r => r.Fields)], details: true).ConfigureAwait(false);
        return new UsageRecordsView { Batch = state, Records = records, Findings = assessment.Findings };
    }

    public async Task<RecordProofView> ProofAsync(string fileId, int batchNumber, int index)
    {
        var (_, state) = await FindAsync(fileId, batchNumber).ConfigureAwait(false);
        var agreement = await tx.AgreementAsync(state.Header.AgreementId).ConfigureAwait(false);
        tx.RequireParty(agreement);
        if (index < 0 || index >= state.Header.RecordCount)
        {
            throw ChaincodeException.NotFound($"batch {batchNumber} of file {fileId} has no record {index}");
        }

        var payload = await PayloadAsync(state).ConfigureAwait(false);
        var parts = UsageBatchPayload.Split(payload);
        var leaves = parts.Select(p => MerkleTree.LeafHash(p.Span)).ToList();
        return new RecordProofView
        {
            FileId = state.FileId,
            BatchNumber = batchNumber,
            Record = UsageRecord.Decode(parts[index].Span),
            CanonicalRecord = Convert.ToHexStringLower(parts[index].Span),
            LeafHash = Convert.ToHexStringLower(leaves[index]),
            Proof = MerkleTree.Prove(leaves, index),
            MerkleRoot = state.Header.MerkleRoot,
        };
    }

    public async Task<FileSequenceReport> SequenceReportAsync(string senderTadig, string recipientTadig)
    {
        var files = new SortedDictionary<int, SortedSet<int>>();
        await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(RoamingKeys.Batch, [senderTadig, recipientTadig]).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
        {
            var (_, attributes) = tx.Stub.SplitCompositeKey(kv.Key);
            var sequence = int.Parse(attributes[2], System.Globalization.CultureInfo.InvariantCulture);
            var batch = int.Parse(attributes[3], System.Globalization.CultureInfo.InvariantCulture);
            if (!files.TryGetValue(sequence, out var batches))
            {
                files[sequence] = batches = [];
            }

            batches.Add(batch);
        }

        var missingFiles = new List<int>();
        if (files.Count > 0)
        {
            for (var s = files.Keys.First(); s < files.Keys.Last(); s++)
            {
                if (!files.ContainsKey(s))
                {
                    missingFiles.Add(s);
                }
            }
        }

        return new FileSequenceReport
        {
            SenderTadig = senderTadig,
            RecipientTadig = recipientTadig,
            Files = [.. files.Select(f => new FileSequenceEntry
            {
                FileSequenceNumber = f.Key,
                FileId = FileId.Format(senderTadig, recipientTadig, f.Key),
                Batches = f.Value.Count,
                MissingBatches = [.. Enumerable.Range(1, f.Value.Max).Where(b => !f.Value.Contains(b))],
            })],
            MissingFiles = missingFiles,
        };
    }

    private async Task<(string Key, UsageBatchState State)> FindAsync(string fileId, int batchNumber)
    {
        if (!FileId.TryParse(fileId, out var sender, out var recipient, out var sequence))
        {
            throw ChaincodeException.InvalidArgument($"'{fileId}' is not a file ID (CD + sender TADIG + recipient TADIG + 5-digit sequence number)");
        }

        var key = RoamingKeys.BatchKey(tx.Stub, sender, recipient, sequence, batchNumber);
        var state = await tx.GetAsync<UsageBatchState>(key).ConfigureAwait(false)
            ?? throw ChaincodeException.NotFound($"batch {batchNumber} of file {fileId} does not exist");
        return (key, state);
    }

    private async Task<(string Key, UsageBatchState State)> BatchForHomeAsync(string fileId, int batchNumber)
    {
        var (key, state) = await FindAsync(fileId, batchNumber).ConfigureAwait(false);
        tx.RequireMember();
        if (state.HomeMspId != tx.CallerMspId)
        {
            throw ChaincodeException.Forbidden($"only the home operator {state.HomeMspId} reconciles batch {batchNumber} of file {fileId}");
        }

        if (state.Status != UsageBatchStatus.Submitted)
        {
            throw ChaincodeException.FailedPrecondition($"batch {batchNumber} of file {fileId} is already reconciled");
        }

        return (key, state);
    }

    private async Task<byte[]> PayloadAsync(UsageBatchState state)
        => await tx.GetPrivateAsync(state.Collection, RoamingKeys.RecordsKey(tx.Stub, state.FileId, state.Header.BatchNumber)).ConfigureAwait(false)
           ?? throw ChaincodeException.NotFound($"the records of batch {state.Header.BatchNumber} of file {state.FileId} are not in {state.Collection}");

    private async Task<IReadOnlyList<UsageRecord>> RecordsAsync(UsageBatchState state)
        => UsageBatchPayload.Decode(await PayloadAsync(state).ConfigureAwait(false));

    private async Task<IReadOnlyList<UsageRecordFields>> FiguresAsync(UsageBatchState state)
        => UsageBatchPayload.Figures(await PayloadAsync(state).ConfigureAwait(false));

    private async Task<UsageAssessment> AssessAsync(AgreementState agreement, string visitedMspId, IReadOnlyList<UsageRecordFields> records, bool details)
    {
        // Every version a record's date needs, read once; the assessment itself is synchronous.
        var versions = new Dictionary<int, AgreementDocument>();
        foreach (var date in records.Select(r => r.LocalDayNumber).Distinct().Select(DateOnly.FromDayNumber))
        {
            if (agreement.VersionOn(date) is { } info && !versions.ContainsKey(info.Version))
            {
                versions[info.Version] = await tx.DocumentAsync(agreement, info.Version).ConfigureAwait(false);
            }
        }

        var decimalPlaces = versions.Count > 0
            ? versions.Values.First().DecimalPlaces
            : (await tx.DocumentAsync(agreement, agreement.Versions[^1].Version).ConfigureAwait(false)).DecimalPlaces;
        return UsageAssessment.Assess(records, visitedMspId, date => agreement.VersionOn(date) is { } v ? versions[v.Version] : null, decimalPlaces, details);
    }

    private static AgreementParty? PartyOf(AgreementState agreement, string tadig)
        => agreement.PartyA.Tadigs.Contains(tadig, StringComparer.Ordinal) ? agreement.PartyA
            : agreement.PartyB.Tadigs.Contains(tadig, StringComparer.Ordinal) ? agreement.PartyB
            : null;
}
