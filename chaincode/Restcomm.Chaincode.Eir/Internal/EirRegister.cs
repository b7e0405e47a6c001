using System.Globalization;
using System.Text.Json;
using Restcomm.Eir;

namespace Restcomm.Chaincode.Eir.Internal;

/// <summary>
/// The EIR rules over the world state, for one transaction. Ledger layout (composite keys):
/// <list type="bullet">
/// <item><c>eir.imei / IMEI / list / owner</c> → entry on one IMEI</item>
/// <item><c>eir.range / TAC / FIRST-LAST / list / owner</c> → entry on a serial range or whole TAC</item>
/// <item><c>eir.target / TAC / target</c> → every range target ever used in a TAC (finds the history of
/// cleared ranges)</item>
/// <item><c>eir.history / target / ticks-txid-n</c> → one change, oldest first</item>
/// <item><c>eir.delegation / owner</c> → the organisations that may act for the owner</item>
/// </list>
/// Fabric reads do not see the transaction's own writes, so entries this transaction wrote are kept in
/// <see cref="_written"/> and read from there: a bulk report that names one device twice stays coherent.
/// </summary>
internal sealed class EirRegister
{
    internal const string ImeiType = "eir.imei";
    internal const string RangeType = "eir.range";
    internal const string TargetType = "eir.target";
    internal const string HistoryType = "eir.history";
    internal const string DelegationType = "eir.delegation";

    private static readonly byte[] TargetMarker = [1];

    private readonly IEirLedger _ledger;
    private readonly EirPolicy _policy;
    private readonly Dictionary<string, EirEntry?> _written = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EirDelegation?> _delegations = new(StringComparer.Ordinal);
    private readonly List<EirChange> _changes = [];

    public EirRegister(IEirLedger ledger, EirPolicy policy)
    {
        _ledger = ledger;
        _policy = policy;
    }

    private string Caller => _ledger.CallerMspId;

    private DateTimeOffset Now => _ledger.TxTimestamp;

    /// <summary>Reports one entry (or changes the caller's existing one); a repeated identical report changes nothing.</summary>
    public async Task<EirReportResult> ReportAsync(EirReport report, CancellationToken cancellationToken)
    {
        EnsureMayWrite();
        var valid = report.Validate(Now, out var error) ?? throw new EirException(EirErrorKind.Invalid, error!);
        var result = await ApplyAsync(valid, cancellationToken).ConfigureAwait(false);
        Publish();
        return result;
    }

    /// <summary>Reports many entries in this one transaction; any invalid report refuses them all.</summary>
    public async Task<EirBulkReportResult> ReportBulkAsync(IReadOnlyList<EirReport> reports, CancellationToken cancellationToken)
    {
        EnsureMayWrite();
        if (reports.Count == 0)
        {
            throw new EirException(EirErrorKind.Invalid, "The bulk report is empty.");
        }

        if (reports.Count > EirReport.MaxBulk)
        {
            throw new EirException(EirErrorKind.Invalid, $"The bulk report has {reports.Count} reports; at most {EirReport.MaxBulk} fit in one transaction.");
        }

        var valid = new EirReport[reports.Count];
        for (var i = 0; i < reports.Count; i++)
        {
            valid[i] = (reports[i] ?? throw new EirException(EirErrorKind.Invalid, $"Report {i} is null; give a report object."))
                .Validate(Now, out var error)
                ?? throw new EirException(EirErrorKind.Invalid, $"Report {i} ({reports[i].Target}): {error}");
        }

        var outcomes = new EirReportOutcome[valid.Length];
        for (var i = 0; i < valid.Length; i++)
        {
            outcomes[i] = (await ApplyAsync(valid[i], cancellationToken).ConfigureAwait(false)).Outcome;
        }

        Publish();
        return new EirBulkReportResult
        {
            Reported = outcomes.Count(o => o == EirReportOutcome.Reported),
            Updated = outcomes.Count(o => o == EirReportOutcome.Updated),
            Unchanged = outcomes.Count(o => o == EirReportOutcome.Unchanged),
            Outcomes = outcomes,
        };
    }

