using System.Text.Json;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>
/// RCB balances of one transaction: an account's folded balance plus the credits received since (or, for an account
/// never debited since folding began, the sum of its history), read once per account and kept up to date with this
/// transaction's own movements (Fabric does not show a transaction its own writes). See <see cref="SettlementKeys"/>.
/// </summary>
internal sealed class TokenLedger(RoamingTransaction tx, SettlementPolicy policy)
{
    private readonly Dictionary<string, long> _available = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pendingCredits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Fold> _folds = new(StringComparer.Ordinal);

    /// <summary>Every entry this transaction wrote.</summary>
    public List<AccountEntry> Entries { get; } = [];

    public async Task<TokenInfo> TokenAsync()
        => await tx.GetAsync<TokenInfo>(SettlementKeys.TokenKey(tx.Stub)).ConfigureAwait(false)
           ?? new TokenInfo { Name = "Restcomm Consortium Balance", Symbol = "RCB", Decimals = policy.TokenDecimals, TotalSupply = 0 };

    /// <summary>The balance as committed before this transaction: the folded balance and the credits since, or the history's sum.</summary>
    public async Task<long> CommittedBalanceAsync(string account) => (await FoldAsync(account).ConfigureAwait(false)).Committed;

    /// <summary>Reads an account's committed balance once per transaction.</summary>
    private async Task<Fold> FoldAsync(string account)
    {
        if (_folds.TryGetValue(account, out var fold))
        {
            return fold;
        }

        fold = new Fold();
        var stored = await tx.Stub.GetStateAsync(SettlementKeys.BalanceKey(tx.Stub, account), tx.CancellationToken).ConfigureAwait(false);
        if (stored is { Length: > 0 })
        {
            fold.Committed = ParseAmount(stored);
            await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(SettlementKeys.Credit, [account]).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
            {
                fold.Committed = checked(fold.Committed + ParseAmount(kv.Value.Span));
                fold.Credits.Add(kv.Key);
            }
        }
        else
        {
            // Never debited since folding began: the history holds every movement, including the credits whose keys
            // wait to be folded (read, to be deleted, by the first debit).
            await foreach (var entry in EntriesAsync(account).ConfigureAwait(false))
            {
                fold.Committed = checked(fold.Committed + entry.Amount);
            }

            fold.FromHistory = true;
        }

        _folds[account] = fold;
        return fold;
    }

    /// <summary>
    /// Records a debit in the account's folded balance: the committed balance less this transaction's debits (its own
    /// credits to the account keep keys of their own), and deletes the credits that balance now holds.
    /// </summary>
    private async Task FoldDebitAsync(string account, long amount)
    {
        var fold = await FoldAsync(account).ConfigureAwait(false);
        if (fold.FromHistory && !fold.CreditsRead)
        {
            await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(SettlementKeys.Credit, [account]).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
            {
                fold.Credits.Add(kv.Key);
            }
        }

        fold.CreditsRead = true;
        fold.Debited = checked(fold.Debited + amount);
        await tx.Stub.PutStateAsync(SettlementKeys.BalanceKey(tx.Stub, account), FormatAmount(fold.Committed - fold.Debited), tx.CancellationToken).ConfigureAwait(false);
        foreach (var key in fold.Credits)
        {
            await tx.Stub.DeleteStateAsync(key, tx.CancellationToken).ConfigureAwait(false);
        }

        fold.Credits.Clear();
    }

