using System.Text.Json;
using Restcomm.Fabric.Shim;
using Restcomm.Numbers;

namespace Restcomm.Chaincode.Numbers.Internal;

/// <summary>One transaction of the numbering rules: the caller, typed state access and the transaction's one event.</summary>
internal sealed class NumberBook(TransactionContext context, NumbersPolicy policy)
{
    /// <summary>Most numbers one bulk transaction takes.</summary>
    public const int MaxBulk = 1_000;

    private readonly List<NumberChange> _changes = [];

    private IChaincodeStub Stub => context.Stub;

    private CancellationToken Cancellation => context.CancellationToken;

    /// <summary>The caller's organisation, from the signed proposal.</summary>
    public string Caller => context.ClientIdentity.MspId;

    /// <summary>The proposal's timestamp, the one clock every endorser agrees on.</summary>
    public DateTimeOffset Now => Stub.TxTimestamp;

    private string TxId => Stub.TxId;

    private bool CallerReadsAll => policy.ReadOnlyMsps.Contains(Caller);

    public async Task<PublishResult> PublishAsync(NumberPublication publication)
    {
        RequireWriter();
        var prepared = await PreparePublicationAsync(publication).ConfigureAwait(false);
        await WriteAsync(prepared).ConfigureAwait(false);
        Emit();
        return prepared.Result;
    }

    public async Task<BulkPublishResult> PublishBulkAsync(IReadOnlyList<NumberPublication> publications)
    {
        RequireWriter();
        RequireBulk(publications?.Count ?? 0);
        var seen = new HashSet<E164Number>();
        var prepared = new List<(PublishResult Result, NumberChangeKind? Kind)>(publications!.Count);
        foreach (var publication in publications)
        {
            if (publication is null || !seen.Add(publication.E164))
            {
                throw NumberRuleException.Invalid($"publication {prepared.Count} is null or names a number given before ({publication?.E164})");
            }

            prepared.Add(await PreparePublicationAsync(publication).ConfigureAwait(false));
        }

        foreach (var one in prepared)
        {
            await WriteAsync(one).ConfigureAwait(false);
        }

        var outcomes = prepared.Select(p => p.Result.Outcome).ToList();
        Emit();
        return new BulkPublishResult(
            outcomes.Count(o => o == PublishOutcome.Published), outcomes.Count(o => o == PublishOutcome.Updated), outcomes.Count(o => o == PublishOutcome.Unchanged), outcomes);
    }

    public async Task<NumberRecord> WithdrawAsync(string e164)
    {
        RequireWriter();
        var record = await PrepareWithdrawalAsync(E164Number.Parse(e164)).ConfigureAwait(false);
        await DeleteAsync(record).ConfigureAwait(false);
        Emit();
        return record;
    }

    public async Task<BulkWithdrawResult> WithdrawBulkAsync(IReadOnlyList<string> numbers)
    {
        RequireWriter();
        RequireBulk(numbers?.Count ?? 0);
        var parsed = numbers!.Select(E164Number.Parse).ToList();
        if (parsed.Distinct().Count() != parsed.Count)
        {
            throw NumberRuleException.Invalid("a bulk withdrawal names a number twice");
        }

        var withdrawn = new List<NumberRecord>(parsed.Count);
        foreach (var number in parsed)
        {
            withdrawn.Add(await PrepareWithdrawalAsync(number).ConfigureAwait(false));
        }

        foreach (var record in withdrawn)
        {
            await DeleteAsync(record).ConfigureAwait(false);
        }

        Emit();
        return new BulkWithdrawResult(withdrawn);
    }

