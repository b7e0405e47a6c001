using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Restcomm.DevNetwork.Crypto;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;
using Restcomm.Fabric.Protos.Msp;

namespace Restcomm.DevNetwork.Configuration;

/// <summary>
/// A config update the channel refuses; the channel is unchanged. The message is the orderer's; <paramref name="status"/>
/// is its answer: BAD_REQUEST for an update that does not validate, FORBIDDEN for a submitter the channel's Writers refuse.
/// </summary>
internal sealed class ConfigUpdateRefusedException(string message, Status status = Status.BadRequest) : Exception(message)
{
    /// <summary>The orderer's status for this refusal.</summary>
    public Status Status => status;
}

/// <summary>
/// The channel configuration of a dev channel's block 0, laid out as <c>configtxgen</c> writes it from
/// <c>network/fabric/configtx.yaml</c>: <c>/Channel</c> (Readers ANY, Writers ANY, Admins MAJORITY) holding
/// <c>/Channel/Application</c> (the same, plus Endorsement and LifecycleEndorsement MAJORITY Endorsement) with one group
/// per organisation: its MSP (root and TLS root CA certificates, NodeOUs) and signature policies by role. There is no
/// orderer group: the dev network has no orderer organisation.
/// </summary>
internal static class ChannelGenesis
{
    public static Config Build(ChannelConfig channel, string cryptoRoot, DevNetworkConfig network)
    {
        var application = new ConfigGroup { ModPolicy = ChannelConfiguration.AdminsPolicy };
        foreach (var mspId in channel.AllOrgs)
        {
            var layout = new OrgLayout(cryptoRoot, network.Org(mspId).Domain);
            application.Groups[mspId] = ChannelConfiguration.Organization(
                mspId, [File.ReadAllText(layout.CaCert)], [File.ReadAllText(layout.TlsCaCert)], writer: channel.Members.Contains(mspId));
        }

        AddMetaPolicies(application);
        application.Policies["Endorsement"] = ChannelConfiguration.ImplicitMeta(ImplicitMetaPolicy.Types.Rule.Majority, "Endorsement");
        application.Policies["LifecycleEndorsement"] = ChannelConfiguration.ImplicitMeta(ImplicitMetaPolicy.Types.Rule.Majority, "Endorsement");
        var root = new ConfigGroup { ModPolicy = ChannelConfiguration.AdminsPolicy };
        root.Groups[ChannelConfiguration.ApplicationGroup] = application;
        AddMetaPolicies(root);
        return new Config { Sequence = 0, ChannelGroup = root };
    }

    private static void AddMetaPolicies(ConfigGroup group)
    {
        group.Policies["Readers"] = ChannelConfiguration.ImplicitMeta(ImplicitMetaPolicy.Types.Rule.Any, "Readers");
        group.Policies["Writers"] = ChannelConfiguration.ImplicitMeta(ImplicitMetaPolicy.Types.Rule.Any, "Writers");
        group.Policies["Admins"] = ChannelConfiguration.ImplicitMeta(ImplicitMetaPolicy.Types.Rule.Majority, "Admins");
    }

    /// <summary>
    /// The organisations a configuration names under <c>/Channel/Application</c>, in key order: writing members (their
    /// Writers policy admits a client or member identity) and read-only ones (admin alone, as the regulator's).
    /// </summary>
    public static (List<string> Members, List<string> Readers) Membership(Config config)
    {
        var members = new List<string>();
        var readers = new List<string>();
        foreach (var (name, group) in ChannelConfiguration.Organizations(config).OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            var writers = group.Policies.GetValueOrDefault("Writers")?.Policy;
            var writes = writers is { Type: (int)Policy.Types.PolicyType.Signature }
                && SignaturePolicyEnvelope.Parser.ParseFrom(writers.Value).Identities
                    .Where(p => p.PrincipalClassification == MSPPrincipal.Types.Classification.Role)
                    .Select(p => MSPRole.Parser.ParseFrom(p.Principal).Role)
                    .Any(r => r is MSPRole.Types.MSPRoleType.Client or MSPRole.Types.MSPRoleType.Member);
            (writes ? members : readers).Add(MspIdOf(name, group));
        }

        return (members, readers);
    }

    /// <summary>The MSP ID an organisation group's MSP names (its group key when unreadable).</summary>
    public static string MspIdOf(string groupKey, ConfigGroup group)
    {
        try
        {
            var msp = FabricMSPConfig.Parser.ParseFrom(MSPConfig.Parser.ParseFrom(group.Values.GetValueOrDefault(ChannelConfiguration.MspKey)?.Value ?? ByteString.Empty).Config);
            return msp.Name.Length > 0 ? msp.Name : groupKey;
        }
        catch (InvalidProtocolBufferException)
        {
            return groupKey;
        }
    }
}