    private static long ParseAmount(ReadOnlySpan<byte> text)
        => long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var amount)
            ? amount
            : throw new ChaincodeException(Restcomm.Fabric.Ledger.ChaincodeErrorCodes.Internal, "a stored RCB amount is not a whole number", 500);

    private static byte[] FormatAmount(long amount) => System.Text.Encoding.ASCII.GetBytes(amount.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public async IAsyncEnumerable<AccountEntry> EntriesAsync(string account)
    {
        await foreach (var kv in tx.Stub.GetStateByPartialCompositeKeyAsync(SettlementKeys.Entry, [account]).WithCancellation(tx.CancellationToken).ConfigureAwait(false))
        {
            yield return JsonSerializer.Deserialize<AccountEntry>(kv.Value.Span, RoamingJson.Options)!;
        }
    }

    /// <summary>What <paramref name="account"/> can spend in this transaction.</summary>
    public async Task<long> AvailableAsync(string account)
    {
        if (!_available.TryGetValue(account, out var available))
        {
            available = checked(await CommittedBalanceAsync(account).ConfigureAwait(false) + _pendingCredits.GetValueOrDefault(account));
            _pendingCredits.Remove(account);
            _available[account] = available;
        }

        return available;
    }

    /// <summary>Moves <paramref name="amount"/> from one account to another; refuses a balance that would go negative.</summary>
    public async Task MoveAsync(string from, string to, long amount, string kind, string? reference)
    {
        if (amount <= 0)
        {
            throw ChaincodeException.InvalidArgument($"an amount must be positive, not {amount}");
        }

        if (from == to)
        {
            throw ChaincodeException.InvalidArgument($"{from} cannot pay itself");
        }

        await DebitAsync(from, amount).ConfigureAwait(false);
        await WriteAsync(from, -amount, to, kind, reference).ConfigureAwait(false);
        await WriteAsync(to, amount, from, kind, reference).ConfigureAwait(false);
        Credit(to, amount);
    }

    /// <summary>Creates tokens on an account (governance only).</summary>
    public async Task MintAsync(string account, long amount, string reference)
    {
        await WriteAsync(account, amount, null, "mint", reference).ConfigureAwait(false);
        Credit(account, amount);
    }

    /// <summary>Removes tokens from an account (governance only); refuses more than it holds.</summary>
    public async Task BurnAsync(string account, long amount, string reference)
    {
        await DebitAsync(account, amount).ConfigureAwait(false);
        await WriteAsync(account, -amount, null, "burn", reference).ConfigureAwait(false);
    }

    /// <summary>Refuses to move money out of a member account closed by an upheld dispute.</summary>
    public async Task RequireOpenAsync(string account)
    {
        if (!account.StartsWith(TokenAccounts.EscrowPrefix, StringComparison.Ordinal)
            && await tx.Stub.GetStateAsync(SettlementKeys.ClosedKey(tx.Stub, TokenAccounts.Owner(account)), tx.CancellationToken).ConfigureAwait(false) is { Length: > 0 } closedBy)
        {
            throw new ChaincodeException("account-closed",
                $"the accounts of {TokenAccounts.Owner(account)} were closed by dispute {System.Text.Encoding.UTF8.GetString(closedBy)}", 412);
        }
    }

    private async Task DebitAsync(string account, long amount)
    {
        await RequireOpenAsync(account).ConfigureAwait(false);
        var available = await AvailableAsync(account).ConfigureAwait(false);
        if (available < amount)
        {
            throw new ChaincodeException("insufficient-funds", $"{account} holds {available} RCB minor units and cannot pay {amount}", 412);
        }

        _available[account] = available - amount;
        await FoldDebitAsync(account, amount).ConfigureAwait(false);
    }

    private void Credit(string account, long amount)
    {
        if (_available.TryGetValue(account, out var available))
        {
            _available[account] = checked(available + amount);
        }
        else
        {
            _pendingCredits[account] = checked(_pendingCredits.GetValueOrDefault(account) + amount);
        }
    }

    private async Task WriteAsync(string account, long amount, string? counterparty, string kind, string? reference)
    {
        var index = _index.GetValueOrDefault(account);
        _index[account] = index + 1;
        var entry = new AccountEntry
        {
            Account = account,
            Amount = amount,
            Counterparty = counterparty,
            Kind = kind,
            Reference = reference,
            TxId = tx.Stub.TxId,
            At = tx.Now,
        };
        await tx.PutAsync(SettlementKeys.EntryKey(tx.Stub, account, tx.Stub.TxId, index), entry).ConfigureAwait(false);
        if (amount > 0)
        {
            await tx.Stub.PutStateAsync(SettlementKeys.CreditKey(tx.Stub, account, tx.Stub.TxId, index), FormatAmount(amount), tx.CancellationToken).ConfigureAwait(false);
        }

        Entries.Add(entry);
    }

    /// <summary>An account's committed balance as this transaction read it, and what the transaction did to its folded balance.</summary>
    private sealed class Fold
    {
        public long Committed;
        public long Debited;
        public bool FromHistory;
        public bool CreditsRead;
        public List<string> Credits { get; } = [];
    }
}
