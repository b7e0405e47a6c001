using System.Text.Json;
using Restcomm.Audit;
using Restcomm.Chaincode.Audit.Internal;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Audit;

/// <summary>
/// Append-only anchors on the <c>audit</c> channel (see README.md): each one a digest over a source channel's changes in
/// a block range (or one statement), keyed by what it covers, so the same anchor twice is one anchor and two anchors
/// never conflict. Nothing is ever updated or deleted. Read-only organisations (the regulator) are refused by MSP.
/// Each new anchor sets the chaincode event <c>audit.anchored</c> carrying the <see cref="AuditAnchor"/>.
/// </summary>
[Contract(Name = "audit", IsDefault = true, Title = "Audit anchors", Version = "1.0.0")]
internal sealed class AuditContract(AuditPolicy policy) : ContractBase
{
    /// <summary>The chaincode event of a new anchor.</summary>
    public const string AnchoredEvent = "audit.anchored";

    /// <summary>The composite-key object type of anchors.</summary>
    public const string AnchorObjectType = "anchor";

    /// <summary>Code of a refusal: an anchor with this key already exists with another digest or count.</summary>
    public const string MismatchCode = "audit-anchor-mismatch";

    /// <summary>Anchors a digest; the same anchor again writes nothing and answers the one already there.</summary>
    [SubmitTransaction]
    public async Task<AnchorResult> Anchor(TransactionContext ctx, AnchorRequest request)
    {
        var caller = ctx.ClientIdentity.MspId;
        if (policy.ReadOnlyMsps.Contains(caller))
        {
            throw ChaincodeException.Forbidden($"{caller} reads the audit channel but never writes to it");
        }

        if (request is null)
        {
            throw ChaincodeException.InvalidArgument("an anchor request is required");
        }

        if (AnchorId.Validate(request) is { Count: > 0 } problems)
        {
            throw ChaincodeException.InvalidArgument(string.Join("; ", problems));
        }

        var key = Key(ctx.Stub, request.Id);
        if (await ctx.Stub.GetStateAsync(key, ctx.CancellationToken).ConfigureAwait(false) is { Length: > 0 } existing)
        {
            var earlier = JsonSerializer.Deserialize<AuditAnchor>(existing, AuditJson.Options)!;
            if (earlier.Digest != request.Digest || earlier.ChangeCount != request.ChangeCount)
            {
                throw new ChaincodeException(MismatchCode,
                    $"anchor {request.Id} exists with digest {earlier.Digest} over {earlier.ChangeCount} changes (anchored by {earlier.AnchoredBy}); anchors are never changed",
                    409);
            }

            return new AnchorResult(earlier, Created: false);
        }

        var anchor = new AuditAnchor
        {
            Id = request.Id,
            SourceChannel = request.SourceChannel,
            Chaincode = request.Chaincode,
            Kind = request.Kind,
            FromBlock = request.FromBlock,
            ToBlock = request.ToBlock,
            StatementId = request.StatementId,
            Digest = request.Digest,
            ChangeCount = request.ChangeCount,
            AnchoredBy = caller,
            AnchoredAt = ctx.Stub.TxTimestamp,
            TransactionId = ctx.Stub.TxId,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(anchor, AuditJson.Options);
        await ctx.Stub.PutStateAsync(key, json, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Stub.SetEvent(AnchoredEvent, json);
        return new AnchorResult(anchor, Created: true);
    }

    /// <summary>The chaincode event of a disclosure (public: which anchor and who disclosed, never the figures).</summary>
    public const string DisclosedEvent = "audit.disclosed";

    /// <summary>The transient field carrying a <see cref="StatementDisclosure"/>.</summary>
    public const string DisclosureTransientKey = "disclosure";

    /// <summary>
    /// A party to a signed roaming statement discloses the statement's pair, volume and net to the regulators: the
    /// disclosure (transient field <c>disclosure</c>, so it never reaches a block) goes into the caller's disclosure
    /// collection, whose members are the caller and the read-only organisations. The statement's anchor must be on the
    /// channel. Only private data is written, so the collection's endorsement policy (the caller's peer) is all it needs,
    /// and no other operator's peer sees it. The same disclosure again writes nothing.
    /// </summary>
    [SubmitTransaction]
    public async Task<DisclosureResult> Disclose(TransactionContext ctx, string anchorId)
    {
        var caller = ctx.ClientIdentity.MspId;
        if (policy.ReadOnlyMsps.Contains(caller))
        {
            throw ChaincodeException.Forbidden($"{caller} reads the audit channel but never writes to it");
        }

        var anchor = await GetAnchor(ctx, anchorId).ConfigureAwait(false);
        if (!AnchorKinds.IsStatement(anchor.Kind))
        {
            throw ChaincodeException.InvalidArgument($"anchor {anchorId} covers a block range; only a statement anchor has a disclosure");
        }

        if (!ctx.Stub.Transient.TryGetValue(DisclosureTransientKey, out var bytes) || bytes.Length == 0)
        {
            throw ChaincodeException.InvalidArgument($"the disclosure goes in the transient field '{DisclosureTransientKey}'");
        }

        StatementDisclosure disclosure;
        try
        {
            disclosure = JsonSerializer.Deserialize<StatementDisclosure>(bytes, AuditJson.Options)
                ?? throw ChaincodeException.InvalidArgument("the disclosure is empty");
        }
        catch (JsonException ex)
        {
            throw ChaincodeException.InvalidArgument($"the disclosure is not valid JSON: {ex.Message}");
        }

        var problems = new List<string>(disclosure.Validate(caller));
        if (disclosure.AnchorId != anchor.Id)
        {
            problems.Insert(0, $"anchorId must be {anchor.Id}");
        }

        if (problems.Count > 0)
        {
            throw ChaincodeException.InvalidArgument(string.Join("; ", problems.Distinct()));
        }

        var collection = DisclosureCollections.For(caller);
        var json = JsonSerializer.SerializeToUtf8Bytes(disclosure, AuditJson.Options);
        var hash = await ctx.Stub.GetPrivateDataHashAsync(collection, anchor.Id, ctx.CancellationToken).ConfigureAwait(false);
        if (hash is { Length: > 0 })
        {
            if (hash.AsSpan().SequenceEqual(System.Security.Cryptography.SHA256.HashData(json)))
            {
                return new DisclosureResult(anchor.Id, caller, collection, Created: false);
            }

            throw new ChaincodeException(MismatchCode, $"{caller} has disclosed other figures for {anchor.Id}; disclosures are never changed", 409);
        }

        await ctx.Stub.PutPrivateDataAsync(collection, anchor.Id, json, ctx.CancellationToken).ConfigureAwait(false);
        ctx.Stub.SetEvent(DisclosedEvent, JsonSerializer.SerializeToUtf8Bytes(new DisclosureResult(anchor.Id, caller, collection, Created: true), AuditJson.Options));
        return new DisclosureResult(anchor.Id, caller, collection, Created: true);
    }

    /// <summary>
    /// A disclosure, read by a member of the discloser's collection (the discloser or a read-only organisation); anyone
    /// else is refused before the collection is touched.
    /// </summary>
    [EvaluateTransaction]
    public async Task<StatementDisclosure> GetDisclosure(TransactionContext ctx, string anchorId, string discloser)
    {
        var caller = ctx.ClientIdentity.MspId;
        if (caller != discloser && !policy.ReadOnlyMsps.Contains(caller))
        {
            throw ChaincodeException.Forbidden($"{discloser}'s disclosures are for {discloser} and the regulators");
        }

        _ = Key(ctx.Stub, anchorId);
        var bytes = await ctx.Stub.GetPrivateDataAsync(DisclosureCollections.For(discloser), anchorId, ctx.CancellationToken).ConfigureAwait(false);
        return bytes is { Length: > 0 }
            ? JsonSerializer.Deserialize<StatementDisclosure>(bytes, AuditJson.Options)!
            : throw ChaincodeException.NotFound($"{discloser} has disclosed nothing for {anchorId}");
    }

    /// <summary>One anchor by ID.</summary>
    [EvaluateTransaction]
    public async Task<AuditAnchor> GetAnchor(TransactionContext ctx, string id)
    {
        var bytes = await ctx.Stub.GetStateAsync(Key(ctx.Stub, id), ctx.CancellationToken).ConfigureAwait(false);
        return bytes is { Length: > 0 }
            ? JsonSerializer.Deserialize<AuditAnchor>(bytes, AuditJson.Options)!
            : throw ChaincodeException.NotFound($"no anchor {id}");
    }

    /// <summary>Every anchor of a source channel (and chaincode, when given), in key order.</summary>
    [EvaluateTransaction]
    public async Task<IReadOnlyList<AuditAnchor>> ListAnchors(TransactionContext ctx, string sourceChannel, string chaincode)
    {
        var attributes = string.IsNullOrEmpty(chaincode) ? new[] { sourceChannel } : [sourceChannel, chaincode];
        var anchors = new List<AuditAnchor>();
        await foreach (var kv in ctx.Stub.GetStateByPartialCompositeKeyAsync(AnchorObjectType, attributes).WithCancellation(ctx.CancellationToken).ConfigureAwait(false))
        {
            anchors.Add(JsonSerializer.Deserialize<AuditAnchor>(kv.Value.Span, AuditJson.Options)!);
        }

        return anchors;
    }

    private static string Key(IChaincodeStub stub, string id)
    {
        var parts = id?.Split(AnchorId.Separator) ?? [];
        return parts.Length == 4 && parts.All(p => p.Length > 0)
            ? stub.CreateCompositeKey(AnchorObjectType, parts)
            : throw ChaincodeException.InvalidArgument($"'{id}' is not an anchor ID (channel~chaincode~kind~range)");
    }
}