    public async Task<BlockPublishResult> PublishBlockAsync(BlockPublication publication)
    {
        RequireWriter();
        ArgumentNullException.ThrowIfNull(publication);
        var profile = NumberRules.Validate(publication.Profile ?? new NumberProfile(), Now);
        var key = NumberKeys.BlockKey(Stub, publication.Id);
        var existing = await GetAsync<NumberBlock>(key).ConfigureAwait(false);
        if (existing is not null)
        {
            RequireServing(existing.Provider, $"block {existing.Id}");
            if (JsonEquals(existing.Profile, profile))
            {
                return new BlockPublishResult(PublishOutcome.Unchanged, existing);
            }
        }
        else
        {
            await RequireNoOverlapAsync(publication.Id).ConfigureAwait(false);
        }

        var block = new NumberBlock { Id = publication.Id, Provider = Caller, Profile = profile, UpdatedAt = Now, TxId = TxId };
        await PutAsync(key, block).ConfigureAwait(false);
        _changes.Add(new NumberChange { Kind = existing is null ? NumberChangeKind.BlockPublished : NumberChangeKind.BlockUpdated, Block = block });
        Emit();
        return new BlockPublishResult(existing is null ? PublishOutcome.Published : PublishOutcome.Updated, block);
    }

    public async Task<NumberBlock> WithdrawBlockAsync(string blockId)
    {
        RequireWriter();
        var id = NumberBlockId.Parse(blockId);
        var key = NumberKeys.BlockKey(Stub, id);
        var block = await GetAsync<NumberBlock>(key).ConfigureAwait(false)
            ?? throw new NumberRuleException(NumberRuleException.Unknown, $"block {id} is not in the registry");
        RequireServing(block.Provider, $"block {id}");
        await Stub.DeleteStateAsync(key, Cancellation).ConfigureAwait(false);
        _changes.Add(new NumberChange { Kind = NumberChangeKind.BlockWithdrawn, Block = block });
        Emit();
        return block;
    }

    public async Task<NumberView> GetAsync(string e164)
    {
        var number = E164Number.Parse(e164);
        var record = await RecordAsync(number).ConfigureAwait(false);
        var block = await BlockOfAsync(number).ConfigureAwait(false);
        var port = await GetAsync<PortRequest>(NumberKeys.PortKey(Stub, number)).ConfigureAwait(false);
        var provider = record?.Provider ?? block?.Provider;
        if (provider is null && port is null)
        {
            throw new NumberRuleException(NumberRuleException.Unknown, $"{number} is not in the registry");
        }

        return new NumberView(number, provider, record is null ? null : ForCaller(record), block, port);
    }

    public async Task<CnamView> CnamAsync(string e164)
    {
        var number = E164Number.Parse(e164);
        var (provider, profile, _, _) = await ServingAsync(number).ConfigureAwait(false);
        var view = profile.Cnam switch
        {
            null => null,
            { Presentation: CnamPresentation.Restricted } when provider != Caller && !CallerReadsAll => new CallerNameView(null, CnamPresentation.Restricted),
            { } cnam => new CallerNameView(cnam.Name, cnam.Presentation),
        };
        return new CnamView(number, provider, view);
    }

    public async Task<IReadOnlyList<NumberHistoryEntry>> HistoryAsync(string e164)
    {
        var number = E164Number.Parse(e164);
        var entries = new List<NumberHistoryEntry>();
        await foreach (var h in Stub.GetHistoryForKeyAsync(NumberKeys.NumberKey(Stub, number)).WithCancellation(Cancellation).ConfigureAwait(false))
        {
            var record = h.IsDelete || h.Value.IsEmpty ? null : JsonSerializer.Deserialize<NumberRecord>(h.Value.Span, NumbersJson.Options);
            entries.Add(new NumberHistoryEntry(h.TxId, h.Timestamp, h.IsDelete, record is null ? null : ForCaller(record), null));
        }

        await foreach (var h in Stub.GetHistoryForKeyAsync(NumberKeys.PortKey(Stub, number)).WithCancellation(Cancellation).ConfigureAwait(false))
        {
            var port = h.IsDelete || h.Value.IsEmpty ? null : JsonSerializer.Deserialize<PortRequest>(h.Value.Span, NumbersJson.Options);
            entries.Add(new NumberHistoryEntry(h.TxId, h.Timestamp, h.IsDelete, null, port));
        }

        // A port's activation writes both keys in one transaction: the port step first, then the record it produced.
        var activations = entries.Where(e => e.Port is { Status: PortStatus.Activated }).Select(e => e.TxId).ToHashSet(StringComparer.Ordinal);
        return [.. entries.OrderBy(e => e.Timestamp).ThenBy(e => e.Record is not null && activations.Contains(e.TxId) ? 1 : 0)];
    }

