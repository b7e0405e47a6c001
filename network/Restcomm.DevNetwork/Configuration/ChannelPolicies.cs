namespace Restcomm.DevNetwork.Configuration;

/// <summary>
/// A channel-level policy as Fabric builds it from configtx.yaml: an <c>ImplicitMeta</c> <c>ANY</c> over one signature
/// policy per organisation (<c>/Channel/Application/&lt;Org&gt;/Readers</c> or <c>Writers</c>). One signer satisfies
/// it when it satisfies any organisation's rule.
/// </summary>
internal sealed class ImplicitAnyPolicy
{
    private readonly Dictionary<string, CompiledPolicy> _byOrg;

    public ImplicitAnyPolicy(string name, IEnumerable<(string Org, string Rule)> rules, IReadOnlyList<string> channelOrgs)
    {
        Name = name;
        _byOrg = rules.ToDictionary(r => r.Org, r => new CompiledPolicy(PolicyParser.Parse(r.Rule, channelOrgs), r.Rule), StringComparer.Ordinal);
    }

    /// <summary><c>Readers</c> or <c>Writers</c>.</summary>
    public string Name { get; }

    /// <summary>The organisation's own rule (configtx.yaml's text), or null when the organisation is not on the channel.</summary>
    public string? RuleOf(string mspId) => _byOrg.GetValueOrDefault(mspId)?.Text;

    public bool IsSatisfiedBy(Signer signer) =>
        _byOrg.TryGetValue(signer.MspId, out var policy) && policy.IsSatisfiedBy([signer]);

    /// <summary>
    /// What Fabric's ImplicitMeta policy says when no organisation's rule is satisfied, as the orderer's Broadcast and the
    /// peer's ACL checks report it.
    /// </summary>
    public string FailureMessage => $"implicit policy evaluation failed - 0 sub-policies were satisfied, but this policy requires 1 of the '{Name}' sub-policies to be satisfied";
}

/// <summary>
/// The Readers and Writers policies of a channel's application group, with the rules of the real network's
/// <c>network/fabric/configtx.yaml</c> (NodeOUs on, so principals are roles): every organisation's admins, peers and
/// clients read; an operator's (writing member's) admins and clients write; a read-only organisation's admin alone
/// writes (Fabric's lifecycle needs it to approve chaincode definitions), never its clients or peers; no organisation's
/// peers write.
/// </summary>
internal static class ChannelPolicies
{
    public static ImplicitAnyPolicy Readers(ChannelConfig channel) =>
        new("Readers", channel.AllOrgs.Select(o => (o, $"OR('{o}.admin', '{o}.peer', '{o}.client')")), channel.AllOrgs);

    public static ImplicitAnyPolicy Writers(ChannelConfig channel) =>
        new("Writers", channel.AllOrgs.Select(o => (o, channel.Members.Contains(o) ? $"OR('{o}.admin', '{o}.client')" : $"OR('{o}.admin')")), channel.AllOrgs);
}
