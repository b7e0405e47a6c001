using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;

namespace Restcomm.Fabric.Ledger;

/// <summary>
/// A channel configuration as Fabric lays it out (<c>/Channel/Application/&lt;Org&gt;</c> groups, each with its MSP value
/// and Readers/Writers/Admins/Endorsement signature policies over NodeOU roles) and the config updates that add or
/// remove an organisation, computed the way <c>configtxlator compute_update</c> does for those changes.
/// </summary>
public static class ChannelConfiguration
{
    /// <summary>The channel group's application sub-group.</summary>
    public const string ApplicationGroup = "Application";

    /// <summary>The key of an organisation group's MSP value.</summary>
    public const string MspKey = "MSP";

    /// <summary>The mod_policy every element of the configuration carries.</summary>
    public const string AdminsPolicy = "Admins";

    /// <summary>
    /// An organisation's config group with the policies of <c>network/fabric/configtx.yaml</c>: Readers admin/peer/client,
    /// Writers admin/client (a read-only organisation: admin alone), Admins admin, Endorsement peer; NodeOUs on.
    /// </summary>
    public static ConfigGroup Organization(string mspId, IReadOnlyList<string> caCertsPem, IReadOnlyList<string> tlsCaCertsPem, bool writer = true)
    {
        ArgumentNullException.ThrowIfNull(caCertsPem);
        ArgumentNullException.ThrowIfNull(tlsCaCertsPem);
        var msp = new FabricMSPConfig
        {
            Name = mspId,
            CryptoConfig = new FabricCryptoConfig { SignatureHashFamily = "SHA2", IdentityIdentifierHashFunction = "SHA256" },
        };
        msp.RootCerts.AddRange(caCertsPem.Select(ByteString.CopyFromUtf8));
        msp.TlsRootCerts.AddRange(tlsCaCertsPem.Select(ByteString.CopyFromUtf8));
        if (caCertsPem.Count > 0)
        {
            // As cryptogen's config.yaml: each role's OU certified by the organisation's CA.
            var ca = ByteString.CopyFromUtf8(caCertsPem[0]);
            msp.FabricNodeOus = new FabricNodeOUs
            {
                Enable = true,
                ClientOuIdentifier = new FabricOUIdentifier { Certificate = ca, OrganizationalUnitIdentifier = "client" },
                PeerOuIdentifier = new FabricOUIdentifier { Certificate = ca, OrganizationalUnitIdentifier = "peer" },
                AdminOuIdentifier = new FabricOUIdentifier { Certificate = ca, OrganizationalUnitIdentifier = "admin" },
                OrdererOuIdentifier = new FabricOUIdentifier { Certificate = ca, OrganizationalUnitIdentifier = "orderer" },
            };
        }

        var group = new ConfigGroup { ModPolicy = AdminsPolicy };
        group.Values[MspKey] = new ConfigValue { ModPolicy = AdminsPolicy, Value = new MSPConfig { Type = 0, Config = msp.ToByteString() }.ToByteString() };
        var admin = MSPRole.Types.MSPRoleType.Admin;
        var peer = MSPRole.Types.MSPRoleType.Peer;
        var client = MSPRole.Types.MSPRoleType.Client;
        group.Policies["Readers"] = SignedByAny(mspId, admin, peer, client);
        group.Policies["Writers"] = writer ? SignedByAny(mspId, admin, client) : SignedByAny(mspId, admin);
        group.Policies["Admins"] = SignedByAny(mspId, admin);
        group.Policies["Endorsement"] = SignedByAny(mspId, peer);
        return group;
    }

    /// <summary>
    /// An organisation's config group from its MSP folder (<c>cacerts/</c>, <c>tlscacerts/</c>), as
    /// <c>configtxgen -printOrg</c> reads it.
    /// </summary>
    /// <exception cref="InvalidDataException">The folder holds no CA certificate.</exception>
    public static ConfigGroup OrganizationFromMspFolder(string mspId, string mspDirectory)
    {
        static List<string> Pems(string dir) =>
            Directory.Exists(dir) ? [.. Directory.GetFiles(dir, "*.pem").Order(StringComparer.Ordinal).Select(File.ReadAllText)] : [];
        var cas = Pems(Path.Combine(mspDirectory, "cacerts"));
        if (cas.Count == 0)
        {
            throw new InvalidDataException($"the MSP folder {mspDirectory} has no CA certificate (cacerts/*.pem): an MSP needs at least one");
        }

        return Organization(mspId, cas, Pems(Path.Combine(mspDirectory, "tlscacerts")));
    }

