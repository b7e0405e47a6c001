using Restcomm.Chaincode.Numbers.Internal;
using Restcomm.Fabric.Shim;
using Restcomm.Numbers;

namespace Restcomm.Chaincode.Numbers;

/// <summary>
/// The telephone-number registry (see README.md): number records and blocks published by their serving provider,
/// ports between providers, caller names. The caller's organisation comes from its certificate, never from arguments.
/// Refusals are coded <see cref="ChaincodeException"/>s (<c>numbers-…</c>). Each change sets one chaincode event
/// <c>numbers.changed</c> carrying a <see cref="NumberChangeSet"/>.
/// </summary>
[Contract(Name = "numbers", IsDefault = true, Title = "Telephone-number feature registry", Version = "1.0.0")]
internal sealed class NumbersContract(NumbersPolicy policy) : ContractBase
{
    /// <summary>Publishes or updates one number (the serving provider only; a number new to the registry goes to the caller).</summary>
    [SubmitTransaction]
    public Task<PublishResult> Publish(TransactionContext ctx, NumberPublication publication) => Run(ctx, b => b.PublishAsync(publication));

    /// <summary>Publishes or updates up to 1,000 numbers in one transaction, all or nothing.</summary>
    [SubmitTransaction]
    public Task<BulkPublishResult> PublishBulk(TransactionContext ctx, IReadOnlyList<NumberPublication> publications) => Run(ctx, b => b.PublishBulkAsync(publications));

    /// <summary>Removes a number's own record (a number of a block falls back to the block).</summary>
    [SubmitTransaction]
    public Task<NumberRecord> Withdraw(TransactionContext ctx, string e164) => Run(ctx, b => b.WithdrawAsync(e164));

    /// <summary>Removes up to 1,000 records in one transaction.</summary>
    [SubmitTransaction]
    public Task<BulkWithdrawResult> WithdrawBulk(TransactionContext ctx, IReadOnlyList<string> numbers) => Run(ctx, b => b.WithdrawBulkAsync(numbers));

    /// <summary>Publishes or updates a block of 10 to 10,000 numbers.</summary>
    [SubmitTransaction]
    public Task<BlockPublishResult> PublishBlock(TransactionContext ctx, BlockPublication publication) => Run(ctx, b => b.PublishBlockAsync(publication));

    /// <summary>Withdraws a block (numbers with records of their own keep them).</summary>
    [SubmitTransaction]
    public Task<NumberBlock> WithdrawBlock(TransactionContext ctx, string blockId) => Run(ctx, b => b.WithdrawBlockAsync(blockId));

    /// <summary>A number: serving provider, own record, block and latest port.</summary>
    [EvaluateTransaction]
    public Task<NumberView> GetNumber(TransactionContext ctx, string e164) => Run(ctx, b => b.GetAsync(e164));

    /// <summary>A number's caller name, restriction honoured.</summary>
    [EvaluateTransaction]
    public Task<CnamView> GetCnam(TransactionContext ctx, string e164) => Run(ctx, b => b.CnamAsync(e164));

    /// <summary>Every write of a number's record and port, oldest first.</summary>
    [EvaluateTransaction]
    public Task<IReadOnlyList<NumberHistoryEntry>> GetHistory(TransactionContext ctx, string e164) => Run(ctx, b => b.HistoryAsync(e164));

    /// <summary>A block.</summary>
    [EvaluateTransaction]
    public Task<NumberBlock> GetBlock(TransactionContext ctx, string blockId) => Run(ctx, b => b.GetBlockAsync(blockId));

    /// <summary>The recipient asks to port a number, with the hash of the subscriber's letter of authorisation.</summary>
    [SubmitTransaction]
    public Task<PortRequest> RequestPort(TransactionContext ctx, PortRequestInput request) => Run(ctx, b => b.RequestPortAsync(request));

    /// <summary>The donor concurs (also settling its own conflict).</summary>
    [SubmitTransaction]
    public Task<PortRequest> ConcurPort(TransactionContext ctx, string portId) => Run(ctx, b => b.ConcurPortAsync(portId));

    /// <summary>The donor objects with a reason, before the due time.</summary>
    [SubmitTransaction]
    public Task<PortRequest> ConflictPort(TransactionContext ctx, PortConflictInput conflict) => Run(ctx, b => b.ConflictPortAsync(conflict));

    /// <summary>The recipient cancels an open port, or the donor one it holds in conflict.</summary>
    [SubmitTransaction]
    public Task<PortRequest> CancelPort(TransactionContext ctx, string portId) => Run(ctx, b => b.CancelPortAsync(portId));

    /// <summary>The recipient activates: after concurrence, or at the due time without an answer. The number moves atomically, with no capabilities.</summary>
    [SubmitTransaction]
    public Task<PortRequest> ActivatePort(TransactionContext ctx, string portId) => Run(ctx, b => b.ActivatePortAsync(portId));

    /// <summary>A port.</summary>
    [EvaluateTransaction]
    public Task<PortRequest> GetPort(TransactionContext ctx, string portId) => Run(ctx, b => b.GetPortAsync(portId));

    private async Task<T> Run<T>(TransactionContext ctx, Func<NumberBook, Task<T>> action)
    {
        try
        {
            return await action(new NumberBook(ctx, policy)).ConfigureAwait(false);
        }
        catch (NumberRuleException e)
        {
            throw new ChaincodeException(e.Code, e.Message, e.Status);
        }
    }
}