/// <summary>
/// Evaluates a configuration's policies as Fabric's policy manager does: a <c>SIGNATURE</c> policy over the signers'
/// roles (cauthdsl), an <c>IMPLICIT_META</c> one over the named sub-policy of every sub-group with the threshold of its
/// rule (ANY 1, ALL every one, MAJORITY more than half).
/// </summary>
internal static class ConfigPolicies
{
    /// <summary>Null when satisfied, else Fabric's reason.</summary>
    public static string? Evaluate(ConfigGroup group, string policyName, IReadOnlyList<Signer> signers)
    {
        if (!group.Policies.TryGetValue(policyName, out var configPolicy) || configPolicy.Policy is null)
        {
            return $"policy {policyName} not found";
        }

        var policy = configPolicy.Policy;
        switch ((Policy.Types.PolicyType)policy.Type)
        {
            case Policy.Types.PolicyType.Signature:
                var envelope = SignaturePolicyEnvelope.Parser.ParseFrom(policy.Value);
                return new CompiledPolicy(envelope, policyName).IsSatisfiedBy(signers) ? null : "signature set did not satisfy policy";
            case Policy.Types.PolicyType.ImplicitMeta:
                var meta = ImplicitMetaPolicy.Parser.ParseFrom(policy.Value);
                var subs = group.Groups.Values.ToList();
                var threshold = meta.Rule switch
                {
                    ImplicitMetaPolicy.Types.Rule.Any => 1,
                    ImplicitMetaPolicy.Types.Rule.All => subs.Count,
                    _ => (subs.Count / 2) + 1,
                };
                if (subs.Count == 0)
                {
                    threshold = 0;
                }

                var satisfied = subs.Count(g => Evaluate(g, meta.SubPolicy, signers) is null);
                return satisfied >= threshold
                    ? null
                    : string.Create(CultureInfo.InvariantCulture, $"implicit policy evaluation failed - {satisfied} sub-policies were satisfied, but this policy requires {threshold} of the '{meta.SubPolicy}' sub-policies to be satisfied");
            default:
                return $"policy {policyName} has an unknown type {policy.Type}";
        }
    }
}

/// <summary>
/// Applies a <c>CONFIG_UPDATE</c> to a channel's configuration the way Fabric's <c>configtx</c> validator does
/// (common/configtx/update.go): the update is for this channel; every read-set element exists at the version read; the
/// delta (write-set elements absent from the read set or at another version) is not empty, an existing element moves
/// exactly one version and the signatures satisfy its mod_policy (resolved from the element's group, e.g. a group's
/// <c>Admins</c> is its own <c>Admins</c>, so adding an organisation is <c>/Channel/Application/Admins</c>: MAJORITY of
/// the members' admins), a new element starts at version 0; then the new configuration (sequence + 1) must set up:
/// every organisation's MSP has a CA certificate.
/// </summary>
internal sealed class ConfigUpdateValidator(Msp msp, DevNetworkConfig network, string cryptoRoot)
{
    private const string Root = "Channel";

    public Config Apply(Config current, string channelId, Envelope envelope)
    {
        string Refuse(string reason) => $"error applying config update to existing channel '{channelId}': {reason}";
        ConfigUpdateEnvelope updateEnvelope;
        ConfigUpdate update;
        try
        {
            updateEnvelope = ChannelConfiguration.ReadUpdateEnvelope(envelope);
            update = ConfigUpdate.Parser.ParseFrom(updateEnvelope.ConfigUpdate);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidProtocolBufferException)
        {
            throw new ConfigUpdateRefusedException(Refuse("error authorizing update: " + e.Message));
        }

        if (update.ChannelId != channelId)
        {
            throw new ConfigUpdateRefusedException(Refuse($"error authorizing update: ConfigUpdate for channel '{update.ChannelId}' but envelope for channel '{channelId}'"));
        }

        if (update.WriteSet is null)
        {
            throw new ConfigUpdateRefusedException(Refuse("error authorizing update: error validating DeltaSet: delta set was empty -- update would have no effect"));
        }

        var existing = Flatten(current.ChannelGroup);
        var read = update.ReadSet is null ? [] : Flatten(update.ReadSet);
        foreach (var (key, item) in read)
        {
            if (!existing.TryGetValue(key, out var now))
            {
                throw new ConfigUpdateRefusedException(Refuse($"error authorizing update: error validating ReadSet: existing config does not contain element for {key} but was in the read set"));
            }

            if (now.Version != item.Version)
            {
                throw new ConfigUpdateRefusedException(Refuse($"error authorizing update: error validating ReadSet: proposed update requires that key {key} be at version {item.Version}, but it is currently at version {now.Version}"));
            }
        }

        var write = Flatten(update.WriteSet);
        var delta = write.Where(w => !read.TryGetValue(w.Key, out var r) || r.Version != w.Value.Version).ToDictionary(w => w.Key, w => w.Value, StringComparer.Ordinal);
        var signers = Signers(updateEnvelope);
        var failure = VerifyDelta(delta, existing, current.ChannelGroup, signers);
        if (failure is not null)
        {
            throw new ConfigUpdateRefusedException(Refuse("error authorizing update: error validating DeltaSet: " + failure));
        }

        ConfigGroup merged;
        try
        {
            merged = Merge(current.ChannelGroup, update.WriteSet, "/" + Root, delta);
        }
        catch (KeyNotFoundException e)
        {
            throw new ConfigUpdateRefusedException(Refuse("error authorizing update: " + e.Message));
        }

        var proposed = new Config { Sequence = current.Sequence + 1, ChannelGroup = merged };
        var mspFailure = CheckMsps(proposed);
        if (mspFailure is not null)
        {
            throw new ConfigUpdateRefusedException(Refuse("initializing channelconfig failed: could not create channel Application sub-group config: " + mspFailure));
        }

        return proposed;
    }