    /// <summary>A <c>SIGNATURE</c> policy satisfied by one identity of <paramref name="mspId"/> with any of the roles.</summary>
    public static ConfigPolicy SignedByAny(string mspId, params MSPRole.Types.MSPRoleType[] roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var envelope = new SignaturePolicyEnvelope { Version = 0, Rule = new SignaturePolicy { NOutOf = new SignaturePolicy.Types.NOutOf { N = 1 } } };
        for (var i = 0; i < roles.Length; i++)
        {
            envelope.Identities.Add(new MSPPrincipal
            {
                PrincipalClassification = MSPPrincipal.Types.Classification.Role,
                Principal = new MSPRole { MspIdentifier = mspId, Role = roles[i] }.ToByteString(),
            });
            envelope.Rule.NOutOf.Rules.Add(new SignaturePolicy { SignedBy = i });
        }

        return new ConfigPolicy { ModPolicy = AdminsPolicy, Policy = new Policy { Type = (int)Policy.Types.PolicyType.Signature, Value = envelope.ToByteString() } };
    }

    /// <summary>An <c>IMPLICIT_META</c> policy (<c>MAJORITY Admins</c>, <c>ANY Readers</c>, …) over the sub-groups.</summary>
    public static ConfigPolicy ImplicitMeta(ImplicitMetaPolicy.Types.Rule rule, string subPolicy) =>
        new()
        {
            ModPolicy = AdminsPolicy,
            Policy = new Policy { Type = (int)Policy.Types.PolicyType.ImplicitMeta, Value = new ImplicitMetaPolicy { Rule = rule, SubPolicy = subPolicy }.ToByteString() },
        };

    /// <summary>The organisation groups of a configuration's application group.</summary>
    public static IReadOnlyDictionary<string, ConfigGroup> Organizations(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.ChannelGroup?.Groups.GetValueOrDefault(ApplicationGroup)?.Groups ?? (IReadOnlyDictionary<string, ConfigGroup>)new Dictionary<string, ConfigGroup>();
    }

