using System.Text.Json;
using Restcomm.Chaincode.Eir.Internal;
using Restcomm.Eir;
using Restcomm.Fabric.Shim;

namespace Restcomm.Chaincode.Eir;

/// <summary>
/// The shared Equipment Identity Register. Every argument is one JSON or text string; every answer is JSON.
/// Refusals carry the HTTP-like status (400 bad input, 403 not allowed, 404 no such entry) and the message
/// <c>[kind] reason</c>. The caller's organisation is always its MSP ID from the signed proposal, never an argument.
/// Each transaction that changes entries sets one chaincode event <c>eir.changed</c> listing every change.
/// </summary>
[Contract(Name = "eir", IsDefault = true, Title = "Equipment Identity Register", Version = "1.0.0")]
internal sealed class EirContract(EirPolicy policy) : ContractBase
{
    /// <summary>Reports a device, range or TAC (JSON <see cref="EirReport"/>); a repeated identical report changes nothing.</summary>
    [SubmitTransaction]
    public Task<EirReportResult> Report(TransactionContext ctx, string report)
        => Run(ctx, r => r.ReportAsync(Parse<EirReport>(report, "report"), ctx.CancellationToken));

    /// <summary>Reports up to 10,000 entries in one transaction (JSON array of <see cref="EirReport"/>); all or nothing.</summary>
    [SubmitTransaction]
    public Task<EirBulkReportResult> ReportBulk(TransactionContext ctx, string reports)
        => Run(ctx, r => r.ReportBulkAsync(Parse<List<EirReport>>(reports, "reports"), ctx.CancellationToken));

    /// <summary>Clears an entry (JSON <see cref="EirClearRequest"/>): only its owner or the owner's delegate may.</summary>
    [SubmitTransaction]
    public Task<EirClearResult> Clear(TransactionContext ctx, string request)
    {
        var clear = Parse<EirClearRequest>(request, "request");
        return Run(ctx, r => r.ClearAsync(clear.Target, clear.List, clear.Owner, clear.Note, ctx.CancellationToken));
    }

    /// <summary>A target's entries, history and (for an IMEI) status; the target is an IMEI, IMEISV, TAC or TAC:FIRST-LAST.</summary>
    [EvaluateTransaction]
    public Task<EirRecord> Get(TransactionContext ctx, string target)
        => Run(ctx, r => r.GetAsync(ParseTarget(target), ctx.CancellationToken));

    /// <summary>CheckIMEI from the ledger itself (the gateway answers the same from its index, faster).</summary>
    [EvaluateTransaction]
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
    [SubmitTransaction]
    public Task<EirDelegation> Delegate(TransactionContext ctx, string delegateMspId)
        => Run(ctx, r => r.DelegateAsync(delegateMspId, ctx.CancellationToken));

    /// <summary>Withdraws a delegation the caller gave.</summary>
    [SubmitTransaction]
    public Task<EirDelegation> Revoke(TransactionContext ctx, string delegateMspId)
        => Run(ctx, r => r.RevokeAsync(delegateMspId, ctx.CancellationToken));

    /// <summary>The delegates of an owner.</summary>
    [EvaluateTransaction]
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

    private static ChaincodeException Refuse(EirException e) => new(e.Formatted, (int)e.Kind);

    private static EirTarget ParseTarget(string text)
        => EirTarget.TryParse(text, out var target, out var error)
            ? target
            : throw Refuse(new EirException(EirErrorKind.Invalid, error!));

    private static T Parse<T>(string json, string what)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, EirJson.Options)
                ?? throw Refuse(new EirException(EirErrorKind.Invalid, $"The {what} is empty."));
        }
        catch (JsonException e)
        {
            throw Refuse(new EirException(EirErrorKind.Invalid, $"The {what} is not valid JSON for the EIR: {e.Message}"));
        }
        catch (ImeiFormatException e)
        {
            throw Refuse(new EirException(EirErrorKind.Invalid, e.Message));
        }
    }
}
