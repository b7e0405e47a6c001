namespace Restcomm.DevNetwork.Configuration;

/// <summary>A private data collection as the peer enforces it.</summary>
internal sealed class CollectionDefinition(string name, IReadOnlyList<string> members, bool memberOnlyRead, bool memberOnlyWrite, CompiledPolicy? endorsementPolicy, ulong blockToLive = 0)
{
    /// <summary>Blocks private data lives after the block that wrote it (0: forever), as Fabric's <c>blockToLive</c>.</summary>
    public ulong BlockToLive => blockToLive;
    public string Name => name;
    public IReadOnlyList<string> Members => members;
    public bool MemberOnlyRead => memberOnlyRead;
    public bool MemberOnlyWrite => memberOnlyWrite;
    public CompiledPolicy? EndorsementPolicy => endorsementPolicy;
    public bool IsMember(string mspId) => members.Contains(mspId);
}

internal sealed class ChaincodeDefinition
{
    private readonly Dictionary<string, CollectionDefinition> _collections = new(StringComparer.Ordinal);

    public ChaincodeDefinition(ChaincodeConfig config, ChannelConfig channel)
    {
        Name = config.Name;
        Version = config.Version;
        Address = config.Address;
        EndorsementPolicy = new CompiledPolicy(PolicyParser.Parse(config.EndorsementPolicy ?? "MAJORITY", channel.Members), config.EndorsementPolicy ?? "MAJORITY");
        foreach (var c in config.Collections)
        {
            var policy = c.EndorsementPolicy is null ? null : new CompiledPolicy(PolicyParser.Parse(c.EndorsementPolicy, channel.Members), c.EndorsementPolicy);
            _collections[c.Name] = new CollectionDefinition(c.Name, c.Members, c.MemberOnlyRead, c.MemberOnlyWrite, policy, c.BlockToLive);
        }
        // Fabric's implicit per-organisation collections: readable and writable by anyone, stored only by that org.
        // Writes to one are validated against that org's own endorsement policy rather than the chaincode's
        // (Fabric uses /Channel/Application/<Org>/Endorsement, by default any member of the org), so the org
        // alone can endorse them.
        foreach (var org in channel.AllOrgs)
        {
            var name = "_implicit_org_" + org;
            var orgPolicy = $"OR('{org}.member')";
            _collections[name] = new CollectionDefinition(name, [org], false, false, new CompiledPolicy(PolicyParser.Parse(orgPolicy, channel.AllOrgs), orgPolicy));
        }
    }

    public string Name { get; }
    public string Version { get; }
    public string Address { get; }
    public CompiledPolicy EndorsementPolicy { get; }
    public IEnumerable<CollectionDefinition> Collections => _collections.Values;
    public IEnumerable<string> ExplicitCollectionNames => _collections.Keys.Where(k => !k.StartsWith("_implicit_org_", StringComparison.Ordinal));

    public CollectionDefinition? Collection(string name) => _collections.GetValueOrDefault(name);
}

internal sealed class ChannelDefinition
{
    public ChannelDefinition(ChannelConfig config)
    {
        Source = config;
        Name = config.Name;
        Orgs = [.. config.AllOrgs];
        Readers = ChannelPolicies.Readers(config);
        Writers = ChannelPolicies.Writers(config);
        Chaincodes = config.Chaincodes.ToDictionary(c => c.Name, c => new ChaincodeDefinition(c, config), StringComparer.Ordinal);
    }

    public string Name { get; }

    /// <summary>The channel as configured, with the membership of its current channel configuration.</summary>
    public ChannelConfig Source { get; }

    /// <summary>Organisations that write (operators); the others of <see cref="Orgs"/> only read.</summary>
    public IReadOnlyList<string> Members => Source.Members;
    /// <summary><c>/Channel/Application/Readers</c>: proposals (peer/Propose), commit status, events, blocks.</summary>
    public ImplicitAnyPolicy Readers { get; }

    /// <summary><c>/Channel/Application/Writers</c>: whose transactions the orderer accepts, chaincode-to-chaincode calls.</summary>
    public ImplicitAnyPolicy Writers { get; }
    /// <summary>Every organisation on the channel (writers and read-only members).</summary>
    public IReadOnlyList<string> Orgs { get; }
    public IReadOnlyDictionary<string, ChaincodeDefinition> Chaincodes { get; }
}
