using System.Text.Json;
using Restcomm.Fabric.Shim;
using Restcomm.Roaming;
using Restcomm.Roaming.Settlement;

namespace Restcomm.Chaincode.Roaming.Internal;

/// <summary>
/// RCB balances of one transaction: the sum of an account's entries, read once per account and kept up to date with
/// this transaction's own movements (Fabric does not show a transaction its own writes).
/// </summary>
internal sealed class TokenLedger(RoamingTransaction tx, SettlementPolicy policy)
{
    private readonly Dictionary<string, long> _available = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _pendingCredits = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>Every entry this transaction wrote.</summary>
    public List<AccountEntry> Entries { get; } = [];

    public async Task<TokenInfo> TokenAsync()
        => await tx.GetAsync<TokenInfo>(SettlementKeys.TokenKey(tx.Stub)).ConfigureAwait(false)
           ?? new TokenInfo { Name = "Restcomm Consortium Balance", Symbol = "RCB", Decimals = policy.TokenDecimals, TotalSupply = 0 };

    /// <summary>The balance as committed (the entries before this transaction), reading the account's whole range.</summary>
    public async Task<long> CommittedBalanceAsync(string account)
    {
        long sum = 0;
        await foreach (var entry in EntriesAsync(account).ConfigureAwait(false))
        {
            sum = checked(sum + entry.Amount);
        }

        return sum;
    }

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
        Entries.Add(entry);
    }
}
