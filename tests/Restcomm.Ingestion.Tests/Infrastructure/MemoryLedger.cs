using System.Collections.Concurrent;
using Restcomm.Roaming;

namespace Restcomm.Ingestion.Tests.Infrastructure;

/// <summary>
/// The roaming chaincode's usage-batch rules in memory, for pipeline tests that need no network: every batch is
/// verified against its header with the domain (payload hash, count, records, totals, Merkle root), must be endorsed
/// by the pair, is kept once per (file ID, batch number); the same batch again answers <c>alreadySubmitted</c> and a
/// different one under the same key is a <c>batch-conflict</c>. Failures can be injected per batch and attempt.
/// </summary>
internal sealed class MemoryLedger(AgreementState agreement) : IUsageBatchLedger
{
    private readonly ConcurrentDictionary<(string FileId, int Batch), (UsageBatchHeader Header, byte[] Payload)> _batches = new();
    private readonly ConcurrentDictionary<(string FileId, int Batch), int> _endorsements = new();
    private long _block;

    public string MspId => Agreements.Visited;

    /// <summary>Decides, per batch and endorsement attempt (from 1), an exception to throw instead of endorsing.</summary>
    public Func<UsageBatchHeader, int, UsageLedgerException?>? EndorseFailure { get; set; }

    /// <summary>Decides, per batch and attempt, a validation code other than VALID for the commit.</summary>
    public Func<UsageBatchHeader, int, string?>? CommitFailure { get; set; }

    /// <summary>Transactions that committed valid (no-op resubmissions are not ordered, so not counted).</summary>
    public int CommittedTransactions;

    public IReadOnlyDictionary<(string FileId, int Batch), (UsageBatchHeader Header, byte[] Payload)> Batches => _batches;

    public Task<AgreementState> GetAgreementAsync(string agreementId, CancellationToken cancellationToken)
        => agreementId == agreement.AgreementId
            ? Task.FromResult(agreement)
            : throw new UsageLedgerException($"agreement {agreementId} not found", isTransient: false, "not-found");

    public Task<FileSequenceReport> GetFileSequenceReportAsync(string senderTadig, string recipientTadig, CancellationToken cancellationToken)
    {
        var files = _batches.Keys.Where(k => FileId.TryParse(k.FileId, out var s, out var r, out _) && s == senderTadig && r == recipientTadig)
            .GroupBy(k => k.FileId).Select(g =>
            {
                FileId.TryParse(g.Key, out _, out _, out var sequence);
                var max = g.Max(k => k.Batch);
                return new FileSequenceEntry
                {
                    FileSequenceNumber = sequence,
                    FileId = g.Key,
                    Batches = g.Count(),
                    MissingBatches = [.. Enumerable.Range(1, max).Except(g.Select(k => k.Batch))],
                };
            }).OrderBy(f => f.FileSequenceNumber).ToList();
        var missing = files.Count == 0 ? [] : Enumerable.Range(files[0].FileSequenceNumber, files[^1].FileSequenceNumber - files[0].FileSequenceNumber + 1)
            .Except(files.Select(f => f.FileSequenceNumber)).ToList();
        return Task.FromResult(new FileSequenceReport { SenderTadig = senderTadig, RecipientTadig = recipientTadig, Files = files, MissingFiles = missing });
    }

    public Task<IEndorsedUsageBatch> EndorseAsync(UsageBatchHeader header, ReadOnlyMemory<byte> payload, IReadOnlyList<string> endorsingOrganizations, CancellationToken cancellationToken)
    {
        var key = (header.FileId, header.BatchNumber);
        var attempt = _endorsements.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (EndorseFailure?.Invoke(header, attempt) is { } failure)
        {
            throw failure;
        }

        if (!endorsingOrganizations.Order().SequenceEqual(new[] { agreement.PartyA.MspId, agreement.PartyB.MspId }.Order()))
        {
            throw new UsageLedgerException($"endorsed by {string.Join(",", endorsingOrganizations)}, not the pair", isTransient: false, "ENDORSEMENT_POLICY_FAILURE");
        }

        try
        {
            VerifiedUsageBatch.Verify(header, payload);
        }
        catch (RoamingRuleException e)
        {
            throw new UsageLedgerException(e.Message, isTransient: false, e.Code);
        }

        if (_batches.TryGetValue(key, out var existing))
        {
            if (existing.Header.PayloadHash != header.PayloadHash)
            {
                throw new UsageLedgerException($"batch {header.BatchNumber} of {header.FileId} is already on the ledger", isTransient: false, "batch-conflict");
            }

            return Task.FromResult<IEndorsedUsageBatch>(new Endorsed(this, header, payload.ToArray(), attempt, alreadySubmitted: true));
        }

        return Task.FromResult<IEndorsedUsageBatch>(new Endorsed(this, header, payload.ToArray(), attempt, alreadySubmitted: false));
    }

    private sealed class Endorsed(MemoryLedger ledger, UsageBatchHeader header, byte[] payload, int attempt, bool alreadySubmitted) : IEndorsedUsageBatch
    {
        public string TransactionId { get; } = Guid.NewGuid().ToString("N");

        public SubmitUsageBatchResult Result => new()
        {
            AlreadySubmitted = alreadySubmitted,
            Batch = new UsageBatchState
            {
                Header = header,
                FileId = header.FileId,
                VisitedMspId = Agreements.Visited,
                HomeMspId = Agreements.Home,
                Collection = $"pair-{Agreements.Visited}-{Agreements.Home}",
                Status = UsageBatchStatus.Submitted,
                TxId = TransactionId,
                SubmittedAt = DateTimeOffset.UnixEpoch,
                Usage = [],
            },
        };

        public Task SubmitAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<UsageBatchCommit> WaitForCommitAsync(CancellationToken cancellationToken)
        {
            var block = (ulong)Interlocked.Increment(ref ledger._block);
            if (ledger.CommitFailure?.Invoke(header, attempt) is { } code)
            {
                return Task.FromResult(new UsageBatchCommit(false, code, block, code is "MVCC_READ_CONFLICT" or "PHANTOM_READ_CONFLICT"));
            }

            // Two transactions writing the same new key in flight at once: the second one conflicts, as on Fabric.
            if (!ledger._batches.TryAdd((header.FileId, header.BatchNumber), (header, payload)))
            {
                return Task.FromResult(new UsageBatchCommit(false, "MVCC_READ_CONFLICT", block, true));
            }

            Interlocked.Increment(ref ledger.CommittedTransactions);
            return Task.FromResult(new UsageBatchCommit(true, "VALID", block, false));
        }
    }
}
