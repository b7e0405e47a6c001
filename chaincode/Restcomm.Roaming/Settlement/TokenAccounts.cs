using System.Text.RegularExpressions;

namespace Restcomm.Roaming.Settlement;

/// <summary>
/// RCB accounts: a member's main account is its MSP ID (<c>Org1MSP</c>); a sub-account adds a name
/// (<c>Org1MSP/treasury</c>, lower-case letters, digits and hyphens) and belongs to the same member. Dispute escrows
/// (<c>escrow:ID</c>) belong to no member and move only by the dispute rules.
/// </summary>
public static partial class TokenAccounts
{
    /// <summary>The prefix of dispute escrow accounts.</summary>
    public const string EscrowPrefix = "escrow:";

    /// <summary>Whether <paramref name="account"/> is a member account or sub-account.</summary>
    /// <param name="account">The text.</param>
    /// <returns>True when valid.</returns>
    public static bool IsMemberAccount(string? account) => account is not null && MemberAccount().IsMatch(account);

    /// <summary>The member that owns an account.</summary>
    /// <param name="account">A member account or sub-account.</param>
    /// <returns>The MSP ID.</returns>
    public static string Owner(string account)
    {
        ArgumentNullException.ThrowIfNull(account);
        var slash = account.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? account : account[..slash];
    }

    /// <summary>The escrow account of a dispute.</summary>
    /// <param name="disputeId">The dispute.</param>
    /// <returns><c>escrow:ID</c>.</returns>
    public static string Escrow(string disputeId) => EscrowPrefix + disputeId;

    /// <summary>
    /// A statement's net in RCB minor units: the net at the token's decimals, rounded up (the debtor pays a fraction of a
    /// minor unit rather than the creditor losing it). 1 RCB settles one unit of the consortium's settlement currency.
    /// </summary>
    /// <param name="netMinor">The net in the statement's minor units.</param>
    /// <param name="statementDecimals">The statement's decimal places.</param>
    /// <param name="tokenDecimals">The token's decimals.</param>
    /// <returns>RCB minor units.</returns>
    public static long FromStatement(long netMinor, int statementDecimals, int tokenDecimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(netMinor);
        if (statementDecimals == tokenDecimals)
        {
            return netMinor;
        }

        if (statementDecimals < tokenDecimals)
        {
            return checked(netMinor * Pow10(tokenDecimals - statementDecimals));
        }

        var divisor = Pow10(statementDecimals - tokenDecimals);
        return (netMinor / divisor) + (netMinor % divisor == 0 ? 0 : 1);
    }

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result = checked(result * 10);
        }

        return result;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.-]{0,63}(/[a-z0-9][a-z0-9-]{0,31})?$", RegexOptions.CultureInvariant)]
    private static partial Regex MemberAccount();
}
