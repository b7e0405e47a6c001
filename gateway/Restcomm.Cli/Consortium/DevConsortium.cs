using System.Globalization;
using Google.Protobuf;
using Grpc.Net.Client;
using Restcomm.Fabric.Client;
using Restcomm.Fabric.Ledger;
using Restcomm.Fabric.Protos.Common;

namespace Restcomm.Cli.Consortium;

/// <summary>
/// The membership steps on the dev network, in C# where the real network uses Fabric's tools: read the channel's config
/// block over Deliver (as a member's admin), compute the <see cref="ConfigUpdate"/> that adds or removes the
/// organisation's group, sign it with each chosen admin's key from <c>.run/network.json</c>, and broadcast it to
/// <c>orderer.AtomicBroadcast/Broadcast</c> on the submitter's endpoint. The dev network enforces the same majority as
/// the orderer. There is no separate join: the dev network's peer of the organisation serves the channel as soon as the
/// config block commits, and the pair collections follow the membership (the dev network has no lifecycle).
/// </summary>
internal sealed class DevConsortium(FabricNetworkDescription network, TextWriter stdout)
{
    /// <summary>The MSP ID of <paramref name="name"/> (<c>Org4MSP</c>, or the network's key for it, <c>org4</c>).</summary>
    public string MspId(string name)
    {
        var org = network.Orgs.FirstOrDefault(o => string.Equals(o.MspId, name, StringComparison.OrdinalIgnoreCase)
            || string.Equals(o.MspId, name + "MSP", StringComparison.OrdinalIgnoreCase));
        return org?.MspId ?? throw new ConsortiumException($"no organisation {name} in the network description (its orgs are {string.Join(", ", network.Orgs.Select(o => o.MspId))})");
    }

    /// <summary>The whole change: update, signatures of <paramref name="signers"/> (default: the first majority of the members), submit.</summary>
    public async Task<int> ChangeAsync(string channel, string org, bool remove, string? mspDir, string? signers, CancellationToken cancellationToken)
    {
        var mspId = MspId(org);
        var (config, update) = await UpdateAsync(channel, mspId, remove, mspDir, cancellationToken).ConfigureAwait(false);
        if (update is null)
        {
            await stdout.WriteLineAsync(remove
                ? $"{mspId} is no member of {channel}: nothing to do."
                : $"{mspId} is already a member of {channel}: nothing to do.").ConfigureAwait(false);
            return 0;
        }

        var members = ChannelConfiguration.Organizations(config).Keys.Order(StringComparer.Ordinal).ToList();
        var chosen = string.IsNullOrWhiteSpace(signers)
            ? [.. members.Where(m => m != mspId).Take(Majority(members.Count)).Select(m => (MspId: m, User: (string?)null))]
            : signers.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Signer).ToList();
        if (chosen.Count == 0)
        {
            throw new ConsortiumException("no signer: name at least one admin with --signers");
        }

        var envelope = ChannelConfiguration.UpdateEnvelope(update);
        foreach (var (signer, user) in chosen.Skip(1))
        {
            envelope = await SignAsync(envelope, signer, user, cancellationToken).ConfigureAwait(false);
        }