    /// <summary>The identities whose ConfigSignatures verify (each counted once), as a policy sees them.</summary>
    private List<Signer> Signers(ConfigUpdateEnvelope envelope)
    {
        var signers = new List<Signer>();
        var seen = new HashSet<ByteString>();
        foreach (var signature in envelope.Signatures)
        {
            SignatureHeader header;
            try
            {
                header = SignatureHeader.Parser.ParseFrom(signature.SignatureHeader);
            }
            catch (InvalidProtocolBufferException)
            {
                continue;
            }

            var identity = msp.Deserialize(header.Creator);
            if (identity is null || !seen.Add(header.Creator)
                || !identity.Verify(ChannelConfiguration.SignedBytes(signature.SignatureHeader, envelope.ConfigUpdate), signature.Signature.Span))
            {
                continue;
            }

            signers.Add(identity.AsSigner);
        }

        return signers;
    }

    private static string? VerifyDelta(Dictionary<string, Item> delta, Dictionary<string, Item> existing, ConfigGroup root, List<Signer> signers)
    {
        if (delta.Count == 0)
        {
            return "delta set was empty -- update would have no effect";
        }

        foreach (var (key, value) in delta.OrderBy(d => d.Key, StringComparer.Ordinal))
        {
            if (value.ModPolicy.Length == 0)
            {
                return $"invalid mod_policy for element {key}: mod_policy not set";
            }

            if (!existing.TryGetValue(key, out var now))
            {
                if (value.Version != 0)
                {
                    return $"attempted to set key {key} to version {value.Version}, but key does not exist";
                }

                continue;
            }

            if (value.Version != now.Version + 1)
            {
                return $"attempt to set key {key} to version {value.Version}, but key is at version {now.Version}";
            }

            var reason = EvaluateModPolicy(root, now, signers);
            if (reason is not null)
            {
                return $"policy for {key} not satisfied: {reason}";
            }
        }

        return null;
    }

    /// <summary>
    /// An element's mod_policy, as Fabric's <c>policyForItem</c> resolves it: relative to the group holding a value or
    /// policy, to the group itself for a group; an absolute path (<c>/Channel/…</c>) from the root.
    /// </summary>
    private static string? EvaluateModPolicy(ConfigGroup root, Item item, List<Signer> signers)
    {
        var modPolicy = item.ModPolicy;
        List<string> groupPath;
        if (modPolicy.StartsWith('/'))
        {
            var parts = modPolicy.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length < 2 || parts[0] != Root)
            {
                return $"no policy {modPolicy}";
            }

            groupPath = [.. parts[1..^1]];
            modPolicy = parts[^1];
        }
        else
        {
            groupPath = [.. item.GroupPath];
            if (item.Kind == ItemKind.Group && item.Name.Length > 0)
            {
                groupPath.Add(item.Name);
            }
        }

        var group = root;
        foreach (var name in groupPath)
        {
            if (!group.Groups.TryGetValue(name, out group))
            {
                return $"no policy {item.ModPolicy}";
            }
        }

