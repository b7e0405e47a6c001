using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Eir;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Eir;

/// <summary>
/// The shared Equipment Identity Register. Reports and clear requests are typed parameters the contract API binds
/// from JSON (and lists, with their schemas, in <c>org.hyperledger.fabric:GetMetadata</c>); targets and MSP IDs are
/// text; every answer is JSON. Refusals are coded chaincode errors: <c>invalid-argument</c> (400), <c>forbidden</c>
/// (403), <c>not-found</c> (404). The caller's organisation is always its MSP ID from the signed proposal, never an
/// argument. Each transaction that changes entries sets one chaincode event <c>eir.changed</c> listing every change.
/// </summary>
[Contract(Name = "eir", IsDefault = true, Title = "Equipment Identity Register", Version = "1.0.0")]
internal sealed class EirContract(EirPolicy policy) : ContractBase
{
    /// <summary>Reports a device, range or TAC; a repeated identical report changes nothing.</summary>
    [SubmitTransaction(Description = "Reports a device, serial range or TAC on the black, grey or white list; a repeated identical report changes nothing.")]
    public Task<EirReportResult> Report(TransactionContext ctx, EirReport report)
        => Run(ctx, r => r.ReportAsync(report, ctx.CancellationToken));

    /// <summary>Reports up to 10,000 entries in one transaction; all or nothing.</summary>
    [SubmitTransaction(Description = "Reports up to 10,000 entries in one transaction, all or nothing.")]
    public Task<EirBulkReportResult> ReportBulk(TransactionContext ctx, List<EirReport> reports)
        => Run(ctx, r => r.ReportBulkAsync(reports, ctx.CancellationToken));

    /// <summary>Clears an entry: only its owner or the owner's delegate may.</summary>
    [SubmitTransaction(Description = "Clears an entry; only its owner or an organisation the owner delegated to may.")]
    public Task<EirClearResult> Clear(TransactionContext ctx, EirClearRequest request)
        => Run(ctx, r => r.ClearAsync(request.Target, request.List, request.Owner, request.Note, ctx.CancellationToken));

    /// <summary>A target's entries, history and (for an IMEI) status; the target is an IMEI, IMEISV, TAC or TAC:FIRST-LAST.</summary>
    [EvaluateTransaction(Description = "A target's entries, history and (for an IMEI) status; the target is an IMEI, IMEISV, TAC or TAC:FIRST-LAST.")]
    public Task<EirRecord> Get(TransactionContext ctx, string target)
        => Run(ctx, r => r.GetAsync(ParseTarget(target), ctx.CancellationToken));

    /// <summary>CheckIMEI from the ledger itself (the gateway answers the same from its index, faster).</summary>
    [EvaluateTransaction(Description = "CheckIMEI from the ledger itself: the status of an IMEI or IMEISV and the deciding entry.")]
    public async Task<EirCheckAnswer> CheckImei(TransactionContext ctx, string imei)
    {
        var device = Imei.TryParse(imei.AsSpan(), out var parsed, out var problem)
            ? parsed
            : throw Refuse(new EirException(EirErrorKind.Invalid, Imei.Describe(imei, problem)));
        var record = await Run(ctx, r => r.GetAsync(EirTarget.ForImei(device), ctx.CancellationToken)).ConfigureAwait(false);
        var check = EquipmentStatusRules.Evaluate(device, record.Entries, ctx.Stub.TxTimestamp);
        return new EirCheckAnswer { Imei = device, Status = check.Status, Entry = check.Entry };
    }

    /// <summary>Lets another organisation change and clear the caller's entries.</summary>
    [SubmitTransaction(Description = "Lets another organisation (an MSP ID) change and clear the caller's entries.")]
    public Task<EirDelegation> Delegate(TransactionContext ctx, string delegateMspId)
        => Run(ctx, r => r.DelegateAsync(delegateMspId, ctx.CancellationToken));

    /// <summary>Withdraws a delegation the caller gave.</summary>
    [SubmitTransaction(Description = "Withdraws a delegation the caller gave.")]
    public Task<EirDelegation> Revoke(TransactionContext ctx, string delegateMspId)
        => Run(ctx, r => r.RevokeAsync(delegateMspId, ctx.CancellationToken));

    /// <summary>The delegates of an owner.</summary>
    [EvaluateTransaction(Description = "The delegates of an owner (an MSP ID).")]
    public Task<EirDelegation> GetDelegation(TransactionContext ctx, string ownerMspId)
        => Run(ctx, r => r.GetDelegationAsync(ownerMspId, ctx.CancellationToken));

    private async Task<T> Run<T>(TransactionContext ctx, Func<EirRegister, Task<T>> action)
    {
        try
        {
            return await action(new EirRegister(new StubLedger(ctx), policy)).ConfigureAwait(false);
        }
        catch (EirException e)
        {
            throw Refuse(e);
        }
    }

    /// <summary>The coded chaincode refusal of an EIR rule: the kind gives the code, the message stays as it is.</summary>
    internal static ChaincodeException Refuse(EirException e) => e.Kind switch
    {
        EirErrorKind.Forbidden => ChaincodeException.Forbidden(e.Message),
        EirErrorKind.NotFound => ChaincodeException.NotFound(e.Message),
        _ => ChaincodeException.InvalidArgument(e.Message),
    };

    private static EirTarget ParseTarget(string text)
        => EirTarget.TryParse(text, out var target, out var error)
            ? target
            : throw Refuse(new EirException(EirErrorKind.Invalid, error!));
}