    /// <summary>
    /// Clears the entry of <paramref name="owner"/> (default: the caller) on <paramref name="list"/> for
    /// <paramref name="target"/>. Only the owner or one of its delegates may.
    /// </summary>
    public async Task<EirClearResult> ClearAsync(EirTarget target, EirList list, string? owner, string? note, CancellationToken cancellationToken)
    {
        EnsureMayWrite();
        if (note is { Length: > EirReport.MaxNoteLength })
        {
            throw new EirException(EirErrorKind.Invalid, $"The note has {note.Length} characters; at most {EirReport.MaxNoteLength} are allowed.");
        }

        var key = new EirEntryKey(target, list, string.IsNullOrEmpty(owner) ? Caller : owner);
        var existing = await ReadEntryAsync(key, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            // Say who does own an entry there: clearing another organisation's entry is forbidden, not absent.
            var others = await EntriesOfTargetAsync(target, cancellationToken).ConfigureAwait(false);
            var owners = others.Where(e => e.List == list).Select(e => e.Owner).Distinct(StringComparer.Ordinal).ToList();
            if (owner is null && owners.Count > 0)
            {
                var mine = new List<string>();
                foreach (var o in owners)
                {
                    if (await IsDelegateAsync(o, Caller, cancellationToken).ConfigureAwait(false))
                    {
                        mine.Add(o);
                    }
                }

                throw mine.Count > 0
                    ? new EirException(EirErrorKind.Invalid, $"{Caller} has no {EirNames.Of(list)} entry for {target}; to clear the entry of {string.Join(" or ", mine)} as its delegate, name that owner.")
                    : new EirException(EirErrorKind.Forbidden, $"The {EirNames.Of(list)} entry for {target} is owned by {string.Join(", ", owners)}; only the owner or an organisation it delegated to may clear it, and {Caller} is neither.");
            }

            throw new EirException(EirErrorKind.NotFound, $"There is no {EirNames.Of(list)} entry of {key.Owner} for {target}.");
        }

        await EnsureMayChangeAsync(existing, "clear", cancellationToken).ConfigureAwait(false);
        await WriteEntryAsync(key, null, cancellationToken).ConfigureAwait(false);
        await RecordAsync(EirChangeKind.Cleared, existing with { UpdatedAt = Now, UpdatedBy = Caller, TxId = _ledger.TxId }, string.IsNullOrEmpty(note) ? null : note, cancellationToken).ConfigureAwait(false);
        Publish();
        return new EirClearResult { Entry = existing };
    }