        await SubmitAsync(channel, envelope, chosen[0].MspId, cancellationToken).ConfigureAwait(false);
        var (after, _) = await FetchAsync(channel, chosen[0].MspId, cancellationToken).ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{channel}: {mspId} {(remove ? "removed" : "added")} (configuration sequence {after.Sequence}; signed by {string.Join(", ", chosen.Select(c => c.User is null ? c.MspId + " admin" : $"{c.MspId} {c.User}"))}). " +
            $"Members: {string.Join(", ", ChannelConfiguration.Organizations(after).Keys.Order(StringComparer.Ordinal))}.")).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Writes the unsigned update envelope (<c>update</c>), as the real network's <c>config-update</c> step.</summary>
    public async Task<int> WriteUpdateAsync(string channel, string org, bool remove, string? mspDir, string file, CancellationToken cancellationToken)
    {
        var mspId = MspId(org);
        var (config, update) = await UpdateAsync(channel, mspId, remove, mspDir, cancellationToken).ConfigureAwait(false);
        if (update is null)
        {
            await stdout.WriteLineAsync($"{mspId} is {(remove ? "no" : "already a")} member of {channel}: nothing to do, no file written.").ConfigureAwait(false);
            return 0;
        }

        await File.WriteAllBytesAsync(file, ChannelConfiguration.UpdateEnvelope(update).ToByteArray(), cancellationToken).ConfigureAwait(false);
        var count = ChannelConfiguration.Organizations(config).Count;
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{file}: the update {(remove ? "removing" : "adding")} {mspId} on {channel}; it needs the signatures of {Majority(count)} of the {count} members' admins (MAJORITY Admins).")).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Adds one signature to the envelope in <paramref name="file"/> (<c>sign</c>).</summary>
    public async Task<int> SignFileAsync(string file, string org, string? user, CancellationToken cancellationToken)
    {
        var envelope = Envelope.Parser.ParseFrom(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
        var mspId = MspId(org);
        envelope = await SignAsync(envelope, mspId, string.IsNullOrEmpty(user) ? null : user, cancellationToken).ConfigureAwait(false);
        await File.WriteAllBytesAsync(file, envelope.ToByteArray(), cancellationToken).ConfigureAwait(false);
        await stdout.WriteLineAsync($"{file}: signed by {mspId} {user ?? "admin"} ({ChannelConfiguration.ReadUpdateEnvelope(envelope).Signatures.Count} signatures).").ConfigureAwait(false);
        return 0;
    }

    /// <summary>The admin of <paramref name="org"/> signs the envelope in <paramref name="file"/> as it submits it (<c>submit</c>).</summary>
    public async Task<int> SubmitFileAsync(string channel, string file, string org, CancellationToken cancellationToken)
    {
        var envelope = Envelope.Parser.ParseFrom(await File.ReadAllBytesAsync(file, cancellationToken).ConfigureAwait(false));
        var mspId = MspId(org);
        await SubmitAsync(channel, envelope, mspId, cancellationToken).ConfigureAwait(false);
        var (after, _) = await FetchAsync(channel, mspId, cancellationToken).ConfigureAwait(false);
        await stdout.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{channel}: update accepted (configuration sequence {after.Sequence}). Members: {string.Join(", ", ChannelConfiguration.Organizations(after).Keys.Order(StringComparer.Ordinal))}.")).ConfigureAwait(false);
        return 0;
    }

    private static int Majority(int count) => (count / 2) + 1;

    private (string MspId, string? User) Signer(string entry)
    {
        var colon = entry.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? (MspId(entry), null) : (MspId(entry[..colon]), entry[(colon + 1)..]);
    }

    private async Task<(Config Config, ConfigUpdate? Update)> UpdateAsync(string channel, string mspId, bool remove, string? mspDir, CancellationToken cancellationToken)
    {
        // Read the configuration as an admin of a member (the newcomer cannot read the channel yet).
        var config = await MemberReadAsync(channel, mspId, cancellationToken).ConfigureAwait(false);
        if (remove)
        {
            return (config, ChannelConfiguration.RemoveOrganization(config, channel, mspId));
        }

        if (ChannelConfiguration.Organizations(config).ContainsKey(mspId))
        {
            return (config, null);
        }

        ConfigGroup group;
        try
        {
            group = ChannelConfiguration.OrganizationFromMspFolder(mspId, mspDir ?? OrgMspFolder(mspId));
        }
        catch (InvalidDataException e)
        {
            throw new ConsortiumException(e.Message + "; nothing was sent");
        }

        return (config, ChannelConfiguration.AddOrganization(config, channel, mspId, group));
    }

    /// <summary>The organisation's MSP folder in the cryptogen layout its admin certificate lives in (<c>…/&lt;domain&gt;/msp</c>).</summary>
    private string OrgMspFolder(string mspId)
    {
        var admin = network.GetOrg(mspId).AdminCertFile ?? throw new ConsortiumException($"the network description gives no admin certificate for {mspId}; pass --msp-dir");
        var orgDir = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(admin)))));
        return Path.Combine(orgDir ?? ".", "msp");
    }

    /// <summary>The configuration as the first listed member other than <paramref name="subject"/> whose admin can read the channel reads it.</summary>
    private async Task<Config> MemberReadAsync(string channel, string subject, CancellationToken cancellationToken)
    {
        var listed = network.Channels.FirstOrDefault(c => c.Name == channel)
            ?? throw new ConsortiumException($"no channel {channel} in the network description");
        foreach (var candidate in listed.Members.Where(m => m != subject).Append(subject))
        {
            try
            {
                return (await FetchAsync(channel, candidate, cancellationToken).ConfigureAwait(false)).Config;
            }
            catch (ConfigUpdateException)
            {
            }
        }

        throw new ConsortiumException($"no member's admin could read channel {channel}'s configuration");
    }

    private async Task<(Config Config, ulong Block)> FetchAsync(string channel, string mspId, CancellationToken cancellationToken)
    {
        var org = network.GetOrg(mspId);
        using var grpc = org.CreateConnectionOptions().CreateChannel();
        return await ChannelConfigUpdates.FetchConfigAsync(grpc.CreateCallInvoker(), channel, org.LoadIdentity(FabricUserRole.Admin), org.LoadSigner(FabricUserRole.Admin), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Envelope> SignAsync(Envelope envelope, string mspId, string? user, CancellationToken cancellationToken)
    {
        var org = network.GetOrg(mspId);
        var options = user is null || user == "Admin" ? org.CreateGatewayOptions(FabricUserRole.Admin) : org.CreateGatewayOptions(user);
        return await ChannelConfigUpdates.SignAsync(envelope, options.Identity!, options.Signer!, cancellationToken).ConfigureAwait(false);
    }

    private async Task SubmitAsync(string channel, Envelope envelope, string mspId, CancellationToken cancellationToken)
    {
        var org = network.GetOrg(mspId);
        var updateChannel = ConfigUpdate.Parser.ParseFrom(ChannelConfiguration.ReadUpdateEnvelope(envelope).ConfigUpdate).ChannelId;
        if (updateChannel != channel)
        {
            throw new ConsortiumException($"the update is for channel {updateChannel}, not {channel}");
        }

        using GrpcChannel grpc = org.CreateConnectionOptions().CreateChannel();
        try
        {
            await ChannelConfigUpdates.SubmitAsync(grpc.CreateCallInvoker(), envelope, org.LoadIdentity(FabricUserRole.Admin), org.LoadSigner(FabricUserRole.Admin), cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigUpdateException e)
        {
            throw new ConsortiumException($"{e.Message}\nThe channel {channel} is unchanged.");
        }
    }
}

/// <summary>A membership step that could not be done; the message says why and what is unchanged.</summary>
internal sealed class ConsortiumException(string message) : Exception(message);
