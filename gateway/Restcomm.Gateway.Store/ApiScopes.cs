namespace Restcomm.Gateway.Store;

/// <summary>
/// The scopes an API key can hold: <c>domain:action</c>, where <c>read</c> only reads and every other
/// action (<c>write</c>, <c>submit</c>) changes the ledger or the store.
/// </summary>
public static class ApiScopes
{
    /// <summary>Read EIR entries and check IMEIs.</summary>
    public const string EirRead = "eir:read";

    /// <summary>Report and clear EIR entries.</summary>
    public const string EirWrite = "eir:write";

    /// <summary>Read roaming agreements, batches and statements.</summary>
    public const string RoamingRead = "roaming:read";

    /// <summary>Submit TAP usage and roaming transactions.</summary>
    public const string RoamingSubmit = "roaming:submit";

    /// <summary>Read RCB balances, statement payments, netting rounds and disputes.</summary>
    public const string SettlementRead = "settlement:read";

    /// <summary>Move RCB, pay statements, vote on supply changes, netting rounds and disputes.</summary>
    public const string SettlementWrite = "settlement:write";

    /// <summary>Look up number features.</summary>
    public const string NumbersRead = "numbers:read";

    /// <summary>Publish, update and withdraw number features.</summary>
    public const string NumbersWrite = "numbers:write";

    /// <summary>Read the audit channel.</summary>
    public const string AuditRead = "audit:read";

    /// <summary>Anchor digests on the audit channel.</summary>
    public const string AuditWrite = "audit:write";

    /// <summary>Read peering profiles' public records, grants and (for a party) granted details.</summary>
    public const string PeeringRead = "peering:read";

    /// <summary>Register peering profiles, request, approve, decline and revoke grants, register grant clients.</summary>
    public const string PeeringWrite = "peering:write";

    /// <summary>Evaluate any chaincode function and read the change feed.</summary>
    public const string LedgerRead = "ledger:read";

    /// <summary>Submit any chaincode transaction.</summary>
    public const string LedgerWrite = "ledger:write";

    /// <summary>Manage this organisation's API keys through the API (create, list, rotate, change scopes, revoke).</summary>
    public const string KeysAdmin = "keys:admin";

    /// <summary>Every scope, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        EirRead, EirWrite, RoamingRead, RoamingSubmit, SettlementRead, SettlementWrite, NumbersRead, NumbersWrite, AuditRead, AuditWrite, PeeringRead, PeeringWrite, LedgerRead, LedgerWrite, KeysAdmin,
    ];

    /// <summary>Every read-only scope.</summary>
    public static IReadOnlyList<string> ReadOnly { get; } = All.Where(s => !IsWrite(s)).ToList();

    /// <summary>Organisations whose keys may only read, unless configured otherwise.</summary>
    public static IReadOnlyList<string> DefaultReadOnlyOrganisations { get; } = ["RegulatorMSP"];

    /// <summary>Whether <paramref name="scope"/> is one of <see cref="All"/>.</summary>
    /// <param name="scope">A scope.</param>
    /// <returns>True when known.</returns>
    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);

    /// <summary>Whether <paramref name="scope"/> allows changes (anything but <c>:read</c>).</summary>
    /// <param name="scope">A scope.</param>
    /// <returns>True for write scopes.</returns>
    public static bool IsWrite(string scope) => !scope.EndsWith(":read", StringComparison.Ordinal);

    /// <summary>Splits a comma- or space-separated list, dropping duplicates; <c>all</c> means every scope.</summary>
    /// <param name="list">The list as typed.</param>
    /// <returns>The scopes, in the order typed.</returns>
    public static IReadOnlyList<string> Parse(string list)
    {
        var scopes = new List<string>();
        foreach (var part in list.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part == "all")
            {
                scopes.AddRange(All.Where(s => !scopes.Contains(s)));
            }
            else if (!scopes.Contains(part))
            {
                scopes.Add(part);
            }
        }

        return scopes;
    }
}