    /// <summary>A target's current entries and full history; for one IMEI, also its status at the transaction time.</summary>
    public async Task<EirRecord> GetAsync(EirTarget target, CancellationToken cancellationToken)
    {
        List<EirEntry> entries;
        var historyTargets = new List<string> { target.ToString() };
        if (target.Kind == EirTargetKind.Imei)
        {
            entries = await CollectAsync(ImeiType, [target.ToString()], cancellationToken).ConfigureAwait(false);
            var imei = target.Imei;
            var ranges = await CollectAsync(RangeType, [target.Tac.ToString()], cancellationToken).ConfigureAwait(false);
            entries.AddRange(ranges.Where(r => r.Target.Covers(imei)));
            await foreach (var (key, _) in _ledger.GetStateByPartialCompositeKeyAsync(TargetType, [target.Tac.ToString()], cancellationToken).ConfigureAwait(false))
            {
                var rangeText = LastAttribute(key);
                if (EirTarget.TryParse(rangeText, out var range, out _) && range.Covers(imei))
                {
                    historyTargets.Add(rangeText);
                }
            }
        }
        else
        {
            entries = await EntriesOfTargetAsync(target, cancellationToken).ConfigureAwait(false);
        }

        var history = new List<(string Key, EirChange Change)>();
        foreach (var t in historyTargets)
        {
            await foreach (var (key, value) in _ledger.GetStateByPartialCompositeKeyAsync(HistoryType, [t], cancellationToken).ConfigureAwait(false))
            {
                history.Add((LastAttribute(key), Deserialize<EirChange>(value)));
            }
        }

        EquipmentStatus? status = null;
        string? deciding = null;
        if (target.Kind == EirTargetKind.Imei)
        {
            var check = EquipmentStatusRules.Evaluate(target.Imei, entries, Now);
            status = check.Status;
            deciding = check.Entry?.Id;
        }

        return new EirRecord
        {
            Target = target,
            Status = status,
            DecidingEntryId = deciding,
            Entries = entries,
            History = history.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Change).ToList(),
        };
    }

    /// <summary>Lets <paramref name="delegateMsp"/> change and clear the caller's entries.</summary>
    public async Task<EirDelegation> DelegateAsync(string delegateMsp, CancellationToken cancellationToken)
    {
        EnsureMayWrite();
        if (string.IsNullOrWhiteSpace(delegateMsp) || string.Equals(delegateMsp, Caller, StringComparison.Ordinal))
        {
            throw new EirException(EirErrorKind.Invalid, $"'{delegateMsp}' cannot be a delegate of {Caller}; name another organisation's MSP ID.");
        }

        if (!MspIds.IsWellFormed(delegateMsp))
        {
            throw new EirException(EirErrorKind.Invalid, $"The delegate is not an MSP ID ({MspIds.Rule}).");
        }

        if (_policy.ReadOnlyMsps.Contains(delegateMsp))
        {
            throw new EirException(EirErrorKind.Invalid, $"{delegateMsp} may only read; it cannot act for {Caller}.");
        }

        if (_policy.MemberMsps is { } members && !members.Contains(delegateMsp))
        {
            throw new EirException(EirErrorKind.Invalid,
                $"{delegateMsp} is not a member of this channel; a delegate is one of {string.Join(", ", members.Order(StringComparer.Ordinal))}.");
        }

        var current = await GetDelegationAsync(Caller, cancellationToken).ConfigureAwait(false);
        var next = current with { Delegates = current.Delegates.Append(delegateMsp).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList() };
        await PutDelegationAsync(next, cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>Withdraws a delegation the caller gave.</summary>
    public async Task<EirDelegation> RevokeAsync(string delegateMsp, CancellationToken cancellationToken)
    {
        EnsureMayWrite();
        var current = await GetDelegationAsync(Caller, cancellationToken).ConfigureAwait(false);
        if (!current.Delegates.Contains(delegateMsp, StringComparer.Ordinal))
        {
            throw new EirException(EirErrorKind.NotFound, $"{delegateMsp} is not a delegate of {Caller}.");
        }

        var next = current with { Delegates = current.Delegates.Where(d => !string.Equals(d, delegateMsp, StringComparison.Ordinal)).ToList() };
        await PutDelegationAsync(next, cancellationToken).ConfigureAwait(false);
        return next;
    }

    /// <summary>The delegates of <paramref name="owner"/>.</summary>
    public async Task<EirDelegation> GetDelegationAsync(string owner, CancellationToken cancellationToken)
    {
        if (_delegations.TryGetValue(owner, out var cached) && cached is not null)
        {
            return cached;
        }

        var bytes = await _ledger.GetStateAsync(DelegationKey(owner), cancellationToken).ConfigureAwait(false);
        var delegation = bytes is { Length: > 0 }
            ? Deserialize<EirDelegation>(bytes)
            : new EirDelegation { Owner = owner, Delegates = [] };
        _delegations[owner] = delegation;
        return delegation;
    }

    private async Task<EirReportResult> ApplyAsync(EirReport report, CancellationToken cancellationToken)
    {
        var owner = report.OnBehalfOf ?? Caller;
        var key = new EirEntryKey(report.Target, report.List, owner);
        if (!string.Equals(owner, Caller, StringComparison.Ordinal) && !await IsDelegateAsync(owner, Caller, cancellationToken).ConfigureAwait(false))
        {
            throw new EirException(EirErrorKind.Forbidden, $"{Caller} is not a delegate of {owner} and may not report on its behalf ({report.Target}).");
        }

        var existing = await ReadEntryAsync(key, cancellationToken).ConfigureAwait(false);
        var proposed = new EirEntry
        {
            Target = report.Target,
            List = report.List,
            Owner = owner,
            Reason = report.Reason,
            ExpiresAt = report.ExpiresAt,
            EvidenceHash = report.EvidenceHash,
            Note = report.Note,
            ReportedAt = existing?.ReportedAt ?? Now,
            UpdatedAt = Now,
            UpdatedBy = Caller,
            TxId = _ledger.TxId,
        };

        if (existing is not null && existing.SameContentAs(proposed))
        {
            return new EirReportResult { Outcome = EirReportOutcome.Unchanged, Entry = existing };
        }

        await WriteEntryAsync(key, proposed, cancellationToken).ConfigureAwait(false);
        if (existing is null && report.Target.Kind != EirTargetKind.Imei)
        {
            await _ledger.PutStateAsync(
                _ledger.CreateCompositeKey(TargetType, [report.Target.Tac.ToString(), report.Target.ToString()]), TargetMarker, cancellationToken).ConfigureAwait(false);
        }

        var kind = existing is null ? EirChangeKind.Reported : EirChangeKind.Updated;
        await RecordAsync(kind, proposed, null, cancellationToken).ConfigureAwait(false);
        return new EirReportResult { Outcome = existing is null ? EirReportOutcome.Reported : EirReportOutcome.Updated, Entry = proposed };
    }

    private async Task RecordAsync(EirChangeKind kind, EirEntry entry, string? note, CancellationToken cancellationToken)
    {
        var change = new EirChange { Kind = kind, Entry = entry, By = Caller, TxId = _ledger.TxId, At = Now, Note = note };
        var sequence = string.Create(CultureInfo.InvariantCulture, $"{Now.UtcTicks:D19}-{_ledger.TxId}-{_changes.Count:D5}");
        await _ledger.PutStateAsync(
            _ledger.CreateCompositeKey(HistoryType, [entry.Target.ToString(), sequence]), Serialize(change), cancellationToken).ConfigureAwait(false);
        _changes.Add(change);
    }

    private void Publish()
    {
        if (_changes.Count > 0)
        {
            _ledger.SetEvent(EirChangeSet.EventName, Serialize(new EirChangeSet { TxId = _ledger.TxId, Changes = _changes }));
        }
    }

    private async Task EnsureMayChangeAsync(EirEntry entry, string action, CancellationToken cancellationToken)
    {
        if (!string.Equals(entry.Owner, Caller, StringComparison.Ordinal)
            && !await IsDelegateAsync(entry.Owner, Caller, cancellationToken).ConfigureAwait(false))
        {
            throw new EirException(
                EirErrorKind.Forbidden,
                $"The {EirNames.Of(entry.List)} entry for {entry.Target} is owned by {entry.Owner}; only the owner or an organisation it delegated to may {action} it, and {Caller} is neither.");
        }
    }

    private void EnsureMayWrite()
    {
        if (_policy.ReadOnlyMsps.Contains(Caller))
        {
            throw new EirException(EirErrorKind.Forbidden, $"{Caller} has read-only access to the EIR.");
        }

        if (_policy.WriterAttribute is { } attribute && !_ledger.CallerHasAttribute(attribute))
        {
            throw new EirException(EirErrorKind.Forbidden, $"Writing to the EIR needs the certificate attribute {attribute}=true, which this {Caller} identity does not carry.");
        }
    }

    private async Task<bool> IsDelegateAsync(string owner, string candidate, CancellationToken cancellationToken)
        => (await GetDelegationAsync(owner, cancellationToken).ConfigureAwait(false)).Delegates.Contains(candidate, StringComparer.Ordinal);

    private async Task PutDelegationAsync(EirDelegation delegation, CancellationToken cancellationToken)
    {
        _delegations[delegation.Owner] = delegation;
        await _ledger.PutStateAsync(DelegationKey(delegation.Owner), Serialize(delegation), cancellationToken).ConfigureAwait(false);
    }

    private string DelegationKey(string owner) => _ledger.CreateCompositeKey(DelegationType, [owner]);

    private string EntryKey(EirEntryKey key)
    {
        var target = key.Target;
        return target.Kind == EirTargetKind.Imei
            ? _ledger.CreateCompositeKey(ImeiType, [target.ToString(), EirNames.Of(key.List), key.Owner])
            : _ledger.CreateCompositeKey(RangeType, [target.Tac.ToString(), SerialSpan(target), EirNames.Of(key.List), key.Owner]);
    }

    private static string SerialSpan(EirTarget target)
        => string.Create(CultureInfo.InvariantCulture, $"{target.FirstSerial:D6}-{target.LastSerial:D6}");

    private async Task<EirEntry?> ReadEntryAsync(EirEntryKey key, CancellationToken cancellationToken)
    {
        var ledgerKey = EntryKey(key);
        if (_written.TryGetValue(ledgerKey, out var pending))
        {
            return pending;
        }

        var bytes = await _ledger.GetStateAsync(ledgerKey, cancellationToken).ConfigureAwait(false);
        return bytes is { Length: > 0 } ? Deserialize<EirEntry>(bytes) : null;
    }

    private async Task WriteEntryAsync(EirEntryKey key, EirEntry? entry, CancellationToken cancellationToken)
    {
        var ledgerKey = EntryKey(key);
        _written[ledgerKey] = entry;
        if (entry is null)
        {
            await _ledger.DeleteStateAsync(ledgerKey, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _ledger.PutStateAsync(ledgerKey, Serialize(entry), cancellationToken).ConfigureAwait(false);
        }
    }

    private Task<List<EirEntry>> EntriesOfTargetAsync(EirTarget target, CancellationToken cancellationToken)
        => target.Kind == EirTargetKind.Imei
            ? CollectAsync(ImeiType, [target.ToString()], cancellationToken)
            : CollectAsync(RangeType, [target.Tac.ToString(), SerialSpan(target)], cancellationToken);

    private async Task<List<EirEntry>> CollectAsync(string type, IReadOnlyList<string> attributes, CancellationToken cancellationToken)
    {
        var found = new List<EirEntry>();
        await foreach (var (key, value) in _ledger.GetStateByPartialCompositeKeyAsync(type, attributes, cancellationToken).ConfigureAwait(false))
        {
            found.Add(_written.TryGetValue(key, out var pending) ? pending! : Deserialize<EirEntry>(value));
        }

        // Entries this transaction created are not in the committed state the query read.
        foreach (var (key, pending) in _written)
        {
            if (pending is not null && key.StartsWith(_ledger.CreateCompositeKey(type, attributes), StringComparison.Ordinal) && !found.Contains(pending))
            {
                found.Add(pending);
            }
        }

        found.RemoveAll(e => e is null || _written.TryGetValue(EntryKey(e.Key), out var p) && p is null);
        return found;
    }

    private static string LastAttribute(string compositeKey)
    {
        // Composite key: \0 type \0 attr1 \0 ... attrN \0
        var trimmed = compositeKey.AsSpan().TrimEnd('\0');
        return trimmed[(trimmed.LastIndexOf('\0') + 1)..].ToString();
    }

    private static byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, EirJson.Options);

    private static T Deserialize<T>(ReadOnlyMemory<byte> bytes)
        => JsonSerializer.Deserialize<T>(bytes.Span, EirJson.Options) ?? throw new InvalidOperationException($"Ledger holds an empty {typeof(T).Name}.");
}