    public async Task<NumberBlock> GetBlockAsync(string blockId)
    {
        var id = NumberBlockId.Parse(blockId);
        return await GetAsync<NumberBlock>(NumberKeys.BlockKey(Stub, id)).ConfigureAwait(false)
            ?? throw new NumberRuleException(NumberRuleException.Unknown, $"block {id} is not in the registry");
    }

    public async Task<PortRequest> RequestPortAsync(PortRequestInput input)
    {
        RequireWriter();
        ArgumentNullException.ThrowIfNull(input);
        var (donor, _, _, _) = await ServingAsync(input.E164).ConfigureAwait(false);
        var key = NumberKeys.PortKey(Stub, input.E164);
        var previous = await GetAsync<PortRequest>(key).ConfigureAwait(false);
        var port = PortRules.Request(input.E164, donor, Caller, input.ConsentHash, input.DueAt, previous, Now, policy.PortWindow, TxId);
        return await StepAsync(key, port, NumberChangeKind.PortRequested).ConfigureAwait(false);
    }

    public async Task<PortRequest> ConcurPortAsync(string portId)
    {
        RequireWriter();
        var (key, port) = await PortAsync(portId).ConfigureAwait(false);
        return await StepAsync(key, PortRules.Concur(port, Caller, Now, TxId), NumberChangeKind.PortConcurred).ConfigureAwait(false);
    }

    public async Task<PortRequest> ConflictPortAsync(PortConflictInput input)
    {
        RequireWriter();
        ArgumentNullException.ThrowIfNull(input);
        var (key, port) = await PortAsync(input.PortId).ConfigureAwait(false);
        return await StepAsync(key, PortRules.Conflict(port, Caller, input.Reason, Now, TxId), NumberChangeKind.PortConflict).ConfigureAwait(false);
    }

    public async Task<PortRequest> CancelPortAsync(string portId)
    {
        RequireWriter();
        var (key, port) = await PortAsync(portId).ConfigureAwait(false);
        return await StepAsync(key, PortRules.Cancel(port, Caller, Now, TxId), NumberChangeKind.PortCancelled).ConfigureAwait(false);
    }

    public async Task<PortRequest> ActivatePortAsync(string portId)
    {
        RequireWriter();
        var (key, port) = await PortAsync(portId).ConfigureAwait(false);
        var activated = PortRules.Activate(port, Caller, Now, TxId);
        var previous = await RecordAsync(port.E164).ConfigureAwait(false);
        var block = previous is null ? await BlockOfAsync(port.E164).ConfigureAwait(false) : null;
        var record = PortRules.RecordAfter(activated, previous, block);
        await PutAsync(key, activated).ConfigureAwait(false);
        await PutAsync(NumberKeys.NumberKey(Stub, port.E164), record).ConfigureAwait(false);
        _changes.Add(new NumberChange { Kind = NumberChangeKind.PortActivated, E164 = port.E164, Record = record, Port = activated });
        Emit();
        return activated;
    }

    public async Task<PortRequest> GetPortAsync(string portId) => (await PortAsync(portId).ConfigureAwait(false)).Port;

