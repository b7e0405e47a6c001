using System.Text.Json;
using System.Text.Json.Serialization;

namespace Restcomm.DevNetwork.Configuration;

/// <summary>The one-file description of a dev network: organisations, channels, chaincodes, collections, block cutting.</summary>
internal sealed class DevNetworkConfig
{
    public List<OrgConfig> Orgs { get; set; } = [];
    public List<ChannelConfig> Channels { get; set; } = [];
    public BlockCuttingConfig BlockCutting { get; set; } = new();
    /// <summary>What the network offers chaincodes in READY (batched state calls).</summary>
    public ChaincodeRuntimeConfig ChaincodeRuntime { get; set; } = new();

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static DevNetworkConfig Load(string path)
    {
        var config = JsonSerializer.Deserialize<DevNetworkConfig>(File.ReadAllText(path), JsonOptions)
            ?? throw new InvalidDataException($"{path}: empty configuration");
        config.Validate();
        return config;
    }

    public OrgConfig Org(string mspId) =>
        Orgs.FirstOrDefault(o => o.MspId == mspId) ?? throw new KeyNotFoundException($"unknown organisation {mspId}");

    /// <summary>Fills in defaults (policies, generated collections) and refuses inconsistent configurations.</summary>
    public void Validate()
    {
        if (Orgs.Count == 0)
        {
            throw new InvalidDataException("at least one organisation is required");
        }
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var org in Orgs)
        {
            if (string.IsNullOrWhiteSpace(org.MspId) || string.IsNullOrWhiteSpace(org.Domain) || string.IsNullOrWhiteSpace(org.Gateway))
            {
                throw new InvalidDataException("every organisation needs mspId, domain and gateway");
            }
            if (!ids.Add(org.MspId))
            {
                throw new InvalidDataException($"organisation {org.MspId} is listed twice");
            }
            if (org.Users.Count == 0)
            {
                org.Users.Add(new UserConfig { Name = "User1" });
            }
        }
        foreach (var channel in Channels)
        {
            foreach (var member in channel.Members.Concat(channel.Readers))
            {
                if (!ids.Contains(member))
                {
                    throw new InvalidDataException($"channel {channel.Name}: unknown organisation {member}");
                }
            }
            if (channel.Members.Count == 0)
            {
                throw new InvalidDataException($"channel {channel.Name}: at least one writing member is required");
            }
            foreach (var cc in channel.Chaincodes)
            {
                if (!cc.TlsRequired && (cc.ClientAuthRequired || cc.RootCertFile is not null))
                {
                    throw new InvalidDataException($"{channel.Name}/{cc.Name}: clientAuthRequired and rootCertFile need tlsRequired");
                }
                cc.EndorsementPolicy ??= $"MAJORITY";
                _ = PolicyParser.Parse(cc.EndorsementPolicy, channel.Members);
                if (cc.PairEndorsement is not null and not "AND" and not "OR")
                {
                    throw new InvalidDataException($"{channel.Name}/{cc.Name}: pairEndorsement is AND or OR");
                }
                cc.AddPairCollections(channel.Members, []);
                foreach (var coll in cc.Collections)
                {
                    if (coll.Name.StartsWith("_implicit_org_", StringComparison.Ordinal))
                    {
                        throw new InvalidDataException($"{channel.Name}/{cc.Name}: collection names starting with _implicit_org_ are reserved");
                    }
                    foreach (var m in coll.Members)
                    {
                        if (!channel.AllOrgs.Contains(m))
                        {
                            throw new InvalidDataException($"{channel.Name}/{cc.Name}/{coll.Name}: {m} is not in the channel");
                        }
                    }
                    if (coll.EndorsementPolicy is not null)
                    {
                        _ = PolicyParser.Parse(coll.EndorsementPolicy, channel.Members);
                    }
                }
            }
        }
    }
}

internal sealed class OrgConfig
{
    public string MspId { get; set; } = "";
    public string Domain { get; set; } = "";
    /// <summary>host:port of this organisation's gateway endpoint.</summary>
    public string Gateway { get; set; } = "";
    public List<UserConfig> Users { get; set; } = [];