        return ConfigPolicies.Evaluate(group, modPolicy, signers);
    }

    /// <summary>The new channel group: modified groups take the write set's members (absent ones are removed), unmodified elements keep their content.</summary>
    private static ConfigGroup Merge(ConfigGroup? current, ConfigGroup write, string path, Dictionary<string, Item> delta)
    {
        var modified = delta.ContainsKey(GroupKey(path));
        if (!modified && current is null)
        {
            throw new KeyNotFoundException($"the write set names {path}, which does not exist");
        }

        var result = modified ? new ConfigGroup { Version = write.Version, ModPolicy = write.ModPolicy } : current!.Clone();
        foreach (var (name, value) in write.Values)
        {
            var key = $"[Value]  {path}/{name}";
            result.Values[name] = delta.ContainsKey(key) ? value.Clone() : current?.Values.GetValueOrDefault(name)?.Clone() ?? throw new KeyNotFoundException($"the write set names {key}, which does not exist");
        }

        foreach (var (name, policy) in write.Policies)
        {
            var key = $"[Policy] {path}/{name}";
            result.Policies[name] = delta.ContainsKey(key) ? policy.Clone() : current?.Policies.GetValueOrDefault(name)?.Clone() ?? throw new KeyNotFoundException($"the write set names {key}, which does not exist");
        }

        foreach (var (name, group) in write.Groups)
        {
            result.Groups[name] = Merge(current?.Groups.GetValueOrDefault(name), group, $"{path}/{name}", delta);
        }

        return result;
    }

    /// <summary>
    /// Fabric sets up every organisation's MSP from the new configuration and refuses the update when one fails; the dev
    /// network also needs a peer of the organisation (an entry of devnet.json, its material under the crypto folder) and
    /// the CA it issued that material with, since its membership service is one for the whole network.
    /// </summary>
    private string? CheckMsps(Config proposed)
    {
        foreach (var (name, group) in ChannelConfiguration.Organizations(proposed))
        {
            var mspId = ChannelGenesis.MspIdOf(name, group);
            var roots = ChannelConfiguration.RootCertificates(group);
            if (roots.Count == 0)
            {
                return $"setting up the MSP manager failed: MSP {mspId}: expected at least one CA certificate";
            }

            var org = network.Orgs.FirstOrDefault(o => o.MspId == mspId);
            if (org is null || !msp.MspIds.Contains(mspId))
            {
                return $"setting up the MSP manager failed: MSP {mspId}: the dev network has no peer of this organisation (network/dev/devnet.json's orgs)";
            }

            var issued = X509Certificate2.CreateFromPem(File.ReadAllText(new OrgLayout(cryptoRoot, org.Domain).CaCert));
            var trusted = false;
            foreach (var pem in roots)
            {
                try
                {
                    using var cert = X509Certificate2.CreateFromPem(pem);
                    trusted |= cert.RawData.AsSpan().SequenceEqual(issued.RawData);
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                    return $"setting up the MSP manager failed: MSP {mspId}: a root certificate is not a PEM X.509 certificate";
                }
            }

            if (!trusted)
            {
                return $"setting up the MSP manager failed: MSP {mspId}: no root certificate is the CA the dev network issued the organisation's identities with";
            }
        }

        return null;
    }

    private enum ItemKind
    {
        Group,
        Value,
        Policy,
    }

    private sealed record Item(ItemKind Kind, IReadOnlyList<string> GroupPath, string Name, ulong Version, string ModPolicy);

    private static string GroupKey(string path) => "[Group]  " + path;

    /// <summary>Every element of a group tree by Fabric's key (<c>[Group]  /Channel/Application</c>, <c>[Value]  …</c>, <c>[Policy] …</c>).</summary>
    private static Dictionary<string, Item> Flatten(ConfigGroup root)
    {
        var items = new Dictionary<string, Item>(StringComparer.Ordinal);
        Walk(root, []);
        return items;

        void Walk(ConfigGroup group, List<string> groupPath)
        {
            var path = "/" + string.Join('/', [Root, .. groupPath]);
            items[GroupKey(path)] = groupPath.Count == 0
                ? new Item(ItemKind.Group, [], "", group.Version, group.ModPolicy)
                : new Item(ItemKind.Group, groupPath[..^1], groupPath[^1], group.Version, group.ModPolicy);
            foreach (var (k, v) in group.Values)
            {
                items[$"[Value]  {path}/{k}"] = new Item(ItemKind.Value, groupPath, k, v.Version, v.ModPolicy);
            }

            foreach (var (k, p) in group.Policies)
            {
                items[$"[Policy] {path}/{k}"] = new Item(ItemKind.Policy, groupPath, k, p.Version, p.ModPolicy);
            }

            foreach (var (k, g) in group.Groups)
            {
                Walk(g, [.. groupPath, k]);
            }
        }
    }
}