    /// <summary>Checks one publication and works out the record, writing nothing (so a bulk refuses before any write).</summary>
    private async Task<(PublishResult Result, NumberChangeKind? Kind)> PreparePublicationAsync(NumberPublication publication)
    {
        ArgumentNullException.ThrowIfNull(publication);
        var profile = NumberRules.Validate(publication.Profile ?? new NumberProfile(), Now);
        var number = publication.E164;
        var existing = await RecordAsync(number).ConfigureAwait(false);
        string? blockId = existing?.Block;
        if (existing is not null)
        {
            RequireServing(existing.Provider, number.ToString());
            if (JsonEquals(existing.Profile, profile))
            {
                return (new PublishResult(PublishOutcome.Unchanged, existing), null);
            }
        }
        else if (await BlockOfAsync(number).ConfigureAwait(false) is { } block)
        {
            // A number of a block gets a record of its own (an override) only from the block's provider.
            RequireServing(block.Provider, $"{number} (block {block.Id})");
            blockId = block.Id.ToString();
        }

        var record = new NumberRecord { E164 = number, Provider = Caller, Profile = profile, Block = blockId, UpdatedAt = Now, TxId = TxId };
        return existing is null
            ? (new PublishResult(PublishOutcome.Published, record), NumberChangeKind.Published)
            : (new PublishResult(PublishOutcome.Updated, record), NumberChangeKind.Updated);
    }

    private async Task WriteAsync((PublishResult Result, NumberChangeKind? Kind) prepared)
    {
        if (prepared.Kind is { } kind)
        {
            var record = prepared.Result.Record;
            await PutAsync(NumberKeys.NumberKey(Stub, record.E164), record).ConfigureAwait(false);
            _changes.Add(new NumberChange { Kind = kind, E164 = record.E164, Record = record });
        }
    }

    private async Task<NumberRecord> PrepareWithdrawalAsync(E164Number number)
    {
        var record = await RecordAsync(number).ConfigureAwait(false)
            ?? throw new NumberRuleException(NumberRuleException.Unknown, $"{number} has no record of its own to withdraw");
        RequireServing(record.Provider, number.ToString());
        if (await GetAsync<PortRequest>(NumberKeys.PortKey(Stub, number)).ConfigureAwait(false) is { IsOpen: true } port)
        {
            throw new NumberRuleException(NumberRuleException.PortPending, $"port {port.PortId} of {number} is {port.Status}; it must activate or be cancelled before the number is withdrawn");
        }

        return record;
    }

    private async Task DeleteAsync(NumberRecord record)
    {
        await Stub.DeleteStateAsync(NumberKeys.NumberKey(Stub, record.E164), Cancellation).ConfigureAwait(false);
        _changes.Add(new NumberChange { Kind = NumberChangeKind.Withdrawn, E164 = record.E164, Record = record });
    }

    private async Task<PortRequest> StepAsync(string key, PortRequest port, NumberChangeKind kind)
    {
        await PutAsync(key, port).ConfigureAwait(false);
        _changes.Add(new NumberChange { Kind = kind, E164 = port.E164, Port = port });
        Emit();
        return port;
    }

    private async Task<(string Key, PortRequest Port)> PortAsync(string portId)
    {
        if (!PortRequest.TryParseId(portId, out var number, out _))
        {
            throw NumberRuleException.Invalid($"'{portId}' is not a port ID (the number's digits, '-', the port's sequence)");
        }

        var key = NumberKeys.PortKey(Stub, number);
        var port = await GetAsync<PortRequest>(key).ConfigureAwait(false);
        return port is not null && port.PortId == portId
            ? (key, port)
            : throw new NumberRuleException(NumberRuleException.Unknown, port is null ? $"{number} has never been ported" : $"port {portId} is not {number}'s latest port ({port.PortId})");
    }

    /// <summary>Who serves a number and with which profile: its own record, else its block.</summary>
    private async Task<(string Provider, NumberProfile Profile, NumberRecord? Record, NumberBlock? Block)> ServingAsync(E164Number number)
    {
        if (await RecordAsync(number).ConfigureAwait(false) is { } record)
        {
            return (record.Provider, record.Profile, record, null);
        }

        return await BlockOfAsync(number).ConfigureAwait(false) is { } block
            ? (block.Provider, block.Profile, null, block)
            : throw new NumberRuleException(NumberRuleException.Unknown, $"{number} is not in the registry");
    }