    /// <summary>
    /// The update that adds <paramref name="organization"/> under <c>/Channel/Application</c>: the application group at
    /// version + 1 (its mod_policy, Admins, decides), every other element at its current version. Null when the
    /// organisation is already there (nothing to do).
    /// </summary>
    public static ConfigUpdate? AddOrganization(Config config, string channelId, string mspId, ConfigGroup organization)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Organizations(config).ContainsKey(mspId) ? null : ChangeOrganizations(config, channelId, groups => groups[mspId] = organization);
    }

    /// <summary>The update that removes <paramref name="mspId"/>'s group; null when it is not there.</summary>
    public static ConfigUpdate? RemoveOrganization(Config config, string channelId, string mspId)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Organizations(config).ContainsKey(mspId) ? ChangeOrganizations(config, channelId, groups => groups.Remove(mspId)) : null;
    }

    private static ConfigUpdate ChangeOrganizations(Config config, string channelId, Action<Google.Protobuf.Collections.MapField<string, ConfigGroup>> change)
    {
        var channel = config.ChannelGroup;
        var application = channel.Groups[ApplicationGroup];
        var read = new ConfigGroup { Version = channel.Version };
        var readApplication = Sparse(application);
        read.Groups[ApplicationGroup] = readApplication;

        var write = new ConfigGroup { Version = channel.Version };
        var writeApplication = Sparse(application);
        writeApplication.Version = application.Version + 1;
        writeApplication.ModPolicy = application.ModPolicy;
        change(writeApplication.Groups);
        write.Groups[ApplicationGroup] = writeApplication;
        return new ConfigUpdate { ChannelId = channelId, ReadSet = read, WriteSet = write };
    }

    /// <summary>A group with its own version and every member at its current version, without content.</summary>
    private static ConfigGroup Sparse(ConfigGroup group)
    {
        var sparse = new ConfigGroup { Version = group.Version };
        foreach (var (name, g) in group.Groups)
        {
            sparse.Groups[name] = new ConfigGroup { Version = g.Version };
        }

        foreach (var (name, v) in group.Values)
        {
            sparse.Values[name] = new ConfigValue { Version = v.Version };
        }

        foreach (var (name, p) in group.Policies)
        {
            sparse.Policies[name] = new ConfigPolicy { Version = p.Version };
        }

        return sparse;
    }

    /// <summary>The unsigned <c>CONFIG_UPDATE</c> envelope of an update (what <c>configtxlator</c> and a wrap step write).</summary>
    public static Envelope UpdateEnvelope(ConfigUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var header = new ChannelHeader { Type = (int)HeaderType.ConfigUpdate, ChannelId = update.ChannelId, Timestamp = Timestamp.FromDateTime(DateTime.UtcNow) };
        var payload = new Payload
        {
            Header = new Header { ChannelHeader = header.ToByteString(), SignatureHeader = ByteString.Empty },
            Data = new ConfigUpdateEnvelope { ConfigUpdate = update.ToByteString() }.ToByteString(),
        };
        return new Envelope { Payload = payload.ToByteString() };
    }

    /// <summary>Reads the <see cref="ConfigUpdateEnvelope"/> a <c>CONFIG_UPDATE</c> envelope carries.</summary>
    /// <exception cref="InvalidDataException">The envelope is no config update.</exception>
    public static ConfigUpdateEnvelope ReadUpdateEnvelope(Envelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        try
        {
            var payload = Payload.Parser.ParseFrom(envelope.Payload);
            var header = ChannelHeader.Parser.ParseFrom(payload.Header?.ChannelHeader ?? ByteString.Empty);
            if (header.Type != (int)HeaderType.ConfigUpdate)
            {
                throw new InvalidDataException($"the envelope is of type {header.Type}, not CONFIG_UPDATE ({(int)HeaderType.ConfigUpdate})");
            }

            return ConfigUpdateEnvelope.Parser.ParseFrom(payload.Data);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("the envelope is no readable config update: " + e.Message, e);
        }
    }

    /// <summary>What a <see cref="ConfigSignature"/> signs: its signature header's bytes, then the config update's.</summary>
    public static byte[] SignedBytes(ByteString signatureHeader, ByteString configUpdate)
    {
        ArgumentNullException.ThrowIfNull(signatureHeader);
        ArgumentNullException.ThrowIfNull(configUpdate);
        var data = new byte[signatureHeader.Length + configUpdate.Length];
        signatureHeader.Span.CopyTo(data);
        configUpdate.Span.CopyTo(data.AsSpan(signatureHeader.Length));
        return data;
    }

    /// <summary>The configuration a config block holds; null when the block is not one.</summary>
    public static ConfigEnvelope? ReadConfigBlock(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        if (block.Data?.Data.Count != 1)
        {
            return null;
        }

        try
        {
            var envelope = Envelope.Parser.ParseFrom(block.Data.Data[0]);
            var payload = Payload.Parser.ParseFrom(envelope.Payload);
            var header = ChannelHeader.Parser.ParseFrom(payload.Header?.ChannelHeader ?? ByteString.Empty);
            return header.Type == (int)HeaderType.Config ? ConfigEnvelope.Parser.ParseFrom(payload.Data) : null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>The number of the last config block as a block's metadata names it (Fabric 2.x: in SIGNATURES' orderer metadata).</summary>
    public static ulong LastConfigIndex(Block block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var metadata = block.Metadata?.Metadata;
        if (metadata is null || metadata.Count == 0)
        {
            return 0;
        }

        var signatures = Metadata.Parser.ParseFrom(metadata[(int)BlockMetadataIndex.Signatures]);
        return OrdererBlockMetadata.Parser.ParseFrom(signatures.Value).LastConfig?.Index ?? 0;
    }

    /// <summary>The PEM text of each root certificate of an organisation group's MSP (empty when none or unreadable).</summary>
    public static IReadOnlyList<string> RootCertificates(ConfigGroup organization)
    {
        ArgumentNullException.ThrowIfNull(organization);
        try
        {
            var value = organization.Values.GetValueOrDefault(MspKey)?.Value ?? ByteString.Empty;
            var msp = FabricMSPConfig.Parser.ParseFrom(MSPConfig.Parser.ParseFrom(value).Config);
            return [.. msp.RootCerts.Select(c => Encoding.UTF8.GetString(c.Span))];
        }
        catch (InvalidProtocolBufferException)
        {
            return [];
        }
    }
}
