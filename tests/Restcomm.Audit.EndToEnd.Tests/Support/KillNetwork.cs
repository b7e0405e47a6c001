namespace Restcomm.Audit.EndToEnd.Tests.Support;

/// <summary>
/// The audit network for the SIGKILL test: Org1's API is started by the test as a real process (the only API here that
/// anchors); Org2's API writes too but does not anchor (<c>Audit:AnchoringEnabled=false</c>), so every anchor on the
/// channel is Org1's; the regulator's API reads and verifies.
/// </summary>
public sealed class KillNetwork : AuditNetwork
{
    protected override IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Apis { get; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [Org2] = new Dictionary<string, string> { ["Audit:AnchoringEnabled"] = "false" },
            [Regulator] = new Dictionary<string, string> { ["Audit:PollInterval"] = "00:00:00.250" },
        };
}
