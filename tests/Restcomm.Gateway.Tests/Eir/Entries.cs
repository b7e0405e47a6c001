using Restcomm.Eir;

namespace Restcomm.Gateway.Tests.Eir;

/// <summary>Builds entries for tests.</summary>
internal static class Entries
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    public static EirEntry Black(string target, string owner = "Org1MSP", ReasonCode reason = ReasonCode.Stolen, DateTimeOffset? at = null)
        => New(target, EirList.Black, owner, reason, null, at);

    public static EirEntry Grey(string target, DateTimeOffset expires, string owner = "Org1MSP", DateTimeOffset? at = null)
        => New(target, EirList.Grey, owner, ReasonCode.Fraud, expires, at);

    public static EirEntry White(string tac, string owner = "Org1MSP")
        => New(tac, EirList.White, owner, null, null, null);

    public static EirChange Reported(EirEntry entry) => Change(EirChangeKind.Reported, entry);

    public static EirChange Cleared(EirEntry entry) => Change(EirChangeKind.Cleared, entry);

    private static EirChange Change(EirChangeKind kind, EirEntry entry)
        => new() { Kind = kind, Entry = entry, By = entry.Owner, TxId = "tx", At = entry.UpdatedAt };

    private static EirEntry New(string target, EirList list, string owner, ReasonCode? reason, DateTimeOffset? expires, DateTimeOffset? at)
        => new()
        {
            Target = EirTarget.Parse(target),
            List = list,
            Owner = owner,
            Reason = reason,
            ExpiresAt = expires,
            ReportedAt = at ?? T0,
            UpdatedAt = at ?? T0,
            UpdatedBy = owner,
            TxId = "tx",
        };
}