    [JsonIgnore] public string PeerName => $"peer0.{Domain}";
    [JsonIgnore] public int Port => int.Parse(Gateway[(Gateway.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    [JsonIgnore] public string Host => Gateway[..Gateway.LastIndexOf(':')];
}

internal sealed class UserConfig
{
    public string Name { get; set; } = "User1";
    /// <summary>Attributes written into the certificate (OID 1.2.3.4.5.6.7.8.1) as Fabric CA does.</summary>
    public Dictionary<string, string> Attributes { get; set; } = [];
}

internal sealed class ChannelConfig
{
    public string Name { get; set; } = "";
    /// <summary>Organisations that may read and write.</summary>
    public List<string> Members { get; set; } = [];
    /// <summary>Organisations that may only read (evaluate, deliver, events); the orderer refuses their transactions.</summary>
    public List<string> Readers { get; set; } = [];
    public List<ChaincodeConfig> Chaincodes { get; set; } = [];

    [JsonIgnore] public IReadOnlyList<string> AllOrgs => [.. Members, .. Readers.Where(r => !Members.Contains(r))];

    /// <summary>
    /// This channel with the membership a channel configuration gives it: its chaincodes' generated pair collections are
    /// those of the new writing members, plus a retired one per pair of a member and a former member (the member alone
    /// keeps what the pair shared, and nothing reaches the former member any more).
    /// </summary>
    public ChannelConfig WithMembership(IReadOnlyList<string> members, IReadOnlyList<string> readers, IReadOnlyCollection<string> formerMembers) => new()
    {
        Name = Name,
        Members = [.. members],
        Readers = [.. readers],
        Chaincodes = [.. Chaincodes.Select(cc =>
        {
            var copy = new ChaincodeConfig
            {
                Name = cc.Name, Address = cc.Address, Version = cc.Version, EndorsementPolicy = cc.EndorsementPolicy, PairwiseCollections = cc.PairwiseCollections,
                PairEndorsement = cc.PairEndorsement, TlsRequired = cc.TlsRequired, ClientAuthRequired = cc.ClientAuthRequired, RootCertFile = cc.RootCertFile,
                Collections = [.. cc.Collections.Where(c => !c.Generated)],
            };
            copy.AddPairCollections(members, formerMembers);
            return copy;
        })],
    };
}

internal sealed class ChaincodeConfig
{
    public string Name { get; set; } = "";
    /// <summary>host:port of the chaincode server (CCaaS) the network dials.</summary>
    public string Address { get; set; } = "";
    public string Version { get; set; } = "1.0";
    /// <summary>Signature policy: AND/OR/OutOf over 'MSP.role' principals, or MAJORITY/ANY/ALL of the channel's writing members.</summary>
    public string? EndorsementPolicy { get; set; }
    public List<CollectionConfig> Collections { get; set; } = [];
    /// <summary>Adds one member-only collection per pair of writing members, named pair-&lt;MSPa&gt;-&lt;MSPb&gt;.</summary>
    public bool PairwiseCollections { get; set; }
    /// <summary>
    /// The endorsement policy of each generated pair collection: <c>AND</c> (both partners' peers), <c>OR</c> (either), or
    /// none (the chaincode's).
    /// </summary>
    public string? PairEndorsement { get; set; }

    /// <summary>Adds the pair collections of <paramref name="members"/> (and retired ones with former members) that are not listed yet.</summary>
    internal void AddPairCollections(IReadOnlyList<string> members, IReadOnlyCollection<string> formerMembers)
    {
        if (!PairwiseCollections)
        {
            return;
        }
        var sorted = members.Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < sorted.Count; i++)
        {
            for (var j = i + 1; j < sorted.Count; j++)
            {
                Add(sorted[i], sorted[j], [sorted[i], sorted[j]]);
            }
        }
        foreach (var member in sorted)
        {
            foreach (var former in formerMembers.Where(f => !members.Contains(f)))
            {
                var pair = new[] { member, former }.Order(StringComparer.Ordinal).ToArray();
                Add(pair[0], pair[1], [member]);
            }
        }

        void Add(string a, string b, List<string> holders)
        {
            var name = $"pair-{a}-{b}";
            if (Collections.Any(c => c.Name == name))
            {
                return;
            }
            Collections.Add(new CollectionConfig
            {
                Name = name,
                Members = holders,
                MemberOnlyRead = true,
                MemberOnlyWrite = true,
                EndorsementPolicy = PairEndorsement is null ? null : $"{PairEndorsement}({string.Join(", ", holders.Select(h => $"'{h}.peer'"))})",
                Generated = true,
            });
        }
    }

    /// <summary>
    /// As connection.json's <c>tls_required</c>: dial the server over TLS and accept only a certificate issued by
    /// <see cref="RootCertFile"/> for the address's host.
    /// </summary>
    public bool TlsRequired { get; set; }
    /// <summary>As connection.json's <c>client_auth_required</c>: present the network's chaincode TLS client certificate.</summary>
    public bool ClientAuthRequired { get; set; }
    /// <summary>
    /// PEM file of the CA that issued the server's TLS certificate (connection.json's <c>root_cert</c>); by default the
    /// dev network's own chaincode TLS CA (<c>peerOrganizations/chaincode.example.com/tlsca</c> under the crypto folder).
    /// </summary>
    public string? RootCertFile { get; set; }
}

internal sealed class CollectionConfig
{
    public string Name { get; set; } = "";
    public List<string> Members { get; set; } = [];
    public bool MemberOnlyRead { get; set; } = true;
    public bool MemberOnlyWrite { get; set; } = true;
    public string? EndorsementPolicy { get; set; }

    /// <summary>
    /// As Fabric's collection config <c>blockToLive</c>: private data written in block b is removed from private and
    /// hashed state and from the private data store when block b + blockToLive + 1 commits; 0 keeps it forever.
    /// </summary>
    public ulong BlockToLive { get; set; }

    /// <summary>A pair collection generated from the channel's members (regenerated when they change).</summary>
    [JsonIgnore] public bool Generated { get; set; }
}

internal sealed class BlockCuttingConfig
{
    public int MaxTransactions { get; set; } = 200;
    public int TimeoutMs { get; set; } = 100;
}

/// <summary>
/// The batched state calls offered to chaincodes in READY, as Fabric 3 peers do (<c>chaincode.runtimeParams</c> in
/// core.yaml, same defaults). Both off makes READY carry no payload, as a Fabric 2.5 peer's does.
/// </summary>
internal sealed class ChaincodeRuntimeConfig
{
    public bool UseWriteBatch { get; set; } = true;
    public int MaxSizeWriteBatch { get; set; } = 1000;
    public bool UseGetMultipleKeys { get; set; } = true;
    public int MaxSizeGetMultipleKeys { get; set; } = 1000;
}