    private Task<NumberRecord?> RecordAsync(E164Number number) => GetAsync<NumberRecord>(NumberKeys.NumberKey(Stub, number));

    private async Task<NumberBlock?> BlockOfAsync(E164Number number)
    {
        var keys = Enumerable.Range(1, NumberBlockId.MaxFreeDigits).Select(free => NumberKeys.BlockKey(Stub, NumberBlockId.Containing(number, free))).ToList();
        var values = await Stub.GetMultipleStatesAsync(keys, Cancellation).ConfigureAwait(false);
        return values.FirstOrDefault(v => v is { Length: > 0 }) is { } bytes ? JsonSerializer.Deserialize<NumberBlock>(bytes, NumbersJson.Options) : null;
    }

    /// <summary>Refuses a block whose numbers another block already covers (numbers of the same length under one prefix).</summary>
    private async Task RequireNoOverlapAsync(NumberBlockId id)
    {
        var length = E164Number.DigitCount(id.Prefix) + id.FreeDigits;
        for (var free = id.FreeDigits + 1; free <= NumberBlockId.MaxFreeDigits; free++)
        {
            var wider = NumberBlockId.Containing(id.First, free);
            if (await Stub.GetStateAsync(NumberKeys.BlockKey(Stub, wider), Cancellation).ConfigureAwait(false) is { Length: > 0 })
            {
                throw new NumberRuleException(NumberRuleException.BlockOverlap, $"block {id} lies inside block {wider}");
            }
        }

        await foreach (var kv in Stub.GetStateByPartialCompositeKeyAsync(NumberKeys.Block, NumberKeys.Digits(id.Prefix)).WithCancellation(Cancellation).ConfigureAwait(false))
        {
            var inner = JsonSerializer.Deserialize<NumberBlock>(kv.Value.Span, NumbersJson.Options)!;
            if (E164Number.DigitCount(inner.Id.Prefix) + inner.Id.FreeDigits == length)
            {
                throw new NumberRuleException(NumberRuleException.BlockOverlap, $"block {id} overlaps block {inner.Id} of {inner.Provider}");
            }
        }
    }

    private NumberRecord ForCaller(NumberRecord record) => record.Provider == Caller || CallerReadsAll ? record : record.Redacted();

    private void RequireWriter()
    {
        if (CallerReadsAll)
        {
            throw ChaincodeException.Forbidden($"{Caller} may read the number registry but not change it");
        }
    }

    private void RequireServing(string provider, string what)
    {
        if (provider != Caller)
        {
            throw new NumberRuleException(NumberRuleException.NotServingProvider, $"{provider} serves {what}; only the serving provider may change it, not {Caller}");
        }
    }

    private static void RequireBulk(int count)
    {
        if (count is 0 or > MaxBulk)
        {
            throw NumberRuleException.Invalid($"a bulk transaction takes 1 to {MaxBulk} numbers, not {count}");
        }
    }

    private void Emit()
    {
        if (_changes.Count > 0)
        {
            Stub.SetEvent(NumberChangeSet.EventName, JsonSerializer.SerializeToUtf8Bytes(new NumberChangeSet { TxId = TxId, Caller = Caller, Changes = _changes }, NumbersJson.Options));
        }
    }

    private async Task<T?> GetAsync<T>(string key)
        where T : class
    {
        var bytes = await Stub.GetStateAsync(key, Cancellation).ConfigureAwait(false);
        return bytes is null or { Length: 0 } ? null : JsonSerializer.Deserialize<T>(bytes, NumbersJson.Options);
    }

    private Task PutAsync<T>(string key, T value) => Stub.PutStateAsync(key, JsonSerializer.SerializeToUtf8Bytes(value, NumbersJson.Options), Cancellation);

    private static bool JsonEquals<T>(T a, T b)
        => JsonSerializer.SerializeToUtf8Bytes(a, NumbersJson.Options).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b, NumbersJson.Options));
}
